/**
 * Scenarios: the file format (`docs/scenarios.md`), loading and validation, the resolved value
 * the worlds consume, the flattened nemesis timeline and the renderer `explore` writes
 * regressions with.
 */
export { formatDurationMs, parseDurationMs } from './duration.ts';
export { stripSources } from './strip-sources.ts';
export { loadScenario } from './load-scenario.ts';
export { parseScenarioText, type ParseScenarioOptions, type ScenarioParseResult } from './parse-scenario.ts';
export { renderScenarioYaml, scenarioDocument, type RenderOptions } from './render-scenario.ts';
export { INVARIANT_NAMES, MAX_IFNAME_LENGTH, SCENARIO_API_VERSION } from './schema.ts';
export { DEFAULT_ADDRESS_PLAN } from './resolve-topology.ts';
export { expectedVerdicts, nemesisTimeline, withProfile, type ExpectedVerdicts, type TimedAction } from './timeline.ts';
export { EDITABLE_KINDS, INVERSE_ACTIONS, NEMESIS_ACTIONS, type NemesisActionName } from './nemesis-types.ts';
export * from './types.ts';
