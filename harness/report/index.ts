/** Run reports: run.json, history.jsonl, results.json, summary.md, timeline.txt, junit.xml, the SVG plots, and the CLI's text summary. */
export { buildRunInfo, renderReport, reportDirFor, scenarioDigest, writeDerivedFiles, writeReport, type Invocation, type RenderedReport, type RunFacts } from './report.ts';
export { renderSummaryMarkdown, outcomeLine, verdictText } from './render-summary.ts';
export { renderRunText } from './render-text.ts';
export { renderTimelineText } from './timeline-text.ts';
export { renderJunitXml } from './junit.ts';
export { PLOT_FILES, plotFilesFor, renderRunPlots, runPlotSpecs, type PlotFile } from './run-plots.ts';
export { RUN_INFO_VERSION, type GitState, type RunEnd, type RunInfo } from './run-info.ts';
