/**
 * The generated shape of an explored scenario (`ScenarioSpec`): small, index-based and closed
 * under shrinking. Every cross reference (a step's node, a backend's node, a selector's label) is
 * an index taken modulo what exists, or a value from a fixed vocabulary, so removing a node, a
 * service or a policy while shrinking never makes the spec invalid — it only retargets. The spec
 * becomes a scenario file by `specDocument` and a resolved `Scenario` through the ordinary parser.
 */

/** Node label vocabulary: policy node selectors draw from the same values. */
export const ZONES = ['a', 'b'] as const;
export const ROLES = ['edge', 'core'] as const;
/** Service tier label vocabulary: policy and pool service selectors draw from it. */
export const TIERS = ['front', 'back'] as const;
/** Interface patterns a policy may carry (Go regexps; `undefined` = every device). */
export const INTERFACE_PATTERNS = ['^eth0$', '^eth', 'eth1', '^wlan'] as const;

/** One node: labels from the vocabulary, one or two data interfaces. */
export interface NodeSpec {
  readonly zone?: (typeof ZONES)[number];
  readonly role?: (typeof ROLES)[number];
  /** `eth1` on the second segment as well as `eth0`. */
  readonly secondInterface: boolean;
}

/** One service in `default`, named `s<k>` by position. */
export interface ServiceSpec {
  readonly type: 'LoadBalancer' | 'ClusterIP' | 'NodePort';
  readonly tier: (typeof TIERS)[number];
  /** Carries one external IP (announced by policies with `externalIPs: true`). */
  readonly externalIp: boolean;
  readonly etpLocal: boolean;
  /** Index of the node holding its one backend (modulo the node count); undefined = none. */
  readonly backendNode?: number;
  readonly sharingKey?: 'k1' | 'k2';
  readonly loadBalancerClass?: 'io.cilium/l2-announcer' | 'example.com/other';
}

/** One CiliumL2AnnouncementPolicy. */
export interface PolicySpec {
  readonly nodeSelector?: { readonly key: 'zone' | 'role'; readonly value: string };
  readonly serviceTier?: (typeof TIERS)[number];
  readonly interfacePattern?: (typeof INTERFACE_PATTERNS)[number];
  readonly loadBalancerIPs: boolean;
  readonly externalIPs: boolean;
}

/** One CiliumLoadBalancerIPPool: a /28 (block index picks which), optionally tier-selected. */
export interface PoolSpec {
  readonly block: number;
  readonly serviceTier?: (typeof TIERS)[number];
}

/** Nemesis step kinds the explorer generates (each undone after `forS` unless noted). */
export const STEP_KINDS = ['kill-node', 'kill-agent', 'freeze', 'partition-api', 'api-outage', 'link-down', 'restart-operator', 'relabel-node', 'policy-selector'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One timed nemesis step. */
export interface StepSpec {
  readonly kind: StepKind;
  /** Start, in whole seconds of virtual time (clamped to the fault phase). */
  readonly atS: number;
  /** How long until the inverse (kill-node: the node stays dead; edits are not undone). */
  readonly forS: number;
  /** Node index (modulo the node count). */
  readonly node: number;
  /** Target the holder of this service (modulo the service count) instead of `node`, when set. */
  readonly holderOf?: number;
  /** For label/selector edits: the new value's index into the vocabulary. */
  readonly value: number;
}

/** Everything one explored run is made of. */
export interface ScenarioSpec {
  readonly nodes: readonly NodeSpec[];
  readonly services: readonly ServiceSpec[];
  readonly policies: readonly PolicySpec[];
  readonly pools: readonly PoolSpec[];
  /** Index into `FAST_TIMINGS`. */
  readonly timing: number;
  /** Client-go token bucket per agent; undefined = unlimited. */
  readonly rateLimit?: { readonly qps: number; readonly burst: number };
  /** A probing client on the first segment. */
  readonly client: boolean;
  readonly steps: readonly StepSpec[];
  /** The world seed (`l2lab run --seed`). */
  readonly worldSeed: number;
}

/** Lease timing variants around the `fast` preset (leaseDuration / renewDeadline / retryPeriod). */
export const FAST_TIMINGS = [
  { leaseDuration: '3s', renewDeadline: '1s', retryPeriod: '200ms' },
  { leaseDuration: '2s', renewDeadline: '1s', retryPeriod: '250ms' },
  { leaseDuration: '5s', renewDeadline: '2s', retryPeriod: '500ms' },
] as const;

/** Fault phase: steps start in [FAULT_START_S, FAULT_END_S); the rest of the run is quiet (liveness). */
export const FAULT_START_S = 5;
export const FAULT_END_S = 25;
/** Longest fault (`for`) in seconds. */
export const MAX_FAULT_S = 8;
/** Run length: the fault phase, its longest fault, then a quiet tail for liveness to converge. */
export const RUN_DURATION_S = 45;
