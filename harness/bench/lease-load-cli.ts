/**
 * `l2lab bench lease-load` behind the command line: for each cell of nodes × services ×
 * retryPeriod, the generated lease-load scenario (every node a candidate for every service, the
 * client rate limit if given) runs in sim (the ordinary scenario path) or in the lab (a real
 * kube-apiserver, through the lab benchmark's runner); its history is analysed the same way in
 * both worlds (`lease-load-cells.ts`). Prints a table, writes results.json, summary.md and a
 * measured-vs-model SVG. SIGINT stops after the running cell (sim: between slices; lab: the run
 * stops and reports), writes the cells measured, exit 5.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, EXIT } from '../cli/user-error.ts';
import { borderlessTable, tableText } from '../cli/table.ts';
import type { HistoryOp } from '../core/history.ts';
import { parseHistoryJsonl } from '../history/jsonl.ts';
import { leaseLoadPlan, leaseLoadScenario, type BenchScenario } from '../lab/bench/bench-scenarios.ts';
import { getProfile, PROFILES } from '../profiles/profiles.ts';
import { formatRelative } from '../report/format.ts';
import { renderMeasuredVsModelSvg } from '../report/plots/index.ts';
import { startScenarioRun } from '../run/run-scenario.ts';
import { formatDurationMs } from '../scenario/duration.ts';
import { parseScenarioText } from '../scenario/parse-scenario.ts';
import type { BenchPorts } from './failover-cli.ts';
import { benchDirFor } from './failover-cli.ts';
import { analyzeCell, planLeaseLoadGrid, type LeaseLoadCell, type LeaseLoadCellResult } from './lease-load-cells.ts';
import { createProgress } from './progress.ts';

/** Options of `l2lab bench lease-load` as commander parses them. */
export interface BenchLeaseLoadOptions {
  readonly world: 'sim' | 'lab';
  readonly nodes: string;
  readonly services: string;
  readonly retry: string;
  readonly qps?: number;
  readonly burst?: number;
  readonly duration?: string;
  readonly profile: string;
  readonly seed: number;
  readonly out?: string;
}

/** results.json of the lease-load benchmark. */
export interface LeaseLoadBenchResults {
  readonly kind: 'bench-lease-load';
  readonly world: 'sim' | 'lab';
  readonly startedAt: string;
  readonly wallMs: number;
  readonly interrupted: boolean;
  readonly profile: string;
  readonly seed: number;
  readonly clientRateLimit: { readonly qps: number; readonly burst: number } | null;
  readonly argv: readonly string[];
  readonly cells: readonly LeaseLoadCellResult[];
}

/** Expected time from the run epoch until every agent runs (the lab starts them one by one). */
const AGENTS_UP_MS = 2_000;
/** Virtual time run between two checks of the stop signal. */
const SLICE_MS = 1_000;

/** Runs the command; returns the exit code. @throws UserError (exit 2) for bad options. */
export async function benchLeaseLoadCommand(options: BenchLeaseLoadOptions, ports: BenchPorts): Promise<number> {
  const cells = planLeaseLoadGrid(options);
  if ((options.qps === undefined) !== (options.burst === undefined)) throw new UserError('--qps and --burst go together: the client-go token bucket needs both (e.g. --qps 5 --burst 10)');
  if (!PROFILES.has(options.profile)) throw new UserError(`--profile ${options.profile}: unknown profile; expected one of ${[...PROFILES.keys()].join(', ')}`);
  const limit = options.qps === undefined || options.burst === undefined ? undefined : { qps: options.qps, burst: options.burst };
  const generated = cells.map((cell) => scenarioOf(cell, options.profile, limit));
  for (const g of generated) parseGenerated(g.scenario);
  const startedAt = ports.now();
  const out = options.out ?? benchDirFor('reports', 'lease-load', startedAt);
  const t0 = ports.clock.monotonicMs();
  const profile = getProfile(options.profile);
  const results: LeaseLoadCellResult[] = [];
  let interrupted = false;
  ports.stderr(`bench lease-load: ${cells.length} cell${cells.length === 1 ? '' : 's'} in ${options.world}${limit === undefined ? '' : ` · client rate limit ${limit.qps} qps / burst ${limit.burst}`} (Ctrl-C stops and writes the cells measured)\n`);
  const progress = createProgress({ label: 'bench lease-load', unit: 'cells', total: cells.length, clock: ports.clock, stream: ports.stderrStream, writeLine: (line) => ports.stderr(`${line}\n`), everyMs: 0 });
  try {
    for (const { cell, scenario, plan } of generated) {
      if (ports.signal?.aborted === true) {
        interrupted = true;
        break;
      }
      const run = options.world === 'lab' ? await runCellInLab(scenario, plan.durationMs, cell, out, ports) : await runCellInSim(scenario, options.seed, ports.signal);
      if (run.interrupted) interrupted = true;
      if (run.ops !== undefined && !run.interrupted) results.push({ cell, scenario: scenario.name, ...analyzeCell(run.ops, cell, plan, profile), ...(run.lab === undefined ? {} : { lab: run.lab }) });
      progress.update(results.length);
      if (run.interrupted) break;
    }
  } finally {
    progress.stop();
  }
  const bench: LeaseLoadBenchResults = { kind: 'bench-lease-load', world: options.world, startedAt: startedAt.toISOString(), wallMs: Math.round(ports.clock.monotonicMs() - t0), interrupted, profile: options.profile, seed: options.seed, clientRateLimit: limit ?? null, argv: ports.argv, cells: results };
  const text = renderLeaseLoadText(bench);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'results.json'), `${JSON.stringify(bench, null, 2)}\n`);
  await writeFile(join(out, 'summary.md'), `# ${heading(bench)}\n\n\`\`\`\n${text}\n\`\`\`\n\n![measured vs model](lease-load.svg)\n`);
  // Against the zero-latency model (what the elections ask for): a rate limit or a saturated API server shows as the gap.
  const points = results.map((r) => ({ label: cellLabel(r.cell), series: `R ${formatDurationMs(r.cell.retryPeriodMs)}`, measuredPerS: r.measurement.measured.total, modelPerS: r.measurement.idealModel.total }));
  await writeFile(join(out, 'lease-load.svg'), await renderMeasuredVsModelSvg({ title: `Lease requests/s, all nodes: measured vs model at zero latency (${options.world}${limit === undefined ? '' : `, ${limit.qps} qps / burst ${limit.burst} per agent`})`, unit: 'req/s', points }));
  ports.stdout(`${heading(bench)}\n\n${text}\n${interrupted ? 'INTERRUPTED: partial results' : 'done'} · bench directory ${out} (results.json, summary.md, lease-load.svg)\n`);
  return interrupted ? EXIT.interrupted : EXIT.ok;
}

interface GeneratedCell {
  readonly cell: LeaseLoadCell;
  readonly scenario: BenchScenario;
  readonly plan: { readonly fromMs: number; readonly toMs: number; readonly durationMs: number };
}

function scenarioOf(cell: LeaseLoadCell, profile: string, limit: { qps: number; burst: number } | undefined): GeneratedCell {
  const options = { nodes: cell.nodes, services: cell.services, timings: cell.timings, agentsUpMs: AGENTS_UP_MS, windowMs: cell.windowMs, profile, ...(limit === undefined ? {} : { clientRateLimit: limit }) };
  return { cell, scenario: leaseLoadScenario(options), plan: leaseLoadPlan(options) };
}

function parseGenerated(generated: BenchScenario): ReturnType<typeof parseScenarioText>['scenario'] & object {
  const { scenario, issues } = parseScenarioText(generated.yaml, `${generated.name}.yaml`);
  if (scenario === undefined) throw new UserError(`${generated.name}: the generated scenario is invalid`, issues.map((i) => `${i.path}: ${i.message}`));
  return scenario;
}

interface CellRun {
  readonly ops?: readonly HistoryOp[];
  readonly interrupted: boolean;
  readonly lab?: Readonly<Record<string, unknown>>;
}

async function runCellInSim(generated: BenchScenario, seed: number, signal: AbortSignal | undefined): Promise<CellRun> {
  const scenario = parseGenerated(generated);
  const run = startScenarioRun(scenario, { seed });
  while (!run.done) {
    if (signal?.aborted === true) return { interrupted: true };
    run.advanceTo(run.world.kernel.nowMs + SLICE_MS);
    await new Promise((resolve) => setImmediate(resolve)); // lets SIGINT in
  }
  return { ops: run.world.history.ops(), interrupted: false };
}

async function runCellInLab(generated: BenchScenario, durationMs: number, cell: LeaseLoadCell, out: string, ports: BenchPorts): Promise<CellRun> {
  const { requireLabPrerequisites } = await import('./lab-prerequisites.ts');
  await requireLabPrerequisites();
  const { runLabScenario } = await import('../lab/bench/lab-run.ts');
  await mkdir(join(out, 'scenarios'), { recursive: true });
  await mkdir(join(out, 'runs'), { recursive: true }); // the runner writes <run>.stdout.txt beside each run
  const file = join(out, 'scenarios', `${generated.name}.yaml`);
  await writeFile(file, generated.yaml);
  const runDir = join(out, 'runs', generated.name);
  const r = await runLabScenario(file, runDir, { wallLimitMs: durationMs + 90_000 + 5_000 * cell.nodes, onLine: (line) => (/error|wall limit|SIGKILL|problem|interrupted/i.test(line) ? ports.stderr(`  ${line.slice(0, 300)}\n`) : undefined), ...(ports.signal === undefined ? {} : { signal: ports.signal }) });
  const lab = { report: runDir, runId: r.runId ?? null, exitCode: r.exitCode, wallMs: r.wallMs, timedOut: r.timedOut, load1: r.usage.load1, peakMemMb: r.usage.peakMemMb, leftNamespaces: r.leftNamespaces };
  if (ports.signal?.aborted === true) return { interrupted: true, lab };
  try {
    return { ops: parseHistoryJsonl(await readFile(join(runDir, 'history.jsonl'), 'utf8')), interrupted: false, lab };
  } catch {
    ports.stderr(`  ${generated.name}: no history (exit ${r.exitCode}); last lines:\n${r.stderrTail.split('\n').slice(-6).map((l) => `    ${l.slice(0, 300)}`).join('\n')}\n`);
    return { interrupted: false, lab };
  }
}

function cellLabel(cell: LeaseLoadCell): string {
  return `${cell.nodes} nodes × ${cell.services} svc`;
}

function heading(bench: LeaseLoadBenchResults): string {
  const limit = bench.clientRateLimit === null ? 'no client rate limit' : `client rate limit ${bench.clientRateLimit.qps} qps / burst ${bench.clientRateLimit.burst} per agent`;
  return `l2lab bench lease-load · ${bench.world} · profile ${bench.profile} · ${limit} · ${bench.cells.length} cell${bench.cells.length === 1 ? '' : 's'} · ${(bench.wallMs / 1000).toFixed(1)} s wall${bench.interrupted ? ' · INTERRUPTED (partial results)' : ''}`;
}

const rate = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

/** The terminal table: per cell the requests/s by verb against the model, per node, throttling and losses. */
export function renderLeaseLoadText(bench: LeaseLoadBenchResults): string {
  const table = borderlessTable(['cell', 'retry', 'window', 'get/s', 'update/s', 'list/s', 'total/s', 'model/s', 'error', 'ideal/s', 'per node min/p50/max', 'node model', 'throttled', 'wait p99', 'lost']);
  for (const r of bench.cells) {
    const m = r.measurement;
    const perNode = m.perNodeMeasured;
    const waitP99 = r.rateLimit.waitMs?.p99;
    table.push([
      `${r.cell.nodes}×${r.cell.services}`,
      formatDurationMs(r.cell.retryPeriodMs),
      `${((m.toMs - m.fromMs) / 1000).toFixed(0)} s${m.windowOk ? '' : '!'}`,
      rate(m.measured.get),
      rate(m.measured.update),
      rate(m.measured.list),
      rate(m.measured.total),
      rate(m.model.total),
      formatRelative(m.relativeError),
      rate(m.idealModel.total),
      perNode === undefined ? '—' : `${rate(perNode.min)}/${rate(perNode.p50)}/${rate(perNode.max)}`,
      rate(m.perNodeModelMeanPerS),
      `${r.rateLimit.throttledRequests}${r.rateLimit.refusedRequests > 0 ? ` (+${r.rateLimit.refusedRequests} refused)` : ''}`,
      waitP99 === undefined ? '—' : `${Math.round(waitP99)} ms`,
      `${r.rateLimit.lostInWindow}`,
    ]);
  }
  const notes = [
    'requests/s in the steady-state window (2 × leaseDuration after the last agent started); model/s: estimateLeaseLoad with the measured mean request latency (client-go loops are sliding); ideal/s: the model at zero latency (what the elections ask for; the model in the plot)',
    'per node: measured requests/s of each node (min/p50/max) against the model mean per node; throttled: requests that waited in the client-side token bucket; lost: leaderships lost in the window',
  ];
  return `${tableText(table)}\n\n${notes.map((n) => `  ${n}`).join('\n')}\n`;
}
