/**
 * The end of a cluster-world run, for every provider: the report directory as the other worlds
 * write it (run.json with `world: cluster`, history.jsonl, results.json, summary.md, plots), the
 * provider's own summary file next to it, the summary printed, and the run's exit code.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../cli/user-error.ts';
import type { LabRunOutput } from '../lab/world/lab-run.ts';
import { buildRunInfo, writeReport } from '../report/report.ts';
import { renderRunText } from '../report/render-text.ts';
import { EXIT_OF, readGitState } from '../run/run-cli.ts';
import type { Scenario } from '../scenario/types.ts';

/** How the run was started and where its report goes. */
export interface ClusterReportOptions {
  readonly out: string;
  readonly argv: readonly string[];
  readonly startedAt: Date;
  readonly wallMs: number;
  readonly format: 'text' | 'json';
  /** The provider's summary file (relative to `out`) and what it says besides outcome and exit code. */
  readonly runFile: { readonly path: string; readonly fields: Readonly<Record<string, unknown>> };
}

/** Writes the report of a finished cluster run and prints it; returns the exit code. */
export async function reportClusterRun(scenario: Scenario, output: Omit<LabRunOutput, 'auditLeaseRequests'>, options: ClusterReportOptions, io: { stdout: (t: string) => void }): Promise<number> {
  const info = buildRunInfo(
    scenario,
    { plan: { ...output.plan, notes: output.notes }, steps: output.steps, judge: output.judge, end: output.end, virtualMs: Math.round(output.runMs), events: 0, ops: output.ops.length, world: 'cluster' },
    { argv: [...options.argv], out: options.out, startedAt: options.startedAt.toISOString(), wallMs: options.wallMs, git: await readGitState() },
  );
  const { results } = await writeReport(options.out, info, output.ops);
  const exitCode = output.end === 'interrupted' ? EXIT.interrupted : EXIT_OF[results.outcome];
  await writeFile(join(options.out, options.runFile.path), `${JSON.stringify({ ...options.runFile.fields, outcome: results.outcome, exitCode, steps: output.steps, phasesMs: output.phasesMs, notes: output.notes }, null, 2)}\n`);
  if (options.format === 'json') io.stdout(`${JSON.stringify({ report: options.out, end: info.end, exitCode, results }, null, 2)}\n`);
  else io.stdout(renderRunText(info, results, options.out));
  return exitCode;
}
