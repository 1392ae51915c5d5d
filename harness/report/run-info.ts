/**
 * `run.json`: everything about a run that is not in its history — what ran (scenario, world,
 * profile, seed, timings, topology as the world built it), what it is judged against (the
 * checkers' context and the expectations on the profile), what the nemesis did, how it was
 * invoked (argv, options, git SHA + dirty flag). `results.json` and `summary.md` are pure
 * functions of this file and `history.jsonl` ({@link renderReport}), so old runs re-render.
 */
import type { JudgeInput } from '../run/judge.ts';
import type { StepRecord } from '../run/nemesis-driver.ts';
import type { ClientProbePlan } from '../run/scenario-world.ts';
import type { BugInfo, ScenarioTiming } from '../scenario/types.ts';

/** Format version of run.json. */
export const RUN_INFO_VERSION = 1;

/** The git state of the checkout that ran (null fields: not a git checkout, or git missing). */
export interface GitState {
  readonly sha: string | null;
  readonly dirty: boolean | null;
}

/** How the run ended. */
export type RunEnd = 'completed' | 'interrupted';

/** Contents of run.json. */
export interface RunInfo {
  readonly version: typeof RUN_INFO_VERSION;
  readonly scenario: {
    readonly name: string;
    readonly file: string;
    readonly description: string;
    readonly bug?: BugInfo;
    /** `scenarioDigest` of the scenario as run (absent in runs before it was recorded): `l2lab replay` compares it. */
    readonly sha256?: string;
  };
  readonly world: 'sim' | 'lab' | 'cluster';
  readonly profile: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly timing: ScenarioTiming;
  readonly clientRateLimit?: { readonly qps: number; readonly burst: number };
  readonly topology: {
    readonly nodes: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly interfaces: readonly { readonly name: string; readonly segment: string; readonly mac: string }[] }[];
    readonly clients: readonly { readonly name: string; readonly segment: string; readonly ip: string; readonly mac: string }[];
    /** Scenario segment → sim segment (interface name). */
    readonly segmentInterface: Readonly<Record<string, string>>;
  };
  readonly probes: Readonly<Record<string, ClientProbePlan>>;
  /** Checkers' context and the expectations on `profile`. */
  readonly judge: JudgeInput;
  /** What the nemesis did, in time order. */
  readonly steps: readonly StepRecord[];
  /** Approximations of the mapping and skipped steps, for the reader. */
  readonly notes: readonly string[];
  readonly end: RunEnd;
  /** Run time reached (virtual in sim, real in lab), kernel events (sim only) and ops recorded. */
  readonly sim: { readonly virtualMs: number; readonly events: number; readonly ops: number };
  /** Lab runs: the run id (namespaces, links and processes carry it) and wall ms per phase. */
  readonly lab?: {
    readonly runId: string;
    readonly phasesMs: Readonly<Record<string, number>>;
    /** The API server's audit log: Lease requests per identity and verb over the run. */
    readonly auditLeaseRequests?: Readonly<Record<string, Readonly<Record<string, { readonly count: number; readonly p50Ms: number; readonly p99Ms: number }>>>>;
  };
  readonly invocation: {
    readonly argv: readonly string[];
    readonly out: string;
    readonly startedAt: string;
    readonly wallMs: number;
  };
  readonly git: GitState;
}
