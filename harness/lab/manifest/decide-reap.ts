/**
 * `decideReap`: which lab runs are dead and what to remove, from facts gathered beforehand (pure,
 * so every case is a table test). A run is dead when its owner process (PID + start time) is gone.
 *
 * - A manifest whose owner is dead → tear it down (its resources, then the file). Alive → leave it.
 * - Namespaces `l2l-<runId>-*` that no manifest covers: the owner mark on the lab netns decides
 *   (dead → remove them, alive → leave them). Without a mark, namespaces with processes inside are
 *   left alone (ownership unknown: maybe a run being created right now); empty ones are removed.
 * - A file in the runs directory that is not a valid manifest is reported, never acted on, and its
 *   run's namespaces are left alone.
 * - Attached container namespace names `l2d-<runId>-*` (the docker provider's): a name whose
 *   namespace nothing runs in any more (its container is gone) is detached; one a container still
 *   runs in is kept — `l2lab cluster down --provider docker --run-id <run>` removes the containers.
 */

/** What was found about one manifest file. */
export type ManifestFact =
  | { readonly path: string; readonly ok: true; readonly runId: string; readonly ownerPid: number; readonly ownerAlive: boolean }
  | { readonly path: string; readonly ok: false; readonly error: string; /** From the file name `<runId>.json`. */ readonly runId?: string };

/** The owner mark of a run's lab netns, with the owner's liveness. */
export interface MarkFact {
  readonly ownerPid: number;
  readonly ownerAlive: boolean;
}

/** Everything {@link decideReap} looks at. */
export interface ReapFacts {
  readonly manifests: readonly ManifestFact[];
  /** Every lab namespace on the machine, grouped by run id (`l2l-<runId>-*`). */
  readonly namespacesByRun: ReadonlyMap<string, readonly string[]>;
  /** Owner marks of runs that have a marked lab netns. */
  readonly marks: ReadonlyMap<string, MarkFact>;
  /** Runs with a process (other than the reaper and its ancestors) inside one of their namespaces. */
  readonly busyRuns: ReadonlySet<string>;
  /** Attached container namespace names (`l2d-<runId>-*`) by run, each with whether a process is inside. */
  readonly attachedByRun?: ReadonlyMap<string, readonly { readonly name: string; readonly inUse: boolean }[]>;
  /** Only this run, when given. */
  readonly onlyRun?: string;
}

/** One decision. */
export type ReapAction =
  /** Tear the manifest down, then remove whatever namespace of the run is left (`namespaces`: all named after it). */
  | { readonly kind: 'teardown'; readonly runId: string; readonly path: string; readonly namespaces: readonly string[]; readonly reason: string }
  | { readonly kind: 'remove-namespaces'; readonly runId: string; readonly namespaces: readonly string[]; readonly reason: string }
  /** Delete attached names (`ip netns delete`): nothing runs in their namespaces. */
  | { readonly kind: 'detach-names'; readonly runId: string; readonly names: readonly string[]; readonly reason: string }
  | { readonly kind: 'keep'; readonly runId: string; readonly reason: string }
  | { readonly kind: 'bad-manifest'; readonly path: string; readonly error: string };

/** Decides what `l2lab reap` removes. Pure; actions in manifest order, then orphan runs by id. */
export function decideReap(facts: ReapFacts): ReapAction[] {
  const wanted = (runId: string | undefined): boolean => facts.onlyRun === undefined || runId === facts.onlyRun;
  const actions: ReapAction[] = [];
  const covered = new Set<string>();
  for (const m of facts.manifests) {
    if (m.runId !== undefined) covered.add(m.runId);
    if (!wanted(m.runId)) continue;
    if (!m.ok) actions.push({ kind: 'bad-manifest', path: m.path, error: m.error });
    else if (m.ownerAlive) actions.push({ kind: 'keep', runId: m.runId, reason: `owner pid ${m.ownerPid} is alive (manifest ${m.path})` });
    else actions.push({ kind: 'teardown', runId: m.runId, path: m.path, namespaces: facts.namespacesByRun.get(m.runId) ?? [], reason: `owner pid ${m.ownerPid} is gone (manifest ${m.path})` });
  }
  for (const runId of [...facts.namespacesByRun.keys()].sort()) {
    if (covered.has(runId) || !wanted(runId)) continue;
    const namespaces = facts.namespacesByRun.get(runId) ?? [];
    const mark = facts.marks.get(runId);
    if (mark?.ownerAlive === true) actions.push({ kind: 'keep', runId, reason: `no manifest here, but the owner mark names pid ${mark.ownerPid}, which is alive` });
    else if (mark !== undefined) actions.push({ kind: 'remove-namespaces', runId, namespaces, reason: `no manifest; owner pid ${mark.ownerPid} (owner mark) is gone` });
    else if (facts.busyRuns.has(runId)) actions.push({ kind: 'keep', runId, reason: 'no manifest and no owner mark, but processes run inside its namespaces (ownership unknown; stop them or remove the namespaces by hand)' });
    else actions.push({ kind: 'remove-namespaces', runId, namespaces, reason: 'no manifest, no owner mark, nothing running inside' });
  }
  for (const [runId, names] of [...(facts.attachedByRun ?? new Map<string, readonly { name: string; inUse: boolean }[]>())].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!wanted(runId)) continue;
    const idle = names.filter((n) => !n.inUse).map((n) => n.name);
    const busy = names.filter((n) => n.inUse).map((n) => n.name);
    if (idle.length > 0) actions.push({ kind: 'detach-names', runId, names: idle, reason: 'attached container namespaces with nothing running inside (their containers are gone)' });
    if (busy.length > 0) actions.push({ kind: 'keep', runId, reason: `containers still run in ${busy.join(', ')} (remove them with 'l2lab cluster down --provider docker --run-id ${runId}', then reap again)` });
  }
  return actions;
}
