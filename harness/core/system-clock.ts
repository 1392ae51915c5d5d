/**
 * The real-time adapter of the {@link Clock} port: the only module in l2lab allowed to read
 * `Date.now`, `performance.now` or to call `setTimeout` (style anchors §9 rule 2). Used by the `lab`
 * and `cluster` worlds; `sim` uses `SimClock`.
 */
import { assertDelayMs, type Clock, type SleepOutcome, type TimerHandle } from './clock.ts';

/** System time: monotonic from `performance.now()` relative to construction, wall from `Date.now()`. */
export class SystemClock implements Clock {
  readonly #startPerfMs: number;

  constructor() {
    this.#startPerfMs = performance.now();
  }

  monotonicMs(): number {
    return performance.now() - this.#startPerfMs;
  }

  wallMs(): number {
    return Date.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    assertDelayMs('SystemClock.setTimer', delayMs);
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<SleepOutcome> {
    assertDelayMs('SystemClock.sleep', delayMs);
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve('aborted');
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve('elapsed');
      }, delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
