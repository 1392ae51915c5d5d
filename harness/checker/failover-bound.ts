/**
 * INV-FAILOVER-BOUND (C16, M02, M05, K04): after the holder of a service's Lease dies (node
 * killed or frozen, or its agent killed) at t0 and stays dead, a GARP or reply from another MAC
 * for one of the service's IPs appears on the wire by t0 + `failoverMs` (leaseDuration +
 * renewDeadline + 2.2 × retryPeriod), counting only time during which another eligible node is
 * healthy and reaches the API server (an API outage or partition extends the deadline by its
 * length, and past the heal while a request it swallowed is still outstanding). A candidate whose
 * agent or node restarts observes the Lease afresh: when every candidate did, the bound runs from
 * the restart. Not applicable when no other eligible node is healthy at t0; 'unknown' when the
 * history ends before the bound.
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { leaseOfService } from './holder-answers.ts';
import { buildExpectations, buildFaults, buildLeadership, buildServiceIps, endOfHistoryMs, extendedDeadline, inAny, liveLeadersAt, nodeDead, nodeHealthy, wireAnswers } from './timeline.ts';
import { completed, F, NEMESIS, nemesisOps } from './vocabulary.ts';
import { droppedRequestTails, electorReachesApi, tailEnds } from './api-reach.ts';
import { buildLinksDown, someLinkUp } from './links.ts';

/** Nemesis actions after which the node's leases must fail over. */
export const HOLDER_DEATHS: ReadonlySet<string> = new Set([NEMESIS.killNode, NEMESIS.freeze, NEMESIS.killAgent]);

/** Checks INV-FAILOVER-BOUND; details list each takeover's latency. */
export function checkFailoverBound(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const { failoverMs } = resolveBounds(context);
  const faults = buildFaults(ops);
  const leadership = buildLeadership(ops, faults);
  const expectations = buildExpectations(ops);
  const leaseOf = expectations.leaseOfService;
  const serviceIps = buildServiceIps(ops);
  const answers = wireAnswers(ops);
  const endMs = endOfHistoryMs(ops);
  const deadMacs = (node: string): Set<string> => new Set((context.interfaces ?? []).filter((i) => i.node === node).map((i) => i.mac.toLowerCase()));
  const violations: Violation[] = [];
  const unknowns: Violation[] = [];
  const takeovers: { node: string; service: string; killMs: number; latencyMs: number; garps: number }[] = [];

  const tails = droppedRequestTails(ops, faults);
  // A candidate with every link down cannot announce a takeover: the clock waits for a link.
  const links = buildLinksDown(ops);
  const faultTimes = [...new Set([...nemesisOps(ops).map((n) => n.tMs), ...tailEnds(tails)])].sort((a, b) => a - b);
  const candidacyStarts = completed(ops, F.candidacy).filter((op) => (op.value as { candidate?: unknown } | null)?.candidate === true);
  /**
   * When `c` started a fresh elector for `service` (nothing observed) in (fromMs, toMs]: its agent or
   * node came back after a kill, or it became a candidate again (`candidacy` true: e.g. its link
   * came back up under `candidacyRequiresLinkUp`).
   */
  const restarts = (c: string, service: string, fromMs: number, toMs: number): number[] => {
    const pauses = faults.paused.get(c) ?? [];
    const downs = [...(faults.agentDown.get(c) ?? []), ...(faults.nodeDown.get(c) ?? []).filter((i) => !pauses.some((p) => p.fromMs === i.fromMs && p.toMs === i.toMs))];
    const again = candidacyStarts.filter((op) => op.process === c && (op.value as { service?: unknown }).service === service).map((op) => op.tMs);
    return [...downs.map((i) => i.toMs), ...again].filter((r) => r > fromMs && r <= toMs).sort((a, b) => a - b);
  };
  /**
   * The joint clock (any candidate available) assumes the progress it counts is kept: a candidate
   * observing the Lease since before the death takes over once it expires. Two things lose it.
   * A restarted candidate (agent or node back, or a fresh elector) observes afresh and must see
   * the Lease unchanged for leaseDuration from then on (explore: reference failover-bound, round 4
   * seed 7; random seed 1200931976 — a link flap restarted the only candidate's elector twice). A
   * candidate that dies takes its progress with it (random seed 1034372425 — the one available
   * candidate died 1 s in; the other, partitioned, started from its heal). So the bound is also
   * the earliest own clock of the candidates still alive at the joint deadline, each run from its
   * last fresh start; the later of the two applies.
   */
  const survivorsDeadline = (candidates: readonly string[], service: string, t0: number, joint: number, times: readonly number[], ifacesAt: (c: string, t: number) => readonly string[] | undefined): number => {
    const alive = candidates.filter((c) => !nodeDead(faults, c, joint));
    if (alive.length === 0) return joint;
    let best = Number.POSITIVE_INFINITY;
    for (const c of alive) {
      const own = (t: number): boolean => electorReachesApi(faults, tails, c, t) && someLinkUp(links, context.interfaces ?? [], c, t, ifacesAt(c, t));
      let from = t0;
      let due = extendedDeadline(from, failoverMs, times, own);
      // Bounded by c's fresh starts: each turn starts at a later one.
      for (let next = restarts(c, service, from, due)[0]; next !== undefined; next = restarts(c, service, from, due)[0]) {
        from = next;
        due = extendedDeadline(from, failoverMs, times, own);
      }
      best = Math.min(best, due);
    }
    return best;
  };
  for (const kill of nemesisOps(ops)) {
    if (!HOLDER_DEATHS.has(kill.f) || kill.node === undefined) continue;
    const node = kill.node;
    const t0 = kill.tMs;
    // A holder revived before the (unextended) deadline keeps its leases: no takeover is owed.
    if (!nodeDead(faults, node, Math.min(t0 + failoverMs, endMs))) continue;
    for (const [service, series] of serviceIps) {
      const lease = leaseOfService(service, leaseOf);
      if (!liveLeadersAt(leadership.get(lease), t0 - 1e-9).includes(node)) continue;
      const expected = expectations.byService.get(service)?.at(t0);
      // IPs the model says no candidate programs (no selected device, type not enabled) are owed no GARP.
      const ips = (series.at(t0) ?? []).filter((ip) => expected === undefined || (expected.announceable && !expected.unannouncedIps.includes(ip)));
      if (ips.length === 0) continue;
      const eligible = expected?.eligibleNodes;
      const others = (eligible ?? []).filter((n) => n !== node && nodeHealthy(faults, n, t0));
      if (eligible !== undefined && others.length === 0) continue; // nobody can take over
      // The clock runs only while a candidate can take over (healthy and the API reachable, as the
      // invariant's window assumes): an API outage or a partition of every candidate extends it,
      // including the tail of a request the partition swallowed (api-reach.ts).
      const candidates = eligible?.filter((n) => n !== node);
      // The candidates follow the model (a policy edit can move eligibility to a node that is down).
      const model = expectations.byService.get(service);
      const candidatesAt = (t: number): readonly string[] => (model?.at(t)?.eligibleNodes ?? candidates ?? []).filter((n) => n !== node);
      const times = model === undefined ? faultTimes : [...new Set([...faultTimes, ...model.points().map((p) => p.tMs)])].sort((a, b) => a - b);
      const joint = extendedDeadline(t0, failoverMs, times, (t) => candidates === undefined ? !inAny(faults.apiOutage, t) : candidatesAt(t).some((n) => electorReachesApi(faults, tails, n, t) && someLinkUp(links, context.interfaces ?? [], n, t, model?.at(t)?.ifaces.get(n))));
      const deadline = candidates === undefined ? joint : Math.max(joint, survivorsDeadline(candidates, service, t0, joint, times, (c, t) => model?.at(t)?.ifaces.get(c)));
      // Revived before the deadline (a later death is judged from its own nemesis op).
      const until = Math.min(deadline, endMs);
      // The model stops owing a takeover before the deadline: not announceable any more, or no other
      // eligible node (explore: reference failover-bound, 10k seed 1 — a policy edit deselected
      // every node 1 s after the holder froze; or left only a node that had died).
      const released = model?.points().some((p) => p.tMs > t0 && p.tMs <= until && (!p.value.announceable || !p.value.eligibleNodes.some((n) => n !== node && !nodeDead(faults, n, p.tMs))));
      if (released === true) continue;
      if ([...faultTimes.filter((t) => t > t0 && t <= until), until].some((t) => !nodeDead(faults, node, t))) continue;
      const old = deadMacs(node);
      const fresh = answers.filter((a) => a.tMs > t0 && ips.includes(a.senderIp) && !old.has(a.senderMac));
      const first = fresh[0];
      if (first !== undefined && first.tMs <= deadline) {
        const garps = fresh.filter((a) => a.tMs <= deadline && a.kind !== 'reply').length;
        takeovers.push({ node, service, killMs: t0, latencyMs: first.tMs - t0, garps });
      } else if (endMs < deadline) {
        unknowns.push({ atMs: t0, node, service, reason: `history ends ${endMs - t0} ms after the kill, bound is ${failoverMs} ms` });
      } else {
        violations.push({ atMs: deadline, node, service, killMs: t0, boundMs: failoverMs, firstNewMacMs: first === undefined ? null : first.tMs - t0 });
      }
    }
  }
  return verdict(violations, unknowns, { boundMs: failoverMs, takeovers });
}
