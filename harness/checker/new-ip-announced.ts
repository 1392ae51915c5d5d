/**
 * INV-NEW-IP-ANNOUNCED (C05, C07, #47579): an IP that appears on an announceable service (a new
 * allocation, an IP change, or the service becoming announceable) is answered on the wire — a
 * GARP or a reply from any MAC — within `newIpMs` (5 s) of time during which an eligible node is
 * healthy with a link up. Health does not make an IP new: an eligible node down for a while does not owe a
 * second announcement once it is back (explore: reference, 10,000 runs, seed 2 — the IP became
 * announceable in an API outage, was announced after it, and a later model change had made it
 * "new" again).
 * An IP the model says no candidate programs (`unannouncedIps`: e.g. an LB IP when the selecting
 * policies enable only externalIPs) is not "an announceable address" and is owed nothing.
 * 'unknown' when the history ends before the bound. An answer up to `observerLagMs` before the
 * model records the IP counts (in the lab the observer may see the operator's write after an agent
 * already announced it).
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { buildExpectations, buildFaults, buildServiceIps, endOfHistoryMs, extendedDeadline, nodeHealthy, wireAnswers } from './timeline.ts';
import { nemesisOps } from './vocabulary.ts';
import { buildLinksDown, someLinkUp } from './links.ts';

/** Checks INV-NEW-IP-ANNOUNCED. 'unknown' without `announce-expected` ops. */
export function checkNewIpAnnounced(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const { newIpMs, observerLagMs } = resolveBounds(context);
  const expectations = buildExpectations(ops);
  if (expectations.byService.size === 0) return { valid: 'unknown', details: { reason: 'no announce-expected ops' } };
  const faults = buildFaults(ops);
  const serviceIps = buildServiceIps(ops);
  const answers = wireAnswers(ops);
  const endMs = endOfHistoryMs(ops);
  const violations: Violation[] = [];
  const unknowns: Violation[] = [];
  const announced: { service: string; ip: string; latencyMs: number }[] = [];
  const faultTimes = nemesisOps(ops).map((n) => n.tMs);
  // An eligible node with every link down cannot announce: the clock waits for a link.
  const links = buildLinksDown(ops);
  const interfaces = context.interfaces ?? [];

  for (const [service, expected] of expectations.byService) {
    const ips = serviceIps.get(service);
    if (ips === undefined) continue;
    const times = [...new Set([...expected.points().map((p) => p.tMs), ...ips.points().map((p) => p.tMs)])].sort((a, b) => a - b);
    const changeTimes = [...new Set([...expected.points().map((p) => p.tMs), ...faultTimes])].sort((a, b) => a - b);
    const someEligibleHealthy = (t: number): boolean => {
      const e = expected.at(t);
      return e?.eligibleNodes.some((n) => nodeHealthy(faults, n, t) && someLinkUp(links, interfaces, n, t, e.ifaces.get(n))) ?? false;
    };
    let owedBefore = new Set<string>();
    for (const t of times) {
      const e = expected.at(t);
      const owedNow = e?.announceable === true ? new Set((ips.at(t) ?? []).filter((ip) => !e.unannouncedIps.includes(ip))) : new Set<string>();
      for (const ip of owedNow) {
        if (owedBefore.has(ip)) continue;
        // The clock runs while an eligible node is healthy; never again: nothing is owed.
        const dueMs = extendedDeadline(t, newIpMs, changeTimes, someEligibleHealthy);
        if (!Number.isFinite(dueMs)) continue;
        // The model may record the IP after the agent already announced it (lab observer lag).
        const first = answers.find((a) => a.senderIp === ip && a.tMs >= t - observerLagMs);
        if (first !== undefined && first.tMs <= dueMs) announced.push({ service, ip, latencyMs: Math.max(0, first.tMs - t) });
        else if (endMs < dueMs) unknowns.push({ atMs: t, service, ip, reason: 'history ends before the bound' });
        else violations.push({ atMs: dueMs, service, ip, newSinceMs: t, boundMs: newIpMs });
      }
      owedBefore = owedNow;
    }
  }
  return verdict(violations, unknowns, { boundMs: newIpMs, announced });
}
