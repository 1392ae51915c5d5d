/**
 * Runs an iproute2 batch script in one namespace, retrying only transient kernel errors (EBUSY,
 * EAGAIN, ENOBUFS) a bounded number of times. `ip -batch` stops at the first failing line and names
 * it (`Command failed -:7`), so a retry resumes at that line: the lines before it took effect, and
 * re-running them would fail on "File exists".
 */
import type { Clock } from '../../core/clock.ts';
import { ExecError, type LabExec } from './lab-exec.ts';

/** A batch (or other lab command) that failed for good; the message names the netns, the line and the kernel's answer. */
export class LabCommandError extends Error {
  readonly code = 'lab-command';
}

/** Kernel answers worth retrying: another holder of the resource, a full socket buffer. */
const TRANSIENT = /Device or resource busy|Resource temporarily unavailable|No buffer space available/;

/** True for a transient kernel error (`EBUSY`, `EAGAIN`, `ENOBUFS`) in a command's stderr. Pure. */
export function isTransientKernelError(stderr: string): boolean {
  return TRANSIENT.test(stderr);
}

/** The 1-based line `ip -batch` stopped at (`Command failed -:N`), or undefined. Pure. */
export function failedBatchLine(stderr: string): number | undefined {
  const match = /Command failed [^\s:]*:(\d+)/.exec(stderr);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Options of {@link runIpBatch}. */
export interface IpBatchOptions {
  /** The namespace (`ip -n`); undefined = the caller's own (for `netns add`). */
  readonly netns?: string;
  /** What the script does, for messages ("creating the links of run abc123"). */
  readonly action: string;
  readonly clock: Clock;
  /** Attempts in all, for transient errors only; default 4. */
  readonly maxAttempts?: number;
  /** First back-off, doubled per retry; default 20 ms. */
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
}

/**
 * Runs `lines` with `ip [-n netns] -batch -`.
 * @throws LabCommandError naming the action, the netns, the failing line and the kernel's message
 *   (after the last attempt for a transient error, at once otherwise).
 */
export async function runIpBatch(exec: LabExec, lines: readonly string[], options: IpBatchOptions): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 4;
  const where = options.netns === undefined ? '' : ` in netns ${options.netns}`;
  let remaining = [...lines];
  let backoffMs = options.backoffMs ?? 20;
  for (let attempt = 1; remaining.length > 0; attempt += 1) {
    const args = [...(options.netns === undefined ? [] : ['-n', options.netns]), '-batch', '-'];
    try {
      await exec('ip', args, { input: `${remaining.join('\n')}\n`, timeoutMs: options.timeoutMs });
      return;
    } catch (error) {
      const stderr = error instanceof ExecError ? error.stderr : '';
      const lineNo = failedBatchLine(stderr);
      const failed = lineNo === undefined ? undefined : remaining[lineNo - 1];
      const kernel = stderr.trim().split('\n').filter((l) => !l.startsWith('Command failed')).slice(-2).join(' | ') || (error instanceof Error ? error.message : String(error));
      const message = `${options.action}${where}: ${failed === undefined ? 'ip -batch failed' : `'ip ${failed}' failed`}: ${kernel}`;
      if (!isTransientKernelError(stderr) || lineNo === undefined) throw new LabCommandError(message, { cause: error });
      if (attempt >= maxAttempts) throw new LabCommandError(`${message} (transient error, still failing after ${maxAttempts} attempts)`, { cause: error });
      remaining = remaining.slice(lineNo - 1);
      await options.clock.sleep(backoffMs);
      backoffMs *= 2;
    }
  }
}
