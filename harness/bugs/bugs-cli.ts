/**
 * `l2lab bugs` behind the command line: load every `scenarios/bugs/*.yaml`, plan the runs, make
 * each as a child `l2lab run <file> --world <w> --profile <p> --seed <s> --out <dir>` (two at a time
 * in sim, one at a time in the lab), read each report directory back (results.json, history.jsonl,
 * run.json), judge and extract evidence, print the table and write `results.json` + `summary.md`
 * of the bugs run. Loaded lazily by `cli/bugs-command.ts`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXIT, UserError } from '../cli/user-error.ts';
import { REPO_ROOT } from '../control-plane/binaries.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { SystemClock } from '../core/system-clock.ts';
import { parseHistoryJsonl } from '../history/jsonl.ts';
import { PROFILES } from '../profiles/profiles.ts';
import { reportDirFor } from '../report/report.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { planBugRuns, type BugScenarioRef, type BugWorld, type PlannedBugRun } from './plan.ts';
import { bugsReport, renderBugsMarkdown, renderBugsText } from './render.ts';
import { buildBugRow, type BugRow, type RunMaterial, type VerdictWithDetails } from './row.ts';
import { bugsExitCode, judgeBugs } from './verdict.ts';

/** Options of `l2lab bugs` as commander parses them. */
export interface BugsCommandOptions {
  readonly world: BugWorld;
  readonly only?: string;
  readonly format: 'text' | 'json';
  readonly out?: string;
  /** Folder of the bug scenarios. Default `scenarios/bugs`. */
  readonly dir?: string;
  /** Runs at a time (default 2 in sim, 1 in the lab). */
  readonly jobs?: number;
}

/** What the command needs from outside. */
export interface BugsCommandPorts {
  readonly stdout: (text: string) => void;
  /** Progress lines. */
  readonly stderr: (text: string) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

/** A child run's wall-clock limit: a stuck run fails the target instead of hanging it. */
export const RUN_TIMEOUT_MS: Readonly<Record<BugWorld, number>> = { sim: 10 * 60_000, lab: 30 * 60_000 };
/** After SIGINT, how long a child (the lab's teardown) gets before SIGKILL. */
export const STOP_GRACE_MS = 120_000;

/** Runs the command; returns the exit code. @throws UserError for bad input (exit 2). */
export async function runBugsCommand(options: BugsCommandOptions, ports: BugsCommandPorts): Promise<number> {
  const dir = options.dir ?? 'scenarios/bugs';
  const { refs, problems: loadProblems } = await loadBugScenarios(dir);
  const only = options.only === undefined ? [] : options.only.split(',');
  const plan = planBugRuns(refs, { world: options.world, only, knownProfiles: new Set(PROFILES.keys()) });
  const badOnly = plan.problems.filter((p) => p.startsWith('--only'));
  if (badOnly.length > 0) throw new UserError(badOnly.join('; '));
  // A broken file another bug's run does not need is reported but does not stop the others.
  const problems = [...(only.length === 0 ? loadProblems : []), ...plan.problems];
  if (plan.runs.length === 0) throw new UserError(`${dir}: no bug scenarios to run${problems.length > 0 ? ` (${problems.length} problem(s))` : ''}`, problems);
  const now = ports.now ?? (() => new Date());
  const out = resolve(options.out ?? reportDirFor('reports', 'bugs', now(), 0).replace(/-s0$/, ''));
  await mkdir(out, { recursive: true });
  const jobs = Math.max(1, options.jobs ?? (options.world === 'lab' ? 1 : 2));
  const toRun = plan.runs.filter((r) => r.skip === undefined);
  ports.stderr(`l2lab bugs: ${plan.runs.length} runs of ${new Set(plan.runs.map((r) => r.bugId)).size} bugs in ${options.world} (${plan.runs.length - toRun.length} skipped), ${jobs} at a time; report ${out}\n`);

  const materials = new Map<number, RunMaterial>();
  let done = 0;
  await pool(toRun, jobs, async (run) => {
    if (ports.signal?.aborted === true) {
      materials.set(run.index, { interrupted: true, error: 'not run: interrupted', ops: [], macOwner: new Map() });
      return;
    }
    const material = await executeRun(run, out, ports.signal);
    materials.set(run.index, material);
    done += 1;
    const row = buildBugRow(run, material);
    const observed = row.judged.observations.map((o) => `${o.invariant} ${o.observed}`).join(', ') || row.judged.error || '';
    ports.stderr(`[${done}/${toRun.length}] ${run.bugId} ${run.profile} (${run.role}, expect ${run.role === 'affected' ? 'fails' : 'holds'}) ${run.world}: ${observed} → ${row.judged.status}${material.wallMs === undefined ? '' : ` (${(material.wallMs / 1000).toFixed(1)} s)`}\n`);
  });

  const rows: BugRow[] = plan.runs.map((run) => buildBugRow(run, materials.get(run.index)));
  const bugs = judgeBugs(rows);
  let exitCode = bugsExitCode(rows.map((r) => r.judged));
  if (problems.length > 0 && exitCode === EXIT.ok) exitCode = EXIT.harnessError;
  const report = bugsReport(options.world, rows, bugs, problems, exitCode);
  await writeFile(join(out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, 'summary.md'), renderBugsMarkdown(report, rows));
  ports.stdout(options.format === 'json' ? `${JSON.stringify({ report: out, ...report }, null, 2)}\n` : renderBugsText(report, rows, out));
  return exitCode;
}

/** Loads every `*.yaml` of `dir`; files that do not load or have no bug block are problems. */
export async function loadBugScenarios(dir: string): Promise<{ refs: BugScenarioRef[]; problems: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  } catch (error) {
    throw new UserError(`reading the bug scenarios in ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const refs: BugScenarioRef[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const { scenario, issues } = await loadScenario(file);
    if (scenario === undefined) {
      problems.push(`${file}: does not load: ${issues.slice(0, 3).map((i) => `${i.line}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('; ')}`);
      continue;
    }
    if (scenario.bug === undefined) {
      problems.push(`${file}: no metadata.bug block (scenarios/bugs/ holds bug reproductions only)`);
      continue;
    }
    refs.push({ file, name: scenario.name, bug: scenario.bug, worlds: scenario.worlds, fail: scenario.expectations.fail, seed: scenario.seed ?? 1 });
  }
  return { refs, problems };
}

/** Runs `items` with at most `jobs` in flight. */
async function pool<T>(items: readonly T[], jobs: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
}

/** The child runs' timers and wall times (this file is the process adapter of `l2lab bugs`). */
const clock: Clock = new SystemClock();

/** Where a run's report goes: `<out>/<scenario>/<profile>-<world>`. */
export function runDirOf(out: string, run: Pick<PlannedBugRun, 'scenario' | 'profile' | 'world'>): string {
  return join(out, run.scenario, `${run.profile}-${run.world}`);
}

/** One child `l2lab run`, then its report read back. Never throws: problems become `error`. */
async function executeRun(run: PlannedBugRun, out: string, signal: AbortSignal | undefined): Promise<RunMaterial> {
  const reportDir = runDirOf(out, run);
  await mkdir(join(out, run.scenario), { recursive: true });
  const logPath = `${reportDir}.log`;
  const args = ['--max-semi-space-size=4', join(REPO_ROOT, 'bin/l2lab.mjs'), 'run', run.file, '--world', run.world, '--profile', run.profile, '--seed', String(run.seed), '--out', reportDir, '--format', 'json'];
  const startedMs = clock.monotonicMs();
  const child = await runChild(process.execPath, args, logPath, RUN_TIMEOUT_MS[run.world], signal);
  const wallMs = Math.round(clock.monotonicMs() - startedMs);
  const base = { reportDir, wallMs, macOwner: new Map<string, string>(), ops: [] };
  if (child.interrupted) return { ...base, interrupted: true, error: `interrupted (log ${logPath})` };
  if (child.timedOut) return { ...base, error: `l2lab run did not finish within ${RUN_TIMEOUT_MS[run.world] / 60_000} min (log ${logPath})` };
  // Exit 2 is also "judged, but some verdict unknown": the report is there and says which.
  const judged = child.code === EXIT.ok || child.code === EXIT.safetyViolation || child.code === EXIT.livenessViolation || child.code === EXIT.harnessError;
  if (!judged || !(await exists(join(reportDir, 'results.json')))) {
    return { ...base, error: `l2lab run exited ${child.code ?? 'by a signal'}: ${lastLine(child.stderrTail) || 'no message'} (log ${logPath})` };
  }
  try {
    const results = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8')) as { invariants?: VerdictWithDetails[]; unmet?: string[] };
    const ops = parseHistoryJsonl(await readFile(join(reportDir, 'history.jsonl'), 'utf8'));
    const info = JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8')) as {
      topology?: { nodes?: { name: string; interfaces?: { mac: string }[] }[] };
      timing?: { effective?: { renewDeadlineMs: number; retryPeriodMs: number } };
      clientRateLimit?: { qps: number; burst: number };
    };
    const macOwner = new Map<string, string>();
    for (const node of info.topology?.nodes ?? []) for (const i of node.interfaces ?? []) macOwner.set(i.mac.toLowerCase(), node.name);
    const timing = info.timing?.effective;
    return {
      ...base,
      ...(results.invariants === undefined ? {} : { invariants: results.invariants }),
      unmet: results.unmet ?? [],
      ops,
      macOwner,
      ...(timing === undefined ? {} : { timing }),
      ...(info.clientRateLimit === undefined ? {} : { clientRateLimit: info.clientRateLimit }),
    };
  } catch (error) {
    return { ...base, error: `reading the report in ${reportDir}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

interface ChildResult {
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly interrupted: boolean;
  readonly stderrTail: string;
}

/** Spawns `command`, stdout+stderr to `logPath`; SIGINT on abort or timeout, SIGKILL after the grace. */
function runChild(command: string, args: readonly string[], logPath: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<ChildResult> {
  return new Promise((resolveResult) => {
    const log = createWriteStream(logPath);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderrTail = '';
    let timedOut = false;
    let interrupted = false;
    child.stdout.pipe(log, { end: false });
    child.stderr.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2_000);
    });
    let killTimer: TimerHandle | undefined;
    const stop = (): void => {
      child.kill('SIGINT');
      killTimer ??= clock.setTimer(STOP_GRACE_MS, () => child.kill('SIGKILL'));
    };
    const timer = clock.setTimer(timeoutMs, () => {
      timedOut = true;
      stop();
    });
    const onAbort = (): void => {
      interrupted = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (code: number | null): void => {
      timer.cancel();
      killTimer?.cancel();
      signal?.removeEventListener('abort', onAbort);
      log.end();
      resolveResult({ code, timedOut, interrupted, stderrTail });
    };
    child.once('error', (error) => {
      stderrTail += `spawning ${command}: ${error.message}`;
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').at(-1)?.trim() ?? '';
}
