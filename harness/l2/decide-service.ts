/**
 * One service across all nodes (spec §1.2–§1.3, §2): its Lease, the nodes competing for it, and —
 * because the winner is first come, first served — what is certain and what depends on who wins.
 * An IP is "announced" only if some candidate would program it; an IP only some candidates would
 * program is the §1.3 P1/P2 trap and is reported as a warning.
 */
import { isIP } from 'node:net';
import type { Endpoint, L2AnnouncementPolicy, Node, Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { matchesSelector, serviceSelectorLabels } from '../selector/label-selector.ts';
import { backendsOf } from './backends.ts';
import { type CandidacyDecision, decideCandidacy } from './candidacy.ts';
import { restrictToFullCoverage } from './coverage.ts';
import { serviceLeaseName } from '../impl/kube-vip/lease-name.ts';
import { policyProblems, preparePolicy } from './policy-prep.ts';
import type { NotCandidateCode, ServiceNotAnnouncedCode, ServiceNotAnnouncedReason, ServiceWarning } from './reasons.ts';

/** Options of {@link decideService}. */
export interface DecideServiceOptions {
  /** Cluster-wide Cilium devices (Helm `devices`), used for nodes without `interfaces`. */
  readonly devices?: readonly string[];
}

/** An IP that only some candidates would announce (§1.3). */
export interface WinnerDependentIp {
  readonly ip: string;
  readonly announcedBy: readonly string[];
  readonly notBy: readonly string[];
}

/** Result of {@link decideService}. */
export interface ServiceDecision {
  /** `namespace/name`. */
  readonly service: string;
  readonly leaseName: string;
  /** Nodes that compete for the lease, sorted. */
  readonly candidateNodes: readonly string[];
  /** One decision per input node, in input order. */
  readonly perNode: readonly CandidacyDecision[];
  /** Some candidate would answer for at least one IP. */
  readonly announceable: boolean;
  /** Why nobody announces (empty when `announceable`). */
  readonly notAnnouncedReasons: readonly ServiceNotAnnouncedReason[];
  readonly warnings: readonly ServiceWarning[];
  /** IPs of the service no candidate would announce. */
  readonly unannouncedIps: readonly string[];
  /** IPs announced only if certain candidates win (§1.3 P1/P2 trap). */
  readonly winnerDependentIps: readonly WinnerDependentIp[];
}

const sortStr = (xs: Iterable<string>): string[] => [...xs].sort();

function allIps(service: Service, ingressIPs: readonly string[]): string[] {
  return [...new Set([...ingressIPs, ...service.externalIPs].filter((ip) => ip !== ''))];
}

/** Node-independent diagnosis: why no node is a candidate. */
function noCandidateReason(service: Service, ingressIPs: readonly string[], ips: readonly string[], nodes: readonly Node[], policies: readonly L2AnnouncementPolicy[], perNode: readonly CandidacyDecision[], profile: Profile): ServiceNotAnnouncedReason {
  const anyCode = (code: NotCandidateCode): boolean => perNode.some((d) => d.reasons.some((r) => r.code === code));
  const r = (code: ServiceNotAnnouncedCode, message: string): ServiceNotAnnouncedReason => ({ code, message });
  if (!profile.l2.leaseForNonAnnounceable && ips.length === 0) return r('no-ip-yet', 'the service has no LoadBalancer ingress IP (not allocated yet?) and no externalIPs');
  if (profile.l2.loadBalancerClassFilter && service.loadBalancerClass !== undefined && service.loadBalancerClass !== 'io.cilium/l2-announcer') {
    return r('foreign-load-balancer-class', `loadBalancerClass '${service.loadBalancerClass}' belongs to another announcer`);
  }
  if (policies.length === 0) return r('no-policies', 'no CiliumL2AnnouncementPolicy exists');
  const labels = serviceSelectorLabels(service);
  const prepared = policies.map(preparePolicy);
  const valid = prepared.filter((p) => policyProblems(p).length === 0);
  const selecting = valid.filter((p) => matchesSelector(p.policy.serviceSelector, labels));
  if (selecting.length === 0) {
    const invalidSelecting = prepared.filter((p) => policyProblems(p).length > 0 && p.serviceSelectorProblems.length === 0 && matchesSelector(p.policy.serviceSelector, labels));
    if (invalidSelecting.length > 0) {
      return r('invalid-policies-only', `only invalid policies would select the service (${invalidSelecting.map((p) => `${p.policy.name}: ${policyProblems(p).map((x) => x.condition).join(', ')}`).join('; ')}); Cilium ignores them`);
    }
    return r('no-policy-selects-service', 'no valid policy\'s serviceSelector selects the service');
  }
  const hasLb = ingressIPs.some((ip) => ip !== '');
  const hasExt = service.externalIPs.some((ip) => ip !== '');
  const typed = profile.l2.leaseForNonAnnounceable ? selecting : selecting.filter((p) => (p.policy.loadBalancerIPs && hasLb) || (p.policy.externalIPs && hasExt));
  if (typed.length === 0) {
    return r('policies-enable-no-matching-ip-type', `policies ${selecting.map((p) => p.policy.name).join(', ')} select the service but enable no IP type it has (${hasLb ? 'LB IP' : ''}${hasLb && hasExt ? ', ' : ''}${hasExt ? 'externalIPs' : ''})`);
  }
  if (nodes.length === 0) return r('no-nodes-in-input', 'no Node objects in the input, so node selection was not evaluated');
  if (!nodes.some((n) => typed.some((p) => p.selectsNode(n)))) {
    return r('no-node-matches', `the nodeSelectors of ${typed.map((p) => p.policy.name).join(', ')} select none of the ${nodes.length} nodes`);
  }
  if (anyCode('misses-ips-others-announce')) {
    return r('no-candidate-announces-every-ip', 'no candidate would announce every IP of the service that another would (§1.3 P1/P2: the policies split its IP types or devices between nodes), so none competes');
  }
  const etpGated = anyCode('etp-local-nodeless-backends') || anyCode('etp-local-no-backends') || anyCode('etp-local-no-local-backend');
  if (!etpGated && anyCode('policy-selects-no-device')) {
    return r('no-device-matches', `the interfaces of ${typed.map((p) => p.policy.name).join(', ')} select no device of the nodes they select, so no node competes (this profile requires a device for candidacy)`);
  }
  if (anyCode('etp-local-nodeless-backends')) return r('etp-local-nodeless-backends', 'externalTrafficPolicy: Local and the backends have no nodeName (Gateway API), so no node competes (C05)');
  if (anyCode('etp-local-no-backends')) return r('etp-local-no-backends', 'externalTrafficPolicy: Local and no ready backend is known, so every node withdraws');
  return r('etp-local-no-local-backend', 'externalTrafficPolicy: Local and no selected node hosts a ready backend');
}

function nothingAnnouncedReason(service: Service, ips: readonly string[], candidates: readonly CandidacyDecision[], profile: Profile): ServiceNotAnnouncedReason {
  if (ips.length > 0 && !profile.l2.ipv6Ndp && ips.every((ip) => isIP(ip) === 6)) {
    return { code: 'ipv6-needs-ndp', message: 'all IPs are IPv6 and this profile has no NDP responder (Cilium < 1.19): a lease is held but nothing is answered' };
  }
  const programsIps = candidates.some((d) => d.announce.length > 0);
  if (programsIps) {
    return { code: 'no-interface-matches', message: "every candidate's policies select none of its devices: the winner holds the lease and answers nothing (C14)" };
  }
  return {
    code: 'lease-without-announceable-ip',
    message: `${candidates.length} node(s) compete for lease ${serviceLeaseName(service.namespace, service.name, profile)} but there is no IP of an enabled type to announce${profile.l2.leaseForNonAnnounceable ? ' (C01)' : ''}`,
  };
}

/** Would `d` program `ip` on some device (an empty device list programs nothing)? */
function programs(d: CandidacyDecision, ip: string): boolean {
  return d.announce.some((a) => a.ip === ip && !(Array.isArray(a.interfaces) && a.interfaces.length === 0));
}

function ipCoverage(ips: readonly string[], candidates: readonly CandidacyDecision[]): { unannounced: string[]; dependent: WinnerDependentIp[] } {
  const unannounced: string[] = [];
  const dependent: WinnerDependentIp[] = [];
  for (const ip of ips) {
    const by = candidates.filter((d) => programs(d, ip)).map((d) => d.node);
    if (by.length === 0) unannounced.push(ip);
    else if (by.length < candidates.length) dependent.push({ ip, announcedBy: sortStr(by), notBy: sortStr(candidates.map((d) => d.node).filter((n) => !by.includes(n))) });
  }
  return { unannounced, dependent };
}

function etpWarnings(service: Service, endpoints: readonly Endpoint[], candidates: readonly CandidacyDecision[], profile: Profile): ServiceWarning[] {
  if (service.externalTrafficPolicy !== 'Local' || candidates.length === 0) return [];
  const ready = backendsOf(service, endpoints).filter((b) => b.ready);
  if (ready.length > 0 && ready.every((b) => b.nodeName === undefined)) {
    return profile.l2.etpLocalGating
      ? [{ code: 'etp-local-nodeless-backends-not-gated', message: 'externalTrafficPolicy: Local with only nodeless backends (Gateway API): not gated by this profile; Cilium 1.20.2 announces nothing here (C05)' }]
      : [];
  }
  if (profile.l2.etpLocalGating || ready.length === 0) return [];
  const hosting = new Set(ready.map((b) => b.nodeName));
  const without = candidates.map((d) => d.node).filter((n) => !hosting.has(n));
  if (without.length === 0) return [];
  return [{
    code: 'etp-local-candidates-without-backend',
    nodes: sortStr(without),
    message: `externalTrafficPolicy: Local but ${without.length} of ${candidates.length} candidates host no ready backend; if one wins, traffic to the VIP is dropped (C04, fixed in 1.20.2)`,
  }];
}

function dedupeNodeWarnings(candidates: readonly CandidacyDecision[]): ServiceWarning[] {
  const byKey = new Map<string, { w: ServiceWarning; nodes: string[] }>();
  for (const d of candidates) {
    for (const w of d.warnings) {
      if (w.code === 'answers-nothing') continue; // summarised as candidates-answer-nothing
      const key = `${w.code}|${w.policy ?? ''}|${w.message}`;
      const hit = byKey.get(key) ?? { w, nodes: [] as string[] };
      hit.nodes.push(d.node);
      byKey.set(key, hit);
    }
  }
  return [...byKey.values()].map(({ w, nodes }) => ({ ...w, nodes: sortStr(nodes) }));
}

function decideNodes(service: Service, ingressIPs: readonly string[], nodes: readonly Node[], policies: readonly L2AnnouncementPolicy[], endpoints: readonly Endpoint[], profile: Profile, options: DecideServiceOptions): CandidacyDecision[] {
  const each = nodes.map((node) => {
    const devices = node.interfaces ?? options.devices;
    return decideCandidacy({ service, ingressIPs, node, policies, endpoints, profile, ...(devices === undefined ? {} : { devices }) });
  });
  return profile.l2.candidacyRequiresEveryIp ? restrictToFullCoverage(each) : each;
}

/** What {@link decideServiceCoverage} answers. */
export interface ServiceCoverage {
  /** The candidates' decisions, in input node order ({@link ServiceDecision.perNode} filtered). */
  readonly candidates: readonly CandidacyDecision[];
  readonly candidateNodes: readonly string[];
  readonly announceable: boolean;
  readonly unannouncedIps: readonly string[];
}

/**
 * Who competes for `service` and which of its IPs some candidate announces: {@link decideService}'s
 * `candidateNodes`, `announceable`, `unannouncedIps` and candidates, without its diagnosis (reasons,
 * warnings, winner-dependent IPs), for callers that re-decide on every change and read only these
 * (the sim observer). Pure; never throws.
 */
export function decideServiceCoverage(
  service: Service,
  ingressIPs: readonly string[],
  nodes: readonly Node[],
  policies: readonly L2AnnouncementPolicy[],
  endpoints: readonly Endpoint[],
  profile: Profile,
  options: DecideServiceOptions = {},
): ServiceCoverage {
  const ips = allIps(service, ingressIPs);
  // Candidacy's first service gate (§1.2): without an IP, no node competes unless the profile
  // leases non-announceable services (C01) — so no per-node pass (every service before LB-IPAM).
  if (ips.length === 0 && !profile.l2.leaseForNonAnnounceable) return { candidates: [], candidateNodes: [], announceable: false, unannouncedIps: ips };
  const candidates = decideNodes(service, ingressIPs, nodes, policies, endpoints, profile, options).filter((d) => d.candidate);
  if (candidates.length === 0) return { candidates, candidateNodes: [], announceable: false, unannouncedIps: ips };
  const unannouncedIps = ips.filter((ip) => !candidates.some((d) => programs(d, ip)));
  return { candidates, candidateNodes: sortStr(candidates.map((d) => d.node)), announceable: unannouncedIps.length < ips.length, unannouncedIps };
}

/**
 * Decides candidacy of every node for `service` and summarises what is announced (spec §1.2,
 * §1.3). `notAnnouncedReasons` holds the first applicable cause in the order Cilium would hit it.
 * Pure; never throws.
 */
export function decideService(
  service: Service,
  ingressIPs: readonly string[],
  nodes: readonly Node[],
  policies: readonly L2AnnouncementPolicy[],
  endpoints: readonly Endpoint[],
  profile: Profile,
  options: DecideServiceOptions = {},
): ServiceDecision {
  const perNode = decideNodes(service, ingressIPs, nodes, policies, endpoints, profile, options);
  const candidates = perNode.filter((d) => d.candidate);
  const ips = allIps(service, ingressIPs);
  const base = { service: `${service.namespace}/${service.name}`, leaseName: serviceLeaseName(service.namespace, service.name, profile), candidateNodes: sortStr(candidates.map((d) => d.node)), perNode };
  if (candidates.length === 0) {
    return { ...base, announceable: false, notAnnouncedReasons: [noCandidateReason(service, ingressIPs, ips, nodes, policies, perNode, profile)], warnings: [], unannouncedIps: ips, winnerDependentIps: [] };
  }
  const { unannounced, dependent } = ipCoverage(ips, candidates);
  const announceable = unannounced.length < ips.length;
  const warnings: ServiceWarning[] = [...dedupeNodeWarnings(candidates), ...etpWarnings(service, endpoints, candidates, profile)];
  const silent = candidates.filter((d) => d.answersNothing).map((d) => d.node);
  if (announceable && silent.length > 0) {
    warnings.push({ code: 'candidates-answer-nothing', nodes: sortStr(silent), message: `${silent.length} of ${candidates.length} candidates would answer nothing if they win the lease (no matching device or no enabled IP type)` });
  }
  if (announceable && unannounced.length > 0) {
    warnings.push({ code: 'ip-announced-by-no-candidate', ips: unannounced, message: `${unannounced.join(', ')} assigned but announced by no candidate (no matching policy enables the IP's type, IPv6 without NDP, or no device)` });
  }
  for (const d of dependent) {
    warnings.push({ code: 'ip-depends-on-winner', ips: [d.ip], nodes: d.notBy, message: `${d.ip} is announced only if ${d.announcedBy.join(', ')} wins; it goes silent if ${d.notBy.join(', ')} wins (§1.3: one lease per service, announced set from the winner's policies)` });
  }
  return {
    ...base,
    announceable,
    notAnnouncedReasons: announceable ? [] : [nothingAnnouncedReason(service, ips, candidates, profile)],
    warnings,
    unannouncedIps: unannounced,
    winnerDependentIps: dependent,
  };
}
