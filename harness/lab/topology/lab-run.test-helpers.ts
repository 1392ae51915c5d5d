/**
 * Helpers for the lab tests: whether the machine can run them, a lab built from scenario text in
 * a temporary runs directory (torn down in `afterAll`, even after a failure), and small probes that
 * run inside the lab's namespaces (only ever to addresses of those namespaces).
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunManifest } from '../manifest/run-manifest.ts';
import { teardownLab } from '../manifest/teardown.ts';
import { applyLab, type ApplyLabReport } from './apply-lab.ts';
import { parseLabScenario, TWO_NODE_SCENARIO } from './fixtures.test-helpers.ts';

export { TWO_NODE_SCENARIO };
import type { LabPlan } from './lab-plan.ts';
import { planLab } from './plan-lab.ts';

const has = (file: string, args: string[]): boolean => spawnSync(file, args, { stdio: 'ignore' }).error === undefined;

/** Root with iproute2, nft, ping: the lab tests run; otherwise they skip and say why. */
export const LAB_READY = process.getuid?.() === 0 && has('ip', ['-V']) && has('nft', ['--version']) && has('ping', ['-V']);

/** A run id no other test or run uses (6 lowercase hex characters, like the CLI's). */
export function testRunId(): string {
  return randomBytes(3).toString('hex');
}

/** A built lab and how to remove it. */
export interface TestLab {
  readonly plan: LabPlan;
  readonly manifest: RunManifest;
  readonly runsDir: string;
  readonly report: ApplyLabReport;
  /** Tears the lab down (idempotent) and removes the runs directory. */
  dispose(): Promise<void>;
}

/** Plans and applies the lab of `scenarioText` under a fresh run id and temporary runs directory. */
export async function startTestLab(scenarioText: string = TWO_NODE_SCENARIO, onProgress?: (line: string) => void): Promise<TestLab> {
  const runId = testRunId();
  const runsDir = await mkdtemp(join(tmpdir(), 'l2lab-lab-runs-'));
  const plan = planLab(parseLabScenario(scenarioText), runId);
  const manifest = await RunManifest.create({ runId, runDir: runsDir, runsDir });
  const dispose = async (): Promise<void> => {
    await teardownLab(manifest);
    await rm(runsDir, { recursive: true, force: true });
  };
  try {
    const report = await applyLab(plan, manifest, undefined, onProgress);
    return { plan, manifest, runsDir, report, dispose };
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
}

/** Runs a command; resolves with its exit code and output (never rejects for a non-zero exit). */
export function runCommand(file: string, args: readonly string[], timeoutMs = 15_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `args` inside `netns`. */
export function inNetns(netns: string, args: readonly string[], timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCommand('ip', ['netns', 'exec', netns, ...args], timeoutMs);
}

/** One ping that must be answered within 1 s per try; up to `tries` tries (links just raised re-resolve ARP). */
export async function pingOk(netns: string, ip: string, tries = 3): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) if ((await inNetns(netns, ['ping', '-c', '1', '-W', '1', '-q', ip])).code === 0) return true;
  return false;
}

/** Two pings, each given 1 s: true when neither is answered. */
export async function pingFails(netns: string, ip: string): Promise<boolean> {
  return (await inNetns(netns, ['ping', '-c', '2', '-i', '0.2', '-W', '1', '-q', ip])).code !== 0;
}

/** Namespaces on the machine whose name carries `runId`. */
export async function namespacesOfRun(runId: string): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['netns', 'list']);
  return stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name.includes(`-${runId}-`));
}
