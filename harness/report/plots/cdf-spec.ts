/**
 * Empirical CDFs of latencies (failover components), one line per series: x the latency in ms,
 * y the share of trials at or below it. The points are computed here (not by vega transforms) so
 * the spec carries the exact data a test can assert on.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PALETTE, PLOT_CONFIG, PLOT_WIDTH_PX, VEGA_LITE_SCHEMA } from './style.ts';

/** One distribution: a name and its samples in ms (non-finite samples are dropped). */
export interface CdfSeries {
  readonly name: string;
  readonly valuesMs: readonly number[];
}

/** Input of a CDF plot. */
export interface CdfInput {
  readonly title: string;
  /** A second, smaller title line (what ran, the window …). */
  readonly subtitle?: string;
  /** Default 'latency (ms)'. */
  readonly xTitle?: string;
  /** Default 'trials at or below (%)'. */
  readonly yTitle?: string;
  readonly series: readonly CdfSeries[];
}

/** One point of a step CDF. */
export interface CdfPoint {
  readonly series: string;
  readonly ms: number;
  readonly percent: number;
}

/** The step points of one series: (0 → 0 %) at the first sample, then each sorted sample → its cumulative share. Pure. */
export function cdfPoints(seriesLabel: string, valuesMs: readonly number[]): CdfPoint[] {
  const sorted = valuesMs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const first = sorted[0];
  if (first === undefined) return [];
  const points: CdfPoint[] = [{ series: seriesLabel, ms: first, percent: 0 }];
  sorted.forEach((ms, i) => {
    if (sorted[i + 1] !== ms) points.push({ series: seriesLabel, ms, percent: Number((((i + 1) / sorted.length) * 100).toFixed(4)) });
  });
  return points;
}

/** The legend label of a series: its name and the number of samples (`lease taken over (n=100)`). */
export function cdfSeriesLabel(series: CdfSeries): string {
  return `${series.name} (n=${series.valuesMs.filter((v) => Number.isFinite(v)).length})`;
}

/** The vega-lite spec of a CDF plot. Pure. */
export function buildCdfSpec(input: CdfInput): TopLevelSpec {
  const labels = input.series.map(cdfSeriesLabel);
  const values = input.series.flatMap((s, i) => cdfPoints(labels[i] ?? s.name, s.valuesMs));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: input.subtitle === undefined ? input.title : { text: input.title, subtitle: input.subtitle },
    width: PLOT_WIDTH_PX,
    height: 320,
    config: PLOT_CONFIG,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', point: { size: 12 } },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: input.xTitle ?? 'latency (ms)', scale: { zero: true } },
      y: { field: 'percent', type: 'quantitative', title: input.yTitle ?? 'trials at or below (%)', scale: { domain: [0, 100] } },
      color: { field: 'series', type: 'nominal', title: 'component', scale: { domain: labels, range: [...PALETTE] }, legend: { orient: 'bottom', columns: 1, labelLimit: 600 } },
    },
  };
}
