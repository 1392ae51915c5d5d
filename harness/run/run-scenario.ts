/**
 * One scenario run in the `sim` world: build the world, schedule the nemesis timeline, run the
 * kernel to the scenario's duration (in slices, so a caller can stop between them), then judge.
 * {@link runScenarioInSim} does it all synchronously (tests, `explore`); the CLI drives a
 * {@link ScenarioRun} slice by slice so SIGINT can stop it with the history so far.
 */
import type { HistoryOp } from '../core/history.ts';
import type { CheckContext } from '../checker/context.ts';
import type { LeaseLoadInput } from '../l2/lease-load.ts';
import { expectedVerdicts, nemesisTimeline } from '../scenario/timeline.ts';
import type { Scenario } from '../scenario/types.ts';
import type { ResponderWorld } from '../sim/responder-world.ts';
import { judgeRun, type JudgeInput, type RunResults } from './judge.ts';
import { scheduleNemesis, type StepRecord } from './nemesis-driver.ts';
import { buildWorldFromPlan, worldOptionsFor, type BuildWorldOptions, type WorldPlan } from './scenario-world.ts';

/** Kernel event budget per virtual second (a runaway loop ends the run instead of hanging it). */
export const MAX_EVENTS_PER_VIRTUAL_S = 5_000_000;

/** A run in progress. */
export interface ScenarioRun {
  readonly world: ResponderWorld;
  readonly plan: WorldPlan;
  readonly durationMs: number;
  /** The nemesis log so far. */
  readonly steps: readonly StepRecord[];
  /** Runs the kernel to `untilMs` (capped at the duration); returns the virtual time reached. */
  advanceTo(untilMs: number): number;
  /** True once the duration is reached. */
  readonly done: boolean;
  /** What the history is judged against, from the world as it is now. */
  judgeInput(): JudgeInput;
}

/** Builds the world and schedules the nemesis; nothing has run yet. */
export function startScenarioRun(scenario: Scenario, options: BuildWorldOptions): ScenarioRun {
  const plan = worldOptionsFor(scenario, options);
  const { world } = buildWorldFromPlan(plan);
  const timeline = nemesisTimeline(scenario);
  // The lease-load model's input is the candidates at the end of the measurement window (default:
  // the first fault), taken before any action due at that instant runs.
  const windowEndMs = scenario.expectations.leaseLoad?.toMs ?? timeline[0]?.atMs ?? scenario.durationMs;
  let candidates: LeaseLoadInput['services'] | undefined;
  world.kernel.at(Math.min(windowEndMs, scenario.durationMs), () => void (candidates = world.observer.leaseCandidates()), 'lease-load snapshot');
  const steps = scheduleNemesis(world, scenario, timeline, plan.segmentInterface);
  const profile = plan.profile;
  return {
    world,
    plan,
    durationMs: scenario.durationMs,
    steps,
    advanceTo(untilMs: number): number {
      const target = Math.min(untilMs, scenario.durationMs);
      if (target <= world.kernel.nowMs) return world.kernel.nowMs;
      const result = world.runUntil(target, Math.ceil(((target - world.kernel.nowMs) / 1000) * MAX_EVENTS_PER_VIRTUAL_S) + 1_000);
      if (result.stoppedBy === 'event-budget') throw new Error(`running ${scenario.name} in sim: more than ${MAX_EVENTS_PER_VIRTUAL_S} events per virtual second at ${result.nowMs} ms (a runaway loop)`);
      return world.kernel.nowMs;
    },
    get done(): boolean {
      return world.kernel.nowMs >= scenario.durationMs;
    },
    judgeInput(): JudgeInput {
      return judgeInputOf(world, scenario, profile, candidates);
    },
  };
}

/** The checkers' context and the expectations of a run (what `run.json` stores). */
export function judgeInputOf(world: ResponderWorld, scenario: Scenario, profile: string, candidates?: LeaseLoadInput['services']): JudgeInput {
  return judgeInputFor(scenario, profile, world.checkContext({ leaseLoad: {} }), candidates);
}

/**
 * The judge input of any world: the world's own context (timings, interfaces, its bounds, the
 * lease-load model input), with the scenario's overrides — lease-load window and tolerance, bounds
 * — the lease candidates at the end of the measurement window, and the expected verdicts. Pure.
 */
export function judgeInputFor(scenario: Scenario, profile: string, base: CheckContext, candidates?: LeaseLoadInput['services']): JudgeInput {
  const { leaseLoad, boundsMs, failoverMaxMs } = scenario.expectations;
  const overrides = { ...(leaseLoad?.tolerance === undefined ? {} : { tolerance: leaseLoad.tolerance }), ...(leaseLoad?.fromMs === undefined ? {} : { fromMs: leaseLoad.fromMs }), ...(leaseLoad?.toMs === undefined ? {} : { toMs: leaseLoad.toMs }) };
  const load = base.leaseLoad === undefined ? undefined : { ...overrides, input: candidates === undefined ? base.leaseLoad.input : { ...base.leaseLoad.input, services: candidates } };
  const bounds = { ...base.bounds, ...boundsMs };
  const context: CheckContext = { timing: base.timing, ...(base.interfaces === undefined ? {} : { interfaces: base.interfaces }), ...(load === undefined ? {} : { leaseLoad: load }), ...(Object.keys(bounds).length === 0 ? {} : { bounds }) };
  return { context, expected: expectedVerdicts(scenario, profile), failoverMaxMs: { ...failoverMaxMs } };
}

/** Output of {@link runScenarioInSim}. */
export interface SimRunOutput {
  readonly ops: readonly HistoryOp[];
  readonly steps: readonly StepRecord[];
  readonly plan: WorldPlan;
  readonly judge: JudgeInput;
  readonly results: RunResults;
  /** Kernel events run. */
  readonly events: number;
}

/**
 * Runs a scenario in sim to its duration and judges it. Deterministic: one seed, one history.
 * @throws ScenarioWorldError when the scenario cannot be represented in sim.
 */
export function runScenarioInSim(scenario: Scenario, options: BuildWorldOptions): SimRunOutput {
  const run = startScenarioRun(scenario, options);
  run.advanceTo(scenario.durationMs);
  const ops = run.world.history.ops();
  const judge = run.judgeInput();
  return { ops, steps: run.steps, plan: run.plan, judge, results: judgeRun(ops, judge), events: run.world.kernel.eventsTotal };
}
