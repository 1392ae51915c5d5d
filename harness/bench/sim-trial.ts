/**
 * One failover trial in the `sim` world: the sweep point's generated scenario with this trial's
 * seed and fault time, run through the ordinary scenario path (`startScenarioRun`), its failover
 * components taken by the failover checker (`failoverComponents`) — the same measurement as
 * `l2lab run`. The trial stops as soon as every component of every failover row is observed, or
 * when nothing can follow any more: no takeover by the takeover window's end (+1 s), or the
 * client's slowest ARP path after it (1.5 × base_reachable_time + delay_first_probe + probes).
 * Deterministic: the trial seed fixes the world and the fault time, whatever process runs it.
 */
import { failoverComponents, type FailoverComponents } from '../checker/failover-components.ts';
import { HOLDER_DEATHS } from '../checker/failover-bound.ts';
import { NEMESIS } from '../checker/vocabulary.ts';
import { SeededRng } from '../core/rng.ts';
import { takeoverWindow } from '../lab/bench/failover-trials.ts';
import type { LeaseTiming } from '../l2/lease.ts';
import { checkTimingOf } from '../impl/metallb/sim-seam.ts';
import { getProfile } from '../profiles/profiles.ts';
import { LINUX_NEIGHBOUR_DEFAULTS } from '../net/neighbour-config.ts';
import { startScenarioRun } from '../run/run-scenario.ts';
import type { Scenario } from '../scenario/types.ts';
import { COMPONENT_FIELD } from './summary.ts';

/** The nemesis ops a bench trial's failover starts from: the holder deaths and a holder's link going down. */
export const BENCH_FAILOVER_FAULTS: ReadonlySet<string> = new Set([...HOLDER_DEATHS, NEMESIS.linkDown]);

/** What one trial measured. */
export interface TrialResult {
  /** Sweep point index. */
  readonly point: number;
  /** 0-based trial number within the point. */
  readonly trial: number;
  readonly seed: number;
  /** Virtual time of the fault. */
  readonly faultAtMs: number;
  /** Virtual time the trial ran to. */
  readonly virtualMs: number;
  /** Why it ended: every component seen, no takeover in the window, or the deadline. */
  readonly ended: 'complete' | 'no-takeover' | 'deadline';
  /** One row per (failover, service, IP, client); empty when the fault hit no holder. */
  readonly rows: readonly FailoverComponents[];
}

/**
 * The seed of trial `trial` under `baseSeed`: the same for every sweep point (common random
 * numbers: points differ by their parameters, not their luck) and whatever worker runs it.
 * A 32-bit mix (splitmix32's finaliser) so neighbouring trials get unrelated streams.
 */
export function trialSeed(baseSeed: number, trial: number): number {
  let h = (Math.imul(baseSeed | 0, 0x9e3779b1) + Math.imul(trial + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 1; // 0 … 2^31 − 1
}

/** When the fault hits: every agent up and the Leases held (5 s + 2 × retryPeriod), plus a seeded phase in [0, retryPeriod). */
export function faultTimeMs(scenario: Pick<Scenario, 'timing'>, seed: number): number {
  const { retryPeriodMs } = scenario.timing.effective;
  return 5_000 + 2 * retryPeriodMs + new SeededRng(seed).fork('bench-fault-time').intBetween(0, Math.max(0, Math.round(retryPeriodMs) - 1));
}

/**
 * After the fault: the takeover window's end, and the end of the client's slowest way to learn the
 * new MAC. `checkTiming` is the checkers' timing of the run (`ResponderWorld.timing`): the
 * scenario's lease timings for Lease-based profiles, the failure-detection bound for MetalLB's
 * gossip, which is slower than a fast-timings lease window ({@link checkTimingOf}).
 */
export function trialDeadlinesMs(checkTiming: LeaseTiming, scenario: Pick<Scenario, 'topology'>): { readonly noTakeoverMs: number; readonly endMs: number } {
  const window = takeoverWindow(checkTiming);
  const arp = scenario.topology.clients[0]?.arp ?? LINUX_NEIGHBOUR_DEFAULTS;
  const clientMs = 1.5 * arp.baseReachableTimeMs + arp.delayFirstProbeTimeMs + (arp.ucastSolicit + arp.mcastSolicit + 1) * arp.retransTimeMs;
  return { noTakeoverMs: window.highMs + 1_000, endMs: window.highMs + clientMs + 2_000 };
}

/** Virtual time between two looks at the components (the run's slice). */
function sliceMs(scenario: Scenario): number {
  return Math.max(250, scenario.timing.effective.retryPeriodMs);
}

/** Runs trial `trial` of sweep point `point` on `scenario` (the point's generated scenario). */
export function runSimTrial(scenario: Scenario, point: number, trial: number, baseSeed: number): TrialResult {
  const seed = trialSeed(baseSeed, trial);
  const faultAtMs = faultTimeMs(scenario, seed);
  const [step, ...others] = scenario.nemesis;
  if (step === undefined) throw new Error(`bench trial of ${scenario.name}: the scenario has no fault step`);
  const checkTiming = checkTimingOf(getProfile(scenario.profile), scenario.topology.nodes.length, scenario.timing.effective);
  const { noTakeoverMs, endMs } = trialDeadlinesMs(checkTiming, scenario);
  const trialScenario: Scenario = { ...scenario, seed, durationMs: faultAtMs + endMs, nemesis: [{ ...step, atMs: faultAtMs }, ...others] };
  const run = startScenarioRun(trialScenario, { seed });
  run.advanceTo(faultAtMs + Math.max(0, takeoverWindow(checkTiming).lowMs));
  const slice = sliceMs(scenario);
  let rows: FailoverComponents[] = [];
  let ended: TrialResult['ended'] = 'deadline';
  for (let guard = 0; guard <= Math.ceil(endMs / slice) + 1; guard += 1) {
    rows = failoverComponents(run.world.history.ops(), run.judgeInput().context, { faults: BENCH_FAILOVER_FAULTS });
    const elapsedMs = run.world.kernel.nowMs - faultAtMs;
    if (rows.length > 0 && rows.every(isComplete)) {
      ended = 'complete';
      break;
    }
    if (elapsedMs >= noTakeoverMs && rows.every((r) => r.leaseTakenOverMs === null && r.firstNewMacAnswerMs === null)) {
      ended = 'no-takeover';
      break;
    }
    if (run.done) break;
    run.advanceTo(run.world.kernel.nowMs + slice);
  }
  return { point, trial, seed, faultAtMs, virtualMs: run.world.kernel.nowMs, ended, rows };
}

function isComplete(row: FailoverComponents): boolean {
  return Object.values(COMPONENT_FIELD).every((field) => row[field] !== null);
}
