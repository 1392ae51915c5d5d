/**
 * `l2lab explore` behind the CLI: logs the seed and options first (one seed rules the search),
 * prints a progress line every few seconds, and on a violation prints the invariant, the shrunk
 * scenario, the regression file and the exact replay commands. Wall time and the random default
 * seed come in through {@link ExploreEnvironment}: nothing here reads a clock or `Math.random`.
 */
import { UserError, EXIT } from '../cli/user-error.ts';
import { JUDGED_INVARIANTS } from './judge.ts';
import { describeSpec } from './describe-spec.ts';
import { explore, type ExploreProgress } from './explore.ts';
import { fastCheckReplay, replayCommand, reshrinkCommand, writeRegression } from './regression-file.ts';
import { DEFAULT_SIM_RUNNER } from './default-runner.ts';
import type { ExploreCommandOptions } from '../cli/explore-command.ts';

/** Output and the ambient inputs the CLI provides. */
export interface ExploreEnvironment {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Monotonic wall time in ms (progress rate and ETA only; never affects results). */
  readonly nowMs: () => number;
  /** The seed used when none is given. */
  readonly randomSeed: () => number;
}

/** Minimum wall time between progress lines. */
export const PROGRESS_INTERVAL_MS = 2_000;

/** Runs the search and returns the exit code (0, 3 safety, 4 liveness). @throws UserError on bad options. */
export async function runExploreCommand(options: ExploreCommandOptions, env: ExploreEnvironment): Promise<number> {
  const unknown = (options.invariant ?? []).filter((name) => !JUDGED_INVARIANTS.includes(name));
  if (unknown.length > 0) throw new UserError(`unknown invariant ${unknown.join(', ')}: expected one of ${JUDGED_INVARIANTS.join(', ')}`);
  if (options.path !== undefined && options.seed === undefined) throw new UserError('--path replays a shrink path of one search: give its --seed too');
  const seed = options.seed ?? env.randomSeed();
  env.stdout(`SEED=${seed} profile=${options.profile} runs=${options.runs} rate-limit=${options.rateLimit}${options.invariant === undefined ? '' : ` invariants=${options.invariant.join(',')}`}${options.avoidKnownFindings === true ? ' avoid-known-findings' : ''}${options.path === undefined ? '' : ` path=${options.path}`}\n`);
  const startMs = env.nowMs();
  let lastMs = startMs;
  const onProgress = (p: ExploreProgress): void => {
    const now = env.nowMs();
    if (now - lastMs < PROGRESS_INTERVAL_MS) return;
    lastMs = now;
    env.stderr(`${progressLine(p, now - startMs)}\n`);
  };
  const result = explore({
    profile: options.profile,
    runs: options.runs,
    seed,
    runner: DEFAULT_SIM_RUNNER,
    rateLimit: options.rateLimit,
    onProgress,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.invariant === undefined ? {} : { invariants: options.invariant }),
    ...(options.avoidKnownFindings === true ? { avoidKnownFindings: true } : {}),
    ...(options.maxNodes === undefined ? {} : { maxNodes: options.maxNodes }),
    ...(options.maxServices === undefined ? {} : { maxServices: options.maxServices }),
    ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
  });
  const elapsedS = (env.nowMs() - startMs) / 1000;
  const rate = elapsedS > 0 ? ` (${((result.runs + result.shrinkRuns) / elapsedS).toFixed(0)} runs/s)` : '';
  const failure = result.failure;
  if (failure === undefined) {
    env.stdout(`explore: no invariant violated in ${result.runs} runs on ${options.profile} in ${elapsedS.toFixed(1)} s${rate}\n`);
    return EXIT.ok;
  }
  const flags = searchFlags(options);
  const file = await writeRegression(options.out, options.profile, failure, flags);
  const lines = [
    `explore: ${failure.invariant} (${failure.kind}) violated on ${options.profile} after ${result.runs} runs; shrunk in ${failure.numShrinks} steps (${result.shrinkRuns} candidates), ${elapsedS.toFixed(1)} s${rate}`,
    '',
    'shrunk scenario:',
    ...describeSpec(failure.spec).map((line) => `  ${line}`),
    '',
    `first violation: ${JSON.stringify(firstViolationDetail(failure.result.details))}`,
    '',
    `regression: ${file}`,
    `replay:     ${replayCommand(file, failure)}`,
    `fast-check: ${fastCheckReplay(failure)}`,
    `re-shrink:  ${reshrinkCommand(options.profile, failure, flags)}`,
  ];
  env.stdout(`${lines.join('\n')}\n`);
  return failure.kind === 'safety' ? EXIT.safetyViolation : EXIT.livenessViolation;
}

/** The generator and judging flags a `--path` replay needs (the same arbitrary, the same judge). */
export function searchFlags(options: ExploreCommandOptions): string {
  return [
    options.rateLimit === 'tight' ? '--rate-limit tight' : '',
    options.avoidKnownFindings === true ? '--avoid-known-findings' : '',
    options.maxNodes === undefined ? '' : `--max-nodes ${options.maxNodes}`,
    options.maxServices === undefined ? '' : `--max-services ${options.maxServices}`,
    options.maxSteps === undefined ? '' : `--max-steps ${options.maxSteps}`,
    options.invariant === undefined ? '' : `--invariant ${options.invariant.join(' ')}`,
  ]
    .filter((flag) => flag !== '')
    .join(' ');
}

function progressLine(p: ExploreProgress, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  if (p.phase === 'shrink') return `explore: shrinking: ${p.shrinkRuns} candidates run (${seconds.toFixed(0)} s)`;
  const rate = p.runsDone / Math.max(seconds, 1e-9);
  const etaS = (p.runsTotal - p.runsDone) / Math.max(rate, 1e-9);
  return `explore: ${p.runsDone}/${p.runsTotal} runs, ${rate.toFixed(0)} runs/s, ETA ${etaS.toFixed(0)} s`;
}

function firstViolationDetail(details: { readonly [key: string]: unknown }): unknown {
  const violations = details['violations'];
  return Array.isArray(violations) ? violations[0] : details;
}
