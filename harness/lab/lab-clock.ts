/**
 * The lab world's {@link Clock}: every process of a run (agents, datapaths, the operator, probers,
 * the orchestrator) measures monotonic time from one shared epoch, so their history ops merge by
 * `tMs` without any offset bookkeeping. `process.hrtime.bigint()` reads CLOCK_MONOTONIC, which is
 * one clock for the whole host (network namespaces do not virtualise it; time namespaces are not
 * used), so an epoch taken in the orchestrator means the same instant in every child.
 *
 * Wall time stays `Date.now()` (what goes into a Lease's renewTime, as a real agent does). With
 * `harness/core/system-clock.ts`, this is the only module allowed to read ambient time or call
 * `setTimeout`.
 */
import type { Clock, SleepOutcome, TimerHandle } from '../core/clock.ts';
import { SystemClock } from '../core/system-clock.ts';

/** The run epoch as the orchestrator hands it to every process config. */
export interface LabEpoch {
  /** CLOCK_MONOTONIC at the epoch in ns, as decimal text (a bigint does not survive JSON). */
  readonly epochMonoNs: string;
  /** Wall time at the same instant in µs since the Unix epoch (converts pcap timestamps). */
  readonly epochWallUs: number;
}

/** Reads the monotonic and wall clocks back to back: the epoch of a new run. */
export function labEpochNow(): LabEpoch {
  // Date.now() has ms resolution; timeOrigin + now() is the wall clock at µs resolution, so pcap
  // times (wall µs) land on the processes' monotonic scale without a ±1 ms offset.
  const monoNs = process.hrtime.bigint();
  const wallUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return { epochMonoNs: monoNs.toString(), epochWallUs: wallUs };
}

/**
 * Parses an `epochMonoNs` text.
 * @throws RangeError naming the value when it is not a non-negative integer.
 */
export function parseEpochMonoNs(text: string): bigint {
  if (!/^\d{1,20}$/.test(text)) throw new RangeError(`reading the run epoch: epochMonoNs must be a decimal integer of ns, got '${text}'`);
  return BigInt(text);
}

/** Real time measured from a shared run epoch. */
export class LabClock implements Clock {
  readonly #epochMonoNs: bigint;
  /** Timers and sleeps are relative: the system clock's serve as they are. */
  readonly #timers = new SystemClock();

  /** `epochMonoNs`: CLOCK_MONOTONIC (ns) of the run epoch, e.g. from {@link labEpochNow}. */
  constructor(epochMonoNs: bigint) {
    this.#epochMonoNs = epochMonoNs;
  }

  /** Milliseconds since the run epoch (negative only for a clock made with a future epoch). */
  monotonicMs(): number {
    // ns → ms in two steps keeps µs precision without overflowing a double's 2^53 integer range.
    const sinceNs = process.hrtime.bigint() - this.#epochMonoNs;
    return Number(sinceNs / 1000n) / 1000;
  }

  wallMs(): number {
    return Date.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.#timers.setTimer(delayMs, callback);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<SleepOutcome> {
    return this.#timers.sleep(delayMs, signal);
  }
}
