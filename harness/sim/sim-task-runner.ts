/**
 * Runs {@link Task}s on the simulation kernel: the generator is resumed synchronously from the
 * kernel event that completes its effect (a sleep's timer, a response from the {@link SimApiServer},
 * a timeout, an abort), so the interleaving of all tasks is exactly the kernel's (atMs, seq) order —
 * no promises, no microtask queue, nothing the JavaScript engine could reorder.
 *
 * `kill()` models a crashed process: the generator is dropped without running its `finally`
 * blocks (a killed agent does not release its leases); in-flight requests still reach the server.
 */
import type { SleepOutcome } from '../core/clock.ts';
import type { StoreResponse } from '../core/object-store.ts';
import { TimeoutError } from '../core/store-errors.ts';
import { type EffectResult, type RequestEffect, type SleepEffect, sleepEffect, type Task, WakeSignal, type WakeWatcher } from '../core/task.ts';
import type { KernelEvent, KernelEventTarget, SimKernel } from './kernel.ts';
import type { ResponseWaiter, SimApiServer } from './sim-api-server.ts';

/** Lifecycle of a spawned task. */
export type SimTaskState = 'running' | 'done' | 'killed';

/** A task running in the simulation. */
export interface SimTaskHandle<T> {
  readonly name: string;
  readonly state: SimTaskState;
  /** The task's return value once `state === 'done'`. */
  readonly result: T | undefined;
  /** Crash the task now: nothing of it runs again. Idempotent. */
  kill(): void;
}

/**
 * A process-wide stop switch (SIGSTOP, `FreezeGate`): while `frozen`, a task that completed an
 * effect is not resumed; its result is held until `thawSignal` aborts (the thaw).
 */
export interface HoldGate {
  readonly frozen: boolean;
  /** Aborts at the next thaw; undefined when not frozen. */
  readonly thawSignal: AbortSignal | undefined;
}

/** Longest single hold; a held task re-checks its gate after it (keeps every wait finite). */
const HOLD_MS = 3_600_000;

/** Spawns tasks whose effects are performed by the kernel and the simulated API server. */
export class SimTaskRunner {
  readonly #kernel: SimKernel;
  readonly #server: SimApiServer;
  readonly #abortWatchers = new AbortWatchTable();

  constructor(kernel: SimKernel, server: SimApiServer) {
    this.#kernel = kernel;
    this.#server = server;
  }

  /**
   * Starts `task` in a kernel event at the current instant (so spawning never runs user code
   * re-entrantly). A task that throws fails the kernel run with the task's name in the message.
   * With `gate`, the task is not resumed while the gate is frozen (its node is stopped).
   */
  spawn<T>(name: string, task: Task<T>, gate?: HoldGate): SimTaskHandle<T> {
    const process = new SimProcess<T>(name, task, this.#kernel, this.#server, this.#abortWatchers, gate);
    this.#kernel.after(0, () => process.resume(undefined), `spawn ${name}`);
    return process;
  }
}

class SimProcess<T> implements SimTaskHandle<T>, WakeWatcher, ResponseWaiter, KernelEventTarget {
  readonly name: string;
  state: SimTaskState = 'running';
  result: T | undefined = undefined;
  readonly #task: Task<T>;
  readonly #kernel: SimKernel;
  readonly #server: SimApiServer;
  readonly #abortWatchers: AbortWatchTable;
  readonly #gate: HoldGate | undefined;
  /** While a hold (a sleep until the thaw) is in flight: the result the task will be resumed with. */
  #holding = false;
  #heldInput: EffectResult | undefined = undefined;
  /** Incremented per effect; a completion carrying an older token is stale and ignored. */
  #token = 0;
  #pending: KernelEvent | undefined = undefined;
  /**
   * The request in flight whose timeout is not scheduled yet (its response is due first): the
   * timeout's instant and reserved kernel sequence, scheduled only if the response is lost.
   */
  #lazyTimeout: RequestEffect | undefined = undefined;
  #lazyTimeoutAtMs = 0;
  #lazyTimeoutSeq = 0;
  /** The signal of the effect in flight (if any) and, for a request, the effect (abort result). */
  #abortSignal: AbortSignal | WakeSignal | undefined = undefined;
  #abortRequest: RequestEffect | undefined = undefined;
  /** Kernel-event labels, built once per task rather than once per event. */
  readonly #sleepLabel: string;
  readonly #timeoutLabel: string;
  readonly #abortLabel: string;
  /** The watcher set of the last AbortSignal watched (most tasks reuse one signal for every effect). */
  #lastSignal: AbortSignal | undefined = undefined;
  #lastWatchers: AbortWaiters | undefined = undefined;
  /** Links of the {@link AbortWaiters} list this process is on (at most one: one effect in flight). */
  waitList: AbortWaiters | undefined = undefined;
  waitPrev: SimProcess<unknown> | undefined = undefined;
  waitNext: SimProcess<unknown> | undefined = undefined;

  constructor(name: string, task: Task<T>, kernel: SimKernel, server: SimApiServer, abortWatchers: AbortWatchTable, gate: HoldGate | undefined) {
    this.name = name;
    this.#gate = gate;
    this.#task = task;
    this.#kernel = kernel;
    this.#server = server;
    this.#abortWatchers = abortWatchers;
    this.#sleepLabel = `sleep ${name}`;
    this.#timeoutLabel = `timeout ${name}`;
    this.#abortLabel = `abort ${name}`;
  }

  kill(): void {
    if (this.state !== 'running') return;
    this.state = 'killed';
    this.#settle();
  }

  /** Steps the generator until it yields an effect that must wait. */
  resume(input: EffectResult | undefined): void {
    let next: EffectResult | undefined = input;
    if (this.#holding) {
      // A hold ended (thaw, or HOLD_MS elapsed): the task gets the result it was held with.
      this.#holding = false;
      next = this.#heldInput;
      this.#heldInput = undefined;
    }
    // Bounded by the task: every turn either parks on a kernel event or returns; effects whose
    // signal is already aborted complete in place, as in client-go.
    while (this.state === 'running') {
      const gate = this.#gate;
      if (gate !== undefined && gate.frozen) {
        // Held in the runner rather than by a wrapping generator: one generator frame less on
        // every effect of every task of a node that can be frozen.
        const hold = sleepEffect(HOLD_MS, gate.thawSignal);
        if (hold.signal?.aborted) continue;
        this.#holding = true;
        this.#heldInput = next;
        this.#sleep(hold);
        return;
      }
      let step: IteratorResult<unknown, T>;
      try {
        step = next === undefined ? this.#task.next() : this.#task.next(next);
      } catch (error) {
        this.state = 'killed';
        throw new Error(`sim task ${this.name} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (step.done === true) {
        this.state = 'done';
        this.result = step.value;
        return;
      }
      const effect = step.value as SleepEffect | RequestEffect;
      if (effect.signal?.aborted) {
        next = effect.kind === 'sleep' ? 'aborted' : failure(abortedError(effect));
        continue;
      }
      if (effect.kind === 'sleep') this.#sleep(effect);
      else this.#request(effect);
      return;
    }
  }

  #sleep(effect: SleepEffect): void {
    const token = ++this.#token;
    this.#pending = this.#kernel.schedule(this.#kernel.nowMs + effect.delayMs, this, token);
    this.#watchAbort(effect.signal, undefined);
  }

  #request(effect: RequestEffect): void {
    const token = ++this.#token;
    const responseAtMs = this.#server.send(effect.request, effect.identity, this, token);
    const timeoutAtMs = this.#kernel.nowMs + effect.timeoutMs;
    if (responseAtMs !== undefined && responseAtMs < timeoutAtMs) {
      // The response beats the timeout unless a partition drops it: the timeout is scheduled then
      // (onLost), in the kernel slot it would have had now — so the run is event for event the same.
      this.#lazyTimeout = effect;
      this.#lazyTimeoutAtMs = timeoutAtMs;
      this.#lazyTimeoutSeq = this.#kernel.reserveSeq();
    } else {
      this.#pending = this.#kernel.after(effect.timeoutMs, () => this.#timedOut(token, effect), this.#timeoutLabel);
    }
    this.#watchAbort(effect.signal, effect);
  }

  /** The timer of sleep `token` fired (the process is its own timer target: no closure per sleep). */
  onKernelEvent(token: number): void {
    this.#complete(token, 'elapsed');
  }

  /** Name of this task's sleep timers, for kernel error messages. */
  get eventLabel(): string {
    return this.#sleepLabel;
  }

  onResponse(token: number, response: StoreResponse): void {
    this.#complete(token, response);
  }

  onLost(token: number): void {
    const effect = this.#lazyTimeout;
    if (token !== this.#token || this.state !== 'running' || effect === undefined) return;
    this.#lazyTimeout = undefined;
    this.#pending = this.#kernel.atReserved(this.#lazyTimeoutAtMs, this.#lazyTimeoutSeq, () => this.#timedOut(token, effect), this.#timeoutLabel);
  }

  #timedOut(token: number, effect: RequestEffect): void {
    this.#complete(token, failure(new TimeoutError(`${effect.request.verb} as ${effect.identity}: no response within ${effect.timeoutMs}ms`, 'deadline')));
  }

  /** Watches `signal` for the effect in flight (`request` undefined: a sleep); see {@link AbortWatchTable}. */
  #watchAbort(signal: AbortSignal | WakeSignal | undefined, request: RequestEffect | undefined): void {
    if (signal === undefined) return;
    this.#abortSignal = signal;
    this.#abortRequest = request;
    if (signal instanceof WakeSignal) signal.watch(this);
    else this.#watchersOf(signal).add(this as SimProcess<unknown>);
  }

  #watchersOf(signal: AbortSignal): AbortWaiters {
    if (signal !== this.#lastSignal || this.#lastWatchers === undefined) {
      this.#lastSignal = signal;
      this.#lastWatchers = this.#abortWatchers.of(signal);
    }
    return this.#lastWatchers;
  }

  /** A {@link WakeSignal} fired: the same as an abort. */
  wakeFired(signal: WakeSignal): void {
    this.abortFired(signal);
  }

  /** On abort, completes the effect in a new kernel event at the current instant (fixed order). */
  abortFired(signal: AbortSignal | WakeSignal): void {
    if (signal !== this.#abortSignal) return;
    const token = this.#token;
    const request = this.#abortRequest;
    this.#kernel.after(0, () => this.#complete(token, request === undefined ? ('aborted' satisfies SleepOutcome) : failure(abortedError(request))), this.#abortLabel);
  }

  #complete(token: number, result: EffectResult): void {
    if (token !== this.#token || this.state !== 'running') return;
    this.#settle();
    this.resume(result);
  }

  #settle(): void {
    this.#token += 1;
    this.#pending?.cancel();
    this.#pending = undefined;
    this.#lazyTimeout = undefined;
    if (this.#abortSignal !== undefined) {
      if (this.#abortSignal instanceof WakeSignal) this.#abortSignal.unwatch(this);
      else this.#watchersOf(this.#abortSignal).remove(this as SimProcess<unknown>);
      this.#abortSignal = undefined;
      this.#abortRequest = undefined;
    }
  }
}

/**
 * The processes waiting on one AbortSignal, oldest first: an intrusive doubly-linked list through
 * the processes themselves (a Set's add and delete per effect reallocated its table whenever it
 * emptied — a few % of a small trial's allocations).
 */
class AbortWaiters {
  head: SimProcess<unknown> | undefined = undefined;
  tail: SimProcess<unknown> | undefined = undefined;

  /** Appends `process` (no-op when it already waits here, as Set.add). */
  add(process: SimProcess<unknown>): void {
    if (process.waitList === this) return;
    process.waitList = this;
    process.waitPrev = this.tail;
    process.waitNext = undefined;
    if (this.tail === undefined) this.head = process;
    else this.tail.waitNext = process;
    this.tail = process;
  }

  remove(process: SimProcess<unknown>): void {
    if (process.waitList !== this) return;
    const { waitPrev, waitNext } = process;
    if (waitPrev === undefined) this.head = waitNext;
    else waitPrev.waitNext = waitNext;
    if (waitNext === undefined) this.tail = waitPrev;
    else waitNext.waitPrev = waitPrev;
    process.waitList = undefined;
    process.waitPrev = undefined;
    process.waitNext = undefined;
  }

  /** Empties the list, returning its processes oldest first. */
  drain(): SimProcess<unknown>[] {
    const out: SimProcess<unknown>[] = [];
    // Bounded by the list: each step unlinks one process.
    for (let process = this.head; process !== undefined; ) {
      const next: SimProcess<unknown> | undefined = process.waitNext;
      process.waitList = undefined;
      process.waitPrev = undefined;
      process.waitNext = undefined;
      out.push(process);
      process = next;
    }
    this.head = undefined;
    this.tail = undefined;
    return out;
  }
}

/**
 * One real 'abort' listener per signal, fanning out to the processes whose effect in flight waits
 * on it, in the order they started waiting — the order add/removeEventListener per effect gave,
 * without EventTarget's cost (it was ~8 % of a lease-load run). A process leaves the list when its
 * effect settles and re-enters at the end with its next effect, as a re-added listener would.
 *
 * One table per runner (per world), not per module: V8's young-generation collector treats a
 * WeakMap's values as strong, so a module-wide table (long since in the old generation) kept every
 * finished world reachable — through its signals' waiter lists — from each scavenge until the next
 * full collection: every world of a run of trials was copied and promoted, the largest GC cost.
 */
class AbortWatchTable {
  readonly #bySignal = new WeakMap<AbortSignal, AbortWaiters>();

  /** The waiters of `signal`, with its one 'abort' listener added on first use. */
  of(signal: AbortSignal): AbortWaiters {
    let watchers = this.#bySignal.get(signal);
    if (watchers === undefined) {
      const created = new AbortWaiters();
      watchers = created;
      this.#bySignal.set(signal, created);
      signal.addEventListener(
        'abort',
        () => {
          for (const process of created.drain()) process.abortFired(signal);
        },
        { once: true },
      );
    }
    return watchers;
  }
}

function failure(error: TimeoutError): StoreResponse {
  return { ok: false, error };
}

function abortedError(effect: RequestEffect): TimeoutError {
  return new TimeoutError(`${effect.request.verb} as ${effect.identity}: aborted by the caller`, 'aborted');
}
