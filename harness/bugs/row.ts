/**
 * One row of `l2lab bugs`: a planned run, its judged verdict and the evidence for each catching
 * invariant. Pure: the same function serves the CLI (results read back from a report directory)
 * and the regression test (results of an in-process sim run).
 */
import type { HistoryOp, HistoryValue } from '../core/history.ts';
import { extractEvidence } from './evidence.ts';
import type { PlannedBugRun } from './plan.ts';
import { judgeBugRun, type JudgedBugRun, type RunOutcomeLike } from './verdict.ts';

/** A judged run with its evidence and where its report is. */
export interface BugRow {
  readonly planned: PlannedBugRun;
  readonly judged: JudgedBugRun;
  /** Evidence lines per catching invariant (same order as `planned.invariants`). */
  readonly evidence: readonly { readonly invariant: string; readonly lines: readonly string[] }[];
  /** The run's report directory (absent for skipped runs and in-process runs). */
  readonly reportDir?: string;
  readonly wallMs?: number;
}

/** The judge's verdict of one invariant with its details (`results.json` `invariants[]`). */
export interface VerdictWithDetails {
  readonly name: string;
  readonly valid: boolean | 'unknown';
  readonly failedAtMs?: number;
  readonly details: { readonly [key: string]: HistoryValue | undefined };
}

/** What a finished run gives the row. */
export interface RunMaterial {
  readonly invariants?: readonly VerdictWithDetails[];
  readonly unmet?: readonly string[];
  readonly error?: string;
  readonly interrupted?: boolean;
  readonly ops: readonly HistoryOp[];
  readonly macOwner: ReadonlyMap<string, string>;
  /** Effective lease timings and the client limit of the run (lease-load evidence). */
  readonly timing?: { readonly renewDeadlineMs: number; readonly retryPeriodMs: number };
  readonly clientRateLimit?: { readonly qps: number; readonly burst: number };
  readonly reportDir?: string;
  readonly wallMs?: number;
}

/** Judges a run and extracts its evidence. Pure. */
export function buildBugRow(planned: PlannedBugRun, material: RunMaterial | undefined): BugRow {
  const outcome: RunOutcomeLike | undefined = material === undefined
    ? undefined
    : {
        ...(material.invariants === undefined ? {} : { invariants: material.invariants }),
        ...(material.unmet === undefined ? {} : { unmet: material.unmet }),
        ...(material.error === undefined ? {} : { error: material.error }),
        ...(material.interrupted === undefined ? {} : { interrupted: material.interrupted }),
      };
  const judged = judgeBugRun(planned, outcome);
  const byName = new Map((material?.invariants ?? []).map((v) => [v.name, v]));
  const evidence = material?.invariants === undefined
    ? []
    : planned.invariants.map((invariant) => {
        const v = byName.get(invariant);
        if (v === undefined) return { invariant, lines: [`the judge has no invariant named ${invariant}`] };
        return { invariant, lines: extractEvidence({ invariant, valid: v.valid, ...(v.failedAtMs === undefined ? {} : { failedAtMs: v.failedAtMs }), details: v.details, ops: material.ops, macOwner: material.macOwner, ...(material.timing === undefined ? {} : { timing: material.timing }), ...(material.clientRateLimit === undefined ? {} : { clientRateLimit: material.clientRateLimit }) }) };
      });
  return {
    planned,
    judged,
    evidence,
    ...(material?.reportDir === undefined ? {} : { reportDir: material.reportDir }),
    ...(material?.wallMs === undefined ? {} : { wallMs: material.wallMs }),
  };
}
