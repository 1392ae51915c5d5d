/**
 * The sim runner `l2lab explore` uses. Interim: the explorer's own mapping ({@link interimSimRunner})
 * until `harness/run/scenario-world.ts` is in the repository; then this points at
 * `runModuleSimRunner` (the `l2lab run` mapping) and the interim mapping goes.
 */
import { interimSimRunner, type ScenarioSimRunner } from './sim-run.ts';

/** The runner explore uses. */
export const DEFAULT_SIM_RUNNER: ScenarioSimRunner = interimSimRunner;
