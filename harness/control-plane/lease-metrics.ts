/**
 * Lease request accounting from the API server's own `/metrics`, the way an operator measures it:
 * scrape before and after a phase and diff the counters.
 *
 * `apiserver_request_total` and the `apiserver_request_duration_seconds` histogram carry no
 * per-client label (removed in 1.18), so they give totals by verb and code only; per-identity
 * numbers come from the audit log (`audit-log.ts`). The API server's own loopback calls (it renews
 * its identity Lease every 10 s) are counted in `apiserver_selfrequest_total{verb,group,resource}`
 * and subtracted here; that counter has no `code` label and the histogram has no self/other split,
 * so the subtraction is per verb and the latency figures include the self-requests.
 */
import type { PromSample } from './prometheus-text.ts';

/** Which resource to account; defaults to `coordination.k8s.io/leases`. */
export interface ResourceSelector {
  readonly group: string;
  readonly resource: string;
}

/** The lease series of one scrape. Keys are upper-case verbs (`GET`, `PUT`, …) as the metrics spell them. */
export interface LeaseMetricsSnapshot {
  /** `apiserver_request_total` by `verb` then `code`. */
  readonly requests: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** `apiserver_selfrequest_total` by `verb`. */
  readonly selfRequests: ReadonlyMap<string, number>;
  /** `apiserver_request_duration_seconds` by `verb` (series summed over the other labels). */
  readonly durations: ReadonlyMap<string, HistogramSeries>;
}

/** A cumulative histogram: bucket upper bound (seconds) to cumulative count, plus sum and count. */
export interface HistogramSeries {
  readonly buckets: ReadonlyMap<number, number>;
  readonly sumSeconds: number;
  readonly count: number;
}

/** What happened to one verb between two scrapes. */
export interface VerbDelta {
  /** All requests the server counted, self-requests included. */
  readonly total: number;
  /** The API server's own requests (subtracted to give `clientRequests`). */
  readonly selfRequests: number;
  /** `total - selfRequests`: what clients sent. */
  readonly clientRequests: number;
  /** `total` by HTTP status code (self-requests included: the self counter has no code). */
  readonly byCode: Readonly<Record<string, number>>;
  /** Latency over the phase from the histogram delta, or `undefined` when nothing completed. */
  readonly latency: LatencyEstimate | undefined;
}

/** Latency figures derived from histogram deltas; quantiles are bucket interpolations, as PromQL's `histogram_quantile`. */
export interface LatencyEstimate {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Result of {@link diffLeaseMetrics}. */
export interface LeaseMetricsDelta {
  readonly byVerb: Readonly<Record<string, VerbDelta>>;
  /** True when a counter went backwards (the server restarted between scrapes); deltas then use the after value. */
  readonly counterReset: boolean;
}

/** The default selector: Leases. */
export const LEASES: ResourceSelector = { group: 'coordination.k8s.io', resource: 'leases' };

function bump<K>(map: Map<K, number>, key: K, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Extracts the lease series from parsed samples. Pure. */
export function leaseMetricsFromSamples(
  samples: readonly PromSample[],
  selector: ResourceSelector = LEASES,
): LeaseMetricsSnapshot {
  const requests = new Map<string, Map<string, number>>();
  const selfRequests = new Map<string, number>();
  const durations = new Map<string, { buckets: Map<number, number>; sumSeconds: number; count: number }>();
  for (const s of samples) {
    const l = s.labels;
    if (l['group'] !== selector.group || l['resource'] !== selector.resource) continue;
    const verb = l['verb'] ?? '';
    if (s.name === 'apiserver_request_total') {
      const byCode = requests.get(verb) ?? new Map<string, number>();
      requests.set(verb, byCode);
      bump(byCode, l['code'] ?? '', s.value);
    } else if (s.name === 'apiserver_selfrequest_total') {
      bump(selfRequests, verb, s.value);
    } else if (s.name.startsWith('apiserver_request_duration_seconds_')) {
      const h = durations.get(verb) ?? { buckets: new Map<number, number>(), sumSeconds: 0, count: 0 };
      durations.set(verb, h);
      if (s.name.endsWith('_bucket')) bump(h.buckets, Number(l['le'] === '+Inf' ? Infinity : l['le']), s.value);
      else if (s.name.endsWith('_sum')) h.sumSeconds += s.value;
      else if (s.name.endsWith('_count')) h.count += s.value;
    }
  }
  return { requests, selfRequests, durations };
}

/**
 * Estimates a quantile (0..1) from cumulative bucket counts, interpolating linearly inside the
 * bucket as PromQL does. Returns seconds; `NaN` for an empty histogram.
 */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(bounds[bounds.length - 1] ?? Infinity) ?? 0;
  if (bounds.length === 0 || total <= 0) return Number.NaN;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Infinity) return prevBound; // as PromQL: the highest finite bound
      const inBucket = count - prevCount;
      return inBucket <= 0 ? bound : prevBound + ((bound - prevBound) * (rank - prevCount)) / inBucket;
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

function delta(after: number, before: number, onReset: () => void): number {
  if (after < before) {
    onReset();
    return after;
  }
  return after - before;
}

function latencyDelta(after: HistogramSeries | undefined, before: HistogramSeries | undefined, onReset: () => void): LatencyEstimate | undefined {
  if (after === undefined) return undefined;
  const count = delta(after.count, before?.count ?? 0, onReset);
  if (count <= 0) return undefined;
  const buckets = new Map<number, number>();
  for (const [bound, c] of after.buckets) buckets.set(bound, delta(c, before?.buckets.get(bound) ?? 0, onReset));
  const sumSeconds = after.sumSeconds - (before?.sumSeconds ?? 0);
  return {
    count,
    meanMs: (sumSeconds / count) * 1000,
    p50Ms: histogramQuantile(0.5, buckets) * 1000,
    p99Ms: histogramQuantile(0.99, buckets) * 1000,
  };
}

/** Diffs two snapshots taken before and after a phase. Pure. */
export function diffLeaseMetrics(before: LeaseMetricsSnapshot, after: LeaseMetricsSnapshot): LeaseMetricsDelta {
  let counterReset = false;
  const onReset = (): void => {
    counterReset = true;
  };
  const byVerb: Record<string, VerbDelta> = {};
  const verbs = new Set([...after.requests.keys(), ...after.selfRequests.keys()]);
  for (const verb of [...verbs].sort()) {
    const byCode: Record<string, number> = {};
    let total = 0;
    for (const [code, n] of after.requests.get(verb) ?? new Map<string, number>()) {
      const d = delta(n, before.requests.get(verb)?.get(code) ?? 0, onReset);
      if (d > 0) byCode[code] = d;
      total += d;
    }
    const selfRequests = delta(after.selfRequests.get(verb) ?? 0, before.selfRequests.get(verb) ?? 0, onReset);
    const latency = latencyDelta(after.durations.get(verb), before.durations.get(verb), onReset);
    if (total === 0 && selfRequests === 0) continue;
    byVerb[verb] = { total, selfRequests, clientRequests: Math.max(0, total - selfRequests), byCode, latency };
  }
  return { byVerb, counterReset };
}
