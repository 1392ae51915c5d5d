/**
 * A coalescing wake-up for a task loop: watch callbacks and elector callbacks run outside the
 * loop's task, so they `notify()`, and the loop `wait()`s for a notification or a timeout. Many
 * notifications before the loop looks are one. The wait is a `sleep` effect aborted by the
 * notification, so in `sim` the wake-up is a kernel event at the notifying instant — deterministic.
 */
import { sleepEffect, type Task, WakeSignal } from '../core/task.ts';

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
    if (!this.#pending) {
      this.#signal.reset();
      yield sleepEffect(timeoutMs, this.#signal);
    }
    this.#pending = false;
  }
}
