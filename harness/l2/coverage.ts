/**
 * `candidacyRequiresEveryIp` (`reference`; spec §1.3 P1/P2, INV-HOLDER-ANSWERS: the holder answers
 * for every IP of its service). One Lease per service and the winner's own policies decide what is
 * announced, so a candidate that would program only some of the service's IPs leaves the others
 * silent when it wins — or when it is the one left after the node that programs them dies. Under
 * the switch only the candidates that would program every IP some candidate would program compete;
 * when no candidate covers them all (P1 on nodes A for one IP type, P2 on nodes B for the other),
 * none does. Pure: the agent (over its Node cache), `decideService` and the observer share it.
 */
import type { CandidacyDecision } from './candidacy.ts';

/** The IPs `decision` would program on some device (patterns or all devices when its devices are unknown). */
export function programmedIps(decision: CandidacyDecision): Set<string> {
  const ips = new Set<string>();
  for (const entry of decision.announce) {
    if (!Array.isArray(entry.interfaces) || entry.interfaces.length > 0) ips.add(entry.ip);
  }
  return ips;
}

/**
 * `decisions` (one per node, any order) with every candidate that misses an IP another candidate
 * would program turned into a non-candidate (reason `misses-ips-others-announce`). Non-candidates
 * are returned as they are.
 */
export function restrictToFullCoverage(decisions: readonly CandidacyDecision[]): CandidacyDecision[] {
  const programmed = new Map(decisions.filter((d) => d.candidate).map((d) => [d.node, programmedIps(d)]));
  const union = new Set([...programmed.values()].flatMap((ips) => [...ips]));
  return decisions.map((d) => {
    const own = programmed.get(d.node);
    if (own === undefined) return d;
    const missing = [...union].filter((ip) => !own.has(ip)).sort();
    if (missing.length === 0) return d;
    return {
      node: d.node,
      candidate: false,
      matchingPolicies: d.matchingPolicies,
      reasons: [{ code: 'misses-ips-others-announce', message: `node ${d.node} would not announce ${missing.join(', ')}, which other candidates would: it does not compete (this profile requires a holder to announce every IP)` }],
      warnings: [],
      announce: [],
      answersNothing: false,
    };
  });
}
