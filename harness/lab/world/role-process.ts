/**
 * One l2lab role process of the lab (agent, datapath, echo, operator, prober): started in its
 * namespace as `ip netns exec <ns> node bin/l2lab.mjs lab-proc <role> --config <file>` (`ip netns
 * exec` execs, so the PID is the Node process itself), recorded in the run manifest the moment it
 * exists, and considered up when it prints `ready` on stdout. stderr goes to its log file.
 * Signals are sent by PID only while the PID still belongs to it (start time checked), so a
 * recycled PID is never hit.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../../control-plane/binaries.ts';
import { isRunning, logTail } from '../../control-plane/processes.ts';
import { spawnTracked, startTimeTicksOf, type TrackedChild } from '../capture/tracked-child.ts';

/** A started role process. */
export interface RoleProcess {
  readonly name: string;
  readonly role: string;
  readonly netns: string;
  readonly pid: number;
  readonly startTimeTicks: number;
  readonly logPath: string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
}

/** Options of {@link startRoleProcess}. */
export interface StartRoleOptions {
  readonly name: string;
  readonly role: string;
  readonly netns: string;
  readonly config: unknown;
  /** Directory for `<name>.json` (config) and `<name>.log`. */
  readonly dir: string;
  readonly readyTimeoutMs: number;
  /** The run id, put in the process's environment as `L2LAB_RUN_ID` (ps/`/proc/<pid>/environ` show whose it is). */
  readonly runId?: string;
  /** Called with the PID before waiting for `ready` (the run manifest records it). */
  readonly onSpawn: (process: Omit<RoleProcess, 'exited'>) => Promise<void>;
}

/** A role process that did not come up. */
export class RoleStartError extends Error {
  readonly code = 'lab-role-start';
}

/** Starts a role process and waits for its `ready` line. @throws RoleStartError naming the role, netns, limit and the log tail. */
export async function startRoleProcess(options: StartRoleOptions): Promise<RoleProcess> {
  const configPath = join(options.dir, `${options.name}.json`);
  const logPath = join(options.dir, `${options.name}.log`);
  await writeFile(configPath, `${JSON.stringify(options.config, null, 2)}\n`);
  const what = `${options.role} ${options.name} in netns ${options.netns}`;
  const argv = ['ip', 'netns', 'exec', options.netns, process.execPath, '--max-semi-space-size=4', join(REPO_ROOT, 'bin/l2lab.mjs'), 'lab-proc', options.role, '--config', configPath];
  const env = { ...process.env, ...(options.runId === undefined ? {} : { L2LAB_RUN_ID: options.runId }) };
  const identity = (pid: number, startTimeTicks: number | undefined): Omit<RoleProcess, 'exited'> => ({ name: options.name, role: options.role, netns: options.netns, pid, startTimeTicks: startTimeTicks ?? 0, logPath });
  const logFd = openSync(logPath, 'a');
  let tracked: TrackedChild;
  try {
    // Its own process group (spawnTracked): a Ctrl-C reaches the orchestrator, which stops it.
    tracked = await spawnTracked(what, argv, 'pipe', (p) => options.onSpawn(identity(p.pid, p.startTimeTicks)), { stderrFd: logFd, env });
  } catch (error) {
    throw new RoleStartError(`starting ${what}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    closeSync(logFd);
  }
  const record = identity(tracked.record.pid, tracked.record.startTimeTicks);
  const exited = tracked.exited.then((exit) => exit.code ?? exit.signal ?? 'unknown');
  const ready = await waitForReady(tracked.child, exited, options.readyTimeoutMs);
  if (ready !== 'ready') {
    signalIfOurs(record, 'SIGKILL');
    throw new RoleStartError(`starting ${what}: ${ready} (limit ${options.readyTimeoutMs} ms); last log lines:\n${await logTail(logPath, 12)}`);
  }
  tracked.child.stdout?.resume();
  return { ...record, exited };
}

function waitForReady(child: ChildProcess, exited: Promise<number | string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let buffered = '';
    const timer = setTimeout(() => finish(`no 'ready' line`), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      if (buffered.split('\n').some((line) => line.trim() === 'ready')) finish('ready');
      else if (buffered.length > 65_536) buffered = buffered.slice(-1024);
    };
    const finish = (outcome: string): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(outcome);
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => finish(`exited (${code}) before 'ready'`));
  });
}

/** Sends `signal` when the PID still belongs to the process (same start time); returns whether it was sent. */
export function signalIfOurs(process_: Pick<RoleProcess, 'pid' | 'startTimeTicks'>, signal: NodeJS.Signals): boolean {
  const ticks = startTimeTicksOf(process_.pid);
  if (ticks === undefined || (process_.startTimeTicks !== 0 && ticks !== process_.startTimeTicks)) return false;
  try {
    process.kill(process_.pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** SIGKILL and wait (bounded) until it is gone. */
export async function killRoleProcess(role: RoleProcess, timeoutMs = 5_000): Promise<void> {
  if (!(await isRunning(role))) return;
  signalIfOurs(role, 'SIGKILL');
  await Promise.race([role.exited, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
}
