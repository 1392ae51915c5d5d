/**
 * `l2lab bench failover --world lab`: each sweep point is ONE lab bring-up (namespaces, the real
 * kube-apiserver + etcd, libpcap ARP) in which the holder is faulted `trials` times, each fault
 * undone after the takeover window and the next one once the Lease has settled — the lab
 * benchmark's machinery (`failoverTrialsScenario`, `runLabScenario`). Each fault is a trial; its
 * components come from the run's history through the failover checker with the run's own
 * context (`run.json`), as in sim. Takeovers are also checked against the documented window and
 * outliers explained (`takeoverTrials`, `failoverNotes`), kept under `lab` in results.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failoverComponents, type FailoverComponents } from '../checker/failover-components.ts';
import { nemesisOps } from '../checker/vocabulary.ts';
import type { HistoryOp } from '../core/history.ts';
import { parseHistoryJsonl } from '../history/jsonl.ts';
import { timingOf } from '../lab/bench/bench-scenarios.ts';
import { failoverNotes } from '../lab/bench/failover-notes.ts';
import { takeoverTrials, takeoverWindow } from '../lab/bench/failover-trials.ts';
import { LINUX_NEIGHBOUR_DEFAULTS } from '../net/neighbour-config.ts';
import type { RunInfo } from '../report/run-info.ts';
import type { BenchPorts } from './failover-cli.ts';
import { pointResults, type PointResults, type StoredTrial } from './failover-results.ts';
import { requireLabPrerequisites } from './lab-prerequisites.ts';
import { parsePointScenario, pointScenario, type PointLayout } from './point-scenario.ts';
import { BENCH_FAILOVER_FAULTS } from './sim-trial.ts';
import type { FailoverParams, SweepPoint } from './sweep.ts';

/** The first fault: every agent up and the Leases held on a loaded machine. */
const FIRST_FAULT_MS = 15_000;

/**
 * How a point's faults are spaced in one bring-up: each undone 1.5 s after the takeover window's
 * end (so every fault is judged), the next one max(4 s, leaseDuration) later (the restarted agent
 * is a candidate again); whole seconds. Fast timings: down 6 s, every 10 s.
 */
export function labLayout(params: FailoverParams, trials: number): Extract<PointLayout, { kind: 'lab-run' }> {
  const timing = timingOf(params.timings);
  const downMs = Math.ceil((takeoverWindow(timing).highMs + 1_500) / 1_000) * 1_000;
  const everyMs = downMs + Math.ceil(Math.max(4_000, timing.leaseDurationMs) / 1_000) * 1_000;
  return { kind: 'lab-run', trials, everyMs, downMs, firstFaultMs: FIRST_FAULT_MS };
}

/**
 * Splits a run's failover rows into trials, one per fault of the point's kind (in time order). A
 * component the checker found only after the next fault belongs to a later failover, not to this
 * trial: it counts as never (the checker looks to the end of the history).
 */
export function labTrials(ops: readonly HistoryOp[], context: RunInfo['judge']['context'], fault: string, seed: number): StoredTrial[] {
  const rows = failoverComponents(ops, context, { faults: BENCH_FAILOVER_FAULTS });
  const faults = nemesisOps(ops).filter((n) => n.f === fault);
  return faults.map((f, trial) => {
    const untilMs = (faults[trial + 1]?.tMs ?? Number.POSITIVE_INFINITY) - f.tMs;
    return { trial, seed, faultAtMs: f.tMs, ended: 'lab' as const, rows: rows.filter((r) => r.killMs === f.tMs).map((r) => clipRow(r, untilMs)) };
  });
}

/** `row` with every component at or after `untilMs` (ms after its fault) set to never. */
export function clipRow(row: FailoverComponents, untilMs: number): FailoverComponents {
  const within = (ms: number | null): number | null => (ms !== null && ms < untilMs ? ms : null);
  return { ...row, leaseTakenOverMs: within(row.leaseTakenOverMs), firstGarpMs: within(row.firstGarpMs), firstNewMacAnswerMs: within(row.firstNewMacAnswerMs), clientEntryChangedMs: within(row.clientEntryChangedMs), firstSuccessfulProbeMs: within(row.firstSuccessfulProbeMs) };
}

/** Runs every point in the lab, one after the other. */
export async function runLabFailoverPoints(points: readonly SweepPoint[], trials: number, out: string, ports: BenchPorts): Promise<{ points: PointResults[]; interrupted: boolean }> {
  await requireLabPrerequisites();
  const { runLabScenario } = await import('../lab/bench/lab-run.ts');
  const generated = points.map((p) => {
    const layout = labLayout(p.params, trials);
    const scenario = pointScenario(p.params, layout);
    return { point: p, layout, scenario, durationMs: parsePointScenario(scenario, p, (w) => ports.stderr(`warning: ${w}\n`)).durationMs };
  });
  const totalS = generated.reduce((s, g) => s + g.durationMs / 1000 + 30, 0);
  ports.stderr(`bench failover: ${points.length} sweep point${points.length === 1 ? '' : 's'} in the lab, ${trials} faults each in one bring-up per point (~${Math.round(totalS / 60)} min; Ctrl-C stops the running point, which reports what ran)\n`);
  await mkdir(join(out, 'scenarios'), { recursive: true });
  await mkdir(join(out, 'runs'), { recursive: true }); // the runner writes <run>.stdout.txt beside each run
  const results: PointResults[] = [];
  let interrupted = false;
  // A function, not the property: the signal aborts while a run is awaited.
  const aborted = (): boolean => ports.signal?.aborted === true;
  for (const [i, g] of generated.entries()) {
    if (aborted()) {
      interrupted = true;
      break;
    }
    const file = join(out, 'scenarios', `${g.scenario.name}.yaml`);
    await writeFile(file, g.scenario.yaml);
    const runDir = join(out, 'runs', g.scenario.name);
    const leftS = generated.slice(i).reduce((sum, x) => sum + x.durationMs / 1000 + 30, 0);
    ports.stderr(`  point ${i + 1}/${generated.length} ${g.point.label}: ${trials} × ${g.point.params.fault}, every ${g.layout.everyMs / 1000} s, ${Math.round(g.durationMs / 1000)} s of run time · ETA ~${Math.ceil(leftS / 60)} min\n`);
    const r = await runLabScenario(file, runDir, { wallLimitMs: g.durationMs + 240_000, onLine: (line) => (/error|wall limit|SIGKILL|problem|interrupted/i.test(line) ? ports.stderr(`    ${line.slice(0, 300)}\n`) : undefined), ...(ports.signal === undefined ? {} : { signal: ports.signal }) });
    if (aborted()) interrupted = true;
    const conditions = { report: runDir, runId: r.runId ?? null, exitCode: r.exitCode, wallMs: r.wallMs, interrupted: r.timedOut, load1: r.usage.load1, peakMemMb: r.usage.peakMemMb, leftNamespaces: r.leftNamespaces };
    const measured = await readRun(runDir);
    if (measured === undefined) {
      ports.stderr(`    no report (exit ${r.exitCode}); last lines:\n${r.stderrTail.split('\n').slice(-6).map((l) => `      ${l.slice(0, 300)}`).join('\n')}\n`);
      results.push(pointResults(g.point, g.scenario.name, [], { ...conditions, error: 'no report' }));
      continue;
    }
    const trialsRun = labTrials(measured.ops, measured.info.judge.context, g.point.params.fault, measured.info.seed);
    const rows = trialsRun.flatMap((t) => t.rows);
    const timing = timingOf(g.point.params.timings);
    const takeovers = takeoverTrials(rows, measured.ops, timing);
    const macsByNode = new Map(measured.info.topology.nodes.map((n) => [n.name, n.interfaces.map((x) => x.mac.toLowerCase())]));
    const notes = failoverNotes(rows, measured.ops, macsByNode, LINUX_NEIGHBOUR_DEFAULTS.locktimeMs);
    const noteCounts: Record<string, number> = {};
    for (const n of notes) noteCounts[n.kind] = (noteCounts[n.kind] ?? 0) + 1;
    const window = takeoverWindow(timing);
    const invariants = measured.invariants.filter((i) => i.valid !== true).map((i) => `${i.name} ${i.valid === false ? 'FAILS' : 'unknown'}`);
    ports.stderr(`    ${trialsRun.length} faults, ${takeovers.filter((t) => t.inside).length}/${takeovers.length} takeovers inside [L − D, L + D + 2.2 R] = [${window.lowMs}, ${window.highMs}] ms (client-go model [${window.modelLowMs}, ${window.modelHighMs}] ms); load1 mean ${r.usage.load1.mean.toFixed(1)}; peak memory (PSS) ${r.usage.peakMemMb} MB\n`);
    for (const o of takeovers.filter((t) => !t.inside)) ports.stderr(`      fault ${o.trial} (${(o.killMs / 1000).toFixed(1)} s, ${o.deadNode} → ${o.newHolder ?? 'nobody'}): ${o.reason ?? ''}\n`);
    for (const kind of Object.keys(noteCounts)) {
      const first = notes.find((n) => n.kind === kind);
      ports.stderr(`      ${kind} × ${noteCounts[kind]} (first: fault at ${((first?.killMs ?? 0) / 1000).toFixed(1)} s, ${first?.component}: ${first?.note ?? ''})\n`);
    }
    ports.stderr(`    invariants: ${invariants.length === 0 ? 'all hold' : invariants.join(', ')} (run report ${runDir})\n`);
    results.push(pointResults(g.point, g.scenario.name, trialsRun, { ...conditions, takeoverWindowMs: [window.lowMs, window.highMs], takeoversInside: takeovers.filter((t) => t.inside).length, takeovers, notes: noteCounts, invariants: measured.invariants }));
  }
  return { points: results, interrupted };
}

/** One invariant's verdict in the run's results.json. */
interface RunVerdict {
  readonly name: string;
  readonly valid: boolean | 'unknown';
  readonly met: boolean;
}

/** run.json, history.jsonl and the verdicts of a lab run's report; undefined when the run left none. */
async function readRun(dir: string): Promise<{ info: RunInfo; ops: HistoryOp[]; invariants: RunVerdict[] } | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunInfo;
    const ops = parseHistoryJsonl(await readFile(join(dir, 'history.jsonl'), 'utf8'));
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { invariants?: RunVerdict[] };
    return { info, ops, invariants: (results.invariants ?? []).map((i) => ({ name: i.name, valid: i.valid, met: i.met })) };
  } catch {
    return undefined;
  }
}
