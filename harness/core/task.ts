/**
 * Tasks: how long-running agent code (elector loops, lease GC) waits, so that ONE implementation
 * runs on virtual time in `sim` and on real time and a real API server in `lab`.
 *
 * A task is a generator that *yields effects* — "sleep this long", "send this API request" — and
 * is resumed with their results. It never awaits a promise itself. An interpreter performs the
 * effects: `SimTaskRunner` (harness/sim) schedules them on the simulation kernel and resumes the
 * generator synchronously from a kernel event, with no microtasks involved, so a run is
 * deterministic by construction and costs a function call per effect; {@link runTask}
 * (run-task.ts) performs them on the {@link Clock} and {@link ObjectStore} ports with ordinary
 * promises. Synchronous reads (clock time, rng draws, history records) are plain calls on injected
 * ports — only waiting is an effect. docs/architecture.md records why (vs. promise code drained by
 * the kernel).
 *
 * Write effects with `yield*`, which keeps result types: `const outcome = yield* sleep(ms, signal)`.
 */
import { assertDelayMs, type Clock, type SleepOutcome } from './clock.ts';
import type { ObjectStore, StoreRequest, StoreResponse } from './object-store.ts';

/** Wait `delayMs` of monotonic time, or until `signal` aborts. Resumed with a {@link SleepOutcome}. */
export interface SleepEffect {
  readonly kind: 'sleep';
  readonly delayMs: number;
  readonly signal: AbortSignal | WakeSignal | undefined;
}

/** Told synchronously when a {@link WakeSignal} it watches fires. */
export interface WakeWatcher {
  wakeFired(signal: WakeSignal): void;
}

/**
 * A resettable abort source for sleeps, cheaper than an `AbortController` per wake-up (an
 * EventTarget, an `Event` per abort and a listener per fresh signal were ~5 % of a sim trial):
 * `fire()` marks it aborted and tells its watchers synchronously, in the order they started
 * watching — as an AbortSignal's 'abort' listeners — and `reset()` re-arms it for the next wait.
 * Interpreters watch it while a sleep is in flight; `runTask` bridges it to an AbortSignal.
 */
export class WakeSignal {
  #aborted = false;
  readonly #watchers = new Set<WakeWatcher>();

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Aborts (no-op when already aborted) and tells every watcher, which then stop watching. */
  fire(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    if (this.#watchers.size === 0) return;
    const fired = [...this.#watchers];
    this.#watchers.clear();
    for (const watcher of fired) watcher.wakeFired(this);
  }

  /** Re-arms an aborted signal. Only between waits: a sleep watching it must not be in flight. */
  reset(): void {
    this.#aborted = false;
  }

  watch(watcher: WakeWatcher): void {
    this.#watchers.add(watcher);
  }

  unwatch(watcher: WakeWatcher): void {
    this.#watchers.delete(watcher);
  }
}

/**
 * Send one API request as `identity` and wait at most `timeoutMs` for the response. Resumed with a
 * {@link StoreResponse}; no response in time → `TimeoutError('deadline')`, aborted →
 * `TimeoutError('aborted')` (both: outcome unknown).
 */
export interface RequestEffect {
  readonly kind: 'request';
  readonly request: StoreRequest;
  readonly identity: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Everything a task may wait on. */
export type Effect = SleepEffect | RequestEffect;
/** What an interpreter resumes a task with. */
export type EffectResult = SleepOutcome | StoreResponse;
/** A resumable computation returning `T`. */
export type Task<T> = Generator<Effect, T, EffectResult>;

/**
 * Sleeps `delayMs` (≥ 0). Returns `'aborted'` early when `signal` aborts.
 * @throws RangeError for a negative or non-finite delay (when the task is stepped).
 */
export function* sleep(delayMs: number, signal?: AbortSignal | WakeSignal): Task<SleepOutcome> {
  return (yield sleepEffect(delayMs, signal)) as SleepOutcome;
}

/**
 * The effect {@link sleep} yields, for hot loops that yield it themselves —
 * `(yield sleepEffect(ms, signal)) as SleepOutcome` — and so create and resume one generator less
 * per wait (the elector sleeps between every attempt).
 * @throws RangeError for a negative or non-finite delay.
 */
export function sleepEffect(delayMs: number, signal?: AbortSignal | WakeSignal): SleepEffect {
  assertDelayMs('sleep effect', delayMs);
  return { kind: 'sleep', delayMs, signal };
}

/** Options of {@link sendRequest}. */
export interface SendOptions {
  readonly identity: string;
  /** Response timeout, > 0. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Sends `request` and returns its response (never throws for API failures: they are data).
 * @throws RangeError for a non-positive timeout (when the task is stepped).
 */
export function* sendRequest(request: StoreRequest, options: SendOptions): Task<StoreResponse> {
  if (!(options.timeoutMs > 0)) throw new RangeError(`sending ${request.verb}: timeoutMs must be > 0, got ${options.timeoutMs}`);
  return (yield { kind: 'request', request, identity: options.identity, timeoutMs: options.timeoutMs, signal: options.signal }) as StoreResponse;
}

/** The ports {@link runTask} performs effects on. */
export interface TaskPorts {
  readonly clock: Clock;
  readonly store: ObjectStore;
}
