/**
 * The one way this module runs short-lived commands (openssl, ip, ss): an injected {@link Exec},
 * so unit tests can record the commands instead of running them.
 */
import { execFile } from 'node:child_process';

/** Result of a finished command. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file args` and resolves when it exits 0; rejects with {@link ExecError} otherwise. */
export type Exec = (file: string, args: readonly string[], options?: { readonly timeoutMs?: number; readonly cwd?: string }) => Promise<ExecResult>;

/** A command that failed, was killed by its timeout or could not start. */
export class ExecError extends Error {
  readonly code = 'exec-failed';
  readonly stderr: string;

  constructor(message: string, stderr: string, options?: { cause?: unknown }) {
    super(message, options);
    this.stderr = stderr;
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The real {@link Exec}, over `child_process.execFile` with a timeout (default 30 s). */
export const systemExec: Exec = (file, args, options) =>
  new Promise((resolvePromise, reject) => {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    execFile(file, [...args], { timeout: timeoutMs, cwd: options?.cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const how = error.killed ? `killed after ${timeoutMs}ms` : (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : `exit ${String(error.code)}`;
        const detail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new ExecError(`running ${file} ${args.slice(0, 3).join(' ')}…: ${how}${detail ? `: ${detail}` : ''}`, stderr, { cause: error }));
      } else {
        resolvePromise({ stdout, stderr });
      }
    });
  });
