/**
 * Why a failover component of one kill is missing or far from the takeover, read from the
 * history, so the benchmark's report explains its outliers instead of just printing them:
 *
 * - no GARP although the Lease moved: the new holder's agent had been killed while holding the IP
 *   (and its node not killed since), or its datapath answered for the IP before it held the Lease
 *   — an entry its previous life pinned, so the takeover changed nothing in the map (profiles
 *   without `pruneOnAgentStart`; `docs/lab.md`: no GARP for pinned pairs);
 * - the client's entry moved long after the GARP: the entry had been updated within `locktime`
 *   before the GARP — Cilium's GARP reply (target MAC broadcast) is not gratuitous to Linux
 *   (`isLinuxGarp`), so inside locktime it does not override the entry;
 * - a probe answered before the takeover: by a third node, whose MAC the client still had (every
 *   node's echo backend answers VIP traffic).
 * Pure.
 */
import type { HistoryOp } from '../../core/history.ts';
import type { FailoverComponents } from '../../checker/failover-components.ts';
import { completed, F, nemesisOps, readNeighChanged, readProbe } from '../../checker/vocabulary.ts';
import { wireAnswers } from '../../checker/timeline.ts';

/** What explains an outlier (the report counts them per kind). */
export type FailoverNoteKind = 'stale-pinned-entry' | 'no-garp' | 'locktime' | 'late-client-entry' | 'third-node-answered';

/** One explained outlier. */
export interface FailoverNote {
  readonly killMs: number;
  readonly component: 'firstGarp' | 'clientEntryChanged' | 'firstSuccessfulProbe';
  readonly kind: FailoverNoteKind;
  readonly note: string;
}

/** Node → its data MACs (lowercase), from the run's interfaces. */
export type MacsByNode = ReadonlyMap<string, readonly string[]>;

/** Explains the outliers of `rows`; `locktimeMs` is the client's neighbour locktime. */
export function failoverNotes(rows: readonly FailoverComponents[], ops: readonly HistoryOp[], macsByNode: MacsByNode, locktimeMs: number): FailoverNote[] {
  const answers = wireAnswers(ops);
  const neigh = completed(ops, F.neighChanged).map(readNeighChanged);
  const probes = completed(ops, F.probe).map(readProbe);
  const restarts = nemesisOps(ops).filter((n) => n.f === 'restart-agent' || n.f === 'restart-node');
  const nodeKills = nemesisOps(ops).filter((n) => n.f === 'kill-node');
  const s = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
  const notes: FailoverNote[] = [];
  for (const row of rows) {
    const t0 = row.killMs;
    const takeoverAt = row.leaseTakenOverMs === null ? undefined : t0 + row.leaseTakenOverMs;
    if (row.firstGarpMs === null && row.newHolder !== null && takeoverAt !== undefined) {
      const macs = new Set(macsByNode.get(row.newHolder) ?? []);
      const restart = restarts.filter((r) => r.node === row.newHolder && r.tMs < takeoverAt).at(-1);
      const early = answers.find((a) => a.senderIp === row.ip && macs.has(a.senderMac.toLowerCase()) && a.tMs >= (restart?.tMs ?? t0) && a.tMs < takeoverAt);
      // Killed while holding this IP, and its node not killed since (that deletes the pinned map).
      const pinnedAt = rows.filter((r) => r.deadNode === row.newHolder && r.ip === row.ip && r.fault === 'kill-agent' && r.killMs < t0).at(-1)?.killMs;
      const pinned = pinnedAt !== undefined && !nodeKills.some((k) => k.node === row.newHolder && k.tMs > pinnedAt && k.tMs < takeoverAt);
      const stale = early !== undefined || pinned;
      const evidence = [
        ...(pinned ? [`its agent was killed holding ${row.ip} at ${s(pinnedAt)}, so its pinned map kept the pair`] : []),
        ...(early === undefined ? [] : [`its datapath answered for ${row.ip} at ${s(early.tMs)}, before it held the Lease${restart === undefined ? '' : ` (agent restarted at ${s(restart.tMs)})`}`]),
      ];
      notes.push({
        killMs: t0,
        component: 'firstGarp',
        kind: stale ? 'stale-pinned-entry' : 'no-garp',
        note: stale
          ? `no GARP from ${row.newHolder}: ${evidence.join('; ')} — a stale pinned entry, so the takeover changed nothing in the map`
          : `no GARP for ${row.ip} from the new holder ${row.newHolder} after its takeover at ${s(takeoverAt)}`,
      });
    }
    if (row.firstGarpMs !== null && (row.clientEntryChangedMs === null || row.clientEntryChangedMs > row.firstGarpMs + locktimeMs)) {
      const garpAt = t0 + row.firstGarpMs;
      const before = neigh.filter((n) => n.client === row.client && n.ip === row.ip && n.tMs <= garpAt).at(-1);
      const moved = row.clientEntryChangedMs === null ? 'never moved' : `moved at ${s(t0 + row.clientEntryChangedMs)}`;
      if (before !== undefined && garpAt - before.tMs < locktimeMs) {
        notes.push({ killMs: t0, component: 'clientEntryChanged', kind: 'locktime', note: `the client's entry for ${row.ip} changed (→ ${before.state}) ${Math.round(garpAt - before.tMs)} ms before the GARP, inside locktime (${locktimeMs} ms), and a GARP reply with a broadcast target MAC is not gratuitous to Linux: it did not override the entry, which ${moved}` });
      } else {
        notes.push({ killMs: t0, component: 'clientEntryChanged', kind: 'late-client-entry', note: `the client's entry for ${row.ip} ${moved}, ${row.clientEntryChangedMs === null ? '' : `${Math.round(row.clientEntryChangedMs - row.firstGarpMs)} ms `}after the GARP` });
      }
    }
    if (row.firstSuccessfulProbeMs !== null && row.leaseTakenOverMs !== null && row.firstSuccessfulProbeMs < row.leaseTakenOverMs) {
      const probe = probes.find((p) => p.client === row.client && p.vip === row.ip && p.ok && p.tMs >= t0 && p.answeredBy !== row.deadNode);
      notes.push({ killMs: t0, component: 'firstSuccessfulProbe', kind: 'third-node-answered', note: `answered ${Math.round(row.firstSuccessfulProbeMs)} ms after the kill, before the takeover, by ${probe?.answeredBy ?? '?'}: the client still had that node's MAC (every node's echo answers VIP traffic)` });
    }
  }
  return notes;
}
