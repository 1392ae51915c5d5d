/**
 * INV-HOLDER-ANSWERS (C09, C10, K02): the wire agrees with the Lease.
 * - No stray responder: an answer for a service IP comes from a node that holds (or, within
 *   `exHolderQuietMs` — the datapath's liveness cutoff — held) one of the Leases of the services
 *   with that IP. A node that never held it, or long ago, is a stale responder (K02). A holder
 *   frozen while another node took over believes it leads again at the thaw: its datapath may
 *   answer for `overlapMs` after the thaw, until its renew loop gives up — INV-ONE-RESPONDER's
 *   allowance for the same case (explore: reference-holder-answers-s42).
 * - The holder answers: a request for the IP on a segment where a settled holder (holding for
 *   ≥ `programmingDelayMs`, healthy, still holding `replyWindowMs` later) has an announcing
 *   interface gets an answer from that holder within `replyWindowMs` (C09/C10: never programmed).
 *   A request unicast to another MAC (`ethDst` recorded) is not owed an answer by the holder.
 *   Nor is an IP the model says no candidate programs (`announce-expected` not announceable, or
 *   the IP in `unannouncedIps`): a policy whose interface patterns match none of the holder's
 *   devices leaves it nothing to answer on without breaking INV-IFACE-SCOPE (C14). Nor on an
 *   interface whose link is down during the reply window: the request never reaches it
 *   (explore: reference-holder-answers-s5). And a holder owes answers for a service's LB IP only
 *   on interfaces the model says it programs that IP on (`announce-expected.lbIfaces`), not on
 *   every interface some policy selects for another service or IP type.
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { apiEndMs, apiHolderAt, liveEndMs, buildExpectations, buildIfaceSelection, buildFaults, buildLeadership, buildServiceIps, endOfHistoryMs, macIndex, nodeHealthy, servicesWithIp, wireAnswers, type LeadershipTerm } from './timeline.ts';
import { completed, F, readArpObserved } from './vocabulary.ts';
import { buildLinksDown, linkDownWithin } from './links.ts';
import { leaseName } from '../l2/lease.ts';

/** The lease of `service` (from `announce-expected`, else Cilium's naming). */
export function leaseOfService(service: string, leaseByService: ReadonlyMap<string, string>): string {
  const known = leaseByService.get(service);
  if (known !== undefined) return known;
  const at = service.indexOf('/');
  return at < 0 ? leaseName('', service) : leaseName(service.slice(0, at), service.slice(at + 1));
}

/** service → lease from the expectations (inverse of serviceOfLease). */
export function leaseByServiceMap(serviceOfLease: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...serviceOfLease].map(([lease, service]) => [service, lease]));
}

/** Checks INV-HOLDER-ANSWERS. 'unknown' without wire observations or topology MACs. */
export function checkHolderAnswers(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const bounds = resolveBounds(context);
  const macs = macIndex(context.interfaces);
  const answers = wireAnswers(ops);
  const requests = completed(ops, F.arpObserved).map(readArpObserved).filter((o) => o.kind === 'request');
  if (macs.size === 0 || answers.length + requests.length === 0) return { valid: 'unknown', details: { reason: macs.size === 0 ? 'no topology interfaces (MAC → node)' : 'no ARP observed on the wire' } };
  const faults = buildFaults(ops);
  const leadership = buildLeadership(ops, faults);
  const expectations = buildExpectations(ops);
  const selection = buildIfaceSelection(ops, context.interfaces ?? []);
  const linksDown = buildLinksDown(ops);
  /** `term`'s node was frozen when another node took over, and thawed less than `overlapMs` before `tMs`. */
  const thawedAfterTakeover = (term: LeadershipTerm, tMs: number): boolean =>
    faults.paused.get(term.node)?.some((i) => i.fromMs <= term.supersededMs && term.supersededMs < i.toMs && i.toMs <= tMs && tMs < i.toMs + bounds.overlapMs) ?? false;
  const leaseOf = expectations.leaseOfService;
  /** The model says no candidate programs `ip` of `service` at `t` (no selected device or type). */
  const unprogrammed = (service: string, ip: string, tMs: number): boolean => {
    const e = expectations.byService.get(service)?.at(tMs);
    return e !== undefined && (!e.announceable || e.unannouncedIps.includes(ip));
  };
  const serviceIps = buildServiceIps(ops);
  const endMs = endOfHistoryMs(ops);
  const violations: Violation[] = [];
  const unknownMacs = new Set<string>();

  const termsFor = (ip: string, tMs: number): LeadershipTerm[] =>
    servicesWithIp(serviceIps, ip, tMs).flatMap((service) => leadership.get(leaseOfService(service, leaseOf)) ?? []);

  for (const answer of answers) {
    const owner = macs.get(answer.senderMac);
    if (owner === undefined) {
      unknownMacs.add(answer.senderMac);
      continue;
    }
    const terms = termsFor(answer.senderIp, answer.tMs);
    if (terms.length === 0 && servicesWithIp(serviceIps, answer.senderIp, answer.tMs).length === 0) continue; // not a service IP now
    const entitled = terms.some((t) => t.node === owner.node && t.fromMs - bounds.clockSkewMs <= answer.tMs && (answer.tMs < apiEndMs(t) + bounds.exHolderQuietMs || thawedAfterTakeover(t, answer.tMs)));
    if (!entitled) violations.push({ atMs: answer.tMs, kind: 'stray-responder', ip: answer.senderIp, node: owner.node, mac: answer.senderMac });
  }

  for (const request of requests) {
    const t = request.tMs;
    if (t + bounds.replyWindowMs > endMs) continue;
    for (const service of servicesWithIp(serviceIps, request.targetIp, t)) {
      if (unprogrammed(service, request.targetIp, t)) continue;
      const holder = apiHolderAt(leadership.get(leaseOfService(service, leaseOf)), t);
      // The holder's term must be live: a killed agent's Lease outlives it, and its node being up
      // again (a restarted agent that has not re-claimed it yet) owes nothing (explore: reference
      // holder-answers, 10,000 runs, random seed 633454104).
      if (holder === undefined || holder.fromMs > t - bounds.programmingDelayMs || Math.min(apiEndMs(holder), liveEndMs(holder)) < t + bounds.replyWindowMs) continue;
      if (!nodeHealthy(faults, holder.node, t) || !nodeHealthy(faults, holder.node, t + bounds.replyWindowMs)) continue;
      const linkUp = (iface: string): boolean => !linkDownWithin(linksDown, holder.node, iface, t, t + bounds.replyWindowMs);
      const programs = (iface: string, atMs: number): boolean => selection(holder.node, iface, atMs) === true && (expectations.byService.get(service)?.at(atMs)?.lbIfaces.get(holder.node)?.includes(iface) ?? true);
      const holderMacs = (context.interfaces ?? []).filter((i) => i.node === holder.node && programs(i.iface, t) && programs(i.iface, t - bounds.programmingDelayMs) && linkUp(i.iface) && (i.segment === undefined || request.segment === '' || i.segment === request.segment)).map((i) => i.mac.toLowerCase());
      if (holderMacs.length === 0) continue;
      // A unicast request (a client's PROBE-state check of a cached MAC) reaches only its MAC.
      if (request.ethDst !== undefined && request.ethDst !== 'ff:ff:ff:ff:ff:ff' && !holderMacs.includes(request.ethDst.toLowerCase())) continue;
      const answered = answers.some((a) => a.senderIp === request.targetIp && holderMacs.includes(a.senderMac) && a.tMs >= t && a.tMs <= t + bounds.replyWindowMs);
      if (!answered) violations.push({ atMs: t + bounds.replyWindowMs, kind: 'holder-silent', ip: request.targetIp, node: holder.node, service, requestAtMs: t });
    }
  }
  return verdict(violations, [], unknownMacs.size > 0 ? { unknownMacs: [...unknownMacs].sort() } : {});
}
