/**
 * The time port. Code under test never reads ambient time or schedules ambient timers: it asks an
 * injected `Clock`, so the same elector runs on virtual time in `sim` and on the system clock in
 * `lab`. Monotonic time (expiry arithmetic, "when did I last see the record change") is kept apart
 * from wall time (what goes into `renewTime`), so the simulator can skew a node's wall clock while
 * its monotonic time stays sane — the property client-go's leader election relies on.
 */

/** A scheduled callback that can be cancelled; cancelling twice, or after it fired, is a no-op. */
export interface TimerHandle {
  cancel(): void;
}

/** How a {@link Clock.sleep} ended: the full delay elapsed, or its signal aborted first. */
export type SleepOutcome = 'elapsed' | 'aborted';

/** Reading and waiting on time. All durations and instants are milliseconds. */
export interface Clock {
  /** Milliseconds since the run started; never decreases. */
  monotonicMs(): number;
  /** Milliseconds since the Unix epoch as this node believes it (may be skewed in `sim`). */
  wallMs(): number;
  /**
   * Calls `callback` once after `delayMs` (≥ 0, finite) of monotonic time.
   * @throws RangeError when `delayMs` is negative or not finite.
   */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  /**
   * Resolves after `delayMs`, or as soon as `signal` aborts (with `'aborted'`; an already aborted
   * signal resolves at once). Never rejects for an abort, so loops can branch on the outcome.
   * @throws RangeError (synchronously) when `delayMs` is negative or not finite.
   */
  sleep(delayMs: number, signal?: AbortSignal): Promise<SleepOutcome>;
}

/** Throws the RangeError every Clock adapter uses for a bad delay, naming the action. */
export function assertDelayMs(action: string, delayMs: number): void {
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`${action}: delay must be a finite number of ms ≥ 0, got ${delayMs}`);
  }
}
