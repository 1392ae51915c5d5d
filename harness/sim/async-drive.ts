/**
 * Drives the kernel for *promise-based* code (the `ObjectStore`/`Clock` ports used with async
 * functions, e.g. `runTask` or an informer): run one event, then let the microtask queue empty
 * before the next one, so every continuation a kernel event unblocked runs at that event's virtual
 * instant. Deterministic because only kernel events resolve sim promises and the queue is fully
 * drained before the next event; the barrier is a macrotask (`setImmediate`), used purely as
 * "the microtask queue is empty" — never to measure or wait for time.
 *
 * This path costs ~1.7 µs per event in barrier overhead (measured); tasks run on
 * `SimTaskRunner`, which needs no draining. Used by tests that prove the promise interpreter and the
 * sim runner behave alike.
 */
import type { RunLimits, RunResult, SimKernel } from './kernel.ts';

/** Resolves once the microtask queue has drained. */
export type MicrotaskBarrier = () => Promise<void>;

/** The default barrier: one macrotask turn. */
export const macrotaskBarrier: MicrotaskBarrier = () => new Promise((resolve) => setImmediate(resolve));

/** Like {@link SimKernel.run}, draining microtasks before the first and after every event. */
export async function driveKernelAsync(kernel: SimKernel, limits: RunLimits, barrier: MicrotaskBarrier = macrotaskBarrier): Promise<RunResult> {
  let events = 0;
  await barrier();
  // Bounded by limits.maxEvents (each turn runs at most one event) and by limits.untilMs; a turn
  // that finds the queue empty ends the drive unless the drained continuations scheduled more.
  for (;;) {
    if (events >= limits.maxEvents) return { stoppedBy: 'event-budget', events, nowMs: kernel.nowMs };
    const step = kernel.run({ untilMs: limits.untilMs, maxEvents: 1 });
    events += step.events;
    await barrier();
    if (step.stoppedBy === 'time-limit') return { stoppedBy: 'time-limit', events, nowMs: kernel.nowMs };
    if (step.stoppedBy === 'idle' && kernel.pendingEvents === 0) return { stoppedBy: 'idle', events, nowMs: kernel.nowMs };
  }
}
