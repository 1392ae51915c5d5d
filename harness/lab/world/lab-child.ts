/**
 * `l2lab lab-run` (hidden): the lab orchestrator, run by `l2lab run --world lab` inside the lab
 * namespace once the topology exists. It starts the control plane and the processes, runs the
 * scenario, writes the report directory (run.json, history.jsonl, results.json, summary.md, and
 * `lab/` with pcaps, process configs, logs and histories) and exits with the run's exit code.
 * SIGINT/SIGTERM stop the run early (exit 5, report of what ran). The host side tears down.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UserError } from '../../cli/user-error.ts';
import { buildRunInfo, writeReport } from '../../report/report.ts';
import { renderRunText } from '../../report/render-text.ts';
import { EXIT_OF, readGitState } from '../../run/run-cli.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { withProfile } from '../../scenario/timeline.ts';
import { RunManifest } from '../manifest/run-manifest.ts';
import type { LabPlan } from '../topology/lab-plan.ts';
import { realLabParts, stopLabControlPlane } from './lab-parts.ts';
import { runScenarioInLab } from './lab-run.ts';

/** Options of the hidden command. */
export interface LabChildOptions {
  readonly runId: string;
  readonly manifest: string;
  readonly plan: string;
  readonly out: string;
  readonly seed: number;
  readonly profile?: string;
  readonly format: 'text' | 'json';
  readonly argv: string;
}

/** Runs the orchestrator; returns the exit code. */
export async function runLabChild(file: string, options: LabChildOptions, io: { stdout: (t: string) => void; stderr: (t: string) => void }, signal: AbortSignal): Promise<number> {
  const { scenario: loaded, issues } = await loadScenario(file);
  if (loaded === undefined) throw new UserError(`${file}: ${issues.length} problem(s) in the scenario`, issues.map((i) => `${i.file}:${i.line}: ${i.message}`));
  const withP = options.profile === undefined ? { scenario: loaded } : withProfile(loaded, options.profile);
  if ('error' in withP) throw new UserError(`--profile: ${withP.error}`);
  const scenario = withP.scenario;
  const plan = JSON.parse(await readFile(options.plan, 'utf8')) as LabPlan;
  const manifest = await RunManifest.load(options.manifest);
  const labDir = join(options.out, 'lab');
  const startedAt = new Date();
  const t0 = performance.now();
  const progress = (line: string): void => io.stderr(`lab ${options.runId}: ${line}\n`);
  try {
    const output = await runScenarioInLab(scenario, realLabParts(plan, manifest, labDir), { seed: options.seed, runId: options.runId, ...(options.profile === undefined ? {} : { profile: options.profile }), runDir: labDir, signal, onProgress: progress });
    const argv = JSON.parse(options.argv) as string[];
    const info = buildRunInfo(
      scenario,
      { plan: { ...output.plan, notes: output.notes }, steps: output.steps, judge: output.judge, end: output.end, virtualMs: Math.round(output.runMs), events: 0, ops: output.ops.length, world: 'lab', lab: { runId: options.runId, phasesMs: output.phasesMs, auditLeaseRequests: output.auditLeaseRequests } },
      { argv, out: options.out, startedAt: startedAt.toISOString(), wallMs: Math.round(performance.now() - t0), git: await readGitState() },
    );
    const { results } = await writeReport(options.out, info, output.ops);
    const exitCode = output.end === 'interrupted' ? EXIT.interrupted : EXIT_OF[results.outcome];
    if (options.format === 'json') io.stdout(`${JSON.stringify({ report: options.out, end: info.end, exitCode, results }, null, 2)}\n`);
    else io.stdout(renderRunText(info, results, options.out));
    return exitCode;
  } finally {
    await stopLabControlPlane(labDir).catch(() => undefined);
  }
}
