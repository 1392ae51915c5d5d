/**
 * Long-lived server processes (etcd, kube-apiserver) that outlive the command that started them.
 *
 * A process is identified by PID **and** its start time (field 22 of `/proc/<pid>/stat`, in clock
 * ticks since boot), so that a PID reused by an unrelated process after a crash is never signalled:
 * `down` and `l2lab reap` act only when both match the record.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the run record keeps about a started process. */
export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22). */
  readonly startTimeTicks: number;
  readonly argv: string[];
  readonly logPath: string;
}

/** Start or stop of a server process failed. */
export class ProcessError extends Error {
  readonly code = 'process-failed';
}

/** Reads the state letter and start time of a PID; `undefined` if there is no such process. */
export async function readProcStat(pid: number): Promise<{ state: string; startTimeTicks: number } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return parseProcStat(text);
}

/** Parses `/proc/<pid>/stat` (the command name may contain spaces and parentheses). Pure. */
export function parseProcStat(text: string): { state: string; startTimeTicks: number } | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
  const startTimeTicks = Number(fields[19]); // field 22
  if (!fields[0] || Number.isNaN(startTimeTicks)) return undefined;
  return { state: fields[0], startTimeTicks };
}

/** True when the recorded process is still running (same PID and start time, not a zombie). */
export async function isRunning(record: Pick<ProcessRecord, 'pid' | 'startTimeTicks'>): Promise<boolean> {
  const stat = await readProcStat(record.pid);
  return stat !== undefined && stat.startTimeTicks === record.startTimeTicks && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Starts `argv` detached, in its own process group, stdout and stderr appended to `logPath`.
 * With `netns`, runs it through `ip netns exec` (which execs in place, so the PID is the server's).
 * @throws ProcessError when the binary cannot be started.
 */
export async function startDetached(name: string, argv: readonly string[], logPath: string, netns?: string): Promise<ProcessRecord> {
  const full = netns ? ['ip', 'netns', 'exec', netns, ...argv] : [...argv];
  const [file, ...args] = full;
  if (file === undefined) throw new ProcessError(`starting ${name}: empty command line`);
  const fd = openSync(logPath, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd] });
    const pid = await new Promise<number>((resolvePromise, reject) => {
      child.once('error', (error) => reject(new ProcessError(`starting ${name} (${file}): ${error.message}`, { cause: error })));
      child.once('spawn', () => resolvePromise(child.pid ?? -1));
    });
    child.unref();
    const stat = await readProcStat(pid);
    if (stat === undefined) throw new ProcessError(`starting ${name}: process ${pid} exited at once; see ${logPath}`);
    return { name, pid, startTimeTicks: stat.startTimeTicks, argv: full, logPath };
  } finally {
    closeSync(fd);
  }
}

async function waitGone(record: ProcessRecord, timeoutMs: number, pollMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!(await isRunning(record))) return true;
    await sleep(pollMs);
  }
  return !(await isRunning(record));
}

/**
 * Stops a recorded process: SIGTERM, then SIGKILL if it is still there after `gracefulTimeoutMs`.
 * Does nothing when the PID no longer belongs to it. Resolves to how it ended.
 * @throws ProcessError if it survives SIGKILL for `killTimeoutMs`.
 */
export async function stopProcess(
  record: ProcessRecord,
  gracefulTimeoutMs = 10_000,
  killTimeoutMs = 5_000,
): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!(await isRunning(record))) return 'not-running';
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(record.pid, sig);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  signal('SIGTERM');
  if (await waitGone(record, gracefulTimeoutMs, 50)) return 'terminated';
  signal('SIGKILL');
  if (await waitGone(record, killTimeoutMs, 50)) return 'killed';
  throw new ProcessError(`stopping ${record.name} (pid ${record.pid}): still running ${killTimeoutMs}ms after SIGKILL`);
}

/** The last `lines` lines of a log, for error messages. */
export async function logTail(path: string, lines = 5): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
