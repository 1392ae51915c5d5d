/**
 * The lease-load model (spec §4, C03): how many API requests Cilium's per-service leader
 * elections cost, per node and for the API server, compared with the Cilium docs' sizing rule and
 * with the agent's client-side rate limit (`k8sClientRateLimit.qps/burst`, C02).
 *
 * client-go's leader renews every retryPeriod (renewDeadline only bounds how long it keeps
 * retrying), so the docs' `#services / renewDeadline` under-states the holder's load by
 * renewDeadline / retryPeriod (2.5× with defaults), or twice that before optimistic renew.
 */

/** One service and the nodes that compete for its lease. */
export interface LeaseLoadService {
  readonly name: string;
  readonly candidateNodes: readonly string[];
}

/** Input of {@link estimateLeaseLoad}. */
export interface LeaseLoadInput {
  readonly services: readonly LeaseLoadService[];
  /** Agents in the cluster; each LISTs leases every 60 s for lease GC. */
  readonly nodeCount: number;
  readonly retryPeriodMs: number;
  readonly renewDeadlineMs: number;
  /** Profile `l2.optimisticRenew`: leader renews with one PUT (≥ 1.16) or GET+PUT (1.14/1.15). */
  readonly optimisticRenew: boolean;
  /**
   * Mean latency of one lease request (default 0). client-go's acquire and renew loops are
   * *sliding* (`JitterUntil(…, sliding=true)`, `PollUntilContextTimeout`): the next period starts
   * when the call returns, so every loop's period grows by its requests' latency — negligible in
   * sim, ~5–10 % against a real API server at a 200 ms retryPeriod.
   */
  readonly requestLatencyMs?: number;
  /** Agents run Cilium's lease GC (a LIST every 60 s each). Default true; false for kube-vip, which has none. */
  readonly leaseGc?: boolean;
}

/** Result of {@link estimateLeaseLoad}; every rate is requests per second. */
export interface LeaseLoadEstimate {
  /** All lease requests the API server receives. */
  readonly clusterTotalPerS: number;
  readonly byVerbPerS: { readonly get: number; readonly update: number; readonly list: number };
  /** Per node, assuming it leads every service it is a candidate for, plus its GC LIST. */
  readonly perNodeWorstCasePerS: Readonly<Record<string, number>>;
  /** The highest per-node worst case (0 without candidates) and its node. */
  readonly worstNode: { readonly node: string; readonly perS: number } | undefined;
  /** The docs' rule for the busiest node: its candidate services / renewDeadline. */
  readonly docsFormulaPerS: number;
  /** worstNode.perS / docsFormulaPerS; undefined when the docs formula gives 0. */
  readonly underestimateFactor: number | undefined;
  /** Services with at least one candidate (each holds one Lease). */
  readonly leaseCount: number;
}

/** Mean candidate poll period factor: U(1, 2.2) × retryPeriod has mean 1.6 × retryPeriod. */
export const CANDIDATE_POLL_FACTOR = 1.6;
/** Lease GC period per agent (spec §2.2). */
export const LEASE_GC_PERIOD_S = 60;

/**
 * Estimates lease API load (spec §4). Per service with n ≥ 1 candidates: the leader issues 1/R
 * PUT (optimistic) or 1/R GET + 1/R PUT; each of the n − 1 others 1/(1.6 R) GET. Every agent adds
 * 1/60 LIST. With every service on all N nodes this is S·(1/R + (N−1)/(1.6R)) + N/60. Duplicate
 * node names in a candidate list count once. Non-positive or non-finite periods give zero rates
 * for the affected terms rather than Infinity.
 */
export function estimateLeaseLoad(input: LeaseLoadInput): LeaseLoadEstimate {
  const retryS = input.retryPeriodMs / 1000;
  const latencyS = (input.requestLatencyMs ?? 0) / 1000;
  const rate = (periodS: number): number => (Number.isFinite(periodS) && periodS > 0 ? 1 / periodS : 0);
  const leaderPeriodS = retryS + (input.optimisticRenew ? 1 : 2) * latencyS;
  const leaderPut = rate(leaderPeriodS);
  const leaderGet = input.optimisticRenew ? 0 : rate(leaderPeriodS);
  const candidateGet = rate(CANDIDATE_POLL_FACTOR * retryS + latencyS);
  const listPerAgent = input.leaseGc === false ? 0 : rate(LEASE_GC_PERIOD_S);

  let get = 0;
  let update = 0;
  let leaseCount = 0;
  const leaderLoad = new Map<string, number>();
  const servicesPerNode = new Map<string, number>();
  for (const svc of input.services) {
    const nodes = [...new Set(svc.candidateNodes)];
    if (nodes.length === 0) continue;
    leaseCount += 1;
    update += leaderPut;
    get += leaderGet + (nodes.length - 1) * candidateGet;
    for (const node of nodes) {
      leaderLoad.set(node, (leaderLoad.get(node) ?? 0) + leaderPut + leaderGet);
      servicesPerNode.set(node, (servicesPerNode.get(node) ?? 0) + 1);
    }
  }
  const nodeCount = Math.max(Number.isFinite(input.nodeCount) ? input.nodeCount : 0, leaderLoad.size);
  const list = nodeCount * listPerAgent;

  const perNode: Record<string, number> = {};
  let worstNode: { node: string; perS: number } | undefined;
  for (const node of [...leaderLoad.keys()].sort()) {
    const perS = (leaderLoad.get(node) ?? 0) + listPerAgent;
    perNode[node] = perS;
    if (worstNode === undefined || perS > worstNode.perS) worstNode = { node, perS };
  }
  const worstServices = worstNode === undefined ? 0 : (servicesPerNode.get(worstNode.node) ?? 0);
  const docsFormulaPerS = worstServices * rate(input.renewDeadlineMs / 1000);
  return {
    clusterTotalPerS: get + update + list,
    byVerbPerS: { get, update, list },
    perNodeWorstCasePerS: perNode,
    worstNode,
    docsFormulaPerS,
    underestimateFactor: docsFormulaPerS > 0 && worstNode !== undefined ? worstNode.perS / docsFormulaPerS : undefined,
    leaseCount,
  };
}

/** Verdict of {@link compareWithRateLimit}. */
export type RateLimitVerdict = 'ok' | 'near-limit' | 'throttled' | 'invalid-limit';

/** Result of {@link compareWithRateLimit}. */
export interface RateLimitComparison {
  readonly verdict: RateLimitVerdict;
  /** perNodePerS / qps (undefined for an invalid limit). */
  readonly utilisation: number | undefined;
  /** A qps with 25 % headroom for the lease traffic alone, rounded up. */
  readonly suggestedQps: number;
  /** Twice the suggested qps (the docs: burst "a bit higher"), at least 10. */
  readonly suggestedBurst: number;
  readonly message: string;
}

/** Utilisation from which the limit is considered too tight: the agent's other API calls share it. */
export const NEAR_LIMIT_UTILISATION = 0.8;

/**
 * Compares one node's steady lease traffic with its client-side token bucket (qps refill, burst
 * capacity). A sustained rate above qps throttles whatever the burst: the bucket only absorbs
 * transients, and once waits exceed renewDeadline the leader drops leases (C02). Never throws.
 */
export function compareWithRateLimit(perNodePerS: number, qps: number, burst: number): RateLimitComparison {
  const need = Number.isFinite(perNodePerS) && perNodePerS > 0 ? perNodePerS : 0;
  const suggestedQps = Math.max(1, Math.ceil(need * 1.25));
  const suggestedBurst = Math.max(10, suggestedQps * 2);
  const base = { suggestedQps, suggestedBurst };
  if (!Number.isFinite(qps) || qps <= 0 || !Number.isFinite(burst) || burst < 1) {
    return { ...base, verdict: 'invalid-limit', utilisation: undefined, message: `client rate limit qps=${qps} burst=${burst} is not a usable token bucket` };
  }
  const utilisation = need / qps;
  const load = `${need.toFixed(2)} lease req/s against qps ${qps} (burst ${burst})`;
  if (utilisation > 1) {
    return { ...base, verdict: 'throttled', utilisation, message: `${load}: sustained client-side throttling; leases will be lost once waits exceed renewDeadline (C02). Set k8sClientRateLimit.qps ≥ ${suggestedQps}, burst ≥ ${suggestedBurst}` };
  }
  if (utilisation >= NEAR_LIMIT_UTILISATION) {
    return { ...base, verdict: 'near-limit', utilisation, message: `${load}: ${(utilisation * 100).toFixed(0)} % of the limit for leases alone; the agent's other API calls share it` };
  }
  return { ...base, verdict: 'ok', utilisation, message: `${load}: ${(utilisation * 100).toFixed(0)} % of the limit` };
}
