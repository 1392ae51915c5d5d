/**
 * How `explore` runs a resolved scenario in the sim: the {@link ScenarioSimRunner} port. The
 * mapping scenario → `ResponderWorld` belongs to the runner (`harness/run`, shared with
 * `l2lab run`; see `default-runner.ts`), so exploration and `l2lab run` replay a regression
 * identically. Tests may pass another runner.
 */
import type { HistoryOp } from '../core/history.ts';
import type { CheckContext } from '../checker/context.ts';
import type { Scenario } from '../scenario/types.ts';

/** What a sim run leaves for the checkers. */
export interface SimRunOutcome {
  readonly ops: readonly HistoryOp[];
  readonly context: CheckContext;
}

/** Runs `scenario` in the sim with `seed` to its duration. */
export type ScenarioSimRunner = (scenario: Scenario, options: { readonly seed: number }) => SimRunOutcome;
