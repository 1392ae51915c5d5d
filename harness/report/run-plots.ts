/**
 * The plots of a run directory: `ownership.svg` always, `failover-cdf.svg` when a holder died
 * (failover rows), `lease-load.svg` when the run had a lease-load window. Specs are pure
 * ({@link runPlotSpecs}); rendering is the one vega renderer.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { HistoryOp } from '../core/history.ts';
import type { RunResults } from '../run/judge.ts';
import type { FailoverComponentName } from '../scenario/types.ts';
import { COMPONENT_TITLE } from './component-titles.ts';
import { FAILOVER_COMPONENTS } from '../scenario/types.ts';
import { COMPONENT_FIELD, type FailoverComponents } from '../checker/failover-components.ts';
import { ownershipPlotData } from './ownership-data.ts';
import { buildCdfSpec, buildMeasuredVsModelSpec, renderVegaLiteSvg } from './plots/index.ts';
import { buildOwnershipSpec } from './plots/ownership-spec.ts';
import type { RunInfo } from './run-info.ts';

/** Plot file names in a run directory. */
export const PLOT_FILES = ['ownership.svg', 'failover-cdf.svg', 'lease-load.svg'] as const;

/** The plots a run's results call for (ownership always; the others when there is data). Pure. */
export function plotFilesFor(results: Pick<RunResults, 'failover' | 'leaseLoad'>): PlotFile[] {
  return PLOT_FILES.filter((f) => f === 'ownership.svg' || (f === 'failover-cdf.svg' ? results.failover.rows.length > 0 : results.leaseLoad !== undefined));
}

/** A plot file name. */
export type PlotFile = (typeof PLOT_FILES)[number];


/** The vega-lite specs of the run's plots, by file name. Pure. */
export function runPlotSpecs(info: RunInfo, results: RunResults, ops: readonly HistoryOp[]): Partial<Record<PlotFile, TopLevelSpec>> {
  const run = `${info.scenario.name} (${info.world}, ${info.profile}, seed ${info.seed})`;
  const specs: Partial<Record<PlotFile, TopLevelSpec>> = { 'ownership.svg': buildOwnershipSpec(ownershipPlotData(info, ops)) };
  const rows = results.failover.rows;
  if (rows.length > 0) {
    const faults = [...new Set(rows.map((r) => r.fault))].join(', ');
    specs['failover-cdf.svg'] = buildCdfSpec({
      title: `Failover components: ${rows.length} failover${rows.length === 1 ? '' : 's'} after ${faults}`,
      subtitle: run,
      xTitle: 'time after the fault (ms)',
      yTitle: 'failovers at or below (%)',
      series: FAILOVER_COMPONENTS.map((c) => ({ name: COMPONENT_TITLE[c], valuesMs: rows.map((r) => r[COMPONENT_FIELD[c]]).filter((v): v is number => typeof v === 'number') })),
    });
  }
  const load = results.leaseLoad;
  if (load !== undefined) {
    specs['lease-load.svg'] = buildMeasuredVsModelSpec({
      title: 'Lease requests per second (all nodes), measured vs model',
      subtitle: `window ${(load.windowMs[0] / 1000).toFixed(1)}–${(load.windowMs[1] / 1000).toFixed(1)} s (steady state before the first fault) — ${run}`,
      unit: 'req/s',
      points: [...load.rows.map((r) => ({ label: r.verb.toUpperCase(), measuredPerS: r.measuredPerS, modelPerS: r.modelPerS })), { label: 'total', measuredPerS: load.measuredTotalPerS, modelPerS: load.modelTotalPerS }],
    });
  }
  return specs;
}

/** Renders the run's plots to SVG, by file name. */
export async function renderRunPlots(info: RunInfo, results: RunResults, ops: readonly HistoryOp[]): Promise<Partial<Record<PlotFile, string>>> {
  const out: Partial<Record<PlotFile, string>> = {};
  let specs: Partial<Record<PlotFile, TopLevelSpec>>;
  try {
    specs = runPlotSpecs(info, results, ops);
  } catch (error) {
    // A malformed op (the checkers judge it 'unknown'): the ownership plot says so instead.
    return { 'ownership.svg': errorSvg('ownership.svg', error) };
  }
  for (const [file, spec] of Object.entries(specs) as [PlotFile, TopLevelSpec][]) {
    try {
      out[file] = await renderVegaLiteSvg(spec);
    } catch (error) {
      out[file] = errorSvg(file, error);
    }
  }
  return out;
}

/** A small SVG saying why a plot could not be rendered. */
export function errorSvg(file: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="40"><text x="4" y="24" font-family="sans-serif" font-size="12">${file} could not be rendered: ${message} (l2lab report re-renders it)</text></svg>\n`;
}
