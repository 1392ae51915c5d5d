/**
 * The lab's command runner: `ip`, `nft`, `tc`, `sysctl`, with a script on standard input
 * (`ip -batch -`, `nft -f -`). The control plane's `Exec` cannot feed stdin, hence this superset;
 * unit tests inject a recording fake instead.
 */
import { spawn } from 'node:child_process';
import { ExecError, type ExecResult } from '../../control-plane/exec.ts';

export { ExecError, type ExecResult };

/** Options of one command. */
export interface LabExecOptions {
  /** Killed (SIGKILL) after this long; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  readonly input?: string;
}

/** Runs `file args`; resolves when it exits 0, rejects with {@link ExecError} (stderr kept) otherwise. */
export type LabExec = (file: string, args: readonly string[], options?: LabExecOptions) => Promise<ExecResult>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** Output kept per stream; iproute2 and nft print little, a runaway command must not fill memory. */
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

/** The real {@link LabExec}, over `child_process.spawn`. */
export const labExec: LabExec = (file, args, options) =>
  new Promise((resolvePromise, reject) => {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const what = `running ${file} ${args.join(' ')}`.slice(0, 200);
    const child = spawn(file, [...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT_CHARS) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT_CHARS) stderr += chunk;
    });
    // A command that exits before reading its input closes the pipe; the exit code tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options?.input ?? '');
    child.once('error', (error) => {
      const how = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : error.message;
      reject(new ExecError(`${what}: ${how}`, stderr, { cause: error }));
    });
    child.once('close', (code, signal) => {
      if (code === 0) {
        resolvePromise({ stdout, stderr });
        return;
      }
      const how = signal !== null ? `killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}` : `exit ${String(code)}`;
      const detail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new ExecError(`${what}: ${how}${detail ? `: ${detail}` : ''}`, stderr));
    });
  });
