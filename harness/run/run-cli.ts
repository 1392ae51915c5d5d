/**
 * `l2lab run` behind the command line: load and validate the scenario, run it in sim slice by
 * slice (so SIGINT stops it between slices with the history so far), write the report directory,
 * print the summary and map the outcome to the exit code. Loaded lazily by `cli/run-command.ts`.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';
import { EXIT, UserError } from '../cli/user-error.ts';
import { getProfile } from '../profiles/profiles.ts';
import type { GitState } from '../report/run-info.ts';
import { buildRunInfo, reportDirFor, writeReport } from '../report/report.ts';
import { renderRunText } from '../report/render-text.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { withProfile } from '../scenario/timeline.ts';
import type { Scenario } from '../scenario/types.ts';
import type { RunOutcome } from './judge.ts';
import { startScenarioRun } from './run-scenario.ts';
import { ScenarioWorldError } from './scenario-world.ts';

/** Options of `l2lab run` as commander parses them. */
export interface RunCommandOptions {
  readonly world: string;
  readonly seed?: number;
  readonly profile?: string;
  readonly out?: string;
  readonly format: 'text' | 'json';
  /** `--world cluster`: where the nodes run (docker, or an existing kind / talos / kubeconfig cluster). */
  readonly provider?: string;
  /** `--provider kind|talos|kubeconfig`: the cluster's kubeconfig, context, name, target and node map. */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly clusterName?: string;
  readonly target?: string;
  readonly nodeMap?: string;
  /** `--provider k3s`: the k3s image and the number of agent containers (default: the scenario's nodes). */
  readonly k3sImage?: string;
  readonly nodes?: number;
}

/** What the command needs from outside: output, argv for run.json, and a stop signal. */
export interface RunCommandPorts {
  readonly stdout: (text: string) => void;
  /** Progress of long work (the lab's bring-up and teardown). */
  readonly stderr?: (text: string) => void;
  readonly argv: readonly string[];
  /** Aborted on SIGINT: the run stops after the current slice and exits 5. */
  readonly signal?: AbortSignal;
  /** Root of the default report directories. Default `reports`. */
  readonly reportsRoot?: string;
  /** Wall clock (tests pin it). */
  readonly now?: () => Date;
}

/** Virtual time run between two checks of the stop signal. */
export const SLICE_MS = 1_000;

/** Outcome → exit code (architecture page). */
export const EXIT_OF: Readonly<Record<RunOutcome, number>> = {
  pass: EXIT.ok,
  'safety-violation': EXIT.safetyViolation,
  'liveness-violation': EXIT.livenessViolation,
  unknown: EXIT.harnessError,
};

/** Runs the command; returns the exit code. @throws UserError for bad input (exit 2). */
export async function runScenarioCommand(file: string, options: RunCommandOptions, ports: RunCommandPorts): Promise<number> {
  const scenario = await loadValidScenario(file, options.profile);
  if (!scenario.worlds.includes(options.world as Scenario['worlds'][number])) throw new UserError(`${file}: scenario ${scenario.name} lists worlds [${scenario.worlds.join(', ')}], not ${options.world}`);
  const seed = options.seed ?? scenario.seed ?? 1;
  if (options.world === 'cluster') return runInCluster(file, scenario, seed, options, ports);
  const now = ports.now ?? (() => new Date());
  const startedAt = now();
  if (options.world === 'lab') {
    // Loaded on use: the lab needs root and real tools, the sim neither.
    const { runLabCommand } = await import('../lab/world/lab-command.ts');
    const out = options.out ?? (await freshDir(reportDirFor(ports.reportsRoot ?? 'reports', scenario.name, startedAt, seed)));
    return runLabCommand(scenario, { seed, ...(options.profile === undefined ? {} : { profile: options.profile }), out, format: options.format, scenarioFile: file }, { stdout: ports.stdout, stderr: ports.stderr ?? ((): void => {}), argv: ports.argv, ...(ports.signal === undefined ? {} : { signal: ports.signal }) });
  }
  const t0 = performance.now();
  let run;
  try {
    run = startScenarioRun(scenario, { seed, profile: scenario.profile });
  } catch (error) {
    if (error instanceof ScenarioWorldError) throw new UserError(`${file}: ${error.message}`, error.issues.map((i) => `${i.file}:${i.line}: ${i.message}`));
    throw error;
  }
  const gitPromise = readGitState();
  let interrupted = false;
  for (let slices = 0; !run.done && slices <= Math.ceil(scenario.durationMs / SLICE_MS); slices += 1) {
    if (ports.signal?.aborted === true) {
      interrupted = true;
      break;
    }
    run.advanceTo(run.world.kernel.nowMs + SLICE_MS);
    await new Promise((resolve) => setImmediate(resolve)); // lets SIGINT in
  }
  if (ports.signal?.aborted === true && !run.done) interrupted = true;
  const ops = run.world.history.ops();
  const out = options.out ?? (await freshDir(reportDirFor(ports.reportsRoot ?? 'reports', scenario.name, startedAt, seed)));
  const info = buildRunInfo(
    scenario,
    { plan: run.plan, steps: run.steps, judge: run.judgeInput(), end: interrupted ? 'interrupted' : 'completed', virtualMs: run.world.kernel.nowMs, events: run.world.kernel.eventsTotal, ops: ops.length },
    { argv: ports.argv, out, startedAt: startedAt.toISOString(), wallMs: Math.round(performance.now() - t0), git: await gitPromise },
  );
  const { results } = await writeReport(out, info, ops);
  if (options.format === 'json') ports.stdout(`${JSON.stringify({ report: out, end: info.end, exitCode: interrupted ? EXIT.interrupted : EXIT_OF[results.outcome], results }, null, 2)}\n`);
  else ports.stdout(renderRunText(info, results, out));
  return interrupted ? EXIT.interrupted : EXIT_OF[results.outcome];
}

/** The scenario, or a UserError listing every problem as `file:line: path: message`. */
async function loadValidScenario(file: string, profile: string | undefined): Promise<Scenario> {
  const { scenario, issues } = await loadScenario(file);
  if (scenario === undefined) {
    const count = issues.length;
    throw new UserError(`${file}: ${count} problem${count === 1 ? '' : 's'} in the scenario`, issues.map((i) => `${i.file}:${i.line}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`));
  }
  if (profile === undefined) return scenario;
  const result = withProfile(scenario, profile);
  if ('error' in result) throw new UserError(`--profile: ${result.error}`);
  return result.scenario;
}

/**
 * `--world cluster`: the docker provider runs the scenario with the nodes as containers of the
 * responder image (`harness/cluster/docker/`, root); kind, Talos and kubeconfig run it on an
 * existing cluster (`harness/cluster/kube/`, brought up with `l2lab cluster up`); k3s on a cluster
 * this process starts and stops (`harness/cluster/k3s/`).
 */
async function runInCluster(file: string, scenario: Scenario, seed: number, options: RunCommandOptions, ports: RunCommandPorts): Promise<number> {
  const provider = options.provider ?? 'docker';
  if (provider === 'kind' || provider === 'talos' || provider === 'kubeconfig') return runOnKube(scenario, seed, provider, options, ports);
  if (provider === 'k3s') return runOnK3s(scenario, seed, options, ports);
  if (provider !== 'docker') throw new UserError(`--world cluster --provider ${provider}: expected docker, kind, talos, k3s or kubeconfig (docs/kind.md)`);
  const [{ runDockerCommand }, { newRunId }, { resolve }] = await Promise.all([import('../cluster/docker/docker-command.ts'), import('../lab/world/lab-command.ts'), import('node:path')]);
  const runId = `d${newRunId().slice(0, 5)}`;
  const out = resolve(options.out ?? `${ports.reportsRoot ?? 'reports'}/${scenario.name}/cluster-${runId}`);
  const io = { stdout: ports.stdout, stderr: ports.stderr ?? ((): void => {}) };
  return runDockerCommand(resolve(file), { runId, seed, out, format: options.format, argv: ports.argv, ...(ports.signal === undefined ? {} : { signal: ports.signal }), ...(options.profile === undefined ? {} : { profile: options.profile }) }, io);
}

/** `--world cluster --provider k3s`: a k3s cluster started for the run, the scenario on it, the cluster stopped. */
async function runOnK3s(scenario: Scenario, seed: number, options: RunCommandOptions, ports: RunCommandPorts): Promise<number> {
  const target = options.target ?? 'l2lab';
  if (target !== 'l2lab' && target !== 'cilium') throw new UserError(`--target ${target}: expected l2lab or cilium`);
  if (options.kubeconfig !== undefined || options.context !== undefined || options.clusterName !== undefined) throw new UserError('--provider k3s starts its own cluster: --kubeconfig, --context and --cluster-name do not apply');
  const [{ runK3sScenario }, { newRunId }, { resolve }] = await Promise.all([import('../cluster/k3s/k3s-run.ts'), import('../lab/world/lab-command.ts'), import('node:path')]);
  const runId = `s${newRunId().slice(0, 5)}`;
  const out = resolve(options.out ?? `${ports.reportsRoot ?? 'reports'}/${scenario.name}/cluster-${runId}`);
  const io = { stdout: ports.stdout, stderr: ports.stderr ?? ((): void => {}) };
  return runK3sScenario(scenario, {
    target, runId, seed, out, format: options.format, argv: ports.argv,
    ...(options.nodes === undefined ? {} : { nodes: options.nodes }), ...(options.k3sImage === undefined ? {} : { k3sImage: options.k3sImage }),
    ...(options.nodeMap === undefined ? {} : { nodeMap: options.nodeMap }), ...(options.profile === undefined ? {} : { profile: options.profile }), ...(ports.signal === undefined ? {} : { signal: ports.signal }),
  }, io);
}

/** `--world cluster --provider kind|talos|kubeconfig`: the scenario on an existing cluster. */
async function runOnKube(scenario: Scenario, seed: number, provider: 'kind' | 'talos' | 'kubeconfig', options: RunCommandOptions, ports: RunCommandPorts): Promise<number> {
  const target = options.target ?? 'l2lab';
  if (target !== 'l2lab' && target !== 'cilium') throw new UserError(`--target ${target}: expected l2lab or cilium`);
  const [{ runKubeCommand }, { newRunId }, { resolve }] = await Promise.all([import('../cluster/kube/kube-command.ts'), import('../lab/world/lab-command.ts'), import('node:path')]);
  const runId = `k${newRunId().slice(0, 5)}`;
  const out = resolve(options.out ?? `${ports.reportsRoot ?? 'reports'}/${scenario.name}/cluster-${runId}`);
  const io = { stdout: ports.stdout, stderr: ports.stderr ?? ((): void => {}) };
  return runKubeCommand(scenario, {
    provider, target, runId, seed, out, format: options.format, argv: ports.argv,
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: resolve(options.kubeconfig) }), ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.clusterName === undefined ? {} : { clusterName: options.clusterName }), ...(options.nodeMap === undefined ? {} : { nodeMap: options.nodeMap }),
    ...(options.profile === undefined ? {} : { profile: options.profile }), ...(ports.signal === undefined ? {} : { signal: ports.signal }),
  }, io);
}

/**
 * `dir`, or `dir-2`, `dir-3`… when taken (a run in the same second, an earlier replay).
 * @throws UserError after 99 taken names: `what` says what took them.
 */
export async function freshDir(dir: string, what = 'runs in the same second'): Promise<string> {
  for (let n = 1; n < 100; n += 1) {
    const candidate = n === 1 ? dir : `${dir}-${n}`;
    try {
      await access(candidate);
    } catch {
      return candidate;
    }
  }
  throw new UserError(`${dir}: 99 ${what} already wrote here; pass --out`);
}

/** HEAD and whether the work tree has changes; nulls when git or the checkout is missing. */
export async function readGitState(cwd = process.cwd()): Promise<GitState> {
  const git = promisify(execFile);
  try {
    const { stdout: sha } = await git('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5_000 });
    const { stdout: status } = await git('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, timeout: 5_000 });
    return { sha: sha.trim(), dirty: status.trim() !== '' };
  } catch {
    return { sha: null, dirty: null };
  }
}
