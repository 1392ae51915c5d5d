/**
 * The lease-load benchmark's grid and its analysis. The grid: nodes × services × retryPeriod,
 * each cell a generated scenario (`leaseLoadScenario`: every node a candidate for every service,
 * no faults, the window declared, the client rate limit if given). The analysis of a cell's
 * history is the lab benchmark's (`measureLeaseLoad`: requests/s by verb and per node against the
 * model, latency, failures) plus what a client rate limit does: requests that waited in the
 * client-side token bucket (and how long), requests it refused, and leaderships lost. The same
 * for both worlds. Pure.
 */
import { UserError } from '../cli/user-error.ts';
import { completed, F, readLeadership, readLeaseRequest } from '../checker/vocabulary.ts';
import type { HistoryOp } from '../core/history.ts';
import { MAX_BENCH_SERVICES, timingOf, type BenchTimingSpec } from '../lab/bench/bench-scenarios.ts';
import { measureLeaseLoad, type LeaseLoadMeasurement } from '../lab/bench/lease-load-measure.ts';
import { serviceLeaseName } from '../impl/kube-vip/lease-name.ts';
import type { Profile } from '../profiles/profile.ts';
import { parseDurationMs } from '../scenario/duration.ts';
import { spreadOf, type Spread } from '../lab/bench/spread.ts';

/** One cell of the grid. */
export interface LeaseLoadCell {
  readonly nodes: number;
  readonly services: number;
  readonly retryPeriodMs: number;
  readonly timings: BenchTimingSpec;
  /** The measurement window length. */
  readonly windowMs: number;
}

/** The grid options as given on the command line. */
export interface LeaseLoadGridInput {
  readonly nodes: string;
  readonly services: string;
  readonly retry: string;
  readonly duration?: string;
}

/** The lease timings of a retryPeriod: Cilium's defaults at 2 s, the fast preset at 200 ms, else 7.5 R / 2.5 R / R (Cilium's ratios). */
export function timingsForRetry(retryPeriodMs: number): BenchTimingSpec {
  if (retryPeriodMs === 2_000) return 'cilium-default';
  if (retryPeriodMs === 200) return 'fast';
  return { leaseDurationMs: 7.5 * retryPeriodMs, renewDeadlineMs: 2.5 * retryPeriodMs, retryPeriodMs };
}

function list(option: string, text: string, min: number, max: number): number[] {
  const values = text.split(',').map((p) => p.trim());
  return values.map((v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new UserError(`--${option} ${text}: ${JSON.stringify(v)} is not a whole number in ${min} … ${max}`);
    return n;
  });
}

/** The grid, nodes varying slowest. @throws UserError for a bad list or duration. */
export function planLeaseLoadGrid(input: LeaseLoadGridInput): LeaseLoadCell[] {
  const nodes = list('nodes', input.nodes, 1, 200);
  const services = list('services', input.services, 1, MAX_BENCH_SERVICES);
  const retries = input.retry.split(',').map((r) => {
    const d = parseDurationMs(r.trim());
    if (!d.ok || d.ms < 10) throw new UserError(`--retry ${input.retry}: ${JSON.stringify(r)}: expected a duration ≥ 10ms like 2s or 200ms${d.ok ? '' : ` (${d.message})`}`);
    return d.ms;
  });
  let windowMs: number | undefined;
  if (input.duration !== undefined) {
    const d = parseDurationMs(input.duration);
    if (!d.ok || d.ms <= 0) throw new UserError(`--duration ${input.duration}: expected a duration like 30s or 1m${d.ok ? ' above 0' : ` (${d.message})`}`);
    windowMs = d.ms;
  }
  const cells: LeaseLoadCell[] = [];
  for (const n of nodes) {
    for (const s of services) {
      for (const r of retries) {
        const w = windowMs ?? (r >= 1_000 ? 30_000 : 15_000);
        if (w < 10 * r) throw new UserError(`--duration ${input.duration ?? `${w}ms`}: the window must hold ≥ 10 × retryPeriod (${10 * r} ms at --retry ${r} ms)`);
        cells.push({ nodes: n, services: s, retryPeriodMs: r, timings: timingsForRetry(r), windowMs: w });
      }
    }
  }
  return cells;
}

/** What a client rate limit did in a cell. */
export interface RateLimitEffects {
  /** Lease requests that waited in the client-side token bucket (in the window). */
  readonly throttledRequests: number;
  /** Requests the limiter refused outright (never reached the server). */
  readonly refusedRequests: number;
  /** The waits, ms. */
  readonly waitMs: Spread | undefined;
  /** Leaderships lost (`lost-leader`) in the window, and over the whole run. */
  readonly lostInWindow: number;
  readonly lostInRun: number;
}

/** Throttling and lease losses of a history in [fromMs, toMs). */
export function rateLimitEffects(ops: readonly HistoryOp[], fromMs: number, toMs: number): RateLimitEffects {
  const inWindow = (t: number): boolean => t >= fromMs && t < toMs;
  const requests = completed(ops, F.leaseRequest).map(readLeaseRequest).filter((r) => inWindow(r.tMs));
  const waited = requests.filter((r) => r.throttleWaitMs > 0);
  const lost = completed(ops, F.lostLeader).map(readLeadership);
  return {
    throttledRequests: waited.length,
    refusedRequests: requests.filter((r) => r.outcome === 'store-throttled').length,
    waitMs: spreadOf(waited.map((r) => r.throttleWaitMs)),
    lostInWindow: lost.filter((l) => inWindow(l.tMs)).length,
    lostInRun: lost.length,
  };
}

/** One measured cell (results.json). */
export interface LeaseLoadCellResult {
  readonly cell: LeaseLoadCell;
  readonly scenario: string;
  readonly measurement: LeaseLoadMeasurement;
  readonly rateLimit: RateLimitEffects;
  /** Lab only: exit code, report directory, conditions. */
  readonly lab?: Readonly<Record<string, unknown>>;
}

/** The analysis of one cell's history. */
export function analyzeCell(ops: readonly HistoryOp[], cell: LeaseLoadCell, plan: { readonly fromMs: number; readonly toMs: number }, profile: Profile): Omit<LeaseLoadCellResult, 'scenario' | 'cell'> {
  const nodes = Array.from({ length: cell.nodes }, (_, k) => `n${k + 1}`);
  // MetalLB elects by gossip: no Lease, so no Lease traffic and a model of zero.
  const leases = profile.implementation === 'metallb' ? [] : Array.from({ length: cell.services }, (_, i) => serviceLeaseName('default', cell.services === 1 ? 'web' : `svc-${String(i + 1).padStart(2, '0')}`, profile));
  const leaseGc = profile.implementation === 'cilium';
  const measurement = measureLeaseLoad(ops, { nodes, leases, timing: timingOf(cell.timings), optimisticRenew: profile.l2.optimisticRenew, leaseGc, declaredFromMs: plan.fromMs, declaredToMs: plan.toMs });
  return { measurement, rateLimit: rateLimitEffects(ops, measurement.fromMs, measurement.toMs) };
}

