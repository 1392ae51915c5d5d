/**
 * A coalescing wake-up for a task loop: watch callbacks and elector callbacks run outside the
 * loop's task, so they `notify()`, and the loop `wait()`s for a notification or a timeout. Many
 * notifications before the loop looks are one. The wait is a `sleep` effect aborted by the
 * notification, so in `sim` the wake-up is a kernel event at the notifying instant — deterministic.
 */
import { type SleepEffect, sleepEffect, type Task, WakeSignal } from '../core/task.ts';

/** A level-triggered, coalescing wake-up. */
export class Wakeup {
  // One re-armed WakeSignal rather than an AbortController per wake-up (an EventTarget, an Event
  // per abort, a listener per fresh signal: ~5 % of a sim trial).
  readonly #signal = new WakeSignal();
  #pending = false;

  /** Wakes the waiting loop (or makes its next `wait` return at once). */
  notify(): void {
    this.#pending = true;
    this.#signal.fire();
  }

  /** True when a notification is waiting to be consumed. */
  get pending(): boolean {
    return this.#pending;
  }

  /** Waits until notified or `timeoutMs` (≥ 0) passed; consumes the notification. */
  *wait(timeoutMs: number): Task<void> {
    const effect = this.sleepFor(timeoutMs);
    if (effect !== undefined) yield effect;
    this.consume();
  }

  /**
   * {@link wait} for a loop that yields the effect itself (one generator less per turn): the sleep
   * to yield — until notified or `timeoutMs` (≥ 0) passed — or undefined when a notification is
   * already pending. Call {@link consume} once it returns.
   */
  sleepFor(timeoutMs: number): SleepEffect | undefined {
    if (this.#pending) return undefined;
    this.#signal.reset();
    return sleepEffect(timeoutMs, this.#signal);
  }

  /** Consumes the pending notification (after {@link sleepFor}'s effect, or instead of it). */
  consume(): void {
    this.#pending = false;
  }
}
