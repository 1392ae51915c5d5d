/**
 * Judging a run: every invariant checker on the history, each verdict compared with what the
 * scenario expects on the run's profile (`expectedVerdicts`), the failover components of every
 * holder death summarised per component (p50 / max) and compared with the scenario's
 * `failover` maxima, and the lease load measured per verb against `estimateLeaseLoad`. Pure:
 * `(history, JudgeInput) → RunResults`, so `l2lab report` can re-judge an old run from its
 * `run.json` and `history.jsonl` alone.
 */
import type { HistoryOp, HistoryValue } from '../core/history.ts';
import type { CheckResult } from '../checker/check-result.ts';
import type { CheckContext } from '../checker/context.ts';
import { COMPONENT_FIELD, failoverComponents, type FailoverComponents } from '../checker/failover-components.ts';
import { checkAllInvariants, SAFETY_CHECKERS } from '../checker/invariants.ts';
import { estimateLeaseLoad } from '../l2/lease-load.ts';
import type { ExpectedVerdicts } from '../scenario/timeline.ts';
import { FAILOVER_COMPONENTS, type FailoverComponentName } from '../scenario/types.ts';

/** What a run is judged against (stored in `run.json`). */
export interface JudgeInput {
  readonly context: CheckContext;
  readonly expected: ExpectedVerdicts;
  /** Maximum of each failover component, ms after the kill. */
  readonly failoverMaxMs: Readonly<Partial<Record<FailoverComponentName, number>>>;
}

/** How an invariant's verdict is judged. */
export type Expectation = 'hold' | 'fail' | 'ignore' | 'not-false';

/** One invariant's verdict and whether it met its expectation. */
export interface InvariantVerdict {
  readonly name: string;
  readonly kind: 'safety' | 'liveness';
  readonly valid: boolean | 'unknown';
  readonly expected: Expectation;
  readonly met: boolean;
  readonly failedAtMs?: number;
  readonly details: CheckResult['details'];
}

/** p50 / max of one failover component over every failover row (null = no row had it). */
export interface ComponentStats {
  readonly component: FailoverComponentName;
  readonly count: number;
  /** Rows where the component never happened. */
  readonly missing: number;
  readonly p50Ms: number | null;
  readonly maxMs: number | null;
  /** The scenario's bound, when it sets one. */
  readonly boundMs?: number;
  /** False when the bound is exceeded or the component is missing in some row. */
  readonly met: boolean;
}

/** Measured lease requests per verb against the model. */
export interface LeaseLoadRow {
  readonly verb: 'get' | 'update' | 'list';
  readonly measuredPerS: number;
  readonly modelPerS: number;
  readonly relativeError: number | null;
}

/** The lease-load comparison of a run (absent without a measurement window). */
export interface LeaseLoadSummary {
  readonly windowMs: readonly [number, number];
  /** Mean lease-request latency in the window; the model's loop periods include it (sliding loops). */
  readonly requestLatencyMs: number;
  readonly rows: readonly LeaseLoadRow[];
  readonly measuredTotalPerS: number;
  readonly modelTotalPerS: number;
  readonly tolerance: number;
  readonly leases: number;
  readonly nodes: number;
  /** The docs' sizing rule for the busiest node, and how much the model says it under-states. */
  readonly docsFormulaPerS: number;
  readonly underestimateFactor: number | null;
}

/** The overall outcome, in exit-code order of precedence. */
export type RunOutcome = 'pass' | 'safety-violation' | 'liveness-violation' | 'unknown';

/** Everything `results.json` holds. */
export interface RunResults {
  readonly outcome: RunOutcome;
  /** One line per unmet expectation. */
  readonly unmet: readonly string[];
  readonly invariants: readonly InvariantVerdict[];
  readonly failover: { readonly rows: readonly FailoverComponents[]; readonly components: readonly ComponentStats[] };
  readonly leaseLoad?: LeaseLoadSummary;
}

const SAFETY = new Set(SAFETY_CHECKERS.map((c) => c.name));

/** Judges a history. Pure. */
export function judgeRun(ops: readonly HistoryOp[], input: JudgeInput): RunResults {
  const composed = checkAllInvariants(ops, input.context);
  const invariants = Object.entries(composed.results).map(([name, result]) => verdictOf(name, result, input.expected));
  const rows = failoverComponents(ops, input.context);
  const components = FAILOVER_COMPONENTS.map((component) => componentStats(component, rows, input.failoverMaxMs[component]));
  const leaseLoad = leaseLoadSummary(composed.results['lease-load'], input.context);
  const unmet: string[] = [];
  let safety = false;
  let liveness = false;
  let unknown = false;
  for (const v of invariants.filter((x) => !x.met)) {
    if (v.valid === 'unknown') unknown = true;
    else if (v.kind === 'safety') safety = true;
    else liveness = true;
    unmet.push(`${v.name} (${v.kind}): expected ${v.expected === 'not-false' ? 'not to fail' : `to ${v.expected}`}, got ${v.valid === 'unknown' ? 'unknown' : v.valid ? 'holds' : `fails at ${formatS(v.failedAtMs)}`}`);
  }
  for (const c of components.filter((x) => !x.met)) {
    liveness = true;
    unmet.push(c.missing > 0 ? `failover ${c.component}: missing in ${c.missing} of ${c.count} failovers` : `failover ${c.component}: max ${Math.round(c.maxMs ?? 0)} ms > bound ${c.boundMs} ms`);
  }
  const outcome: RunOutcome = safety ? 'safety-violation' : liveness ? 'liveness-violation' : unknown ? 'unknown' : 'pass';
  return { outcome, unmet, invariants, failover: { rows, components }, ...(leaseLoad === undefined ? {} : { leaseLoad }) };
}

function verdictOf(name: string, result: CheckResult, expected: ExpectedVerdicts): InvariantVerdict {
  const expectation: Expectation = expected.mustHold.includes(name) ? 'hold' : expected.mustFail.includes(name) ? 'fail' : expected.ignored.includes(name) ? 'ignore' : 'not-false';
  const met = expectation === 'hold' ? result.valid === true : expectation === 'fail' ? result.valid === false : expectation === 'ignore' ? true : result.valid !== false;
  return {
    name,
    kind: SAFETY.has(name) ? 'safety' : 'liveness',
    valid: result.valid,
    expected: expectation,
    met,
    ...(result.failedAtMs === undefined ? {} : { failedAtMs: result.failedAtMs }),
    details: result.details,
  };
}


function componentStats(component: FailoverComponentName, rows: readonly FailoverComponents[], boundMs: number | undefined): ComponentStats {
  const values = rows.map((r) => r[COMPONENT_FIELD[component]] as number | null);
  const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const missing = values.length - present.length;
  const maxMs = present.at(-1) ?? null;
  const p50Ms = present.length === 0 ? null : (present[Math.ceil(present.length / 2) - 1] ?? null);
  const met = boundMs === undefined || (missing === 0 && (maxMs === null || maxMs <= boundMs));
  return { component, count: rows.length, missing, p50Ms, maxMs, ...(boundMs === undefined ? {} : { boundMs }), met };
}

function leaseLoadSummary(result: CheckResult | undefined, context: CheckContext): LeaseLoadSummary | undefined {
  const comparison = result?.details['comparison'];
  const windowMs = result?.details['windowMs'];
  if (context.leaseLoad === undefined || !isRecord(comparison) || !Array.isArray(windowMs)) return undefined;
  const rows = (['get', 'update', 'list'] as const).map((verb): LeaseLoadRow => {
    const row = comparison[verb];
    const r = isRecord(row) ? row : {};
    return { verb, measuredPerS: num(r['measuredPerS']), modelPerS: num(r['modelPerS']), relativeError: typeof r['relativeError'] === 'number' ? r['relativeError'] : null };
  });
  const requestLatencyMs = num(result?.details['requestLatencyMs']);
  const model = estimateLeaseLoad({ ...context.leaseLoad.input, requestLatencyMs });
  return {
    windowMs: [num(windowMs[0]), num(windowMs[1])],
    requestLatencyMs,
    rows,
    measuredTotalPerS: rows.reduce((sum, r) => sum + r.measuredPerS, 0),
    modelTotalPerS: rows.reduce((sum, r) => sum + r.modelPerS, 0),
    tolerance: context.leaseLoad.tolerance ?? 0.1,
    leases: model.leaseCount,
    nodes: context.leaseLoad.input.nodeCount,
    docsFormulaPerS: model.docsFormulaPerS,
    underestimateFactor: model.underestimateFactor ?? null,
  };
}

function isRecord(value: HistoryValue | undefined): value is { readonly [key: string]: HistoryValue | undefined } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: HistoryValue | undefined): number {
  return typeof value === 'number' ? value : 0;
}

/** `12.345 s` from ms (`?` when undefined). */
export function formatS(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(3)} s`;
}
