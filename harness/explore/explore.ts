/**
 * Property search over generated scenarios (`l2lab explore`): fast-check draws a
 * {@link ScenarioSpec}, the sim runs it, the checkers judge the history. The first violated
 * invariant becomes the *target*: while fast-check shrinks, a candidate counts as failing only if
 * it violates that same invariant, so the shrunk counterexample is a minimal scenario for the bug
 * that was found, not for whatever else a smaller scenario trips over. One seed rules the search;
 * `{seed, path}` replays the shrunk counterexample without searching.
 */
import fc from 'fast-check';
import type { Scenario } from '../scenario/types.ts';
import { scenarioSpecArbitrary, type SpecArbitraryOptions } from './arbitraries.ts';
import { firstViolation, type FoundViolation } from './judge.ts';
import type { ScenarioSimRunner } from './sim-run.ts';
import type { ScenarioSpec } from './spec.ts';
import { specScenario } from './spec-document.ts';

/** Progress of a search, reported every {@link PROGRESS_EVERY_RUNS} runs and at phase changes. */
export interface ExploreProgress {
  readonly phase: 'search' | 'shrink';
  /** Generated runs judged so far (search) — shrink candidates are counted apart. */
  readonly runsDone: number;
  readonly runsTotal: number;
  readonly shrinkRuns: number;
}

/** How often progress is reported (in runs). */
export const PROGRESS_EVERY_RUNS = 25;

/** Options of {@link explore}. */
export interface ExploreOptions extends SpecArbitraryOptions {
  /** Profile every generated scenario runs on. */
  readonly profile: string;
  /** Generated scenarios to run (≥ 1). */
  readonly runs: number;
  /** fast-check seed (32-bit integer). */
  readonly seed: number;
  /** Replay this shrink path (fast-check `path`) instead of searching. */
  readonly path?: string;
  /** Judge only these invariants (default all). */
  readonly invariants?: readonly string[];
  /** How a scenario is run in the sim. */
  readonly runner: ScenarioSimRunner;
  readonly onProgress?: (progress: ExploreProgress) => void;
}

/** A shrunk counterexample. */
export interface ExploreFailure extends FoundViolation {
  /** fast-check's seed and shrink path: `fc.assert(…, {seed, path})` replays it. */
  readonly seed: number;
  readonly path: string;
  readonly numShrinks: number;
  readonly spec: ScenarioSpec;
  /** The resolved scenario of `spec` on the explored profile. */
  readonly scenario: Scenario;
}

/** What a search found. */
export interface ExploreResult {
  /** Generated scenarios run before the first failure (or all of them). */
  readonly runs: number;
  /** Shrink candidates run. */
  readonly shrinkRuns: number;
  readonly failure?: ExploreFailure;
}

/**
 * Runs up to `options.runs` generated scenarios; on the first violation, shrinks it.
 * @throws Error when a generated scenario cannot be built (a mapping bug, never a verdict).
 */
export function explore(options: ExploreOptions): ExploreResult {
  if (!Number.isSafeInteger(options.runs) || options.runs < 1) throw new Error(`explore: runs must be a whole number ≥ 1, got ${options.runs}`);
  const only = options.invariants === undefined ? undefined : new Set(options.invariants);
  let target: string | undefined;
  let runsDone = 0;
  let shrinkRuns = 0;
  let crash: unknown;
  const report = (phase: ExploreProgress['phase']): void => options.onProgress?.({ phase, runsDone, runsTotal: options.runs, shrinkRuns });
  const property = fc.property(scenarioSpecArbitrary(options), (spec) => {
    if (target === undefined) {
      runsDone += 1;
      if (runsDone % PROGRESS_EVERY_RUNS === 0) report('search');
    } else {
      shrinkRuns += 1;
      if (shrinkRuns % PROGRESS_EVERY_RUNS === 0) report('shrink');
    }
    let violation: FoundViolation | undefined;
    try {
      violation = judgeSpec(spec, options, only);
    } catch (error) {
      crash ??= error;
      throw error;
    }
    if (violation === undefined) return true;
    if (target === undefined) {
      target = violation.invariant;
      report('shrink');
      return false;
    }
    // While shrinking, only the invariant first found counts.
    return violation.invariant !== target && judgeSpec(spec, options, new Set([target])) === undefined;
  });
  const details = fc.check(property, { seed: options.seed, numRuns: options.runs, ...(options.path === undefined ? {} : { path: options.path }) });
  if (crash !== undefined) throw new Error(`explore: a generated scenario could not be run (seed ${details.seed}): ${crash instanceof Error ? crash.message : String(crash)}`, { cause: crash });
  if (!details.failed || details.counterexample === null) return { runs: runsDone, shrinkRuns };
  const [spec] = details.counterexample;
  const scenario = specScenario(spec, options.profile, 'explored');
  const violation = judgeSpec(spec, options, target === undefined ? only : new Set([target]));
  if (violation === undefined) throw new Error(`explore: the shrunk counterexample (seed ${details.seed}, path ${details.counterexamplePath}) no longer fails — the run is not deterministic`);
  return { runs: runsDone, shrinkRuns, failure: { ...violation, seed: details.seed, path: details.counterexamplePath ?? '', numShrinks: details.numShrinks, spec, scenario } };
}

/** Runs one spec and returns its first violation (undefined when every judged invariant holds). */
export function judgeSpec(spec: ScenarioSpec, options: Pick<ExploreOptions, 'profile' | 'runner'>, only?: ReadonlySet<string>): FoundViolation | undefined {
  const scenario = specScenario(spec, options.profile);
  const outcome = options.runner(scenario, { seed: spec.worldSeed });
  return firstViolation(outcome, scenario, only);
}
