/** Run reports: run.json, history.jsonl, results.json, summary.md, and the CLI's text summary. */
export { buildRunInfo, renderReport, reportDirFor, writeReport, type Invocation, type RenderedReport, type RunFacts } from './report.ts';
export { renderSummaryMarkdown, outcomeLine, verdictText } from './render-summary.ts';
export { renderRunText } from './render-text.ts';
export { RUN_INFO_VERSION, type GitState, type RunEnd, type RunInfo } from './run-info.ts';
