/**
 * Runs one scenario in the lab for the benchmark: `l2lab run <file> --world lab --out <dir>` as a
 * child, its progress lines timed as they arrive (run id, the host-side topology time, when the
 * lab was up), its process tree sampled every second (memory, CPU, load), a wall limit enforced
 * (SIGINT first: the run stops, writes its report and tears down; SIGKILL and `l2lab reap --run`
 * only if that does not end it), and afterwards a check that no namespace of the run is left.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../control-plane/binaries.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { loadAverage, ProcessTreeSampler, type TreeUsage } from './sampler.ts';

const clock = new SystemClock();
/** How long a run may take to stop after SIGINT (report + teardown) before it is killed. */
const STOP_GRACE_MS = 90_000;
const SAMPLE_EVERY_MS = 1_000;

/** What one lab run of the benchmark produced. */
export interface LabBenchRun {
  readonly out: string;
  readonly runId: string | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly wallMs: number;
  /** The wall limit was reached (or the caller's signal aborted) and the run was interrupted. */
  readonly timedOut: boolean;
  /** The run did not stop after SIGINT and was killed, then reaped. */
  readonly killed: boolean;
  /** Namespaces, links and bridges on the host side, from the CLI's progress line. */
  readonly hostTopologyMs: number | undefined;
  /** From spawning the command to its "lab up" line (CLI start, preflight, everything). */
  readonly labUpWallMs: number | undefined;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly usage: TreeUsage;
  /** Namespaces `l2l-<runId>-*` still present after the run (must be empty). */
  readonly leftNamespaces: readonly string[];
  /** The last lines of the run's stderr (progress and errors). */
  readonly stderrTail: string;
}

/** Runs `scenarioFile` in the lab, writing the report to `out`; never throws for a failed run. */
export async function runLabScenario(scenarioFile: string, out: string, options: { readonly wallLimitMs: number; readonly onLine?: (line: string) => void; readonly signal?: AbortSignal }): Promise<LabBenchRun> {
  const startMs = clock.monotonicMs();
  const loadBefore = loadAverage();
  const child = spawn(process.execPath, ['--max-semi-space-size=4', join(REPO_ROOT, 'bin/l2lab.mjs'), 'run', scenarioFile, '--world', 'lab', '--out', out], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdoutFile = createWriteStream(`${out}.stdout.txt`);
  child.stdout.pipe(stdoutFile);
  let runId: string | undefined;
  let hostTopologyMs: number | undefined;
  let labUpWallMs: number | undefined;
  const stderrFile = createWriteStream(`${out}.stderr.txt`);
  const tail: string[] = [];
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrFile.write(chunk);
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      runId ??= /^lab ([a-z0-9]+): /.exec(line)?.[1];
      const up = /: up in (\d+) ms \(/.exec(line);
      if (up?.[1] !== undefined) hostTopologyMs = Number(up[1]);
      if (line.includes(': lab up: ')) labUpWallMs = Math.round(clock.monotonicMs() - startMs);
      options.onLine?.(line);
    }
  });
  const sampler = new ProcessTreeSampler(child.pid ?? -1, () => manifestPids(runId));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  let timedOut = false;
  let killed = false;
  let stoppedAtMs = Number.POSITIVE_INFINITY;
  const tick = (): void => {
    if (done) return;
    sampler.sample();
    const elapsedMs = clock.monotonicMs() - startMs;
    if (!timedOut && options.signal?.aborted === true) {
      // Ctrl-C of the benchmark: the run stops like on a wall limit (report with what ran, teardown).
      timedOut = true;
      stoppedAtMs = elapsedMs;
      options.onLine?.('interrupted: SIGINT to the run (it stops, reports what ran, tears down)');
      child.kill('SIGINT');
    } else if (!timedOut && elapsedMs > options.wallLimitMs) {
      timedOut = true;
      stoppedAtMs = elapsedMs;
      options.onLine?.(`wall limit ${Math.round(options.wallLimitMs / 1000)} s reached: SIGINT (the run stops, reports, tears down)`);
      child.kill('SIGINT');
    } else if (timedOut && !killed && elapsedMs > stoppedAtMs + STOP_GRACE_MS) {
      killed = true;
      options.onLine?.(`no exit ${STOP_GRACE_MS / 1000} s after SIGINT: SIGKILL of the run's process tree, then l2lab reap --run ${runId ?? '?'}`);
      killTree(child.pid);
    }
    clock.setTimer(SAMPLE_EVERY_MS, tick);
  };
  tick();
  const { code, signal } = await exited;
  await Promise.all([new Promise((resolve) => stdoutFile.end(resolve)), new Promise((resolve) => stderrFile.end(resolve))]);
  if (killed && runId !== undefined) spawnSync(process.execPath, [join(REPO_ROOT, 'bin/l2lab.mjs'), 'reap', '--run', runId], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 120_000 });
  return {
    out,
    runId,
    exitCode: code,
    signal,
    wallMs: Math.round(clock.monotonicMs() - startMs),
    timedOut,
    killed,
    hostTopologyMs,
    labUpWallMs,
    loadBefore,
    loadAfter: loadAverage(),
    usage: sampler.usage(),
    leftNamespaces: runId === undefined ? [] : namespacesOf(runId),
    stderrTail: [...tail, partial].filter((l) => l !== '').join('\n'),
  };
}

/** PIDs the run manifest records (undefined run id or no manifest: none). */
function manifestPids(runId: string | undefined): number[] {
  if (runId === undefined) return [];
  try {
    const manifest = JSON.parse(readFileSync(`/run/l2lab/runs/${runId}.json`, 'utf8')) as { resources?: { kind?: string; pid?: number }[] };
    return (manifest.resources ?? []).filter((r) => r.kind === 'process' && typeof r.pid === 'number').map((r) => r.pid as number);
  } catch {
    return [];
  }
}

/** The network namespaces of one run that exist now. */
export function namespacesOf(runId: string): string[] {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return (listed.stdout ?? '').split('\n').map((l) => l.split(' ')[0] ?? '').filter((name) => name.startsWith(`l2l-${runId}-`));
}

/** SIGKILL of `pid` and its descendants (ours: the benchmark started the root). */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '').map(Number);
  try {
    process.kill(pid, 'SIGSTOP'); // no new children while we walk
  } catch {
    // already gone
  }
  for (const c of children) killTree(c);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
