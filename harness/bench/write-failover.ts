/**
 * Writes a failover benchmark directory: `results.json` (every trial's components), `summary.md`
 * (the tables) and one CDF per component (`cdf-<component>.svg`, one series per sweep point,
 * rendered by `harness/report/plots`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderCdfSvg } from '../report/plots/index.ts';
import { FAILOVER_COMPONENTS } from '../scenario/types.ts';
import type { FailoverBenchResults } from './failover-results.ts';
import { renderFailoverMarkdown } from './render-failover.ts';
import { componentSamples } from './summary.ts';

/** Human titles of the components (plot titles). */
const TITLE: Readonly<Record<(typeof FAILOVER_COMPONENTS)[number], string>> = {
  leaseTakenOver: 'Lease taken over',
  firstGarp: 'First gratuitous ARP from a new MAC',
  firstNewMacAnswer: 'First ARP answer from a new MAC',
  clientEntryChanged: "Client's ARP entry changed",
  firstSuccessfulProbe: 'First successful probe',
};

/** The files written. */
export interface WrittenBench {
  readonly dir: string;
  readonly files: readonly string[];
}

/** Writes `results` into `dir` (created). */
export async function writeFailoverBench(dir: string, results: FailoverBenchResults): Promise<WrittenBench> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  await writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  files.push('results.json');
  const plots: { file: string; title: string }[] = [];
  for (const component of FAILOVER_COMPONENTS) {
    const series = results.points.map((p) => ({ name: p.label, valuesMs: componentSamples(p.trialResults.flatMap((t) => t.rows), component) }));
    const title = `${TITLE[component]} after the fault (${results.world}${results.interrupted ? ', interrupted' : ''})`;
    const file = `cdf-${component}.svg`;
    await writeFile(join(dir, file), await renderCdfSvg({ title, xTitle: 'ms after the fault', series }));
    plots.push({ file, title });
    files.push(file);
  }
  await writeFile(join(dir, 'summary.md'), renderFailoverMarkdown(results, plots));
  files.push('summary.md');
  return { dir, files };
}
