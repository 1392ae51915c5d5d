/**
 * The checker protocol (Jepsen's `checker`): a checker is a pure function of the recorded history
 * and the scenario's static facts, returning `valid: true | false | 'unknown'` with details.
 * `'unknown'` is an answer, not a pass: the history did not contain the evidence (no wire
 * observations, ended before a bound elapsed) or the checker failed — `checkSafe` turns a throw
 * into `'unknown'` with the error, so one broken checker never hides the others' verdicts.
 */
import type { HistoryOp, HistoryValue } from '../core/history.ts';
import type { CheckContext } from './context.ts';

/** A checker verdict. `failedAtMs` is the run time of the first violation, when there is one. */
export interface CheckResult {
  readonly valid: boolean | 'unknown';
  readonly details: { readonly [key: string]: HistoryValue | undefined };
  readonly failedAtMs?: number;
}

/** A pure checker over the whole history. */
export type Checker = (ops: readonly HistoryOp[], context: CheckContext) => CheckResult;

/** A checker with its invariant name (`one-responder`, …). */
export interface NamedChecker {
  readonly name: string;
  readonly check: Checker;
}

/** Runs `checker`; a throw becomes `valid: 'unknown'` with the error message (Jepsen `check-safe`). */
export function checkSafe(checker: Checker, ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  try {
    return checker(ops, context);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { valid: 'unknown', details: { error: message } };
  }
}

/** Result of {@link composeCheckers}: the merged verdict and each checker's own result. */
export interface ComposedResult extends CheckResult {
  readonly results: { readonly [name: string]: CheckResult };
}

/**
 * Merges named checkers (Jepsen `compose`): false if any is false, else 'unknown' if any is
 * unknown, else true. `failedAtMs` is the earliest violation. Every checker runs under
 * {@link checkSafe}.
 */
export function composeCheckers(checkers: readonly NamedChecker[]): (ops: readonly HistoryOp[], context: CheckContext) => ComposedResult {
  return (ops, context) => {
    const results: { [name: string]: CheckResult } = {};
    let valid: boolean | 'unknown' = true;
    let failedAtMs: number | undefined;
    for (const { name, check } of checkers) {
      const result = checkSafe(check, ops, context);
      results[name] = result;
      valid = mergeValidity(valid, result.valid);
      if (result.failedAtMs !== undefined && (failedAtMs === undefined || result.failedAtMs < failedAtMs)) failedAtMs = result.failedAtMs;
    }
    const failed = Object.keys(results).filter((name) => results[name]?.valid === false);
    const unknown = Object.keys(results).filter((name) => results[name]?.valid === 'unknown');
    return { valid, details: { failed, unknown }, results, ...(failedAtMs === undefined ? {} : { failedAtMs }) };
  };
}

/** false beats 'unknown' beats true. */
export function mergeValidity(a: boolean | 'unknown', b: boolean | 'unknown'): boolean | 'unknown' {
  if (a === false || b === false) return false;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return true;
}

/** One violation as checkers list them (at most {@link MAX_LISTED} are kept in details). */
export interface Violation {
  readonly atMs: number;
  readonly [key: string]: HistoryValue | undefined;
}

/** How many violations/unknowns a result lists; the count is always exact. */
export const MAX_LISTED = 20;

/**
 * Builds a result from violations and undecidable cases: any violation → false (failedAtMs = the
 * earliest), else any unknown → 'unknown', else true.
 */
export function verdict(violations: readonly Violation[], unknowns: readonly Violation[], extra: { readonly [key: string]: HistoryValue | undefined } = {}): CheckResult {
  const sorted = [...violations].sort((a, b) => a.atMs - b.atMs);
  const details = {
    ...extra,
    violationCount: violations.length,
    violations: sorted.slice(0, MAX_LISTED),
    ...(unknowns.length > 0 ? { unknownCount: unknowns.length, unknowns: unknowns.slice(0, MAX_LISTED) } : {}),
  };
  if (sorted.length > 0) return { valid: false, details, failedAtMs: sorted[0]?.atMs ?? 0 };
  return { valid: unknowns.length > 0 ? 'unknown' : true, details };
}
