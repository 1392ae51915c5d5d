/**
 * The report directory of a run (`reports/<scenario>/<yyyymmdd-hhmmss>-s<seed>/`): `run.json`,
 * `history.jsonl`, `results.json`, `summary.md`. {@link buildRunInfo} and {@link renderReport} are
 * pure; {@link writeReport} is the only I/O. `results.json` and `summary.md` come from `run.json`
 * and the history alone, so `l2lab report` can re-render an old run.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryOp } from '../core/history.ts';
import { historyToJsonl } from '../history/jsonl.ts';
import { judgeRun, type RunResults } from '../run/judge.ts';
import type { StepRecord } from '../run/nemesis-driver.ts';
import type { JudgeInput } from '../run/judge.ts';
import type { WorldPlan } from '../run/scenario-world.ts';
import type { Scenario } from '../scenario/types.ts';
import { renderJunitXml } from './junit.ts';
import { renderSummaryMarkdown } from './render-summary.ts';
import { PLOT_FILES, renderRunPlots } from './run-plots.ts';
import { renderTimelineText } from './timeline-text.ts';
import { RUN_INFO_VERSION, type GitState, type RunEnd, type RunInfo } from './run-info.ts';

/** What the runner knows after the run (or at the interruption). */
export interface RunFacts {
  readonly plan: WorldPlan;
  readonly steps: readonly StepRecord[];
  readonly judge: JudgeInput;
  readonly end: RunEnd;
  readonly virtualMs: number;
  readonly events: number;
  readonly ops: number;
  /** Default 'sim'. */
  readonly world?: 'sim' | 'lab' | 'cluster';
  readonly lab?: RunInfo['lab'];
}

/** How the run was invoked (from the CLI layer). */
export interface Invocation {
  readonly argv: readonly string[];
  readonly out: string;
  readonly startedAt: string;
  readonly wallMs: number;
  readonly git: GitState;
}

/** Builds run.json. Pure. */
export function buildRunInfo(scenario: Scenario, facts: RunFacts, invocation: Invocation): RunInfo {
  const skipped = facts.steps.filter((s) => s.outcome === 'skipped').map((s) => `nemesis ${s.occurrence} (${s.action}${s.node === undefined ? '' : ` ${s.node}`}) at ${s.atMs} ms skipped: ${s.reason ?? ''}`);
  const { bug } = scenario;
  return {
    version: RUN_INFO_VERSION,
    scenario: { name: scenario.name, file: scenario.source.file, description: scenario.description, ...(bug === undefined ? {} : { bug }), sha256: scenarioDigest(scenario) },
    world: facts.world ?? 'sim',
    profile: facts.plan.profile,
    seed: facts.plan.options.seed,
    durationMs: scenario.durationMs,
    timing: scenario.timing,
    ...(scenario.clientRateLimit === undefined ? {} : { clientRateLimit: scenario.clientRateLimit }),
    topology: {
      nodes: scenario.topology.nodes.map((n) => ({ name: n.name, labels: n.labels, interfaces: n.interfaces.map((i) => ({ name: i.name, segment: i.segment, mac: i.mac })) })),
      clients: scenario.topology.clients.map((c) => ({ name: c.name, segment: c.segment, ip: c.ip, mac: c.mac })),
      segmentInterface: facts.plan.segmentInterface,
    },
    probes: facts.plan.probes,
    judge: facts.judge,
    steps: facts.steps,
    notes: [...facts.plan.notes, ...skipped],
    end: facts.end,
    sim: { virtualMs: facts.virtualMs, events: facts.events, ops: facts.ops },
    ...(facts.lab === undefined ? {} : { lab: facts.lab }),
    invocation: { argv: invocation.argv, out: invocation.out, startedAt: invocation.startedAt, wallMs: invocation.wallMs },
    git: invocation.git,
  };
}

/**
 * SHA-256 of the scenario as loaded (manifest files included), without what a run overrides
 * (profile, seed) and without source positions, so `l2lab replay` can tell whether the scenario
 * changed since the run. Pure.
 */
export function scenarioDigest(scenario: Scenario): string {
  const canonical = JSON.stringify({ ...scenario, profile: undefined, seed: undefined }, (key, value: unknown) => {
    if (key === 'source') return undefined;
    if (value instanceof Map) return [...value.entries()];
    if (value instanceof Set) return [...value.values()];
    return value;
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** The rendered text files of a report (the plots come from {@link renderRunPlots}). */
export interface RenderedReport {
  readonly results: RunResults;
  readonly resultsJson: string;
  readonly summaryMd: string;
  readonly timelineTxt: string;
  readonly junitXml: string;
}

/** Judges the history against run.json and renders results.json, summary.md, timeline.txt and junit.xml. Pure. */
export function renderReport(info: RunInfo, ops: readonly HistoryOp[]): RenderedReport {
  const results = judgeRun(ops, info.judge);
  return {
    results,
    resultsJson: `${JSON.stringify({ end: info.end, expectationsMet: info.end === 'completed' && results.outcome === 'pass', ...results }, null, 2)}\n`,
    summaryMd: renderSummaryMarkdown(info, results),
    timelineTxt: renderedOrError('timeline.txt', () => renderTimelineText(info, results, ops), (message) => `# timeline.txt could not be rendered: ${message}\n`),
    junitXml: renderJunitXml(info, results),
  };
}

/**
 * A derived file, or a short file saying why it could not be rendered: the checkers judge a
 * malformed op 'unknown' rather than crash (`checkSafe`), and the readers the timeline and plots
 * share with them throw on one — the run's other files must still be written.
 */
export function renderedOrError(file: string, render: () => string, fallback: (message: string) => string): string {
  try {
    return render();
  } catch (error) {
    return fallback(`${error instanceof Error ? error.message : String(error)} (l2lab report re-renders ${file} once the cause is fixed)`);
  }
}

/** `<root>/<scenario>/<yyyymmdd-hhmmss>-s<seed>` (UTC). Pure. */
export function reportDirFor(root: string, scenario: string, startedAt: Date, seed: number): string {
  const iso = startedAt.toISOString(); // 2026-11-21T14:55:00.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return join(root, scenario, `${stamp}-s${seed}`);
}

/** Writes the run's inputs (history.jsonl, run.json) and every derived file into `dir` (created); returns what was rendered. */
export async function writeReport(dir: string, info: RunInfo, ops: readonly HistoryOp[]): Promise<RenderedReport> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'history.jsonl'), historyToJsonl(ops));
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(info, null, 2)}\n`);
  return writeDerivedFiles(dir, info, ops);
}

/**
 * Writes the files derived from run.json + history.jsonl: results.json, summary.md, timeline.txt,
 * junit.xml and the plots (a plot the results no longer call for is removed). The inputs are
 * written first, so a failing renderer leaves a directory `l2lab report` can finish.
 */
export async function writeDerivedFiles(dir: string, info: RunInfo, ops: readonly HistoryOp[]): Promise<RenderedReport> {
  const rendered = renderReport(info, ops);
  await writeFile(join(dir, 'results.json'), rendered.resultsJson);
  await writeFile(join(dir, 'summary.md'), rendered.summaryMd);
  await writeFile(join(dir, 'timeline.txt'), rendered.timelineTxt);
  await writeFile(join(dir, 'junit.xml'), rendered.junitXml);
  const plots = await renderRunPlots(info, rendered.results, ops);
  for (const file of PLOT_FILES) {
    const svg = plots[file];
    if (svg === undefined) await rm(join(dir, file), { force: true });
    else await writeFile(join(dir, file), svg);
  }
  return rendered;
}
