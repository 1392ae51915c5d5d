/**
 * Stable reason and warning codes of the L2 candidacy decisions, for `check`'s JSON output.
 * Codes are part of l2lab's interface: add new ones, never rename or reuse old ones.
 */

/** Why one node does not compete for one service's lease (per node; `policy` set when per policy). */
export type NotCandidateCode =
  /** No CiliumL2AnnouncementPolicy exists. */
  | 'no-policies'
  /** Service-level, §1.2 rule 3 (1.15+): no LB ingress IP and no externalIPs. */
  | 'service-has-no-ip'
  /** Service-level, §1.2 rule 4 (1.15+): `loadBalancerClass` set to something else than `io.cilium/l2-announcer`. */
  | 'foreign-load-balancer-class'
  /** Per policy: invalid nodeSelector (`io.cilium/bad-node-selector`); the agent ignores the policy. */
  | 'policy-bad-node-selector'
  /** Per policy: an interface regex Go rejects (`io.cilium/bad-interface-regex`); the agent ignores the policy. */
  | 'policy-bad-interface-regex'
  /** Per policy: invalid serviceSelector (`io.cilium/bad-service-selector`); the agent ignores the policy. */
  | 'policy-bad-service-selector'
  /** Per policy, §1.2 rule 1: nodeSelector does not select this node. */
  | 'node-not-selected'
  /** Per policy, §1.2 rule 2: serviceSelector (labels + synthetic labels) does not select the service. */
  | 'service-not-selected'
  /** Per policy: `loadBalancerIPs` and `externalIPs` both false. */
  | 'policy-enables-no-ip-type'
  /** Per policy, §1.2 rule 3: the policy enables only IP types the service does not have. */
  | 'no-ip-of-enabled-type'
  /** §1.2 rule 5 (1.20.2+): eTP=Local and the service has no ready backend at all. */
  | 'etp-local-no-backends'
  /** §1.2 rule 5 / C04 fix: eTP=Local and no ready backend on this node. */
  | 'etp-local-no-local-backend'
  /** C05 (1.20.2): eTP=Local and every ready backend lacks a nodeName (Gateway API), so none is local. */
  | 'etp-local-nodeless-backends'
  /** Per policy, `candidacyRequiresDevice` (`reference`): its interfaces select none of the node's devices. */
  | 'policy-selects-no-device'
  /** `candidacyRequiresEveryIp` (`reference`): the node would not announce an IP another candidate would (§1.3 P1/P2). */
  | 'misses-ips-others-announce';

/** Informational findings on one (service, node) that do not change candidacy. */
export type CandidacyWarningCode =
  /** A matching policy's interface regexes select none of the node's devices; it still competes (§1.2 note, C14). */
  | 'interfaces-match-no-device'
  /** The candidate would program nothing if it wins (no IP of an enabled type, or no device). */
  | 'answers-nothing'
  /** §3.1: IPv6 IP ignored by the responder before NDP support (1.19). */
  | 'ipv6-not-answered'
  /** An IP Go's `netip.ParseAddr` would reject; skipped when programming. */
  | 'unparsable-ip'
  /** An interface pattern Go accepts but JS reads differently; evaluated with Go semantics. */
  | 'interface-regex-not-portable';

/** Why a service is announced by nobody (service level). */
export type ServiceNotAnnouncedCode =
  | 'no-policies'
  | 'no-ip-yet'
  | 'foreign-load-balancer-class'
  | 'no-policy-selects-service'
  | 'invalid-policies-only'
  | 'policies-enable-no-matching-ip-type'
  | 'no-nodes-in-input'
  | 'no-node-matches'
  | 'etp-local-no-backends'
  | 'etp-local-no-local-backend'
  | 'etp-local-nodeless-backends'
  /** C01 (1.14): candidates hold a lease, but there is nothing to announce. */
  | 'lease-without-announceable-ip'
  /** §3.1: only IPv6 IPs and the profile has no NDP responder. */
  | 'ipv6-needs-ndp'
  /** C14: every candidate's policies select no device. */
  | 'no-interface-matches'
  /** `candidacyRequiresDevice` (`reference`): the selected nodes have no device the policies' interfaces match, so none competes. */
  | 'no-device-matches'
  /** `candidacyRequiresEveryIp` (`reference`): no candidate would announce every IP the others would (§1.3 P1/P2). */
  | 'no-candidate-announces-every-ip';

/** Warnings on a service that is (or may be) announced. */
export type ServiceWarningCode =
  /** An IP of the service that no candidate would announce (issue 2 item 6: "assigned but announced by no policy"). */
  | 'ip-announced-by-no-candidate'
  /** §1.3 P1/P2 trap: whether this IP is announced depends on which candidate wins. */
  | 'ip-depends-on-winner'
  /** Some candidates would answer nothing if they win (§1.2 note, C14). */
  | 'candidates-answer-nothing'
  /** C04: eTP=Local, the profile does not gate, and some candidates have no local backend. */
  | 'etp-local-candidates-without-backend'
  /** eTP=Local with only nodeless backends, not gated by this profile (reference; contrast C05). */
  | 'etp-local-nodeless-backends-not-gated'
  /** Propagated per-node warnings (non-portable regex, unparsable IP…), de-duplicated. */
  | CandidacyWarningCode;

/** A structured reason; `policy` names the policy for per-policy reasons. */
export interface Reason<C extends string> {
  readonly code: C;
  readonly message: string;
  readonly policy?: string;
}

/** Why a node is not a candidate. */
export type NotCandidateReason = Reason<NotCandidateCode>;
/** A per-node warning. */
export type CandidacyWarning = Reason<CandidacyWarningCode>;
/** Why a service is not announced. */
export type ServiceNotAnnouncedReason = Reason<ServiceNotAnnouncedCode>;
/** A service-level warning, with the IPs and nodes it concerns. */
export interface ServiceWarning extends Reason<ServiceWarningCode> {
  readonly ips?: readonly string[];
  readonly nodes?: readonly string[];
}
