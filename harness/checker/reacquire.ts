/**
 * INV-REACQUIRE (C02, C05, C12, K05): while a service is announceable and at least one eligible
 * node is healthy (running, agent up, API reachable), its Lease has a live holder — no gap longer
 * than `reacquireMs`. Catches "a lost lease is never re-acquired" (1.14 without re-candidacy, or
 * every agent throttled), "an announceable service never gets a lease" (C05) and stalled elections.
 * API-outage variant (C12): for `outageSurvivalMs` into an outage of the API server, an eligible
 * node that runs (agent up, not partitioned) counts as able to hold — the announcements must
 * survive that long (0 by default: an outage exempts).
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { buildExpectations, buildFaults, buildLeadership, endOfHistoryMs, inAny, liveEndMs, liveLeadersAt, nodeDead } from './timeline.ts';
import { nemesisOps } from './vocabulary.ts';
import { droppedRequestTails, electorReachesApi, tailEnds } from './api-reach.ts';
import { buildLinksDown, someLinkUp } from './links.ts';

/** Checks INV-REACQUIRE. 'unknown' without `announce-expected` ops. */
export function checkReacquire(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const { reacquireMs, outageSurvivalMs } = resolveBounds(context);
  const expectations = buildExpectations(ops);
  if (expectations.byService.size === 0) return { valid: 'unknown', details: { reason: 'no announce-expected ops' } };
  const faults = buildFaults(ops);
  const leadership = buildLeadership(ops, faults);
  const endMs = endOfHistoryMs(ops);
  // A request swallowed by a partition (an acquire GET, an informer LIST) keeps its node from
  // acquiring until it times out.
  const tails = droppedRequestTails(ops, faults);
  // C12 variant: the first outageSurvivalMs of each API outage still owe a holder.
  const surviving = (t: number): boolean => outageSurvivalMs > 0 && faults.apiOutage.some((i) => t >= i.fromMs && t < i.toMs && t < i.fromMs + outageSurvivalMs);
  const runsThroughOutage = (node: string, t: number): boolean => surviving(t) && !nodeDead(faults, node, t) && !inAny(faults.apiCut.get(node), t);
  const outageEnds = outageSurvivalMs > 0 ? faults.apiOutage.map((i) => i.fromMs + outageSurvivalMs) : [];
  const faultTimes = [...nemesisOps(ops).map((n) => n.tMs), ...tailEnds(tails), ...outageEnds];
  // A node with every announcing link down does not compete where candidacy needs a link up.
  const links = buildLinksDown(ops);
  const interfaces = context.interfaces ?? [];
  const violations: Violation[] = [];

  for (const [service, series] of expectations.byService) {
    const firstLease = series.points()[0]?.value.lease;
    if (firstLease === undefined) continue;
    // Every Lease the service elects on over the run: under shared-IP elections its Lease changes
    // as IPs join and leave, and a term on any of them can end a gap (found by the C07 scenario on
    // `reference`: the service's Lease moved to its sharing partner's, held 3 s later).
    const terms = [...new Set(series.points().map((p) => p.value.lease))].flatMap((lease) => leadership.get(lease) ?? []);
    // Every time the answer to "should be held / is held" can change.
    const times = [...new Set([...series.points().map((p) => p.tMs), ...faultTimes, ...terms.flatMap((t) => [t.fromMs, liveEndMs(t)]), endMs])]
      .filter((t) => Number.isFinite(t) && t <= endMs)
      .sort((a, b) => a - b);
    let gapFromMs: number | undefined;
    let gapLease = firstLease;
    for (const t of times) {
      const expected = series.at(t);
      const owed = expected?.announceable === true && expected.eligibleNodes.some((node) => (electorReachesApi(faults, tails, node, t) || runsThroughOutage(node, t)) && someLinkUp(links, interfaces, node, t, expected.ifaces.get(node)));
      const held = liveLeadersAt(leadership.get(expected?.lease ?? firstLease), t).length > 0;
      // The gap's length is judged at every change point, including the one that ends it (a
      // takeover after the bound is late too; explore: reference-failover-bound-s1).
      if (gapFromMs !== undefined && t - gapFromMs > reacquireMs) {
        violations.push({ atMs: gapFromMs + reacquireMs, service, lease: gapLease, unheldSinceMs: gapFromMs, boundMs: reacquireMs });
        gapFromMs = undefined;
        break;
      }
      if (owed && !held) {
        gapFromMs ??= t;
        gapLease = expected?.lease ?? firstLease;
      } else {
        gapFromMs = undefined;
      }
    }
  }
  return verdict(violations, [], { boundMs: reacquireMs });
}
