/**
 * fast-check arbitraries for explored scenarios (swarm testing, VOPR style: the options of a run —
 * topology, services, policies, pools, timings, rate limits, fault schedule — are drawn first,
 * then the world seed drives the run). Sizes are small by default and every part shrinks towards
 * less: fewer nodes, services, policies, pools and steps, no labels, no selectors, no faults.
 */
import fc from 'fast-check';
import {
  FAST_TIMINGS,
  FAULT_END_S,
  FAULT_START_S,
  INTERFACE_PATTERNS,
  MAX_FAULT_S,
  ROLES,
  STEP_KINDS,
  TIERS,
  ZONES,
  type NodeSpec,
  type PolicySpec,
  type PoolSpec,
  type ScenarioSpec,
  type ServiceSpec,
  type StepKind,
  type StepSpec,
} from './spec.ts';

/** How client rate limits are drawn: none, loose (rarely throttles), or tight (C02 territory). */
export type RateLimitBias = 'default' | 'tight';

/** Size limits and biases of {@link scenarioSpecArbitrary}. */
export interface SpecArbitraryOptions {
  readonly maxNodes?: number;
  readonly maxServices?: number;
  readonly maxPolicies?: number;
  readonly maxPools?: number;
  readonly maxSteps?: number;
  /** `tight`: every agent gets a token bucket of 1–3 QPS, burst 1–5. Default: none or loose. */
  readonly rateLimit?: RateLimitBias;
  /**
   * Leave out the corners where `reference` is known to disagree with its checkers (reported,
   * see docs/explore.md "Known findings"): interface patterns that select no device of some node,
   * policies that announce only one IP type, and every fault kind but node kills, API outages and
   * operator restarts. Default false: explore everything.
   */
  readonly avoidKnownFindings?: boolean;
}

/** Defaults of {@link SpecArbitraryOptions}. */
export const DEFAULT_SPEC_LIMITS = { maxNodes: 4, maxServices: 4, maxPolicies: 2, maxPools: 2, maxSteps: 4 } as const;

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 2 });

/** A node: optional zone/role labels, sometimes a second interface. */
export const nodeSpecArbitrary: fc.Arbitrary<NodeSpec> = fc.record(
  { zone: opt(fc.constantFrom(...ZONES)), role: opt(fc.constantFrom(...ROLES)), secondInterface: fc.boolean() },
  { requiredKeys: ['secondInterface'] },
);

/** A service: mostly LoadBalancer; sometimes ClusterIP/NodePort, an external IP, eTP=Local, a sharing key or a class. */
export const serviceSpecArbitrary: fc.Arbitrary<ServiceSpec> = fc.record(
  {
    type: fc.oneof({ arbitrary: fc.constant('LoadBalancer' as const), weight: 3 }, { arbitrary: fc.constantFrom('ClusterIP' as const, 'NodePort' as const), weight: 1 }),
    tier: fc.constantFrom(...TIERS),
    externalIp: fc.boolean(),
    etpLocal: fc.boolean(),
    backendNode: opt(fc.nat({ max: 7 })),
    sharingKey: opt(fc.constantFrom('k1' as const, 'k2' as const)),
    loadBalancerClass: opt(fc.constantFrom('io.cilium/l2-announcer' as const, 'example.com/other' as const)),
  },
  { requiredKeys: ['type', 'tier', 'externalIp', 'etpLocal'] },
);

/** Interface patterns that select `eth0` of every node. */
const PATTERNS_MATCHING_EVERY_NODE = ['^eth0$', '^eth'] as const;

/** A policy: selectors drawn from the node/service label vocabulary, an optional interface pattern. */
export function policySpecArbitrary(avoidKnownFindings = false): fc.Arbitrary<PolicySpec> {
  const types = avoidKnownFindings ? fc.constant({ loadBalancerIPs: true, externalIPs: true }) : fc.record({ loadBalancerIPs: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }), externalIPs: fc.boolean() });
  const fields = fc.record(
    {
      nodeSelector: opt(fc.oneof(fc.record({ key: fc.constant('zone' as const), value: fc.constantFrom<string>(...ZONES) }), fc.record({ key: fc.constant('role' as const), value: fc.constantFrom<string>(...ROLES) }))),
      serviceTier: opt(fc.constantFrom(...TIERS)),
      interfacePattern: opt(fc.constantFrom<PolicySpec['interfacePattern']>(...(avoidKnownFindings ? PATTERNS_MATCHING_EVERY_NODE : INTERFACE_PATTERNS))),
    },
    { requiredKeys: [] },
  );
  return fc.tuple(fields, types).map(([f, t]): PolicySpec => ({ ...f, ...t }));
}

/** A pool: one of a few /28 blocks, sometimes tier-selected. */
export const poolSpecArbitrary: fc.Arbitrary<PoolSpec> = fc.record({ block: fc.nat({ max: 3 }), serviceTier: opt(fc.constantFrom(...TIERS)) }, { requiredKeys: ['block'] });

/** Step kinds left out by `avoidKnownFindings`. */
const KNOWN_FINDING_STEPS: ReadonlySet<StepKind> = new Set(['kill-agent', 'freeze', 'partition-api', 'link-down', 'relabel-node', 'policy-selector']);

/** A nemesis step in the fault phase, lasting 1–{@link MAX_FAULT_S} s. */
export function stepSpecArbitrary(avoidKnownFindings = false): fc.Arbitrary<StepSpec> {
  const kinds = avoidKnownFindings ? STEP_KINDS.filter((k) => !KNOWN_FINDING_STEPS.has(k)) : STEP_KINDS;
  return fc.record(
  {
    kind: fc.constantFrom(...kinds),
    atS: fc.integer({ min: FAULT_START_S, max: FAULT_END_S - 1 }),
    forS: fc.integer({ min: 1, max: MAX_FAULT_S }),
    node: fc.nat({ max: 7 }),
    holderOf: opt(fc.nat({ max: 7 })),
    value: fc.nat({ max: 3 }),
  },
  { requiredKeys: ['kind', 'atS', 'forS', 'node', 'value'] },
  );
}

function rateLimitArbitrary(bias: RateLimitBias): fc.Arbitrary<ScenarioSpec['rateLimit']> {
  if (bias === 'tight') return fc.record({ qps: fc.integer({ min: 1, max: 3 }), burst: fc.integer({ min: 1, max: 5 }) });
  return opt(fc.record({ qps: fc.integer({ min: 50, max: 100 }), burst: fc.integer({ min: 100, max: 200 }) }));
}

/** Scenario specs within `options`' limits; shrinks towards one node and nothing else. */
export function scenarioSpecArbitrary(options: SpecArbitraryOptions = {}): fc.Arbitrary<ScenarioSpec> {
  const limits = { ...DEFAULT_SPEC_LIMITS, ...options };
  return fc.record({
    nodes: fc.array(nodeSpecArbitrary, { minLength: 1, maxLength: limits.maxNodes }),
    services: fc.array(serviceSpecArbitrary, { maxLength: limits.maxServices }),
    policies: fc.array(policySpecArbitrary(options.avoidKnownFindings), { maxLength: limits.maxPolicies }),
    pools: fc.array(poolSpecArbitrary, { maxLength: limits.maxPools }),
    timing: fc.nat({ max: FAST_TIMINGS.length - 1 }),
    rateLimit: rateLimitArbitrary(options.rateLimit ?? 'default'),
    client: fc.boolean(),
    steps: fc.array(stepSpecArbitrary(options.avoidKnownFindings), { maxLength: limits.maxSteps }),
    worldSeed: fc.nat({ max: 0xffff }),
  });
}
