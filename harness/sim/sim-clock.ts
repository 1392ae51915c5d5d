/**
 * The {@link Clock} port on the simulation kernel's virtual time. Each simulated node gets its own
 * SimClock over the shared kernel: monotonic time is the kernel's time (every node agrees, as real
 * monotonic clocks agree on rate), wall time adds a per-node offset so a scenario can skew one
 * node's `renewTime` stamps without touching expiry arithmetic (client-go trusts only local
 * observation times — spec §2.2).
 *
 * `sleep` returns a promise resolved by a kernel event; promise-based code on a SimClock must be
 * driven with `driveKernelAsync` (async-drive.ts). Tasks use `SimTaskRunner` instead.
 */
import { assertDelayMs, type Clock, type SleepOutcome, type TimerHandle } from '../core/clock.ts';
import type { SimKernel } from './kernel.ts';

/** Options of {@link SimClock}. */
export interface SimClockOptions {
  /** Wall time at virtual 0 (epoch ms). Default 2026-01-01T00:00:00Z. */
  readonly wallStartMs?: number;
  /** This node's wall-clock error, added to wall time. Default 0. */
  readonly wallOffsetMs?: number;
}

/** Default wall time of virtual 0: 2026-01-01T00:00:00Z, so histories are byte-stable. */
export const SIM_WALL_START_MS = 1_767_225_600_000;

/** Virtual-time clock of one simulated node. */
export class SimClock implements Clock {
  readonly #kernel: SimKernel;
  readonly #wallStartMs: number;
  #wallOffsetMs: number;

  constructor(kernel: SimKernel, options: SimClockOptions = {}) {
    this.#kernel = kernel;
    this.#wallStartMs = options.wallStartMs ?? SIM_WALL_START_MS;
    this.#wallOffsetMs = options.wallOffsetMs ?? 0;
  }

  monotonicMs(): number {
    return this.#kernel.nowMs;
  }

  wallMs(): number {
    return this.#wallStartMs + this.#kernel.nowMs + this.#wallOffsetMs;
  }

  /** Steps this node's wall clock (a nemesis "clock jump"); monotonic time is unaffected. */
  setWallOffsetMs(offsetMs: number): void {
    if (!Number.isFinite(offsetMs)) throw new RangeError(`setting a sim wall-clock offset: ${offsetMs} is not finite`);
    this.#wallOffsetMs = offsetMs;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    assertDelayMs('SimClock.setTimer', delayMs);
    return this.#kernel.after(delayMs, callback, 'timer');
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<SleepOutcome> {
    assertDelayMs('SimClock.sleep', delayMs);
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      // As everywhere in the sim, an abort takes effect in a new kernel event at the current instant.
      const onAbort = (): void => {
        event.cancel();
        this.#kernel.after(0, () => resolve('aborted'), 'sleep-abort');
      };
      const event = this.#kernel.after(
        delayMs,
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve('elapsed');
        },
        'sleep',
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
