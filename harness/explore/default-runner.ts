/**
 * The sim runner `l2lab explore` uses: `harness/run`'s `startScenarioRun`, the mapping
 * `l2lab run --world sim` uses (world, clients, probe plans, nemesis driver, checker context with
 * the lease-load model input), so a regression file replays under `l2lab run` exactly as it was
 * found. Judging is the explorer's own (first violation, target-locked shrinking).
 */
import { startScenarioRun } from '../run/run-scenario.ts';
import type { ScenarioSimRunner } from './sim-run.ts';

/** Runs a scenario exactly as `l2lab run --world sim --seed <seed>` does. */
export const sharedSimRunner: ScenarioSimRunner = (scenario, { seed }) => {
  const run = startScenarioRun(scenario, { seed });
  run.advanceTo(scenario.durationMs);
  return { ops: run.world.history.ops(), context: run.judgeInput().context };
};

/** The runner explore uses. */
export const DEFAULT_SIM_RUNNER: ScenarioSimRunner = sharedSimRunner;
