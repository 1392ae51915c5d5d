/**
 * Does one node compete for one service's announce Lease, and what would it program if it won
 * (spec §1.2, §1.3)? This mirrors the agent's `upsertSvc`/`upsertPolicy`: service-level gates
 * first (IPs present, load-balancer class), then each policy (valid, node selected, service
 * selected, an enabled IP type present), then the eTP=Local gate where the profile has it.
 * Interfaces do not affect candidacy in any Cilium version: a node whose regexes select no device
 * still competes and, if it wins, answers nothing — that is flagged, not hidden. Under the
 * `candidacyRequiresDevice` switch (`reference`) such a policy does not make the node a candidate,
 * the last per-policy check, so one decision rules the agent, the model and the observer alike.
 */
import { isIP } from 'node:net';
import type { Endpoint, L2AnnouncementPolicy, Node, Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { backendsOf, etpLocalGate } from './backends.ts';
import { preparePolicy, type PreparedPolicy } from './policy-prep.ts';
import type { CandidacyWarning, NotCandidateReason } from './reasons.ts';

/** The class that keeps a service eligible under the class filter (§1.2 rule 4). */
export const L2_ANNOUNCER_CLASS = 'io.cilium/l2-announcer';

/** Input of {@link decideCandidacy}. */
export interface CandidacyInput {
  readonly service: Service;
  /** LB IPs as LB-IPAM leaves them in `status.loadBalancer.ingress`. */
  readonly ingressIPs: readonly string[];
  readonly node: Node;
  readonly policies: readonly L2AnnouncementPolicy[];
  readonly endpoints: readonly Endpoint[];
  readonly profile: Profile;
  /** The node's Cilium devices if known; defaults to `node.interfaces`. */
  readonly devices?: readonly string[];
}

/**
 * Where an IP would be answered: device names (when the node's devices are known),
 * `'all-devices'` (a policy without `interfaces`, devices unknown) or the policies' patterns
 * (devices unknown).
 */
export type AnnounceInterfaces = readonly string[] | 'all-devices' | { readonly patterns: readonly string[] };

/** One IP the node would program if it leads the service. */
export interface AnnounceEntry {
  readonly ip: string;
  readonly type: 'loadBalancerIP' | 'externalIP';
  readonly interfaces: AnnounceInterfaces;
}

/** Result of {@link decideCandidacy}. */
export interface CandidacyDecision {
  readonly node: string;
  readonly candidate: boolean;
  /** Policies through which this node selects the service (sorted by name). */
  readonly matchingPolicies: readonly string[];
  /** Why not (empty when `candidate`). */
  readonly reasons: readonly NotCandidateReason[];
  readonly warnings: readonly CandidacyWarning[];
  /** Union over the matching policies of {IPs of enabled types} × {devices selected}; empty unless `candidate`. */
  readonly announce: readonly AnnounceEntry[];
  /** A candidate that would program nothing if it wins. */
  readonly answersNothing: boolean;
}

interface ServiceIps {
  readonly lb: readonly string[];
  readonly ext: readonly string[];
}

function serviceIps(service: Service, ingressIPs: readonly string[]): ServiceIps {
  // Cilium tests `ingress.IP != ""` and `ExternalIPs == nil` before parsing anything.
  return { lb: withoutEmpty(ingressIPs), ext: withoutEmpty(service.externalIPs) };
}

/** `ips` without empty strings (the same array when it has none: the usual case, no copy). */
function withoutEmpty(ips: readonly string[]): readonly string[] {
  return ips.includes('') ? ips.filter((ip) => ip !== '') : ips;
}

function joinMessages(problems: readonly { readonly message: string }[]): string {
  return problems.map((x) => x.message).join('; ');
}

/** Per-policy check after the service-level gates; returns a reason or undefined when it matches. */
function policyReason(p: PreparedPolicy, input: CandidacyInput, ips: ServiceIps): NotCandidateReason | undefined {
  const policy = p.policy.name;
  if (p.nodeSelectorProblems.length > 0) {
    return { code: 'policy-bad-node-selector', policy, message: `policy ${policy} is ignored (io.cilium/bad-node-selector): ${joinMessages(p.nodeSelectorProblems)}` };
  }
  if (!p.selectsNode(input.node)) {
    return p.nodeNotSelectedReason(input.node);
  }
  // The agent compiles interface regexes only for policies whose node selector matched.
  if (p.interfaceProblems.length > 0) {
    return { code: 'policy-bad-interface-regex', policy, message: `policy ${policy} is ignored (io.cilium/bad-interface-regex): ${joinMessages(p.interfaceProblems)}` };
  }
  if (p.serviceSelectorProblems.length > 0) {
    return { code: 'policy-bad-service-selector', policy, message: `policy ${policy} is ignored (io.cilium/bad-service-selector): ${joinMessages(p.serviceSelectorProblems)}` };
  }
  if (!p.selectsService(input.service)) {
    return p.serviceNotSelectedReason(input.service);
  }
  return ipTypeReason(p, input, ips) ?? deviceReason(p, input);
}

/** §1.2 rule 3: the policy enables an IP type the service has (C01 profiles skip the test). */
function ipTypeReason(p: PreparedPolicy, input: CandidacyInput, ips: ServiceIps): NotCandidateReason | undefined {
  const policy = p.policy.name;
  if (input.profile.l2.leaseForNonAnnounceable) return undefined; // C01: label match is enough
  if (ips.lb.length === 0 && ips.ext.length === 0) return undefined; // reported once at service level
  if (!p.policy.loadBalancerIPs && !p.policy.externalIPs) {
    return { code: 'policy-enables-no-ip-type', policy, message: `policy ${policy} enables neither loadBalancerIPs nor externalIPs` };
  }
  if (!((p.policy.loadBalancerIPs && ips.lb.length > 0) || (p.policy.externalIPs && ips.ext.length > 0))) {
    const enabled = [p.policy.loadBalancerIPs ? 'loadBalancerIPs' : '', p.policy.externalIPs ? 'externalIPs' : ''].filter(Boolean).join(' and ');
    return { code: 'no-ip-of-enabled-type', policy, message: `policy ${policy} enables ${enabled}, which the service does not have` };
  }
  return undefined;
}

/**
 * `candidacyRequiresDevice` (`reference`): a policy selecting none of the node's devices does not
 * make it a candidate. Unknown devices (`check` without Helm `devices`) cannot be judged: no reason.
 */
function deviceReason(p: PreparedPolicy, input: CandidacyInput): NotCandidateReason | undefined {
  if (!input.profile.l2.candidacyRequiresDevice) return undefined;
  const devices = input.devices ?? input.node.interfaces;
  if (devices === undefined || p.selectDevices(devices).length > 0) return undefined;
  const policy = p.policy.name;
  return {
    code: 'policy-selects-no-device',
    policy,
    message: `policy ${policy}: interfaces ${JSON.stringify(p.policy.interfaces ?? [])} select none of node ${input.node.name}'s devices (${devices.join(', ') || 'none'}), so it does not compete through this policy`,
  };
}

function serviceGates(input: CandidacyInput, ips: ServiceIps): NotCandidateReason[] {
  const { service, profile } = input;
  const reasons: NotCandidateReason[] = [];
  if (!profile.l2.leaseForNonAnnounceable && ips.lb.length === 0 && ips.ext.length === 0) {
    reasons.push({ code: 'service-has-no-ip', message: 'the service has no LoadBalancer ingress IP and no externalIPs' });
  }
  if (profile.l2.loadBalancerClassFilter && service.loadBalancerClass !== undefined && service.loadBalancerClass !== L2_ANNOUNCER_CLASS) {
    reasons.push({ code: 'foreign-load-balancer-class', message: `loadBalancerClass '${service.loadBalancerClass}' is not ${L2_ANNOUNCER_CLASS}` });
  }
  return reasons;
}

function etpReason(input: CandidacyInput): NotCandidateReason | undefined {
  if (input.service.externalTrafficPolicy !== 'Local') return undefined;
  const gate = etpLocalGate(input.service, input.node, backendsOf(input.service, input.endpoints), input.profile);
  if (!gate.gated) return undefined;
  const node = input.node.name;
  switch (gate.why) {
    case 'no-backends':
      return { code: 'etp-local-no-backends', message: 'externalTrafficPolicy: Local and no ready backend is known for the service (add its Pods/EndpointSlices)' };
    case 'nodeless-backends':
      return { code: 'etp-local-nodeless-backends', message: 'externalTrafficPolicy: Local and every ready backend lacks a nodeName, so no node counts as local (C05)' };
    case 'no-local-backend':
      return { code: 'etp-local-no-local-backend', message: `externalTrafficPolicy: Local and no ready backend runs on node ${node}` };
  }
}

/**
 * Decides candidacy of one node for one service and what it would announce (spec §1.2, §1.3).
 * Pure; never throws. Invalid policies are ignored as the agent ignores them, with a reason.
 */
export function decideCandidacy(input: CandidacyInput): CandidacyDecision {
  const ips = serviceIps(input.service, input.ingressIPs);
  const reasons: NotCandidateReason[] = serviceGates(input, ips);
  if (input.policies.length === 0) {
    reasons.push({ code: 'no-policies', message: 'no CiliumL2AnnouncementPolicy exists' });
  }
  const matching: PreparedPolicy[] = [];
  for (const policy of input.policies) {
    const p = preparePolicy(policy);
    const why = policyReason(p, input, ips);
    if (why === undefined) matching.push(p);
    else reasons.push(why);
  }
  if (matching.length > 1) matching.sort((a, b) => (a.policy.name < b.policy.name ? -1 : a.policy.name > b.policy.name ? 1 : 0));
  const blocked = reasons.some((r) => r.code === 'service-has-no-ip' || r.code === 'foreign-load-balancer-class');
  if (!blocked && matching.length > 0) {
    const etp = etpReason(input);
    if (etp !== undefined) reasons.push(etp);
  }
  const candidate = matching.length > 0 && !reasons.some((r) => SERVICE_OR_NODE_BLOCKING.has(r.code));
  const matchingPolicies = matching.map((p) => p.policy.name);
  if (!candidate) {
    return { node: input.node.name, candidate, matchingPolicies, reasons, warnings: [], announce: [], answersNothing: false };
  }
  const { announce, warnings } = announceSet(input, matching, ips);
  const answersNothing = announce.length === 0 || announce.every((a) => Array.isArray(a.interfaces) && a.interfaces.length === 0);
  if (answersNothing) {
    warnings.push({ code: 'answers-nothing', message: `node ${input.node.name} competes for the lease but would answer for no IP on no device if it wins` });
  }
  return { node: input.node.name, candidate, matchingPolicies, reasons: [], warnings, announce, answersNothing };
}

const SERVICE_OR_NODE_BLOCKING: ReadonlySet<string> = new Set([
  'service-has-no-ip',
  'foreign-load-balancer-class',
  'etp-local-no-backends',
  'etp-local-no-local-backend',
  'etp-local-nodeless-backends',
]);

interface IfaceAcc {
  all: boolean;
  names: Set<string>;
  patterns: Set<string>;
}

interface IpAcc {
  readonly ip: string;
  readonly type: AnnounceEntry['type'];
  readonly ifaces: IfaceAcc;
}

function announceSet(input: CandidacyInput, matching: readonly PreparedPolicy[], ips: ServiceIps): { announce: AnnounceEntry[]; warnings: CandidacyWarning[] } {
  const devices = input.devices ?? input.node.interfaces;
  const warnings = new Map<string, CandidacyWarning>();
  const acc = new Map<string, IpAcc>();
  for (const p of matching) {
    const policy = p.policy.name;
    for (const np of p.nonPortablePatterns) {
      addWarning(warnings, { code: 'interface-regex-not-portable', policy, message: `policy ${policy}: interface pattern '${np.pattern}' is ${np.reason}; evaluated with Go semantics` });
    }
    const selected = devices === undefined ? undefined : p.selectDevices(devices);
    if (selected !== undefined && selected.length === 0 && p.matchesDevice !== undefined) {
      addWarning(warnings, { code: 'interfaces-match-no-device', policy, message: `policy ${policy}: interfaces ${JSON.stringify(p.policy.interfaces)} select none of node ${input.node.name}'s devices (${devices?.join(', ') || 'none'})` });
    }
    if (p.policy.loadBalancerIPs) for (const ip of ips.lb) addIp(acc, warnings, input, p, selected, ip, 'loadBalancerIP');
    if (p.policy.externalIPs) for (const ip of ips.ext) addIp(acc, warnings, input, p, selected, ip, 'externalIP');
  }
  const announce = [...acc.values()].map(({ ip, type, ifaces }): AnnounceEntry => ({
    ip,
    type,
    interfaces: devices !== undefined ? [...ifaces.names].sort() : ifaces.all ? 'all-devices' : { patterns: [...ifaces.patterns].sort() },
  }));
  return { announce, warnings: [...warnings.values()] };
}

/** Adds one IP of an enabled type, through policy `p`, to the announce set (or warns why not). */
function addIp(acc: Map<string, IpAcc>, warnings: Map<string, CandidacyWarning>, input: CandidacyInput, p: PreparedPolicy, selected: readonly string[] | undefined, ip: string, type: AnnounceEntry['type']): void {
  const family = isIP(ip);
  if (family === 0) {
    addWarning(warnings, { code: 'unparsable-ip', message: `${type} '${ip}' is not an IP address; Cilium skips it` });
    return;
  }
  if (family === 6 && !input.profile.l2.ipv6Ndp) {
    addWarning(warnings, { code: 'ipv6-not-answered', message: `${type} ${ip} is IPv6; this profile has no NDP responder (Cilium < 1.19), so it is not answered` });
    return;
  }
  const key = `${type}|${ip}`;
  const entry = acc.get(key) ?? { ip, type, ifaces: { all: false, names: new Set<string>(), patterns: new Set<string>() } };
  if (selected !== undefined) for (const d of selected) entry.ifaces.names.add(d);
  else if (p.policy.interfaces === undefined || p.policy.interfaces.length === 0) entry.ifaces.all = true;
  else for (const pat of p.policy.interfaces) entry.ifaces.patterns.add(pat);
  acc.set(key, entry);
}

function addWarning(warnings: Map<string, CandidacyWarning>, w: CandidacyWarning): void {
  const key = `${w.code}|${w.policy ?? ''}|${w.message}`;
  if (!warnings.has(key)) warnings.set(key, w);
}
