/**
 * `l2lab run <scenario> --world lab`, host side. It checks the machine (root, tools, the built
 * control plane), plans the topology, writes the run manifest, builds namespaces/bridges/links
 * (recording each before it exists), then re-executes the orchestrator inside the lab namespace
 * (`l2lab lab-run`, see `lab-child.ts`) — the lab namespace is the lab's "host", as the Docker
 * host is kind's — and finally tears everything down, LIFO, whatever happened. SIGINT/SIGTERM
 * reach the child (same process group from a terminal; forwarded otherwise), which stops the run
 * and writes its report; the teardown here runs after it in every case.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BinariesMissingError, locateBinaries, REPO_ROOT } from '../../control-plane/binaries.ts';
import { EXIT, UserError } from '../../cli/user-error.ts';
import { systemExec } from '../../control-plane/exec.ts';
import type { Scenario } from '../../scenario/types.ts';
import { RunManifest } from '../manifest/run-manifest.ts';
import { teardownLab } from '../manifest/teardown.ts';
import { labExec } from '../net/lab-exec.ts';
import { applyLab } from '../topology/apply-lab.ts';
import { LabPlanError } from '../topology/lab-plan.ts';
import { planLab } from '../topology/plan-lab.ts';
import { stopLabControlPlane } from './lab-parts.ts';

/** Tools the lab needs on the host, with the Debian package that brings each. */
export const LAB_TOOLS: readonly { readonly tool: string; readonly pkg: string }[] = [
  { tool: 'ip', pkg: 'iproute2' },
  { tool: 'tc', pkg: 'iproute2' },
  { tool: 'nft', pkg: 'nftables' },
  { tool: 'tcpdump', pkg: 'tcpdump' },
  { tool: 'sysctl', pkg: 'procps' },
  { tool: 'openssl', pkg: 'openssl' },
];

/** What the command needs from outside. */
export interface LabCommandPorts {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly argv: readonly string[];
  readonly signal?: AbortSignal;
}

/** Options as `l2lab run` parsed them. */
export interface LabCommandOptions {
  readonly seed: number;
  readonly profile?: string;
  readonly out: string;
  readonly format: 'text' | 'json';
  readonly scenarioFile: string;
}

/**
 * Refuses to start when the machine cannot run the lab, naming what is missing and how to get it.
 * @throws UserError (exit 2).
 */
export async function labPreflight(): Promise<void> {
  if (process.getuid?.() !== 0) throw new UserError('--world lab needs root: it creates network namespaces, veth pairs and bridges and captures with tcpdump (run as root, e.g. sudo ./l2lab run … --world lab)');
  const missing: string[] = [];
  for (const { tool, pkg } of LAB_TOOLS) {
    const found = await systemExec('sh', ['-c', `command -v ${tool}`], { timeoutMs: 5_000 }).then(() => true, () => false);
    if (!found) missing.push(`${tool} (Debian package ${pkg})`);
  }
  if (missing.length > 0) throw new UserError(`--world lab: missing tools: ${missing.join(', ')}; 'make setup' installs them`);
  try {
    await locateBinaries();
  } catch (error) {
    if (error instanceof BinariesMissingError) throw new UserError(`--world lab needs the real control plane: ${error.message}; run 'make control-plane' (builds kube-apiserver and etcd once, ~5 min, cached in .cache/)`);
    throw error;
  }
}

/** A fresh run id: 6 characters of [a-z0-9] (namespaces are `l2l-<runId>-…`). */
export function newRunId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Runs the scenario in the lab; returns the exit code. @throws UserError for what the user can fix. */
export async function runLabCommand(scenario: Scenario, options: LabCommandOptions, ports: LabCommandPorts): Promise<number> {
  await labPreflight();
  const runId = newRunId();
  let plan;
  try {
    plan = planLab(scenario, runId);
  } catch (error) {
    if (error instanceof LabPlanError) throw new UserError(`${options.scenarioFile}: the topology cannot be built in the lab: ${error.message}`);
    throw error;
  }
  const out = resolve(options.out);
  const labDir = join(out, 'lab');
  // Process histories append: a second run into the same directory would merge two runs' ops.
  if (await exists(labDir)) throw new UserError(`--out ${options.out}: the directory already holds a lab run (${labDir}); choose another --out or remove it`);
  await mkdir(labDir, { recursive: true });
  const manifest = await RunManifest.create({ runId, runDir: out });
  const progress = (line: string): void => ports.stderr(`lab ${runId}: ${line}\n`);
  progress(`run manifest ${manifest.path}; report ${out}`);
  let code: number = EXIT.harnessError;
  try {
    await applyLab(plan, manifest, labExec, (line) => ports.stderr(`${line}\n`));
    const planPath = join(labDir, 'plan.json');
    await writeFile(planPath, `${JSON.stringify(plan, null, 2)}\n`);
    const args = [
      'netns', 'exec', plan.labNetns, process.execPath, '--max-semi-space-size=4', join(REPO_ROOT, 'bin/l2lab.mjs'), 'lab-run', options.scenarioFile,
      '--run-id', runId, '--manifest', manifest.path, '--plan', planPath, '--out', out, '--seed', String(options.seed), '--format', options.format,
      ...(options.profile === undefined ? [] : ['--profile', options.profile]), '--argv', JSON.stringify(ports.argv),
    ];
    code = await runChild(args, ports.signal);
  } finally {
    await stopLabControlPlane(labDir).catch(() => undefined);
    // The child recorded processes (captures, roles, the control plane) in the file: re-read it.
    const current = await RunManifest.load(manifest.path).catch(() => manifest);
    const report = await teardownLab(current);
    progress(`teardown: ${describeTeardown(report)}`);
  }
  return code;
}

function describeTeardown(report: Awaited<ReturnType<typeof teardownLab>>): string {
  const running = report.processes.filter((p) => p.how !== 'not-running').length;
  return `${report.processes.length} recorded process(es) (${running} still running, stopped), ${report.strays.length} unrecorded stopped, ${report.namespaces.length} namespace(s) and ${report.paths.length} path(s) removed`;
}

/** Runs the in-namespace orchestrator with inherited stdio; forwards an abort as SIGINT. */
function runChild(args: readonly string[], signal: AbortSignal | undefined): Promise<number> {
  return new Promise((resolveCode) => {
    const child = spawn('ip', args, { stdio: 'inherit' });
    const onAbort = (): void => void child.kill('SIGINT');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', () => resolveCode(EXIT.harnessError));
    child.once('exit', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      resolveCode(code ?? (sig === 'SIGINT' ? EXIT.interrupted : EXIT.harnessError));
    });
  });
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
