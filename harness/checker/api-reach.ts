/**
 * When can a node's agent act on the API server again after a partition? Not at the heal: a
 * request the partition swallowed (`partition-api` in `drop` mode: request or response lost) is
 * still outstanding, and its caller waits for it — up to the client's HTTP timeout: client-go's
 * elector has no deadline while it is a candidate, an informer's LIST none at all — before it
 * polls or lists again. Until that request completes the node does not reach the API server,
 * which is the premise of INV-FAILOVER-BOUND's and INV-REACQUIRE's clocks ("counting only time
 * during which another eligible node is healthy and reaches the API server"; explore:
 * reference-failover-bound-s1, an acquire GET swallowed by a partition that ended at the kill;
 * reference-reacquire-s1, a restarted agent's informer LISTs swallowed by a partition).
 *
 * Derived from the history alone: a completed `lease-request` or `api-request` op carries its
 * `latencyMs`, so it was outstanding over [completion − latency, completion]. A request
 * outstanding at the heal keeps the node cut off until it completes. One sent during the partition
 * that never completes (its process died first, or the history ended) keeps it cut off until that
 * death (explore: reference-reacquire-s5 of round 3, killed 5 s after the heal with its acquire GET
 * still waiting). A `reject` partition or an API outage fails requests at once: no tail.
 *
 * Nor does a (re)started agent act before its informers have listed: while the API server is
 * unreachable their LISTs fail and back off (client-go's reflector: 0.8 s doubling to 30 s), so
 * once it is reachable again the agent may wait out the backoff before it lists — up to 30 s
 * (explore: reference, 10,000 runs, random seed: restarted in a 7 s outage, it listed 6 s after).
 * Only where the history shows a failed LIST of the restarted agent.
 */
import type { HistoryOp } from '../core/history.ts';
import { inAny, nodeHealthy, type Faults, type Interval } from './timeline.ts';
import { LIST_BACKOFF_MAX_MS } from '../agent/informer.ts';
import { F, readLeaseRequest } from './vocabulary.ts';

/** Per node, the intervals after a heal during which a request sent into the partition is still outstanding. */
export function droppedRequestTails(ops: readonly HistoryOp[], faults: Faults): Map<string, Interval[]> {
  const tails = new Map<string, Interval[]>();
  const isRequest = (op: HistoryOp): boolean => op.f === F.leaseRequest || op.f === F.apiRequest;
  const requests = ops.filter((op) => isRequest(op) && op.type !== 'invoke').map(readLeaseRequest);
  const invokes = ops.filter((op) => isRequest(op) && op.type === 'invoke');
  for (const [node, cuts] of faults.apiCut) {
    const own = requests.filter((r) => r.node === node);
    for (const cut of cuts) {
      if (!Number.isFinite(cut.toMs)) continue;
      let untilMs = cut.toMs;
      for (const r of own) {
        if (r.tMs - r.latencyMs < cut.toMs && r.tMs > cut.toMs) untilMs = Math.max(untilMs, r.tMs);
      }
      // Completions tell when their requests were sent (latency is measured from the invoke).
      const sentInCut = invokes.filter((op) => op.process === node && op.tMs >= cut.fromMs && op.tMs < cut.toMs).length;
      const answeredInCut = own.filter((r) => r.tMs - r.latencyMs >= cut.fromMs - SEND_TIME_SLACK_MS && r.tMs - r.latencyMs < cut.toMs).length;
      if (sentInCut > answeredInCut) untilMs = Math.max(untilMs, firstDownFrom(faults, node, cut.toMs));
      if (untilMs > cut.toMs) {
        const list = tails.get(node) ?? [];
        list.push({ fromMs: cut.toMs, toMs: untilMs });
        tails.set(node, list);
      }
    }
  }
  for (const [node, starts] of agentStarts(faults)) {
    for (const startMs of starts) {
      const listedMs = requests.find((r) => r.node === node && r.verb === 'list' && r.type === 'ok' && r.tMs >= startMs)?.tMs ?? Number.POSITIVE_INFINITY;
      // Only a LIST that failed in between puts the informers into backoff.
      if (!requests.some((r) => r.node === node && r.verb === 'list' && r.type !== 'ok' && r.tMs >= startMs && r.tMs < listedMs)) continue;
      const reachableMs = reachableFrom(faults, node, startMs);
      const untilMs = Math.min(listedMs, reachableMs + LIST_BACKOFF_MAX_MS);
      if (untilMs <= reachableMs) continue;
      const list = tails.get(node) ?? [];
      list.push({ fromMs: reachableMs, toMs: untilMs });
      tails.set(node, list);
    }
  }
  return tails;
}

/** When each node's agent started again: the end of an agent kill, or of a node kill (not of a freeze, which pauses). */
function agentStarts(faults: Faults): Map<string, number[]> {
  const starts = new Map<string, number[]>();
  const add = (node: string, tMs: number): void => {
    if (Number.isFinite(tMs)) starts.set(node, [...(starts.get(node) ?? []), tMs]);
  };
  for (const [node, downs] of faults.agentDown) for (const i of downs) add(node, i.toMs);
  for (const [node, downs] of faults.nodeDown) {
    const pauses = faults.paused.get(node) ?? [];
    for (const i of downs) if (!pauses.some((p) => p.fromMs === i.fromMs && p.toMs === i.toMs)) add(node, i.toMs);
  }
  return starts;
}

/** The first instant at or after `fromMs` at which `node` is not cut off by an outage or a partition. */
function reachableFrom(faults: Faults, node: string, fromMs: number): number {
  let t = fromMs;
  const blocks = [...faults.apiOutage, ...(faults.apiCut.get(node) ?? [])];
  // Bounded by the blocking intervals: each turn moves past one of them.
  for (let turn = 0; turn <= blocks.length; turn += 1) {
    const block = blocks.find((i) => i.fromMs <= t && t < i.toMs);
    if (block === undefined) return t;
    t = block.toMs;
  }
  return t;
}

/** Rounding between an invoke's time and completion − latency (floating point sums). */
const SEND_TIME_SLACK_MS = 1e-6;

/** When `node` or its agent next goes down at or after `fromMs` (its process and requests gone); Infinity if never. */
function firstDownFrom(faults: Faults, node: string, fromMs: number): number {
  const starts = [...(faults.nodeDown.get(node) ?? []), ...(faults.agentDown.get(node) ?? [])].filter((i) => i.toMs > fromMs).map((i) => Math.max(i.fromMs, fromMs));
  return Math.min(Number.POSITIVE_INFINITY, ...starts);
}

/** The node is healthy (see `nodeHealthy`) and no request swallowed by a partition is still outstanding. */
export function electorReachesApi(faults: Faults, tails: ReadonlyMap<string, readonly Interval[]>, node: string, tMs: number): boolean {
  return nodeHealthy(faults, node, tMs) && !inAny(tails.get(node), tMs);
}

/** The instants at which {@link electorReachesApi} can change because a tail ends. */
export function tailEnds(tails: ReadonlyMap<string, readonly Interval[]>): number[] {
  return [...tails.values()].flatMap((list) => list.map((i) => i.toMs));
}
