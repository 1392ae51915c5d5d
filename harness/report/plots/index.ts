/**
 * Plots of runs and benchmarks as SVG: pure vega-lite spec builders (`build*Spec`, tested on the
 * spec) and one renderer ({@link renderVegaLiteSvg}). The `render*Svg` functions are the API other
 * commands (`l2lab bench`) call.
 */
import { buildCdfSpec, type CdfSeries } from './cdf-spec.ts';
import { buildMeasuredVsModelSpec, type ModelPoint } from './model-spec.ts';
import { renderVegaLiteSvg } from './render-svg.ts';

export { buildCdfSpec, cdfPoints, cdfSeriesLabel, type CdfInput, type CdfPoint, type CdfSeries } from './cdf-spec.ts';
export { buildMeasuredVsModelSpec, modelRowLabel, type ModelInput, type ModelPoint } from './model-spec.ts';
export { renderVegaLiteSvg } from './render-svg.ts';

/** An SVG of empirical CDFs, one line per series (x: latency in ms unless `xTitle` says otherwise). */
export function renderCdfSvg(input: { readonly title: string; readonly subtitle?: string; readonly xTitle?: string; readonly yTitle?: string; readonly series: readonly CdfSeries[] }): Promise<string> {
  return renderVegaLiteSvg(buildCdfSpec(input));
}

/** An SVG comparing measured and model rates per label (`unit` on the axis, e.g. 'req/s'). */
export function renderMeasuredVsModelSvg(input: { readonly title: string; readonly subtitle?: string; readonly unit: string; readonly points: readonly ModelPoint[] }): Promise<string> {
  return renderVegaLiteSvg(buildMeasuredVsModelSpec(input));
}
