/**
 * A named, bounded wait: poll a probe until it reports done, a guard reports a fatal condition
 * (such as the server process having exited), or the timeout passes.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** A wait that ran out of time or was cut short. */
export class WaitError extends Error {
  readonly code = 'wait-timeout';
}

/** One probe result: done, or not yet with what was seen last. */
export type ProbeResult = { readonly done: true } | { readonly done: false; readonly last: string };

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Used in messages: "waiting for <what>". */
  readonly what: string;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly probe: () => Promise<ProbeResult>;
  /** Returns a reason to stop waiting at once (checked before each probe). */
  readonly guard?: () => Promise<string | undefined>;
}

/**
 * Polls until done. Resolves with the elapsed milliseconds.
 * @throws WaitError "waiting for <what>: <last seen> after <timeoutMs>ms", or the guard's reason.
 */
export async function waitFor(options: WaitOptions): Promise<number> {
  const start = performance.now();
  let last = 'no answer yet';
  for (;;) {
    const stop = await options.guard?.();
    if (stop !== undefined) throw new WaitError(`waiting for ${options.what}: ${stop}`);
    let result: ProbeResult;
    try {
      result = await options.probe();
    } catch (error) {
      result = { done: false, last: error instanceof Error ? error.message : String(error) };
    }
    const elapsedMs = performance.now() - start;
    if (result.done) return elapsedMs;
    last = result.last;
    if (elapsedMs >= options.timeoutMs) throw new WaitError(`waiting for ${options.what}: ${last} after ${options.timeoutMs}ms`);
    await sleep(Math.min(options.pollMs, Math.max(0, options.timeoutMs - elapsedMs)));
  }
}
