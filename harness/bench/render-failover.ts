/**
 * The failover benchmark's tables: one per sweep point (component, samples, never, p50 / p90 /
 * p99 / max) for the terminal (cli-table3) and for summary.md (Markdown), plus an overview of the
 * takeover and first successful probe per point. Pure.
 */
import { borderlessTable, tableText } from '../cli/table.ts';
import { formatMs, formatShortSeconds } from '../report/format.ts';
import type { FailoverBenchResults, PointResults } from './failover-results.ts';
import type { ComponentSummary } from './summary.ts';

const HEAD = ['component', 'n', 'never', 'p50', 'p90', 'p99', 'max'];

function cells(c: ComponentSummary): string[] {
  return [c.component, String(c.n), String(c.missing), formatMs(c.p50Ms), formatMs(c.p90Ms), formatMs(c.p99Ms), formatMs(c.maxMs)];
}

/** The heading line of a point: its label, trials, failovers. */
export function pointHeading(point: PointResults): string {
  const none = point.trialsWithoutFailover === 0 ? '' : ` · ${point.trialsWithoutFailover} hit no holder`;
  return `${point.label} · ${point.trials} trial${point.trials === 1 ? '' : 's'} · ${point.rows} service${point.rows === 1 ? '' : 's'} hit${none}`;
}

/** The header of the run: world, points, trials, wall time, interrupted. */
export function benchHeading(results: FailoverBenchResults): string {
  const trials = results.points.reduce((n, p) => n + p.trials, 0);
  const workers = results.world === 'sim' ? ` on ${results.workers === 0 ? 'the main thread' : `${results.workers} worker${results.workers === 1 ? '' : 's'}`}` : '';
  return `l2lab bench failover · ${results.world} · ${results.points.length} sweep point${results.points.length === 1 ? '' : 's'} · ${trials} trials (${results.trialsPerPoint} per point) · seed ${results.seed} · ${formatShortSeconds(Math.round(results.wallMs / 100) * 100)} wall${workers}${results.interrupted ? ' · INTERRUPTED (partial results)' : ''}`;
}

/** Terminal text: a table per point, then the overview. */
export function renderFailoverText(results: FailoverBenchResults): string {
  const out: string[] = [benchHeading(results), '', 'FAILOVER  ms after the fault; one row per service the fault hit (and client): n rows where the component happened, never where it did not'];
  for (const point of results.points) {
    const table = borderlessTable(HEAD);
    for (const c of point.components) table.push(cells(c));
    out.push('', `  ${pointHeading(point)}`, tableText(table));
  }
  out.push('', 'OVERVIEW  lease taken over and first successful probe, ms after the fault', tableText(overviewTable(results)), '');
  return out.join('\n');
}

function overviewTable(results: FailoverBenchResults): ReturnType<typeof borderlessTable> {
  const table = borderlessTable(['sweep point', 'trials', 'takeover p50', 'p99', 'never', 'probe p50', 'p99', 'never']);
  for (const p of results.points) {
    const take = p.components.find((c) => c.component === 'leaseTakenOver');
    const probe = p.components.find((c) => c.component === 'firstSuccessfulProbe');
    table.push([p.label, String(p.trials), formatMs(take?.p50Ms), formatMs(take?.p99Ms), String(take?.missing ?? 0), formatMs(probe?.p50Ms), formatMs(probe?.p99Ms), String(probe?.missing ?? 0)]);
  }
  return table;
}

/** summary.md: the same tables in Markdown, and the plots. */
export function renderFailoverMarkdown(results: FailoverBenchResults, plots: readonly { readonly file: string; readonly title: string }[]): string {
  const row = (xs: readonly string[]): string => `| ${xs.join(' | ')} |`;
  const out: string[] = [`# ${benchHeading(results)}`, ''];
  if (results.interrupted) out.push('**Interrupted** (Ctrl-C): the tables hold the trials measured until then.', '');
  out.push(`Started ${results.startedAt} · ${results.machine.cores} cores · load at start ${results.machine.loadavgAtStart.map((x) => x.toFixed(2)).join(' ')} · \`${['l2lab', ...results.argv].join(' ')}\``, '');
  out.push('Failover components in ms after the fault, one row per service the fault hit (and client): **n** rows where the component happened, **never** where it did not before the trial ended.', '');
  out.push('## Overview', '', row(['sweep point', 'trials', 'takeover p50', 'takeover p99', 'never', 'probe p50', 'probe p99', 'never']), row(Array.from({ length: 8 }, () => '---')));
  for (const p of results.points) {
    const take = p.components.find((c) => c.component === 'leaseTakenOver');
    const probe = p.components.find((c) => c.component === 'firstSuccessfulProbe');
    out.push(row([p.label, String(p.trials), formatMs(take?.p50Ms), formatMs(take?.p99Ms), String(take?.missing ?? 0), formatMs(probe?.p50Ms), formatMs(probe?.p99Ms), String(probe?.missing ?? 0)]));
  }
  for (const p of results.points) {
    out.push('', `## ${pointHeading(p)}`, '', row(HEAD), row(HEAD.map(() => '---')));
    for (const c of p.components) out.push(row(cells(c)));
  }
  if (plots.length > 0) {
    out.push('', '## Plots', '');
    for (const plot of plots) out.push(`- [${plot.title}](${plot.file})`);
  }
  return `${out.join('\n')}\n`;
}
