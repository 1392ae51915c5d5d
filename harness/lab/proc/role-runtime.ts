/**
 * What every role process shares: the run's clock, its history file, a pino logger on stderr
 * (synchronous, so a SIGKILL loses no line already logged), the `ready` line on stdout the
 * orchestrator waits for, and shutdown on SIGTERM/SIGINT: the role's own `stop()` (bounded), then
 * the history is closed and the process exits 0. A role that fails after `ready` (a task threw,
 * a libpcap session died) logs why and exits 1 — the orchestrator reports a process that exited
 * without being killed.
 */
import { pino, type Logger } from 'pino';
import { FileHistory } from '../file-history.ts';
import { LabClock, parseEpochMonoNs } from '../lab-clock.ts';

/** The shared pieces a role is built with. */
export interface RoleRuntime {
  readonly clock: LabClock;
  readonly history: FileHistory;
  readonly log: Logger;
  /** Ends the process with code 1 after logging `error` (a bug or a dead dependency). */
  readonly fail: (what: string, error: unknown) => void;
}

/** A started role. `stop()` is the graceful shutdown (SIGTERM). */
export interface RunningRole {
  stop(): Promise<void>;
}

/** Bound on a role's graceful stop before the process exits anyway. */
export const STOP_TIMEOUT_MS = 15_000;

/** Builds the runtime of a role process from the common config fields. */
export function roleRuntime(role: string, name: string, config: { readonly epochMonoNs: string; readonly historyPath: string }): RoleRuntime {
  const clock = new LabClock(parseEpochMonoNs(config.epochMonoNs));
  const log = pino({ base: { role, name }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
  const history = new FileHistory(config.historyPath, clock);
  const fail = (what: string, error: unknown): void => {
    log.fatal({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, `${what}; exiting`);
    history.close();
    process.exit(1);
  };
  return { clock, history, log, fail };
}

/**
 * Starts the role, prints `ready`, and resolves with the exit code once SIGTERM/SIGINT has stopped
 * it. A failing start rejects (the CLI prints it and exits 2).
 */
export async function serveRole(runtime: RoleRuntime, start: () => Promise<RunningRole> | RunningRole): Promise<number> {
  const running = await start();
  process.stdout.write('ready\n');
  runtime.log.info('ready');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  runtime.log.info({ signal }, 'stopping');
  const stopped = await Promise.race([running.stop().then(() => 'stopped' as const), runtime.clock.sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const)]);
  if (stopped === 'timeout') runtime.log.warn({ limitMs: STOP_TIMEOUT_MS }, 'graceful stop did not finish in time; exiting anyway');
  else runtime.log.info('stopped');
  runtime.history.close();
  return 0;
}
