/**
 * The spread of a benchmark's samples: count, min, p50, p90, p99, max (nearest rank, as the other
 * benchmarks report them). Pure.
 */
import { nearestRank } from '../../control-plane/audit-log.ts';

/** Summary of a sample set; every field in the samples' unit. */
export interface Spread {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The spread of `values` (non-finite values ignored); undefined for no samples. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: nearestRank(sorted, 0.5),
    p90: nearestRank(sorted, 0.9),
    p99: nearestRank(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
}
