/**
 * The results of `l2lab bench failover` (`results.json`): per sweep point its parameters, every
 * trial's failover rows and the per-component summary. Built the same way for both worlds: sim
 * trials are one fault each; a lab point is one bring-up with many faults, each fault a trial.
 * Pure.
 */
import type { FailoverComponents } from '../checker/failover-components.ts';
import type { TrialResult } from './sim-trial.ts';
import { summarizeComponents, type ComponentSummary } from './summary.ts';
import type { FailoverParams, SweepKey, SweepPoint, SweepValue } from './sweep.ts';

/** One trial as stored: its seed and fault time, how it ended, its failover rows. */
export interface StoredTrial {
  readonly trial: number;
  readonly seed: number;
  readonly faultAtMs: number;
  readonly ended: TrialResult['ended'] | 'lab';
  readonly rows: readonly FailoverComponents[];
}

/** One sweep point's results. */
export interface PointResults {
  readonly index: number;
  readonly label: string;
  readonly values: Readonly<Partial<Record<SweepKey, SweepValue>>>;
  readonly params: FailoverParams;
  /** The generated scenario's name. */
  readonly scenario: string;
  /** Trials run (fewer than asked when interrupted). */
  readonly trials: number;
  /** Failover rows over every trial (one per failover, service, IP, client). */
  readonly rows: number;
  /** Trials whose fault hit no holder (no row). */
  readonly trialsWithoutFailover: number;
  readonly components: readonly ComponentSummary[];
  readonly trialResults: readonly StoredTrial[];
  /** Lab only: the run's report directory, exit code and conditions. */
  readonly lab?: Readonly<Record<string, unknown>>;
}

/** The whole benchmark (results.json). */
export interface FailoverBenchResults {
  readonly kind: 'bench-failover';
  readonly world: 'sim' | 'lab';
  readonly startedAt: string;
  readonly wallMs: number;
  /** SIGINT stopped the benchmark: the points hold what was measured until then. */
  readonly interrupted: boolean;
  readonly seed: number;
  readonly trialsPerPoint: number;
  /** Sim: worker threads (0 = in the main thread). The results do not depend on it. */
  readonly workers: number;
  readonly argv: readonly string[];
  readonly machine: { readonly cores: number; readonly loadavgAtStart: readonly number[] };
  readonly points: readonly PointResults[];
}

/** A point's results from its trials. */
export function pointResults(point: SweepPoint, scenario: string, trials: readonly StoredTrial[], lab?: Readonly<Record<string, unknown>>): PointResults {
  const rows = trials.flatMap((t) => t.rows);
  return {
    index: point.index,
    label: point.label,
    values: point.values,
    params: point.params,
    scenario,
    trials: trials.length,
    rows: rows.length,
    trialsWithoutFailover: trials.filter((t) => t.rows.length === 0).length,
    components: summarizeComponents(rows),
    trialResults: trials,
    ...(lab === undefined ? {} : { lab }),
  };
}

/** Sim trial results → stored trials of one point. */
export function storedTrials(results: readonly TrialResult[], point: number): StoredTrial[] {
  return results.filter((r) => r.point === point).map((r) => ({ trial: r.trial, seed: r.seed, faultAtMs: r.faultAtMs, ended: r.ended, rows: r.rows }));
}
