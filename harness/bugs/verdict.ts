/**
 * The verdict of `l2lab bugs`: per run, whether the catching invariants did what the profile's role
 * demands (fail on an affected profile, hold on a fixed one) and the rest of the scenario's
 * expectations were met; per bug, whether it reproduced (issue 7: every affected run fails, every
 * fixed run holds); overall, the exit code. Pure.
 */
import type { BugRole, PlannedBugRun } from './plan.ts';

/** What a catching invariant showed in a run. */
export type Observed = 'fails' | 'holds' | 'unknown';

/** The judge's verdict of one invariant, as `results.json` stores it. */
export interface VerdictLike {
  readonly name: string;
  readonly valid: boolean | 'unknown';
  readonly failedAtMs?: number;
}

/** One catching invariant in one run. */
export interface InvariantObservation {
  readonly invariant: string;
  readonly expected: 'fails' | 'holds';
  readonly observed: Observed;
  readonly failedAtMs?: number;
}

/**
 * A run's status: `ok` (as the role demands, nothing else unmet), `mismatch` (a catching invariant
 * did otherwise, or another expectation of the scenario was not met), `skipped` (world not listed),
 * `error` (the run did not produce results), `interrupted`.
 */
export type BugRunStatus = 'ok' | 'mismatch' | 'skipped' | 'error' | 'interrupted';

/** What the runner learnt from one run (before evidence). */
export interface RunOutcomeLike {
  /** The judge's verdicts; undefined when the run produced none. */
  readonly invariants?: readonly VerdictLike[];
  /** The judge's unmet lines (`results.json` `unmet`). */
  readonly unmet?: readonly string[];
  /** Why the run produced no results. */
  readonly error?: string;
  readonly interrupted?: boolean;
}

/** A judged run. */
export interface JudgedBugRun {
  readonly status: BugRunStatus;
  readonly observations: readonly InvariantObservation[];
  /** Unmet expectations other than the catching invariants' (hold lists, failover bounds). */
  readonly otherUnmet: readonly string[];
  readonly error?: string;
}

/** The observation expected of a role. */
export function expectedOf(role: BugRole): 'fails' | 'holds' {
  return role === 'affected' ? 'fails' : 'holds';
}

/** Judges one run. Pure. */
export function judgeBugRun(run: Pick<PlannedBugRun, 'role' | 'invariants' | 'skip'>, outcome: RunOutcomeLike | undefined): JudgedBugRun {
  const expected = expectedOf(run.role);
  if (run.skip !== undefined) return { status: 'skipped', observations: [], otherUnmet: [] };
  if (outcome === undefined || outcome.invariants === undefined) {
    return { status: outcome?.interrupted === true ? 'interrupted' : 'error', observations: [], otherUnmet: [], error: outcome?.error ?? 'the run produced no results' };
  }
  const byName = new Map(outcome.invariants.map((v) => [v.name, v]));
  const observations = run.invariants.map((invariant): InvariantObservation => {
    const v = byName.get(invariant);
    const observed: Observed = v === undefined || v.valid === 'unknown' ? 'unknown' : v.valid ? 'holds' : 'fails';
    return { invariant, expected, observed, ...(v?.failedAtMs === undefined ? {} : { failedAtMs: v.failedAtMs }) };
  });
  // The judge's unmet lines start with the invariant name; the catching ones are judged here.
  const otherUnmet = (outcome.unmet ?? []).filter((line) => !run.invariants.some((name) => line.startsWith(`${name} (`)));
  if (outcome.interrupted === true) return { status: 'interrupted', observations, otherUnmet };
  const asDemanded = observations.every((o) => o.observed === o.expected);
  return { status: asDemanded && otherUnmet.length === 0 ? 'ok' : 'mismatch', observations, otherUnmet };
}

/** One bug over all its runs. */
export interface BugVerdict {
  readonly bugId: string;
  /** `reproduced`: every run as demanded; `not-reproduced`: some run not; `skipped`: no run made; `error`: a run failed to produce results. */
  readonly verdict: 'reproduced' | 'not-reproduced' | 'skipped' | 'error';
  readonly runs: number;
  readonly skipped: number;
  /** True when the bug block lists no fixed profile (a design issue): only the failure is shown. */
  readonly noFixedProfile: boolean;
}

/** Groups judged runs by bug (plan order). Pure. */
export function judgeBugs(rows: readonly { readonly planned: PlannedBugRun; readonly judged: JudgedBugRun }[]): BugVerdict[] {
  const ids = [...new Set(rows.map((r) => r.planned.bugId))];
  return ids.map((bugId): BugVerdict => {
    const mine = rows.filter((r) => r.planned.bugId === bugId);
    const made = mine.filter((r) => r.judged.status !== 'skipped');
    const noFixedProfile = !mine.some((r) => r.planned.role === 'fixed');
    const verdict = made.length === 0
      ? 'skipped'
      : made.some((r) => r.judged.status === 'error' || r.judged.status === 'interrupted')
        ? 'error'
        : made.every((r) => r.judged.status === 'ok') && made.some((r) => r.planned.role === 'affected')
          ? 'reproduced'
          : 'not-reproduced';
    return { bugId, verdict, runs: made.length, skipped: mine.length - made.length, noFixedProfile };
  });
}

/**
 * Exit codes of `l2lab bugs`: 0 every bug that ran reproduced (skipped worlds do not count), 1 some
 * bug did not reproduce (a catching invariant did otherwise on some profile, or another expectation
 * of its scenario was unmet), 2 a run produced no results (harness error; also bad input, before any
 * run), 5 interrupted. The worst wins: 5 > 2 > 1 > 0.
 */
export const BUGS_EXIT = { reproduced: 0, notReproduced: 1, harnessError: 2, interrupted: 5 } as const;

/** The exit code of a judged set of runs. Pure. */
export function bugsExitCode(judged: readonly JudgedBugRun[]): number {
  if (judged.some((j) => j.status === 'interrupted')) return BUGS_EXIT.interrupted;
  if (judged.some((j) => j.status === 'error')) return BUGS_EXIT.harnessError;
  if (judged.some((j) => j.status === 'mismatch')) return BUGS_EXIT.notReproduced;
  return BUGS_EXIT.reproduced;
}
