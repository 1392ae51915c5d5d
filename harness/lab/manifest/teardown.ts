/**
 * `teardownLab`: removes what a run's manifest records, newest first (LIFO), and forgets each item
 * as it goes, so an interrupted teardown resumes where it stopped (a second call, or `l2lab reap`).
 *
 * 1. Recorded processes: SIGTERM in LIFO order, awaited together, SIGKILL after a bounded wait —
 *    only while PID + start time still match (a recycled PID is never signalled).
 * 2. Namespaces, files and directories in LIFO order. Before its namespaces go, anything still
 *    running inside them (started but never recorded) is stopped the same way; this process and
 *    its ancestors are spared (the orchestrator runs inside the lab netns). A namespace that no
 *    longer exists is fine.
 *    Attached names (`netns-name`, a container's or the host's namespace) are only detached: what
 *    runs inside is not the run's.
 * 3. The manifest file itself, once nothing is left.
 *
 * The manifest is re-read first (the orchestrator records its processes in its own copy).
 * Idempotent: a torn-down manifest has no resources and no file, and a second call does nothing.
 */
import { rm, stat } from 'node:fs/promises';
import { NETNS_DIR } from '../../control-plane/netns.ts';
import { readProcStat, stopProcess, type ProcessRecord } from '../../control-plane/processes.ts';
import { runIpBatch } from '../net/ip-batch.ts';
import { labExec, type LabExec } from '../net/lab-exec.ts';
import { pidsInNamespaces, selfAndAncestors } from '../net/netns-pids.ts';
import { SystemClock } from '../../core/system-clock.ts';
import type { RunManifest } from './run-manifest.ts';
import { describeResource, type LabResource } from './schema.ts';

/** What one teardown did. */
export interface TeardownReport {
  readonly runId: string;
  /** Recorded processes and how each ended. */
  readonly processes: readonly { readonly name: string; readonly pid: number; readonly how: 'not-running' | 'terminated' | 'killed' }[];
  /** Unrecorded processes found inside the run's namespaces and stopped. */
  readonly strays: readonly { readonly netns: string; readonly pid: number; readonly how: 'not-running' | 'terminated' | 'killed' }[];
  readonly namespaces: readonly string[];
  readonly paths: readonly string[];
}

/** Some resources could not be removed; they stay in the manifest for the next attempt. */
export class TeardownError extends Error {
  readonly code = 'lab-teardown';
  readonly report: TeardownReport;

  constructor(message: string, report: TeardownReport) {
    super(message);
    this.report = report;
  }
}

/** Options of {@link teardownLab}. */
export interface TeardownOptions {
  readonly exec?: LabExec;
  /** SIGTERM → SIGKILL wait; default 5 000 ms. */
  readonly gracefulTimeoutMs?: number;
  /** Wait after SIGKILL; default 2 000 ms. */
  readonly killTimeoutMs?: number;
  readonly onProgress?: (line: string) => void;
}

type ProcessResource = Extract<LabResource, { kind: 'process' }>;

const asRecord = (p: { name: string; pid: number; startTimeTicks: number }): ProcessRecord => ({ ...p, argv: [], logPath: '' });

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/**
 * Tears down everything `manifest` records, then removes the manifest file.
 * @throws TeardownError listing what could not be removed (left recorded in the manifest).
 */
export async function teardownLab(manifest: RunManifest, options: TeardownOptions = {}): Promise<TeardownReport> {
  const exec = options.exec ?? labExec;
  const graceMs = options.gracefulTimeoutMs ?? 5_000;
  const killMs = options.killTimeoutMs ?? 2_000;
  const failures: string[] = [];
  const report = { runId: manifest.runId, processes: [] as TeardownReport['processes'][number][], strays: [] as TeardownReport['strays'][number][], namespaces: [] as string[], paths: [] as string[] };
  // Another process (the orchestrator) may have recorded resources this copy has not seen.
  if (!manifest.removed) await manifest.reload();
  if (manifest.removed) return report;

  const recorded = manifest.resources.filter((r): r is ProcessResource => r.kind === 'process').reverse();
  await Promise.all(
    recorded.map(async (p) => {
      try {
        const how = await stopProcess(asRecord(p), graceMs, killMs);
        report.processes.push({ name: p.name, pid: p.pid, how });
        await manifest.forget(p);
      } catch (error) {
        failures.push(`stopping ${describeResource(p)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );

  const rest = manifest.resources.filter((r) => r.kind !== 'process').reverse();
  for (let i = 0; i < rest.length; ) {
    const resource = rest[i];
    if (resource === undefined) break;
    if (resource.kind === 'netns') {
      // Consecutive namespaces go together: one /proc scan, one `ip -batch`.
      const group: Extract<LabResource, { kind: 'netns' }>[] = [];
      for (let r = rest[i]; r?.kind === 'netns'; r = rest[++i]) group.push(r);
      const removal = await removeNamespaces(
        group.map((g) => g.name),
        { exec, gracefulTimeoutMs: graceMs, killTimeoutMs: killMs, action: `deleting the namespaces of run ${manifest.runId}` },
      );
      report.strays.push(...removal.strays);
      report.namespaces.push(...removal.removed);
      failures.push(...removal.failures);
      for (const resource of group) if (removal.gone.includes(resource.name)) await manifest.forget(resource);
    } else if (resource.kind === 'netns-name') {
      i += 1;
      // `ip netns delete` of an attached name unmounts the name only; a name already gone is fine.
      const detached = await exec('ip', ['netns', 'delete', resource.name], { timeoutMs: 10_000 }).then(
        () => undefined,
        async (error: unknown) => ((await exists(`${NETNS_DIR}/${resource.name}`)) ? error : undefined),
      );
      if (detached === undefined) {
        report.namespaces.push(resource.name);
        await manifest.forget(resource);
      } else failures.push(`detaching ${describeResource(resource)}: ${detached instanceof Error ? detached.message : String(detached)}`);
    } else {
      i += 1;
      try {
        await rm(resource.path, { recursive: resource.kind === 'dir', force: true });
        report.paths.push(resource.path);
        await manifest.forget(resource);
      } catch (error) {
        failures.push(`removing ${describeResource(resource)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (failures.length > 0) throw new TeardownError(`tearing down lab run ${manifest.runId} (manifest ${manifest.path}): ${failures.length} item(s) left: ${failures.join('; ')}`, report);
  await manifest.remove();
  options.onProgress?.(`teardown of run ${manifest.runId}: ${report.processes.length} process(es), ${report.strays.length} stray(s), ${report.namespaces.length} namespace(s), ${report.paths.length} path(s)`);
  return report;
}

/** What {@link removeNamespaces} did. */
export interface NamespaceRemoval {
  /** Namespaces deleted now (not those already gone). */
  readonly removed: readonly string[];
  /** Namespaces that are gone (removed now or before). */
  readonly gone: readonly string[];
  readonly strays: TeardownReport['strays'];
  readonly failures: readonly string[];
}

/**
 * Stops whatever still runs inside the named namespaces (sparing this process and its ancestors),
 * then deletes the namespaces. Missing namespaces are fine. Used by teardown and by `l2lab reap`
 * for namespaces no manifest records.
 */
export async function removeNamespaces(names: readonly string[], options: { readonly exec: LabExec; readonly gracefulTimeoutMs: number; readonly killTimeoutMs: number; readonly action: string }): Promise<NamespaceRemoval> {
  const failures: string[] = [];
  const strays: TeardownReport['strays'][number][] = [];
  const spared = await selfAndAncestors();
  const pids = await pidsInNamespaces(names);
  const found = [...pids].flatMap(([netns, list]) => list.filter((pid) => !spared.has(pid)).map((pid) => ({ netns, pid })));
  await Promise.all(
    found.map(async ({ netns, pid }) => {
      const stat = await readProcStat(pid);
      if (stat === undefined) return;
      try {
        strays.push({ netns, pid, how: await stopProcess(asRecord({ name: `pid ${pid} in ${netns}`, pid, startTimeTicks: stat.startTimeTicks }), options.gracefulTimeoutMs, options.killTimeoutMs) });
      } catch (error) {
        failures.push(`stopping pid ${pid} left in netns ${netns}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  const present: string[] = [];
  for (const name of names) if (await exists(`${NETNS_DIR}/${name}`)) present.push(name);
  if (present.length > 0) {
    await runIpBatch(options.exec, present.map((n) => `netns del ${n}`), { action: options.action, clock: new SystemClock() }).catch((error: unknown) => {
      failures.push(error instanceof Error ? error.message : String(error));
    });
  }
  const gone: string[] = [];
  for (const name of names) {
    if (!(await exists(`${NETNS_DIR}/${name}`))) gone.push(name);
    else if (!failures.some((f) => f.includes(name))) failures.push(`deleting netns ${name}: still present`);
  }
  return { removed: present.filter((n) => gone.includes(n)), gone, strays, failures };
}
