/**
 * `applyLab`: builds a {@link LabPlan} with iproute2 — namespaces, bridges, veth pairs, aliases,
 * sysctls, addresses, links up, local routes — recording every namespace in the run manifest before
 * it is created. About a dozen short commands for a 3-node lab: one `ip -batch` for the namespaces,
 * one for the links (in the lab netns), then per namespace, in parallel, one `sysctl` and one
 * `ip -batch`.
 *
 * On failure the manifest already lists what may exist: the caller runs `teardownLab(manifest)`.
 */
import { stat } from 'node:fs/promises';
import { NETNS_DIR } from '../../control-plane/netns.ts';
import type { Clock } from '../../core/clock.ts';
import { SystemClock } from '../../core/system-clock.ts';
import type { RunManifest } from '../manifest/run-manifest.ts';
import { LabCommandError, runIpBatch } from '../net/ip-batch.ts';
import { labExec, type LabExec } from '../net/lab-exec.ts';
import { ownerMark } from '../manifest/owner-mark.ts';
import { planIpBatches, quoted } from './ip-batches.ts';
import { planNamespaces, type LabPlan } from './lab-plan.ts';
import { planLabSysctls, sysctlArgs } from './sysctls.ts';

/** Bring-up could not proceed; the message names the step and the object. */
export class LabApplyError extends Error {
  readonly code = 'lab-apply';
}

/** How long each step took and what could not be applied exactly. */
export interface ApplyLabReport {
  readonly runId: string;
  readonly steps: readonly { readonly step: string; readonly ms: number }[];
  readonly totalMs: number;
  /** Sysctl roundings and settings without a per-namespace sysctl. */
  readonly notes: readonly string[];
}

/** Options of {@link applyLab}. */
export interface ApplyLabOptions {
  /** Times the steps; default the system clock. */
  readonly clock?: Clock;
  readonly timeoutMs?: number;
}

async function netnsExists(name: string): Promise<boolean> {
  return (await stat(`${NETNS_DIR}/${name}`).catch(() => undefined)) !== undefined;
}

/**
 * Creates the namespaces of `names` that do not exist yet, recording them first. A namespace that
 * exists is accepted only when this run's manifest already records it (created earlier by this run).
 * @throws LabApplyError for a namespace that exists but belongs to no record of this run.
 */
async function createNamespaces(names: readonly string[], manifest: RunManifest, exec: LabExec, clock: Clock, timeoutMs?: number): Promise<void> {
  const missing: string[] = [];
  for (const name of names) {
    if (!(await netnsExists(name))) missing.push(name);
    else if (!manifest.resources.some((r) => r.kind === 'netns' && r.name === name)) {
      throw new LabApplyError(`creating netns ${name} for run ${manifest.runId}: it already exists and manifest ${manifest.path} does not record it (a leftover? try 'l2lab reap')`);
    }
  }
  if (missing.length === 0) return;
  await manifest.recordAll(missing.map((name) => ({ kind: 'netns' as const, name })));
  await runIpBatch(exec, missing.map((name) => `netns add ${name}`), { action: `creating the namespaces of run ${manifest.runId}`, clock, timeoutMs });
}

/**
 * Creates only the lab namespace (with its owner mark on `lo`), for a caller that must enter it
 * before the rest exists (the CLI re-executes the orchestrator inside it). `applyLab` later accepts it.
 */
export async function createLabNetns(plan: LabPlan, manifest: RunManifest, exec: LabExec = labExec, options: ApplyLabOptions = {}): Promise<void> {
  const clock = options.clock ?? new SystemClock();
  await createNamespaces([plan.labNetns], manifest, exec, clock, options.timeoutMs);
  const mark = ownerMark(plan.runId, manifest.owner, manifest.path);
  await runIpBatch(exec, [`link set lo alias ${quoted(mark)}`, 'link set lo up'], { netns: plan.labNetns, action: `marking the lab netns of run ${plan.runId}`, clock, timeoutMs: options.timeoutMs });
}

/**
 * Builds the lab of `plan`, recording each namespace in `manifest` before creating it.
 * `onProgress` gets one line per step with its duration.
 * @throws LabApplyError / LabCommandError naming the step, the netns and the kernel's message.
 */
export async function applyLab(plan: LabPlan, manifest: RunManifest, exec: LabExec = labExec, onProgress?: (line: string) => void, options: ApplyLabOptions = {}): Promise<ApplyLabReport> {
  if (manifest.runId !== plan.runId) throw new LabApplyError(`applying the lab of run ${plan.runId}: manifest ${manifest.path} belongs to run ${manifest.runId}`);
  const clock = options.clock ?? new SystemClock();
  const timeoutMs = options.timeoutMs;
  const startMs = clock.monotonicMs();
  const steps: { step: string; ms: number }[] = [];
  const timed = async (step: string, action: () => Promise<void>): Promise<void> => {
    const t0 = clock.monotonicMs();
    await action();
    const ms = clock.monotonicMs() - t0;
    steps.push({ step, ms });
    onProgress?.(`lab ${plan.runId}: ${step} (${ms.toFixed(0)} ms)`);
  };
  const batches = planIpBatches(plan, ownerMark(plan.runId, manifest.owner, manifest.path));
  const sysctls = planLabSysctls(plan);

  await timed(`${batches.netns.length} namespaces`, () => createNamespaces(planNamespaces(plan), manifest, exec, clock, timeoutMs));
  await timed(`${plan.segments.length + 1} bridges and their veth pairs`, () =>
    runIpBatch(exec, batches.labLinks, { netns: plan.labNetns, action: `creating the links of run ${plan.runId}`, clock, timeoutMs }),
  );
  await timed('sysctls, addresses, links up, local routes', async () => {
    await Promise.all(
      batches.perNetns.map(async ({ netns, lines }) => {
        const settings = sysctls.find((s) => s.netns === netns)?.settings ?? [];
        if (settings.length > 0) {
          await exec('ip', ['netns', 'exec', netns, 'sysctl', ...sysctlArgs(settings)], { timeoutMs }).catch((error: unknown) => {
            throw new LabCommandError(`setting the sysctls of netns ${netns}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          });
        }
        await runIpBatch(exec, lines, { netns, action: `configuring addresses and links of netns ${netns}`, clock, timeoutMs });
      }),
    );
  });
  const totalMs = clock.monotonicMs() - startMs;
  const notes = sysctls.flatMap((s) => s.notes.map((n) => `${s.netns}: ${n}`));
  for (const note of notes) onProgress?.(`lab ${plan.runId}: note: ${note}`);
  onProgress?.(`lab ${plan.runId}: up in ${totalMs.toFixed(0)} ms (${plan.nodes.length} nodes, ${plan.clients.length} clients, ${plan.segments.length} segments)`);
  return { runId: plan.runId, steps, totalMs, notes };
}
