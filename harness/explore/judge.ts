/**
 * Judging one explored run: every invariant checker over the recorded history, and the first
 * violated invariant in the architecture table's order (safety before liveness). `lease-load`
 * is judged only on fault-free runs: its model comparison assumes a steady state, and its
 * "no slow lease request" half flags every request a partition or outage delays by design.
 */
import { LIVENESS_CHECKERS, SAFETY_CHECKERS } from '../checker/invariants.ts';
import type { CheckResult } from '../checker/check-result.ts';
import type { Scenario } from '../scenario/types.ts';
import type { SimRunOutcome } from './sim-run.ts';

/** Which exit code a violation maps to. */
export type ViolationKind = 'safety' | 'liveness';

/** The first violated invariant of a run. */
export interface FoundViolation {
  readonly invariant: string;
  readonly kind: ViolationKind;
  readonly result: CheckResult;
}

/** Invariants judged only when the scenario has no nemesis step (see the module comment). */
export const FAULT_FREE_ONLY: ReadonlySet<string> = new Set(['lease-load']);

/** Every invariant name in judging order. */
export const JUDGED_INVARIANTS: readonly string[] = [...SAFETY_CHECKERS, ...LIVENESS_CHECKERS].map((c) => c.name);

/**
 * The first violated invariant of `outcome`, or undefined when none is false ('unknown' is not a
 * violation). `only` restricts judging to those invariants (`explore --invariant`).
 */
export function firstViolation(outcome: SimRunOutcome, scenario: Pick<Scenario, 'nemesis'>, only?: ReadonlySet<string>): FoundViolation | undefined {
  const judged = (name: string): boolean => (only === undefined || only.has(name)) && !(FAULT_FREE_ONLY.has(name) && scenario.nemesis.length > 0);
  for (const [kind, checkers] of [['safety', SAFETY_CHECKERS], ['liveness', LIVENESS_CHECKERS]] as const) {
    for (const { name, check } of checkers) {
      if (!judged(name)) continue;
      let result: CheckResult;
      try {
        result = check(outcome.ops, outcome.context);
      } catch {
        continue; // a throwing checker is 'unknown' (checkSafe), never a violation
      }
      if (result.valid === false) return { invariant: name, kind, result };
    }
  }
  return undefined;
}
