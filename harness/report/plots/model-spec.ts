/**
 * Measured vs model rates (lease load): one row per label, a grey rule from the model to the
 * measured value, the model as a hollow diamond and the measurement as a filled circle, so the
 * distance between them reads as the model's error.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PLOT_CONFIG, PLOT_WIDTH_PX, VEGA_LITE_SCHEMA } from './style.ts';

/** One comparison: a row label, the measured and the model rate per second, optionally a series (shown before the label). */
export interface ModelPoint {
  readonly label: string;
  readonly measuredPerS: number;
  readonly modelPerS: number;
  readonly series?: string;
}

/** Input of a measured-vs-model plot. */
export interface ModelInput {
  readonly title: string;
  /** A second, smaller title line (what ran, the window …). */
  readonly subtitle?: string;
  /** The rate's unit, shown on the axis (`req/s`). */
  readonly unit: string;
  readonly points: readonly ModelPoint[];
}

/** The row label of a point: `series · label` when a series is given. */
export function modelRowLabel(point: ModelPoint): string {
  return point.series === undefined ? point.label : `${point.series} · ${point.label}`;
}

/** The vega-lite spec of a measured-vs-model plot. Pure. */
export function buildMeasuredVsModelSpec(input: ModelInput): TopLevelSpec {
  const rows = input.points.map((p) => ({ row: modelRowLabel(p), measured: p.measuredPerS, model: p.modelPerS }));
  const order = [...new Set(rows.map((r) => r.row))];
  // Measured first: the hollow model diamonds are drawn over them, so equal values show both.
  const marks = [...rows.map((r) => ({ row: r.row, kind: 'measured', rate: r.measured })), ...rows.map((r) => ({ row: r.row, kind: 'model', rate: r.model }))];
  const y = { field: 'row', type: 'nominal', title: null, sort: order, axis: { labelLimit: 320 } } as const;
  const xTitle = `rate (${input.unit})`;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: input.subtitle === undefined ? input.title : { text: input.title, subtitle: input.subtitle },
    width: PLOT_WIDTH_PX,
    height: { step: 22 },
    config: PLOT_CONFIG,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'rule', color: '#999', strokeWidth: 2 },
        encoding: { y, x: { field: 'model', type: 'quantitative', title: xTitle, scale: { zero: true } }, x2: { field: 'measured' } },
      },
      {
        data: { values: marks },
        mark: { type: 'point', strokeWidth: 2, opacity: 1 },
        encoding: {
          y,
          x: { field: 'rate', type: 'quantitative', title: xTitle },
          shape: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['measured', 'model'], range: ['circle', 'diamond'] }, legend: { orient: 'bottom' } },
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['measured', 'model'], range: ['#4e79a7', '#e15759'] } },
          fill: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['measured', 'model'], range: ['#4e79a7', 'transparent'] } },
          size: { field: 'kind', type: 'ordinal', title: null, scale: { domain: ['measured', 'model'], range: [60, 160] } },
        },
      },
    ],
  };
}
