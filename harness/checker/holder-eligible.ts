/**
 * INV-HOLDER-ELIGIBLE (C04, M08): a Lease holder is a node the policy selects — and, where the
 * profile promises it (externalTrafficPolicy: Local since 1.20.2), one with a local backend; the
 * model puts exactly those in `announce-expected.eligibleNodes`. A node may not become leader
 * while ineligible (unless it turned ineligible less than `eligibleGraceMs` before: an acquire
 * begun while eligible), and a leader that becomes ineligible must give the lease up
 * (`lost-leader`) within `eligibleGraceMs` of time it reaches the API server.
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { buildExpectations, buildFaults, buildLeadership, extendedDeadline, liveEndMs } from './timeline.ts';
import { droppedRequestTails, electorReachesApi, tailEnds } from './api-reach.ts';
import { nemesisOps } from './vocabulary.ts';

/** Checks INV-HOLDER-ELIGIBLE. 'unknown' without `announce-expected` ops. */
export function checkHolderEligible(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const { eligibleGraceMs, observerLagMs } = resolveBounds(context);
  const expectations = buildExpectations(ops);
  if (expectations.byService.size === 0) return { valid: 'unknown', details: { reason: 'no announce-expected ops' } };
  const faults = buildFaults(ops);
  const leadership = buildLeadership(ops, faults);
  const tails = droppedRequestTails(ops, faults);
  const changeTimes = [...new Set([...nemesisOps(ops).map((n) => n.tMs), ...tailEnds(tails)])].sort((a, b) => a - b);
  /**
   * When `node`, ineligible from `fromMs`, must have given up: the grace counts only time it reaches
   * the API server — cut off, it cannot learn of the change (explore: reference holder-eligible,
   * round 5 seed 3: deselected while partitioned, it gave up 0.1 s after the heal).
   */
  const giveUpBy = (node: string, fromMs: number): number => extendedDeadline(fromMs, eligibleGraceMs, changeTimes, (t) => electorReachesApi(faults, tails, node, t));
  const violations: Violation[] = [];
  for (const [lease, terms] of leadership) {
    const service = expectations.serviceOfLease.get(lease);
    const series = service === undefined ? undefined : expectations.byService.get(service);
    if (series === undefined) continue; // lease-scope reports leases of unknown services
    for (const term of terms) {
      const atStart = series.at(term.fromMs);
      const endMs = liveEndMs(term);
      if (term.resumed === true && atStart !== undefined && !atStart.eligibleNodes.includes(term.node)) {
        // Thawed while ineligible: the grace runs from the thaw (a frozen node cannot give up), and
        // only while it reaches the API (explore: reference holder-eligible, 10,000 runs, random
        // seed 354371268 — thawed into a partition).
        const byMs = giveUpBy(term.node, term.fromMs);
        if (endMs > byMs) violations.push({ atMs: byMs, kind: 'kept-lease-while-ineligible', node: term.node, lease, ineligibleSinceMs: term.fromMs });
        continue;
      }
      // Eligible at the start, or made eligible by a model op that trails it by at most observerLagMs.
      const eligibleSoon = series.points().some((p) => p.tMs > term.fromMs && p.tMs <= term.fromMs + observerLagMs && p.value.eligibleNodes.includes(term.node));
      if (atStart !== undefined && !atStart.eligibleNodes.includes(term.node) && !eligibleSoon) {
        // Turned ineligible less than the grace before: the acquire began while it was eligible and
        // the agent had not seen the change yet. It must give the lease up within the grace of the
        // change, as a leader would (explore: reference holder-eligible, round 4 seed 5).
        const turnedMs = turnedIneligibleMs(series.points(), term.node, term.fromMs);
        if (turnedMs !== undefined && term.fromMs - turnedMs <= eligibleGraceMs) {
          const byMs = giveUpBy(term.node, turnedMs);
          if (endMs > byMs) violations.push({ atMs: byMs, kind: 'kept-lease-while-ineligible', node: term.node, lease, ineligibleSinceMs: turnedMs });
          continue;
        }
        violations.push({ atMs: term.fromMs, kind: 'became-leader-ineligible', node: term.node, lease, eligible: [...atStart.eligibleNodes] });
        continue;
      }
      // Eligibility lost while leading: the leader must stop within the grace — unless the model
      // makes it eligible again within the grace (a transient model state is not a deselection).
      const points = series.points();
      for (let i = 0; i < points.length; i += 1) {
        const point = points[i];
        if (point === undefined || point.tMs <= term.fromMs || point.tMs >= endMs || point.value.eligibleNodes.includes(term.node)) continue;
        const back = points.slice(i + 1).find((p) => p.value.eligibleNodes.includes(term.node));
        if (back !== undefined && back.tMs <= point.tMs + eligibleGraceMs) continue;
        const byMs = giveUpBy(term.node, point.tMs);
        if (endMs > byMs) {
          violations.push({ atMs: byMs, kind: 'kept-lease-while-ineligible', node: term.node, lease, ineligibleSinceMs: point.tMs });
        }
        break;
      }
    }
  }
  return verdict(violations, []);
}

/** When `node` last turned ineligible at or before `tMs` after having been eligible; undefined if it never was. */
function turnedIneligibleMs(points: readonly { readonly tMs: number; readonly value: { readonly eligibleNodes: readonly string[] } }[], node: string, tMs: number): number | undefined {
  let wasEligible = false;
  let turned: number | undefined;
  for (const p of points) {
    if (p.tMs > tMs) break;
    if (p.value.eligibleNodes.includes(node)) {
      wasEligible = true;
      turned = undefined;
    } else if (wasEligible && turned === undefined) {
      turned = p.tMs;
    }
  }
  return turned;
}
