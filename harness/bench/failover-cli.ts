/**
 * `l2lab bench failover` behind the command line: plan the sweep, generate and validate each
 * point's scenario, run the trials (sim: worker threads; lab: one bring-up per point with many
 * faults), summarise each component per point, print a table per point and write the bench
 * directory. SIGINT stops after the running trials; what was measured is written, flagged
 * `interrupted`, and the exit code is 5. Loaded lazily by `cli/bench-command.ts`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { EXIT, UserError } from '../cli/user-error.ts';
import type { Clock } from '../core/clock.ts';
import type { FailoverBenchResults, PointResults } from './failover-results.ts';
import { pointResults, storedTrials } from './failover-results.ts';
import { parsePointScenario, pointScenario } from './point-scenario.ts';
import { createProgress } from './progress.ts';
import { renderFailoverText } from './render-failover.ts';
import { DEFAULT_FAILOVER_SWEEP, DEFAULT_LAB_FAILOVER_SWEEP, parseSweepOption, planSweep, type SweepPoint } from './sweep.ts';
import { runTrials } from './trial-pool.ts';
import { writeFailoverBench } from './write-failover.ts';

/** Options of `l2lab bench failover` as commander parses them. */
export interface BenchFailoverOptions {
  readonly world: 'sim' | 'lab';
  /** `--profile P1,P2`. */
  readonly profile?: string;
  readonly trials?: number;
  readonly sweep: readonly string[];
  readonly seed: number;
  readonly out?: string;
  /** Sim worker threads (default: the cores, at most 8; 0 = the main thread). */
  readonly workers?: number;
}

/** What a bench command needs from outside. */
export interface BenchPorts {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The real stderr stream when there is one (a TTY gets a progress bar). */
  readonly stderrStream?: NodeJS.WriteStream;
  readonly argv: readonly string[];
  /** Aborted on SIGINT. */
  readonly signal?: AbortSignal;
  readonly clock: Clock;
  /** Wall clock for the directory stamp and `startedAt`. */
  readonly now: () => Date;
  /** Root of the default bench directories. Default `reports`. */
  readonly reportsRoot?: string;
}

/** Default trials per point: 100 in sim, 30 in the lab (one bring-up per point). */
export const DEFAULT_TRIALS = { sim: 100, lab: 30 } as const;

/** `reports/bench/<kind>/<yyyymmdd-hhmmss>`. */
export function benchDirFor(root: string, kind: string, startedAt: Date): string {
  const iso = startedAt.toISOString();
  return join(root, 'bench', kind, `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`);
}

/** The sweep points of the options. @throws UserError for a bad option. */
export function planFromOptions(options: Pick<BenchFailoverOptions, 'profile' | 'sweep' | 'world'>): SweepPoint[] {
  const profiles = options.profile === undefined ? [] : options.profile.split(',').map((p) => p.trim());
  if (profiles.some((p) => p === '')) throw new UserError(`--profile ${JSON.stringify(options.profile)}: expected P1,P2,… without empty names`);
  return planSweep({ axes: options.sweep.map(parseSweepOption), profiles, defaultAxes: options.world === 'lab' ? DEFAULT_LAB_FAILOVER_SWEEP : DEFAULT_FAILOVER_SWEEP });
}

/** Runs the command; returns the exit code (0, or 5 when interrupted). @throws UserError (exit 2). */
export async function benchFailoverCommand(options: BenchFailoverOptions, ports: BenchPorts): Promise<number> {
  const points = planFromOptions(options);
  const trials = options.trials ?? DEFAULT_TRIALS[options.world];
  if (!(Number.isInteger(trials) && trials >= 1 && trials <= 100_000)) throw new UserError(`--trials ${trials}: expected a whole number, 1 … 100000`);
  const startedAt = ports.now();
  const out = options.out ?? benchDirFor(ports.reportsRoot ?? 'reports', 'failover', startedAt);
  const t0 = ports.clock.monotonicMs();
  const loadavgAtStart = loadavg();
  let measured: { points: PointResults[]; interrupted: boolean; workers: number };
  if (options.world === 'lab') {
    const { runLabFailoverPoints } = await import('./lab-failover.ts');
    measured = { ...(await runLabFailoverPoints(points, trials, out, ports)), workers: 0 };
  } else {
    measured = await runSimPoints(points, trials, options, ports);
  }
  const results: FailoverBenchResults = {
    kind: 'bench-failover',
    world: options.world,
    startedAt: startedAt.toISOString(),
    wallMs: Math.round(ports.clock.monotonicMs() - t0),
    interrupted: measured.interrupted,
    seed: options.seed,
    trialsPerPoint: trials,
    workers: measured.workers,
    argv: ports.argv,
    machine: { cores: availableParallelism(), loadavgAtStart },
    points: measured.points,
  };
  const written = await writeFailoverBench(out, results);
  ports.stdout(renderFailoverText(results));
  ports.stdout(`${results.interrupted ? 'INTERRUPTED: partial results' : 'done'} · bench directory ${written.dir} (${written.files.join(', ')})\n`);
  return results.interrupted ? EXIT.interrupted : EXIT.ok;
}

async function runSimPoints(points: readonly SweepPoint[], trials: number, options: BenchFailoverOptions, ports: BenchPorts): Promise<{ points: PointResults[]; interrupted: boolean; workers: number }> {
  const scenarios = points.map((p) => pointScenario(p.params, { kind: 'sim-trial' }));
  // Every point is validated before the first trial: a bad sweep value fails fast with exit 2.
  points.forEach((p, i) => parsePointScenario(scenarios[i] as (typeof scenarios)[number], p, (w) => ports.stderr(`warning: ${w}\n`)));
  const total = points.length * trials;
  // Worker threads load the .ts sources themselves: only where Node strips types (on the older
  // Node that needs tsx's loader, the trials run on the main thread).
  const nativeTs = Boolean((process.features as { typescript?: unknown }).typescript);
  const workers = Math.max(0, Math.min(options.workers ?? (nativeTs ? Math.min(availableParallelism(), 8) : 0), total));
  ports.stderr(`bench failover: ${points.length} sweep point${points.length === 1 ? '' : 's'} × ${trials} trials in sim on ${workers === 0 ? 'the main thread' : `${workers} worker thread${workers === 1 ? '' : 's'}`} (Ctrl-C stops and writes what was measured)\n`);
  const progress = createProgress({ label: 'bench failover', unit: 'trials', total, clock: ports.clock, stream: ports.stderrStream, writeLine: (line) => ports.stderr(`${line}\n`) });
  let done = 0;
  let run;
  try {
    run = await runTrials({ scenarios, baseSeed: options.seed, trialsPerPoint: trials, workers, ...(ports.signal === undefined ? {} : { signal: ports.signal }), onResult: () => progress.update((done += 1)) });
  } finally {
    progress.stop();
  }
  return { points: points.map((p, i) => pointResults(p, scenarios[i]?.name ?? '', storedTrials(run.results, p.index))), interrupted: run.interrupted, workers };
}
