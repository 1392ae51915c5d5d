/**
 * `l2lab cluster-docker-run` (hidden): the docker provider's orchestrator, run by the host side
 * (`docker-command.ts`) inside l2lab's Docker daemon namespace — where the Docker bridges and the
 * control plane's management address are, as the lab's orchestrator runs in the lab namespace. It
 * runs the scenario (`runScenarioInDocker`), writes the report directory (run.json, history.jsonl,
 * results.json, summary.md) and `cluster/docker-run.json` (steps, outcome, leftovers), prints the
 * text or JSON summary and exits with the run's exit code.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UserError } from '../../cli/user-error.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { buildRunInfo, writeReport } from '../../report/report.ts';
import { renderRunText } from '../../report/render-text.ts';
import { EXIT_OF, readGitState } from '../../run/run-cli.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { withProfile } from '../../scenario/timeline.ts';
import { runScenarioInDocker } from './run-docker-scenario.ts';

/** Options of the hidden command. */
export interface DockerChildOptions {
  readonly runId: string;
  readonly image: string;
  readonly out: string;
  readonly seed: number;
  readonly profile?: string;
  readonly format: 'text' | 'json';
  readonly argv: string;
}

/** The summary file the host side and the tests read. */
export const DOCKER_RUN_FILE = 'cluster/docker-run.json';

/** Runs the orchestrator; returns the exit code. */
export async function runDockerChild(file: string, options: DockerChildOptions, io: { stdout: (t: string) => void; stderr: (t: string) => void }, signal: AbortSignal): Promise<number> {
  const { scenario: loaded, issues } = await loadScenario(file);
  if (loaded === undefined) throw new UserError(`${file}: ${issues.length} problem(s) in the scenario`, issues.map((i) => `${i.file}:${i.line}: ${i.message}`));
  const withP = options.profile === undefined ? { scenario: loaded } : withProfile(loaded, options.profile);
  if ('error' in withP) throw new UserError(`--profile: ${withP.error}`);
  const scenario = withP.scenario;
  const clock = new SystemClock();
  const startedAt = new Date(clock.wallMs());
  const t0 = clock.monotonicMs();
  const output = await runScenarioInDocker(scenario, {
    runId: options.runId, seed: options.seed, image: options.image, runDir: join(options.out, 'cluster'), signal,
    ...(options.profile === undefined ? {} : { profile: options.profile }), onProgress: (line) => io.stderr(`docker ${options.runId}: ${line}\n`),
  });
  const info = buildRunInfo(
    scenario,
    { plan: { ...output.plan, notes: output.notes }, steps: output.steps, judge: output.judge, end: output.end, virtualMs: Math.round(output.runMs), events: 0, ops: output.ops.length, world: 'cluster' },
    { argv: JSON.parse(options.argv) as string[], out: options.out, startedAt: startedAt.toISOString(), wallMs: Math.round(clock.monotonicMs() - t0), git: await readGitState() },
  );
  const { results } = await writeReport(options.out, info, output.ops);
  const exitCode = output.end === 'interrupted' ? EXIT.interrupted : EXIT_OF[results.outcome];
  await writeFile(join(options.out, DOCKER_RUN_FILE), `${JSON.stringify({ runId: options.runId, image: options.image, outcome: results.outcome, exitCode, steps: output.steps, phasesMs: output.phasesMs, leftovers: output.leftovers, notes: output.notes }, null, 2)}\n`);
  if (options.format === 'json') io.stdout(`${JSON.stringify({ report: options.out, end: info.end, exitCode, results }, null, 2)}\n`);
  else io.stdout(renderRunText(info, results, options.out));
  return exitCode;
}
