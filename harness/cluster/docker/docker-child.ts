/**
 * `l2lab cluster-docker-run` (hidden): the docker provider's orchestrator, run by the host side
 * (`docker-command.ts`) inside l2lab's Docker daemon namespace — where the Docker bridges and the
 * control plane's management address are, as the lab's orchestrator runs in the lab namespace. It
 * runs the scenario (`runScenarioInDocker`), writes the report directory (run.json, history.jsonl,
 * results.json, summary.md) and `cluster/docker-run.json` (steps, outcome, leftovers), prints the
 * text or JSON summary and exits with the run's exit code.
 */
import { join } from 'node:path';
import { UserError } from '../../cli/user-error.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { withProfile } from '../../scenario/timeline.ts';
import { runScenarioInDocker } from './run-docker-scenario.ts';
import { reportClusterRun } from '../report-cluster-run.ts';

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
  return reportClusterRun(scenario, output, {
    out: options.out, argv: JSON.parse(options.argv) as string[], startedAt, wallMs: Math.round(clock.monotonicMs() - t0), format: options.format,
    runFile: { path: DOCKER_RUN_FILE, fields: { runId: options.runId, image: options.image, leftovers: output.leftovers } },
  }, io);
}
