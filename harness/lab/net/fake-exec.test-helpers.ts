/**
 * A recording {@link LabExec} for unit tests: every call is kept (file, args, stdin), and a
 * responder decides each outcome (default: success with empty output).
 */
import { ExecError, type ExecResult, type LabExec } from './lab-exec.ts';

/** One recorded call. */
export interface ExecCall {
  readonly file: string;
  readonly args: readonly string[];
  readonly input: string | undefined;
}

/** A failure as `ip`/`tc`/`nft` would report it. */
export function execFailure(stderr: string): ExecError {
  return new ExecError(`command failed: ${stderr.trim()}`, stderr);
}

/** A fake exec and its call log; `respond` returns stdout, or throws to fail the call. */
export function fakeExec(respond: (call: ExecCall, index: number) => string | undefined = () => undefined): { exec: LabExec; calls: ExecCall[] } {
  const calls: ExecCall[] = [];
  const exec: LabExec = (file, args, options) => {
    const call = { file, args: [...args], input: options?.input };
    calls.push(call);
    try {
      const stdout = respond(call, calls.length - 1) ?? '';
      return Promise.resolve<ExecResult>({ stdout, stderr: '' });
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return { exec, calls };
}
