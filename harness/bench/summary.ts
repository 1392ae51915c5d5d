/**
 * Per failover component, the distribution over a sweep point's trials: how many samples, how
 * many failovers where it never happened, p50 / p90 / p99 / max (nearest rank, through the lab
 * benchmark's {@link spreadOf}) and mean. Pure.
 */
import { COMPONENT_FIELD, type FailoverComponents } from '../checker/failover-components.ts';
import { spreadOf } from '../lab/bench/spread.ts';
import { FAILOVER_COMPONENTS, type FailoverComponentName } from '../scenario/types.ts';

export { COMPONENT_FIELD } from '../checker/failover-components.ts';

/** One component over a set of failover rows (ms after the fault; null stats without samples). */
export interface ComponentSummary {
  readonly component: FailoverComponentName;
  /** Rows where it happened. */
  readonly n: number;
  /** Rows where it never happened (before the trial ended). */
  readonly missing: number;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
}

/** The samples of one component over `rows` (rows where it is missing are left out). */
export function componentSamples(rows: readonly FailoverComponents[], component: FailoverComponentName): number[] {
  const field = COMPONENT_FIELD[component];
  return rows.map((r) => r[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** Every component's summary over `rows`, in {@link FAILOVER_COMPONENTS} order. */
export function summarizeComponents(rows: readonly FailoverComponents[]): ComponentSummary[] {
  return FAILOVER_COMPONENTS.map((component) => {
    const samples = componentSamples(rows, component);
    const s = spreadOf(samples);
    return { component, n: samples.length, missing: rows.length - samples.length, p50Ms: s?.p50 ?? null, p90Ms: s?.p90 ?? null, p99Ms: s?.p99 ?? null, maxMs: s?.max ?? null, meanMs: s?.mean ?? null };
  });
}

