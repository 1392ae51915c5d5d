/**
 * Running scenarios: the scenario → sim world mapping (shared with `l2lab explore`), the nemesis
 * driver, the sync/sliced run and the judge (`results.json`).
 */
export { buildWorld, buildWorldFromPlan, worldOptionsFor, ScenarioWorldError, PROBE_TIMEOUT_MIN_MS, type BuildWorldOptions, type ClientProbePlan, type WorldIssue, type WorldPlan } from './scenario-world.ts';
export { scheduleNemesis, SIM_UNSUPPORTED, type StepRecord } from './nemesis-driver.ts';
export { ScenarioEditor, type EditOutcome } from './scenario-edits.ts';
export { judgeInputOf, runScenarioInSim, startScenarioRun, MAX_EVENTS_PER_VIRTUAL_S, type ScenarioRun, type SimRunOutput } from './run-scenario.ts';
export { judgeRun, formatS, type ComponentStats, type Expectation, type InvariantVerdict, type JudgeInput, type LeaseLoadRow, type LeaseLoadSummary, type RunOutcome, type RunResults } from './judge.ts';
