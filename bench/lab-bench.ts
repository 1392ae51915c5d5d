/**
 * Lab numbers for issue 5 (reported, not pass/fail), each from real lab runs (`l2lab run … --world
 * lab`: namespaces, the real kube-apiserver + etcd, libpcap ARP, tcpdump):
 *
 * (1) bring-up of a 3-node lab with the control plane built: median of `run.json`'s `lab.phasesMs`
 *     (plus the host-side topology time from the CLI's progress) over several runs; goal < 15 s;
 * (2) failover components over many kills in ONE bring-up per profile, through `l2lab bench
 *     failover --world lab` (a generated scenario: the holder's agent SIGKILLed every 10 s, back
 *     after 6 s at fast timings), p50/p90/p99/max of each
 *     component, every takeover checked against [L − D, L + D + 2.2 R] with the history's reason
 *     if outside, and the other components' outliers explained; `cilium-1.16` keeps pinned entries
 *     across agent restarts (no GARP when a restarted agent takes over), `reference` prunes them;
 * (3) lease load on the real API server for nodes × services × {200 ms, 2 s} retryPeriod: measured
 *     requests/s by verb against the model, total and per node, request latency, errors, memory.
 *
 * The machine is shared: the load average and the other lab runs present are recorded with every
 * number. Each run's namespaces are checked gone afterwards. Needs root and `make control-plane`.
 *
 *   node bench/lab-bench.ts [--only bringup,failover,load] [--trials 30]
 *        [--profiles cilium-1.16,reference] [--bringup-runs 5] [--cells 3x5,3x50,10x5,10x50,20x5,20x50]
 *        [--retry 2s,200ms] [--keep]
 *
 * Writes reports/bench/lab-<stamp>.json (and keeps each run's report under reports/bench/lab-<stamp>/
 * with --keep; otherwise they live in a temporary directory, removed at the end).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { locateBinaries, REPO_ROOT } from '../harness/control-plane/binaries.ts';
import { SystemClock } from '../harness/core/system-clock.ts';
import { parseHistoryJsonl } from '../harness/history/jsonl.ts';
import { BENCH_TIMINGS, bringUpScenario, leaseLoadPlan, leaseLoadScenario, type BenchScenario, type BenchTimings } from '../harness/lab/bench/bench-scenarios.ts';
import { measureLeaseLoad } from '../harness/lab/bench/lease-load-measure.ts';
import { spreadOf } from '../harness/lab/bench/spread.ts';
import { leaseName } from '../harness/l2/lease.ts';
import { getProfile, PROFILES } from '../harness/profiles/profiles.ts';
import { runLabScenario, type LabBenchRun } from '../harness/lab/bench/lab-run.ts';
import { loadAverage } from '../harness/lab/bench/sampler.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'bringup,failover,load' },
    trials: { type: 'string', default: '30' },
    'bringup-runs': { type: 'string', default: '5' },
    cells: { type: 'string', default: '3x5,3x50,10x5,10x50,20x5,20x50' },
    retry: { type: 'string', default: '2s,200ms' },
    profiles: { type: 'string', default: 'cilium-1.16,reference' },
    keep: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`bench lab: ${message}\n`);
  process.exit(2);
}

const only = new Set(values.only.split(','));
for (const part of only) if (!['bringup', 'failover', 'load'].includes(part)) fail(`--only ${part}: expected bringup, failover or load`);
const trials = Number(values.trials);
const bringupRuns = Number(values['bringup-runs']);
if (!(Number.isInteger(trials) && trials >= 1 && trials <= 1000)) fail(`--trials ${values.trials}: expected 1 … 1000`);
if (!(Number.isInteger(bringupRuns) && bringupRuns >= 1 && bringupRuns <= 50)) fail(`--bringup-runs ${values['bringup-runs']}: expected 1 … 50`);
const cells = values.cells.split(',').map((c) => {
  const [nodes, services] = c.split('x').map(Number);
  if (!(Number.isInteger(nodes) && Number.isInteger(services) && (nodes ?? 0) >= 1 && (services ?? 0) >= 1)) fail(`--cells ${c}: expected NODESxSERVICES, e.g. 10x50`);
  return { nodes: nodes as number, services: services as number };
});
const RETRY_PRESET: Readonly<Record<string, BenchTimings>> = { '2s': 'cilium-default', '200ms': 'fast' };
const presets = values.retry.split(',').map((r) => RETRY_PRESET[r] ?? fail(`--retry ${r}: expected 2s or 200ms`));
const failoverProfiles = values.profiles.split(',');
for (const profile of failoverProfiles) if (!PROFILES.has(profile)) fail(`--profiles ${profile}: expected one of ${[...PROFILES.keys()].join(', ')}`);

if (process.getuid?.() !== 0) fail('needs root (the lab creates network namespaces; run as root)');
try {
  await locateBinaries();
} catch (error) {
  fail(`the lab needs the built control plane: ${error instanceof Error ? error.message : String(error)}; run 'make control-plane'`);
}

const clock = new SystemClock();
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const ms = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${Math.round(x)} ms`);
const rate = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const pct = (x: number | null): string => (x === null ? 'n/a' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`);
const now = new Date();
const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const reportDir = join(REPO_ROOT, 'reports', 'bench');
const workDir = values.keep ? join(reportDir, `lab-${stamp}`) : mkdtempSync(join(tmpdir(), 'l2lab-lab-bench-'));
mkdirSync(join(workDir, 'scenarios'), { recursive: true });
const jsonPath = join(reportDir, `lab-${stamp}.json`);
const optimisticRenew = getProfile('cilium-1.16').l2.optimisticRenew;

const report: Record<string, unknown> = {
  startedAt: now.toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '?', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadavgAtStart: loadAverage(), note: 'shared machine: other agents run CPU-heavy work concurrently; each number carries the load average seen during its run' },
  command: `node bench/lab-bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
};
const save = (): void => {
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
};

/** Other lab runs present on the machine (their namespaces), excluding `mine`. */
function otherLabRuns(mine?: string): number {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const ids = new Set(listed.split('\n').map((l) => /^l2l-([a-z0-9]+)-/.exec(l)?.[1]).filter((id): id is string => id !== undefined && id !== mine));
  return ids.size;
}

/** Runs one generated scenario; returns the run and its parsed files (undefined when absent). */
async function run(scenario: BenchScenario, wallLimitMs: number): Promise<{ run: LabBenchRun; runJson?: Record<string, unknown>; results?: Record<string, unknown>; otherRuns: number }> {
  const file = join(workDir, 'scenarios', `${scenario.name}.yaml`);
  writeFileSync(file, scenario.yaml);
  const out = join(workDir, scenario.name);
  rmSync(out, { recursive: true, force: true });
  const otherRuns = otherLabRuns();
  const result = await runLabScenario(file, out, { wallLimitMs, onLine: (line) => (/error|wall limit|SIGKILL|problem/i.test(line) ? say(`    ${line.slice(0, 300)}`) : undefined) });
  const read = (name: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(readFileSync(join(out, name), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const runJson = read('run.json');
  const results = read('results.json');
  if (result.leftNamespaces.length > 0) say(`    LEAK: run ${result.runId} left ${result.leftNamespaces.join(', ')}`);
  return { run: result, otherRuns, ...(runJson === undefined ? {} : { runJson }), ...(results === undefined ? {} : { results }) };
}

function conditions(r: LabBenchRun, otherRuns: number): Record<string, unknown> {
  return { runId: r.runId, exitCode: r.exitCode, signal: r.signal, wallMs: r.wallMs, timedOut: r.timedOut, killed: r.killed, load1: r.usage.load1, loadBefore: r.loadBefore, loadAfter: r.loadAfter, otherLabRuns: otherRuns, peakMemMb: r.usage.peakMemMb, peakMemMbByRole: r.usage.peakMemMbByRole, cpuSByRole: r.usage.cpuSByRole, peakProcesses: r.usage.peakProcesses, leftNamespaces: r.leftNamespaces };
}

const loadText = (r: LabBenchRun): string => `load1 ${r.usage.load1.min.toFixed(1)}–${r.usage.load1.max.toFixed(1)} (mean ${r.usage.load1.mean.toFixed(1)})`;

say(`bench lab: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadAverage().join(' ')}, ${otherLabRuns()} other lab run(s) on the machine; work dir ${workDir}`);
say('  numbers on a shared machine: the load average (1 min) during each run is printed with it');

if (only.has('bringup')) {
  say(`\n(1) lab bring-up, 3 nodes + 1 client, control plane built: ${bringupRuns} runs (goal < 15 s)`);
  const samples: Record<string, unknown>[] = [];
  for (let i = 0; i < bringupRuns; i += 1) {
    const { run: r, runJson, otherRuns } = await run(bringUpScenario(), 180_000);
    const phases = ((runJson?.lab as { phasesMs?: Record<string, number> } | undefined)?.phasesMs ?? {}) as Record<string, number>;
    const sample = { hostTopologyMs: r.hostTopologyMs ?? null, topologyMs: phases.topologyMs ?? null, controlPlaneMs: phases.controlPlaneMs ?? null, processesMs: phases.processesMs ?? null, labUpWallMs: r.labUpWallMs ?? null, ...conditions(r, otherRuns) };
    const total = (r.hostTopologyMs ?? 0) + (phases.topologyMs ?? 0) + (phases.controlPlaneMs ?? Number.NaN) + (phases.processesMs ?? Number.NaN);
    samples.push({ ...sample, totalMs: Number.isFinite(total) ? total : null });
    say(`  run ${i + 1} (${r.runId ?? '?'}): topology ${ms(r.hostTopologyMs)} + control plane ${ms(phases.controlPlaneMs)} + captures/processes/objects ${ms(phases.processesMs)} = ${ms(total)}; command → lab up ${ms(r.labUpWallMs)}; ${loadText(r)}; exit ${r.exitCode}`);
  }
  const col = (key: string): number[] => samples.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
  const rows = [['host topology (namespaces, bridges, veths)', 'hostTopologyMs'], ['control plane (etcd + kube-apiserver ready)', 'controlPlaneMs'], ['captures + processes + objects ready', 'processesMs'], ['total', 'totalMs'], ['command start → "lab up" (CLI, preflight too)', 'labUpWallMs']] as const;
  say(`  ${pad('phase', 48)}${pad('median', 10)}${pad('min', 10)}max`);
  const summary: Record<string, unknown> = {};
  for (const [label, key] of rows) {
    const s = spreadOf(col(key));
    summary[key] = s === undefined ? null : { median: s.p50, min: s.min, max: s.max };
    say(`  ${pad(label, 48)}${pad(ms(s?.p50), 10)}${pad(ms(s?.min), 10)}${ms(s?.max)}`);
  }
  report.bringUp = { runs: samples, summary, goalMs: 15_000 };
  save();
}

if (only.has('failover')) {
  // The same machinery as `l2lab bench failover --world lab` (one bring-up per profile, the faults
  // spaced from the lease timings: fast → every 10 s, back after 6 s), through that command.
  say(`\n(2) failover: ${trials} kills of the holder's agent in one bring-up per profile (fast 3 s / 1 s / 200 ms) — l2lab bench failover --world lab`);
  const { benchFailoverCommand } = await import('../harness/bench/failover-cli.ts');
  const out = join(reportDir, `lab-${stamp}-failover`);
  const write = (text: string): void => void process.stdout.write(text);
  const exitCode = await benchFailoverCommand({ world: 'lab', profile: failoverProfiles.join(','), sweep: ['fault=agent-kill'], trials, seed: 1, out }, { stdout: write, stderr: write, argv: ['bench', 'failover', '--world', 'lab', '--profile', failoverProfiles.join(','), '--sweep', 'fault=agent-kill', '--trials', String(trials)], clock, now: () => new Date() });
  const bench = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { points: { label: string; components: unknown; lab?: unknown }[] };
  report.failover = { benchDirectory: out.replace(`${REPO_ROOT}/`, ''), exitCode, points: bench.points.map((p) => ({ label: p.label, components: p.components, lab: p.lab })) };
  save();
}

if (only.has('load')) {
  say('\n(3) lease load on the real API server: every node a candidate for every service, no faults');
  say('    window: from 2 × leaseDuration after the last agent started to the scenario end; per node: measured vs model given the Leases each node held');
  say('    model/s: the model with the measured mean request latency (client-go loops are sliding); ideal/s: the model at zero latency (what the elections ask for)');
  const results: Record<string, unknown>[] = [];
  report.leaseLoad = results; // saved after every cell: a later cell that wrecks the machine does not lose the earlier ones
  for (const preset of presets) {
    const timing = BENCH_TIMINGS[preset];
    say(`\n  retryPeriod ${timing.retryPeriodMs} ms (${preset}: ${timing.leaseDurationMs / 1000} s / ${timing.renewDeadlineMs / 1000} s / ${timing.retryPeriodMs / 1000} s)`);
    say(`  ${pad('cell', 8)}${pad('window', 9)}${pad('get/s', 9)}${pad('update/s', 10)}${pad('total/s', 9)}${pad('model/s', 9)}${pad('error', 9)}${pad('ideal/s', 9)}${pad('per node min/p50/max (model mean)', 36)}${pad('latency mean/p99', 18)}${pad('slow/err', 10)}${pad('PSS MB', 8)}${pad('apiserver CPU', 15)}load1`);
    for (const { nodes, services } of cells) {
      // Run time zero is when every process is up and the objects appear: the agents start electing at once.
      const options = { nodes, services, timings: preset, agentsUpMs: 2_000, windowMs: preset === 'fast' ? 15_000 : 30_000 };
      const plan = leaseLoadPlan(options);
      const { run: r, results: res, otherRuns } = await run(leaseLoadScenario(options), plan.durationMs + 90_000 + 5_000 * nodes);
      const cell = `${nodes}×${services}`;
      if (res === undefined) {
        say(`  ${pad(cell, 8)}no report: exit ${r.exitCode}${r.timedOut ? ', wall limit' : ''}; last lines:\n${r.stderrTail.split('\n').slice(-6).map((l) => `      ${l.slice(0, 200)}`).join('\n')}`);
        results.push({ nodes, services, preset, timing, error: 'no report', stderrTail: r.stderrTail, conditions: conditions(r, otherRuns) });
        save();
        continue;
      }
      const ops = parseHistoryJsonl(readFileSync(join(r.out, 'history.jsonl'), 'utf8'));
      const nodeNames = Array.from({ length: nodes }, (_, k) => `n${k + 1}`);
      const leases = Array.from({ length: services }, (_, i) => leaseName('default', services === 1 ? 'web' : `svc-${String(i + 1).padStart(2, '0')}`));
      const m = measureLeaseLoad(ops, { nodes: nodeNames, leases, timing, optimisticRenew, declaredFromMs: plan.fromMs, declaredToMs: plan.toMs });
      const errors = Object.values(m.failures).reduce((a, b) => a + b, 0);
      const apiCpuS = r.usage.cpuSByRole['kube-apiserver'] ?? 0;
      const windowS = (m.toMs - m.fromMs) / 1000;
      const perNode = m.perNodeMeasured;
      say(
        `  ${pad(cell, 8)}${pad(`${windowS.toFixed(0)} s${m.windowOk ? '' : '!'}`, 9)}${pad(rate(m.measured.get), 9)}${pad(rate(m.measured.update), 10)}${pad(rate(m.measured.total), 9)}${pad(rate(m.model.total), 9)}${pad(pct(m.relativeError), 9)}${pad(rate(m.idealModel.total), 9)}` +
          `${pad(perNode === undefined ? '–' : `${rate(perNode.min)}/${rate(perNode.p50)}/${rate(perNode.max)} (${rate(m.perNodeModelMeanPerS)})`, 36)}${pad(`${(m.latencyMs?.mean ?? Number.NaN).toFixed(1)}/${(m.latencyMs?.p99 ?? Number.NaN).toFixed(0)} ms`, 18)}${pad(`${m.slowerThanRetryPeriod}/${errors}`, 10)}${pad(r.usage.peakMemMb, 8)}${pad(`${apiCpuS.toFixed(0)} s (${((apiCpuS / (r.wallMs / 1000)) * 100).toFixed(0)} %)`, 15)}${r.usage.load1.mean.toFixed(1)}` +
          `${r.timedOut ? '  WALL LIMIT' : ''}${m.silentNodes.length > 0 ? `  silent: ${m.silentNodes.join(',')}` : ''}${m.windowOk ? '' : '  window < 10 × retryPeriod'}`,
      );
      const checker = res.leaseLoad as { measuredTotalPerS?: number; modelTotalPerS?: number; windowMs?: number[] } | undefined;
      results.push({ nodes, services, preset, timing, plan, measurement: m, checker: checker ?? null, exitCode: r.exitCode, conditions: conditions(r, otherRuns) });
      save();
    }
  }
  save();
}

if (!values.keep) rmSync(workDir, { recursive: true, force: true });
report.finishedAt = new Date().toISOString();
save();
say(`\nwrote ${jsonPath.replace(`${REPO_ROOT}/`, '')}${values.keep ? `; run reports under ${workDir.replace(`${REPO_ROOT}/`, '')}` : ''}`);
