/**
 * The promise interpreter of {@link Task}s: performs each effect on the {@link Clock} and
 * {@link ObjectStore} ports and resumes the generator with the result. This is how the elector runs
 * in `lab` (SystemClock + KubeObjectStore); `sim` uses `SimTaskRunner`, which is faster and needs
 * no microtask draining.
 */
import type { Clock, SleepOutcome } from './clock.ts';
import { performRequest, type StoreResponse } from './object-store.ts';
import { TimeoutError } from './store-errors.ts';
import { type EffectResult, type RequestEffect, type Task, type TaskPorts, WakeSignal } from './task.ts';

/**
 * Runs `task` to completion. Rejects only when the task itself throws (a bug) — API failures reach
 * the task as data. If the task throws, it has already unwound its `finally` blocks.
 */
export async function runTask<T>(task: Task<T>, ports: TaskPorts): Promise<T> {
  let step = task.next();
  // Bounded by the task: each turn performs one effect the task yielded.
  while (!step.done) {
    const effect = step.value;
    let result: EffectResult;
    if (effect.kind === 'sleep') result = effect.signal instanceof WakeSignal ? await sleepUntilWoken(ports.clock, effect.delayMs, effect.signal) : await ports.clock.sleep(effect.delayMs, effect.signal);
    else result = await performWithTimeout(effect, ports);
    step = task.next(result);
  }
  return step.value;
}

/** A sleep on a {@link WakeSignal}, bridged to the clock's AbortSignal for the one wait. */
async function sleepUntilWoken(clock: Clock, delayMs: number, signal: WakeSignal): Promise<SleepOutcome> {
  if (signal.aborted) return 'aborted';
  const controller = new AbortController();
  const watcher = { wakeFired: (): void => controller.abort() };
  signal.watch(watcher);
  try {
    return await clock.sleep(delayMs, controller.signal);
  } finally {
    signal.unwatch(watcher);
  }
}

async function performWithTimeout(effect: RequestEffect, ports: TaskPorts): Promise<StoreResponse> {
  const timeout = new AbortController();
  const timer = ports.clock.setTimer(effect.timeoutMs, () => timeout.abort());
  const signal = effect.signal === undefined ? timeout.signal : AbortSignal.any([effect.signal, timeout.signal]);
  try {
    const response = await performRequest(ports.store, effect.request, { identity: effect.identity, signal });
    if (!response.ok && response.error instanceof TimeoutError && timeout.signal.aborted) {
      return { ok: false, error: deadlineError(effect, ports.clock) };
    }
    return response;
  } finally {
    timer.cancel();
  }
}

function deadlineError(effect: RequestEffect, clock: Clock): TimeoutError {
  return new TimeoutError(`${effect.request.verb} as ${effect.identity}: no response within ${effect.timeoutMs}ms (at ${clock.monotonicMs().toFixed(0)}ms)`, 'deadline');
}
