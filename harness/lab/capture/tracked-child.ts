/**
 * The long-lived helper processes of the capture layer (tcpdump, `ip monitor neigh`): spawned in
 * their own process group (a Ctrl-C on the orchestrator's terminal must not stop tcpdump before
 * teardown flushes it), announced to the caller with PID and start time before anything else
 * happens (the run manifest records them for `l2lab reap`), and stopped with a bounded wait.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Clock } from '../../core/clock.ts';
import { parseProcStat } from '../../control-plane/processes.ts';

/** What the run manifest needs about a helper process (PID + start time identify it for reap). */
export interface SpawnedProcess {
  readonly name: string;
  readonly pid: number;
  /** `/proc/<pid>/stat` field 22 (clock ticks since boot); undefined if it was gone at once. */
  readonly startTimeTicks: number | undefined;
  readonly argv: readonly string[];
}

/** Called once the process exists, before the caller waits for it to be ready. */
export type OnSpawn = (process: SpawnedProcess) => void | Promise<void>;

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A spawned helper and a promise of its exit. */
export interface TrackedChild {
  readonly child: ChildProcess;
  readonly record: SpawnedProcess;
  /** Resolves when the process has exited and its pipes are closed. */
  readonly exited: Promise<ChildExit>;
  /** The exit once it happened, else undefined. */
  exitStatus(): ChildExit | undefined;
}

/** Where stderr goes (default: a pipe the caller reads) and the environment (default: ours). */
export interface SpawnTrackedOptions {
  /** An open file descriptor to write stderr to (a log file) instead of a pipe. */
  readonly stderrFd?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Spawns `argv` with stdout piped or ignored as asked, waits for the `spawn` event and reports it.
 * @throws Error naming the process when the binary cannot be started; what `onSpawn` threw (the
 * process is killed first).
 */
export async function spawnTracked(name: string, argv: readonly string[], stdout: 'pipe' | 'ignore', onSpawn: OnSpawn | undefined, options: SpawnTrackedOptions = {}): Promise<TrackedChild> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error(`starting ${name}: empty command line`);
  const child = spawn(file, args, { detached: true, stdio: ['ignore', stdout, options.stderrFd ?? 'pipe'], ...(options.env === undefined ? {} : { env: options.env }) });
  let status: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('close', (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`starting ${name} (${argv.join(' ')}): ${error.message}`, { cause: error })));
    child.once('spawn', () => resolve());
  });
  const pid = child.pid ?? -1;
  const record: SpawnedProcess = { name, pid, startTimeTicks: startTimeTicksOf(pid), argv: [...argv] };
  try {
    await onSpawn?.(record);
  } catch (error) {
    // Not recorded anywhere, so nothing would ever stop it: kill it now.
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return { child, record, exited, exitStatus: () => status };
}

/** The start time of `pid` now (`/proc/<pid>/stat` field 22), undefined when it is gone. */
export function startTimeTicksOf(pid: number): number | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTimeTicks;
  } catch {
    return undefined;
  }
}

/** Waits at most `timeoutMs` for the child to exit; `undefined` when it is still running. */
export async function waitExit(tracked: TrackedChild, timeoutMs: number, clock: Pick<Clock, 'sleep'>): Promise<ChildExit | undefined> {
  const done = tracked.exitStatus();
  if (done !== undefined) return done;
  const abort = new AbortController();
  const outcome = await Promise.race([tracked.exited, clock.sleep(timeoutMs, abort.signal).then(() => undefined)]);
  abort.abort();
  return outcome;
}

/** Sends `signal` unless the process already exited. */
export function signalChild(tracked: TrackedChild, signal: NodeJS.Signals): void {
  if (tracked.exitStatus() === undefined) tracked.child.kill(signal);
}

/**
 * Stops the child: `signal`, then SIGKILL after `graceMs`. Resolves how it ended and whether it
 * had to be killed.
 * @throws Error when it is still there `graceMs` after SIGKILL.
 */
export async function stopTracked(tracked: TrackedChild, signal: NodeJS.Signals, graceMs: number, clock: Pick<Clock, 'sleep'>): Promise<{ exit: ChildExit; killed: boolean }> {
  signalChild(tracked, signal);
  const graceful = await waitExit(tracked, graceMs, clock);
  if (graceful !== undefined) return { exit: graceful, killed: false };
  signalChild(tracked, 'SIGKILL');
  const killed = await waitExit(tracked, graceMs, clock);
  if (killed === undefined) throw new Error(`stopping ${tracked.record.name} (pid ${tracked.record.pid}): still running ${graceMs} ms after SIGKILL`);
  return { exit: killed, killed: true };
}

const STDERR_KEEP_CHARS = 16_384;

/** The tail of a child's stderr, for error messages and tcpdump's counters. */
export interface StderrBuffer {
  text(): string;
  /** Resolves when the text first matches `pattern`. */
  until(pattern: RegExp): Promise<void>;
}

/** Keeps the last {@link STDERR_KEEP_CHARS} characters of the child's stderr. */
export function collectStderr(tracked: TrackedChild): StderrBuffer {
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  tracked.child.stderr?.setEncoding('utf8');
  tracked.child.stderr?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-STDERR_KEEP_CHARS);
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const waiter = waiters[i];
      if (waiter !== undefined && waiter.pattern.test(text)) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  });
  return {
    text: () => text,
    until: (pattern) => (pattern.test(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
  };
}
