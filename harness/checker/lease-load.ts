/**
 * INV-LEASE-LOAD (C02, C03, K08): measured lease requests per verb match the model of
 * `harness/l2/lease-load.ts` — S·(1/R + (N−1)/(1.6R)) + N/60 in the uniform case — within a
 * tolerance (or, on short windows, the count slack of periodic and jittered loops), over a
 * fault-free steady-state window; and no lease request was throttled by the client-side limiter
 * or took so long that one such request can make a leader miss its renew deadline (longer than
 * renewDeadline − retryPeriod; C02: waits of 1–2 s push renewals past renewDeadline; a real API
 * server's occasional 200 ms stall on a busy machine is not that) — unless
 * it was in flight during an injected API cut, freeze, outage or netem on the node's API path. Requests are counted from
 * `lease-request` completions that reached the server (refusals by the client limiter excluded);
 * `create`/`delete` are one-offs and not compared.
 */
import type { HistoryOp } from '../core/history.ts';
import { CANDIDATE_POLL_FACTOR, estimateLeaseLoad, type LeaseLoadInput } from '../l2/lease-load.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import type { CheckContext } from './context.ts';
import { buildFaults, endOfHistoryMs, type Interval } from './timeline.ts';
import { completed, F, nemesisOps, readLeaseRequest } from './vocabulary.ts';

/** The client-go rate limiter's refusal code (`ThrottledError`). */
const THROTTLED = 'store-throttled';

/** Checks INV-LEASE-LOAD. 'unknown' without a model input or with a window shorter than 10 × retryPeriod. */
export function checkLeaseLoad(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const requests = completed(ops, F.leaseRequest).map(readLeaseRequest);
  const violations: Violation[] = [];
  const faults = buildFaults(ops);
  // A request that was in flight while its node was cut off, frozen, its API path shaped or the API
  // server down is slow because of the fault the scenario injected, not because of the load.
  const faulted = (node: string, fromMs: number, toMs: number): boolean =>
    [...(faults.apiCut.get(node) ?? []), ...(faults.nodeDown.get(node) ?? []), ...(faults.apiShaped.get(node) ?? []), ...faults.apiOutage].some((i: Interval) => i.fromMs <= toMs && fromMs < i.toMs);
  const slowMs = Math.max(context.timing.retryPeriodMs, context.timing.renewDeadlineMs - context.timing.retryPeriodMs);
  for (const r of requests) {
    if (r.throttleWaitMs > 0 || r.outcome === THROTTLED) violations.push({ atMs: r.tMs, kind: 'throttled', node: r.node, verb: r.verb, lease: r.name ?? null, throttleWaitMs: r.throttleWaitMs });
    else if (r.latencyMs > slowMs && !faulted(r.node, r.tMs - r.latencyMs, r.tMs)) violations.push({ atMs: r.tMs, kind: 'slow', node: r.node, verb: r.verb, lease: r.name ?? null, latencyMs: r.latencyMs });
  }
  const expectation = context.leaseLoad;
  if (expectation === undefined) {
    return violations.length > 0 ? verdict(violations, []) : { valid: 'unknown', details: { reason: 'no lease-load model input in the context' } };
  }
  const startMs = ops[0]?.tMs ?? 0;
  const firstFaultMs = nemesisOps(ops)[0]?.tMs ?? Number.POSITIVE_INFINITY;
  const fromMs = expectation.fromMs ?? startMs + 2 * context.timing.leaseDurationMs;
  const toMs = expectation.toMs ?? Math.min(endOfHistoryMs(ops), firstFaultMs);
  const windowS = (toMs - fromMs) / 1000;
  if (!(toMs - fromMs >= 10 * context.timing.retryPeriodMs)) {
    return verdict(violations, [{ atMs: fromMs, reason: `window [${fromMs}, ${toMs}] ms is shorter than 10 × retryPeriod` }]);
  }
  const counts = { get: 0, update: 0, list: 0 };
  for (const r of requests) {
    if (r.tMs < fromMs || r.tMs >= toMs || r.outcome === THROTTLED) continue;
    if (r.verb === 'get' || r.verb === 'update' || r.verb === 'list') counts[r.verb] += 1;
  }
  // The loops are sliding: their periods include the requests' latency, measured here (docs/history.md).
  const timed = requests.filter((r) => r.tMs >= fromMs && r.tMs < toMs && r.outcome === 'ok' && r.verb !== 'list');
  const requestLatencyMs = expectation.input.requestLatencyMs ?? (timed.length === 0 ? 0 : timed.reduce((sum, r) => sum + r.latencyMs, 0) / timed.length);
  const model = estimateLeaseLoad({ ...expectation.input, requestLatencyMs });
  const loops = periodicLoops(expectation.input);
  const tolerance = expectation.tolerance ?? 0.1;
  const comparison: { [verb: string]: { measuredPerS: number; modelPerS: number; relativeError: number | null } } = {};
  for (const verb of ['get', 'update', 'list'] as const) {
    const measuredPerS = counts[verb] / windowS;
    const modelPerS = model.byVerbPerS[verb];
    const relativeError = modelPerS > 0 ? (measuredPerS - modelPerS) / modelPerS : null;
    comparison[verb] = { measuredPerS, modelPerS, relativeError };
    const slackPerS = slackRequests(verb, loops, expectation.input, windowS) / windowS;
    if (Math.abs(measuredPerS - modelPerS) > Math.max(tolerance * modelPerS, slackPerS)) {
      violations.push({ atMs: toMs, kind: 'off-model', verb, measuredPerS, modelPerS, tolerance });
    }
  }
  return verdict(violations, [], { windowMs: [fromMs, toMs], requestLatencyMs, comparison });
}

/**
 * Squared coefficient of variation of a candidate's poll period U(1, 2.2) × R: (1.2² / 12) / 1.6².
 * A renewal process with this period has Var(count in W) ≈ (W / 1.6R) × this.
 */
const CANDIDATE_POLL_CV2 = 1.2 ** 2 / 12 / CANDIDATE_POLL_FACTOR ** 2;

/**
 * Requests a correct cluster may be off the model by in a window of `windowS`: each periodic loop
 * issuing the verb may land one request more or less (its phase at the window's edges), candidate
 * polls add their jitter (3 standard deviations of the count), plus one. LIST comes once a minute
 * per agent: one per agent.
 */
function slackRequests(verb: 'get' | 'update' | 'list', loops: Loops, input: LeaseLoadInput, windowS: number): number {
  if (verb === 'list') return input.nodeCount;
  if (verb === 'update') return loops.leaders + 1;
  const candidatePolls = (loops.candidates * windowS * 1000) / (CANDIDATE_POLL_FACTOR * input.retryPeriodMs);
  const jitter = 3 * Math.sqrt(Math.max(0, candidatePolls) * CANDIDATE_POLL_CV2);
  return loops.candidates + (input.optimisticRenew ? 0 : loops.leaders) + jitter + 1;
}

interface Loops {
  /** Renew loops: one per lease with a candidate. */
  readonly leaders: number;
  /** Candidate poll loops: one per other candidate of each lease. */
  readonly candidates: number;
}

/** Renew loops (one per lease) and candidate poll loops (one per other candidate). */
function periodicLoops(input: LeaseLoadInput): Loops {
  let leaders = 0;
  let candidates = 0;
  for (const service of input.services) {
    const n = new Set(service.candidateNodes).size;
    if (n === 0) continue;
    leaders += 1;
    candidates += n - 1;
  }
  return { leaders, candidates };
}
