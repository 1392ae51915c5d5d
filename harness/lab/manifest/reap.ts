/**
 * `l2lab reap`'s effects: gathers the facts {@link decideReap} needs (manifests and their owners,
 * the lab namespaces on the machine, owner marks, processes inside), then carries the decisions out
 * (or, with `dryRun`, only says what it would remove).
 */
import { readdir } from 'node:fs/promises';
import { NETNS_DIR } from '../../control-plane/netns.ts';
import { isRunning } from '../../control-plane/processes.ts';
import { labExec, type LabExec } from '../net/lab-exec.ts';
import { pidsInNamespaces, selfAndAncestors } from '../net/netns-pids.ts';
import { LAB_NETNS_SUFFIX, runIdOfAttachedNetns, runIdOfNetns, runNetnsName } from '../topology/names.ts';
import { decideReap, type ManifestFact, type MarkFact, type ReapAction, type ReapFacts } from './decide-reap.ts';
import { parseOwnerMark } from './owner-mark.ts';
import { listManifests, RunManifest } from './run-manifest.ts';
import { describeResource } from './schema.ts';
import { removeNamespaces, teardownLab, TeardownError } from './teardown.ts';

/** Options of {@link reap}. */
export interface ReapOptions {
  readonly runsDir: string;
  readonly dryRun: boolean;
  /** Only this run id. */
  readonly onlyRun?: string;
  readonly exec?: LabExec;
  readonly gracefulTimeoutMs?: number;
  readonly killTimeoutMs?: number;
}

/** What reap decided and did, as lines for the terminal. */
export interface ReapOutcome {
  readonly actions: readonly ReapAction[];
  /** One line per run or file, plus indented detail lines. */
  readonly lines: readonly string[];
  /** Files in the runs directory that are not valid manifests. */
  readonly badManifests: readonly string[];
  /** What could not be removed. */
  readonly failures: readonly string[];
}

async function netnsNames(): Promise<string[]> {
  return readdir(NETNS_DIR).catch(() => [] as string[]);
}

async function readOwnerMark(exec: LabExec, labNetns: string): Promise<ReturnType<typeof parseOwnerMark>> {
  try {
    const { stdout } = await exec('ip', ['-n', labNetns, '-j', 'link', 'show', 'lo'], { timeoutMs: 5_000 });
    const links = JSON.parse(stdout) as { ifalias?: string }[];
    return parseOwnerMark(links[0]?.ifalias ?? '');
  } catch {
    return undefined;
  }
}

/** The facts about every run in `runsDir` and every lab namespace, plus the loaded manifests by path. */
export async function gatherReapFacts(runsDir: string, exec: LabExec, onlyRun?: string): Promise<{ facts: ReapFacts; manifests: Map<string, RunManifest> }> {
  const manifests = new Map<string, RunManifest>();
  const facts: ManifestFact[] = [];
  for (const entry of await listManifests(runsDir)) {
    const runIdFromName = /([a-z0-9]{1,12})\.json$/.exec(entry.path)?.[1];
    if (!entry.ok) {
      facts.push({ path: entry.path, ok: false, error: entry.error, ...(runIdFromName === undefined ? {} : { runId: runIdFromName }) });
      continue;
    }
    manifests.set(entry.path, entry.manifest);
    facts.push({ path: entry.path, ok: true, runId: entry.manifest.runId, ownerPid: entry.manifest.owner.pid, ownerAlive: await isRunning(entry.manifest.owner) });
  }
  const namespacesByRun = new Map<string, string[]>();
  for (const name of await netnsNames()) {
    const runId = runIdOfNetns(name);
    if (runId !== undefined) namespacesByRun.set(runId, [...(namespacesByRun.get(runId) ?? []), name]);
  }
  const covered = new Set(facts.flatMap((f) => (f.runId === undefined ? [] : [f.runId])));
  const marks = new Map<string, MarkFact>();
  const uncovered = [...namespacesByRun.keys()].filter((id) => !covered.has(id) && (onlyRun === undefined || id === onlyRun));
  for (const runId of uncovered) {
    const labNetns = runNetnsName(runId, LAB_NETNS_SUFFIX);
    if (!(namespacesByRun.get(runId) ?? []).includes(labNetns)) continue;
    const mark = await readOwnerMark(exec, labNetns);
    if (mark === undefined || mark.runId !== runId) continue;
    const owner = { pid: mark.ownerPid, startTimeTicks: mark.ownerStartTicks };
    const ownerAlive = await isRunning(owner);
    // The manifest the mark names (another runs directory) covers processes and files too.
    const foreign = await RunManifest.load(mark.manifestPath).catch(() => undefined);
    if (foreign?.runId === runId) {
      manifests.set(foreign.path, foreign);
      facts.push({ path: foreign.path, ok: true, runId, ownerPid: foreign.owner.pid, ownerAlive: await isRunning(foreign.owner) });
    } else marks.set(runId, { ownerPid: mark.ownerPid, ownerAlive });
  }
  const spared = await selfAndAncestors();
  const busyRuns = new Set<string>();
  const pids = await pidsInNamespaces(uncovered.flatMap((id) => namespacesByRun.get(id) ?? []));
  for (const [netns, list] of pids) {
    const runId = runIdOfNetns(netns);
    if (runId !== undefined && list.some((pid) => !spared.has(pid))) busyRuns.add(runId);
  }
  const attachedNames = (await netnsNames()).filter((name) => runIdOfAttachedNetns(name) !== undefined);
  const inside = await pidsInNamespaces(attachedNames);
  const attachedByRun = new Map<string, { name: string; inUse: boolean }[]>();
  for (const name of attachedNames) {
    const runId = runIdOfAttachedNetns(name) ?? '';
    attachedByRun.set(runId, [...(attachedByRun.get(runId) ?? []), { name, inUse: (inside.get(name) ?? []).some((pid) => !spared.has(pid)) }]);
  }
  return { facts: { manifests: facts, namespacesByRun, marks, busyRuns, attachedByRun, ...(onlyRun === undefined ? {} : { onlyRun }) }, manifests };
}

/** Finds dead runs and removes what they left (or lists it, with `dryRun`). */
export async function reap(options: ReapOptions): Promise<ReapOutcome> {
  const exec = options.exec ?? labExec;
  const timeouts = { gracefulTimeoutMs: options.gracefulTimeoutMs ?? 5_000, killTimeoutMs: options.killTimeoutMs ?? 2_000 };
  const { facts, manifests } = await gatherReapFacts(options.runsDir, exec, options.onlyRun);
  const actions = decideReap(facts);
  const lines: string[] = [];
  const badManifests: string[] = [];
  const failures: string[] = [];
  const verb = options.dryRun ? 'would remove' : 'removed';
  for (const action of actions) {
    switch (action.kind) {
      case 'bad-manifest':
        badManifests.push(action.error);
        break;
      case 'keep':
        lines.push(`run ${action.runId}: kept — ${action.reason}`);
        break;
      case 'teardown': {
        const manifest = manifests.get(action.path);
        if (manifest === undefined) break;
        const recorded = new Set(manifest.resources.flatMap((r) => (r.kind === 'netns' ? [r.name] : [])));
        const extra = action.namespaces.filter((n) => !recorded.has(n));
        lines.push(`run ${action.runId}: dead — ${action.reason}`);
        if (options.dryRun) {
          for (const r of [...manifest.resources].reverse()) lines.push(`  ${verb} ${describeResource(r)}`);
          for (const n of extra) lines.push(`  ${verb} netns ${n} (not recorded)`);
          lines.push(`  ${verb} manifest ${manifest.path}`);
          break;
        }
        try {
          const report = await teardownLab(manifest, { exec, ...timeouts });
          lines.push(`  ${verb} ${report.processes.length} process(es), ${report.namespaces.length} namespace(s), ${report.paths.length} path(s), manifest ${manifest.path}`);
          if (report.strays.length > 0) lines.push(`  stopped ${report.strays.length} unrecorded process(es) inside its namespaces`);
        } catch (error) {
          failures.push(error instanceof TeardownError || error instanceof Error ? error.message : String(error));
        }
        if (extra.length > 0) {
          const removal = await removeNamespaces(extra, { exec, ...timeouts, action: `removing unrecorded namespaces of run ${action.runId}` });
          if (removal.removed.length > 0) lines.push(`  ${verb} unrecorded namespace(s) ${removal.removed.join(', ')}`);
          failures.push(...removal.failures);
        }
        break;
      }
      case 'detach-names': {
        lines.push(`run ${action.runId}: orphan attached names — ${action.reason}`);
        for (const name of action.names) {
          if (options.dryRun) {
            lines.push(`  ${verb} netns name ${name}`);
            continue;
          }
          const detached = await exec('ip', ['netns', 'delete', name], { timeoutMs: 10_000 }).then(() => true, (error: unknown) => void failures.push(`detaching netns ${name} of run ${action.runId}: ${error instanceof Error ? error.message : String(error)}`));
          if (detached === true) lines.push(`  ${verb} netns name ${name}`);
        }
        break;
      }
      case 'remove-namespaces': {
        lines.push(`run ${action.runId}: orphan namespaces — ${action.reason}`);
        if (options.dryRun) {
          for (const n of action.namespaces) lines.push(`  ${verb} netns ${n}`);
          break;
        }
        const removal = await removeNamespaces(action.namespaces, { exec, ...timeouts, action: `removing the orphan namespaces of run ${action.runId}` });
        lines.push(`  ${verb} ${removal.removed.length} namespace(s)${removal.strays.length > 0 ? `, stopped ${removal.strays.length} process(es) inside` : ''}`);
        failures.push(...removal.failures);
        break;
      }
    }
  }
  return { actions, lines, badManifests, failures };
}
