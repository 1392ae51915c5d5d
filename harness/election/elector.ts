/**
 * One per-service leader election, as Cilium runs it: client-go `leaderelection.RunOrDie` with
 * `ReleaseOnCancel: true` in a per-service goroutine (spec §2.2), written as a {@link Task} so the
 * same code runs on virtual time (`SimTaskRunner`) and on a real API server (`runTask`).
 *
 * - acquire: try at once, then every retryPeriod × U(1, 2.2) (`wait.JitterUntil`, sliding);
 * - renew: every retryPeriod (sliding), each renewal polled every retryPeriod until renewDeadline
 *   (`PollImmediateUntil` on a `renewDeadline` context: rate-limiter waits and responses share it);
 * - tryAcquireOrRenew: optimistic PUT first when `optimisticRenew` (client-go ≥ 0.30), then
 *   GET → CREATE / wait / PUT ({@link decideLease});
 * - on loss or cancel: release (holder "", duration 1 s or configured) — with no deadline, or within
 *   renewDeadline under `releaseBoundedByRenewDeadline` — then `OnStoppedLeading`; a cancel while
 *   acquiring or renewing aborts the Lease request in flight, or, under
 *   `cancelCompletesLeaseRequest`, lets it finish (an acquire that wins is released); under
 *   `releaseRefreshesLease` the release GETs the Lease first;
 * - after a loss: a new term with a fresh elector (Cilium ≥ 1.14.7/1.15) or never again (C02).
 *
 * History: `became-leader` / `lost-leader` (info, with the reason), `released-lease`, `elector-exit`,
 * plus every request via the {@link ApiClient}.
 */
import type { Clock, SleepOutcome } from '../core/clock.ts';
import type { History, HistoryValue } from '../core/history.ts';
import { formatMicroTime } from '../core/micro-time.ts';
import type { ObjectRef, StoreResponse } from '../core/object-store.ts';
import type { Rng } from '../core/rng.ts';
import { sleepEffect, type Task } from '../core/task.ts';
import { JITTER_FACTOR } from '../l2/lease.ts';
import type { StoreError } from '../core/store-errors.ts';
import type { ApiClient } from './api-client.ts';
import { decideRenewFailure, isServerDown, observationAfterOutage } from './api-outage.ts';
import { decideLease, decideOptimisticRenew, decideRelease, freshRecord, isLeader, NO_OBSERVATION, observeWritten, releaseDeadlineMs, type DecideLeaseConfig, type LeaseNow, type LocalObservation } from './decide-lease.ts';
import { resolveElectorConfig, type ElectorConfig, type ElectorOptions } from './elector-config.ts';
import { isLeaseObject, LEASES, newLease, withRecord, type LeaderElectionRecord, type LeaseObject } from './lease-record.ts';

/** Injected ports. `client` is the agent's shared API client (one rate limiter per agent). */
export interface ElectorPorts {
  readonly clock: Clock;
  /** This elector's own stream (jitter draws), e.g. `rng.fork('elector/n1/svc')`. */
  readonly rng: Rng;
  readonly history: History;
  readonly client: ApiClient;
}

/** client-go `LeaderCallbacks` (the agent programs / unprograms the datapath here). */
export interface ElectorCallbacks {
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: () => void;
}

/** Why {@link Elector.run} returned: cancelled, or lost with re-candidacy disabled (C02). */
export type ElectorExit = 'cancelled' | 'lost-not-reacquired';

/** Why a term ended. */
type TermEnd = 'cancelled' | 'renew-failed';

/** A per-service elector. Construct, then run `elector.run(signal)` as a task. */
export class Elector {
  readonly config: ElectorConfig;
  readonly #ports: ElectorPorts;
  readonly #callbacks: ElectorCallbacks;
  readonly #ref: ObjectRef;
  readonly #decide: DecideLeaseConfig;
  #observation: LocalObservation = NO_OBSERVATION;
  /** client-go `LeaseLock.lease`: the last Lease read or written (its resourceVersion is the CAS). */
  #cached: LeaseObject | undefined = undefined;
  #leading = false;
  /** The failure of the last request of the current attempt (`leadThroughApiOutage`, C12). */
  #lastError: StoreError | undefined = undefined;
  /** A read was refused by a down server since the last successful one (`leadThroughApiOutage`). */
  #blind = false;

  /** @throws Error for invalid options (see {@link resolveElectorConfig}). */
  constructor(options: ElectorOptions, ports: ElectorPorts, callbacks: ElectorCallbacks = {}) {
    this.config = resolveElectorConfig(options);
    this.#ports = ports;
    this.#callbacks = callbacks;
    this.#ref = { resource: LEASES, namespace: this.config.namespace, name: this.config.leaseName };
    this.#decide = { leaseDurationSeconds: this.config.leaseDurationSeconds, formatTime: formatMicroTime };
  }

  /** True between `became-leader` and `lost-leader`. */
  get leading(): boolean {
    return this.#leading;
  }

  /**
   * Competes for the lease until `signal` aborts (then releases if leading) or, with
   * `reacquireAfterLoss` off, until the first loss. Runs until cancelled: bounded by its signal in
   * `lab` and by the kernel's limits in `sim`.
   */
  *run(signal: AbortSignal): Task<ElectorExit> {
    // Each turn is one `RunOrDie`: a fresh LeaderElector (nothing observed, no cached lease). Its
    // acquire and renew loops are written inline, not as helper generators, because every effect
    // of the elector is resumed through each generator frame on its stack (a frame less on every
    // effect of every elector: the largest share of a small sim trial's work).
    const { retryPeriodMs, renewDeadlineMs } = this.config.timing;
    const clock = this.#ports.clock;
    // `cancelCompletesLeaseRequest`: a cancel does not abort the attempt in flight (an aborted write
    // may have been applied: an orphaned Lease blocks every candidate for leaseDuration); a Lease
    // an acquire won is released at once instead, and a renewal's attempt ends by itself (its
    // deadline bounds it), so the release that follows knows the resourceVersion it wrote.
    const finishAttempt = this.config.switches.cancelCompletesLeaseRequest === true;
    for (;;) {
      this.#observation = NO_OBSERVATION;
      this.#cached = undefined;
      // acquire: try at once, then every retryPeriod × U(1, 2.2) (`wait.JitterUntil`, sliding).
      let acquired = false;
      for (;;) {
        if (signal.aborted) break;
        const won = yield* this.#tryAcquireOrRenew(undefined, signal, finishAttempt);
        if (won && finishAttempt && signal.aborted) {
          yield* this.#release();
          break;
        }
        if (won) {
          acquired = true;
          break;
        }
        const waitMs = retryPeriodMs * (1 + JITTER_FACTOR * this.#ports.rng.float());
        if (((yield sleepEffect(waitMs, signal)) as SleepOutcome) === 'aborted') break;
      }
      if (!acquired) return this.#exit('cancelled');
      this.#leading = true;
      this.#record('became-leader', { lease: this.config.leaseName });
      this.#callbacks.onStartedLeading?.();
      // renew: every retryPeriod (sliding) until a renewal fails or the signal aborts.
      let ended: TermEnd;
      for (;;) {
        if (signal.aborted) {
          ended = 'cancelled';
          break;
        }
        // One renewal: attempts at start, start + R, start + 2R, … while before start +
        // renewDeadline — at most renewDeadline / retryPeriod + 1 of them (the ticker of
        // PollImmediateUntil).
        const startMs = clock.monotonicMs();
        const deadlineMs = startMs + renewDeadlineMs;
        let renewed = false;
        for (let attempt = 1; ; attempt += 1) {
          renewed = yield* this.#tryAcquireOrRenew(deadlineMs, signal, finishAttempt);
          if (renewed) break;
          const nextMs = startMs + attempt * retryPeriodMs;
          const nowMs = clock.monotonicMs();
          if (signal.aborted || nextMs >= deadlineMs || nowMs >= deadlineMs) break;
          if (nextMs > nowMs && ((yield sleepEffect(nextMs - nowMs, signal)) as SleepOutcome) === 'aborted') break;
        }
        if (!renewed && signal.aborted) {
          ended = 'cancelled';
          break;
        }
        // C12 `leadThroughApiOutage`: a renewal refused by a down server does not end the term.
        if (!renewed && decideRenewFailure(this.#lastError, this.config.switches) === 'stop-leading') {
          ended = 'renew-failed';
          break;
        }
        if (((yield sleepEffect(retryPeriodMs, signal)) as SleepOutcome) === 'aborted') {
          ended = 'cancelled';
          break;
        }
      }
      yield* this.#release();
      this.#leading = false;
      this.#record('lost-leader', { lease: this.config.leaseName, reason: ended });
      this.#callbacks.onStoppedLeading?.();
      if (ended === 'cancelled') return this.#exit('cancelled');
      if (!this.config.switches.reacquireAfterLoss) return this.#exit('lost-not-reacquired');
    }
  }

  /**
   * client-go `tryAcquireOrRenew`; `deadlineMs` undefined = no deadline (the acquire context).
   * `cancel` aborts the request in flight — or, with `finishInFlight` (`cancelCompletesLeaseRequest`),
   * lets it finish and only keeps the next one from being sent.
   */
  *#tryAcquireOrRenew(deadlineMs: number | undefined, cancel: AbortSignal, finishInFlight = false): Task<boolean> {
    const { clock, client } = this.#ports;
    const signal = finishInFlight ? undefined : cancel;
    // `finishInFlight && cancel.aborted` is written out where it is asked, not as a closure: a
    // closure would move this generator's locals into a heap context on every attempt.
    const attemptMs = clock.monotonicMs();
    this.#lastError = undefined;
    const now: LeaseNow = { monotonicMs: attemptMs, wallMs: clock.wallMs(), observedMs: attemptMs };
    const self = this.config.identity;
    if (this.config.switches.optimisticRenew && this.#cached !== undefined) {
      const record = decideOptimisticRenew(this.#observation, self, now, this.#decide);
      // On failure client-go logs "falling back to slow path" and goes on to GET.
      if (record !== undefined && this.#wrote(yield* client.call({ verb: 'update', resource: LEASES, object: withRecord(this.#cached, record) }, { deadlineMs, signal }), record)) return true;
    }
    if (finishInFlight && cancel.aborted) return false;
    const got = yield* client.call({ verb: 'get', ref: this.#ref }, { deadlineMs, signal });
    if (!got.ok) {
      this.#lastError = got.error;
      if (!this.#leading && isServerDown(got.error)) this.#blind = true;
      if (got.error.code !== 'store-not-found' || (finishInFlight && cancel.aborted)) return false;
      const record = freshRecord(self, now, this.#decide);
      return this.#wrote(yield* client.call({ verb: 'create', resource: LEASES, object: newLease(this.#ref.namespace, this.#ref.name, record) }, { deadlineMs, signal }), record);
    }
    if (!isLeaseObject(got.object)) return false;
    this.#cached = got.object;
    if (!this.#leading) this.#observation = observationAfterOutage(this.#observation, this.#blind, this.config.switches);
    this.#blind = false;
    const decision = decideLease(got.object, self, { ...now, observedMs: clock.monotonicMs() }, this.#decide, this.#observation);
    this.#observation = decision.observation;
    if (decision.action !== 'update' || (finishInFlight && cancel.aborted)) return false;
    return this.#wrote(yield* client.call({ verb: 'update', resource: LEASES, object: withRecord(got.object, decision.record) }, { deadlineMs, signal }), decision.record);
  }

  /**
   * After `LeaseLock.Create/Update` of `record` returned `response`: `setObservedRecord` on success.
   * Not a generator: the caller yields the request itself (one frame less on every effect).
   */
  #wrote(response: StoreResponse, record: LeaderElectionRecord): boolean {
    if (!response.ok) this.#lastError = response.error;
    if (!response.ok || !isLeaseObject(response.object)) return false;
    this.#cached = response.object;
    this.#observation = observeWritten(this.#observation, record, this.#ports.clock.monotonicMs());
    return true;
  }

  /**
   * client-go `release`: not cancellable; bounded only by the HTTP timeout (`context.TODO()`), or by
   * renewDeadline from its start under `releaseBoundedByRenewDeadline` — so a leader cut off from
   * the API server stops leading at most 2 × renewDeadline after its failed renewal began. Under
   * `releaseRefreshesLease` it reads the Lease first (its current resourceVersion) and writes only
   * while it still names this node.
   */
  *#release(): Task<void> {
    const clock = this.#ports.clock;
    const record = decideRelease(this.#observation, this.config.identity, clock.wallMs(), { ...this.#decide, releaseSetsOneSecond: this.config.switches.releaseSetsOneSecond });
    if (record === undefined || this.#cached === undefined) return;
    const deadlineMs = releaseDeadlineMs(clock.monotonicMs(), this.config.timing.renewDeadlineMs, this.config.switches.releaseBoundedByRenewDeadline === true);
    let base: LeaseObject = this.#cached;
    if (this.config.switches.releaseRefreshesLease === true) {
      // A renewal aborted by the cancel may have been applied: its resourceVersion is not cached.
      const got = yield* this.#ports.client.call({ verb: 'get', ref: this.#ref }, { deadlineMs });
      if (!got.ok || !isLeaseObject(got.object) || (got.object.spec.holderIdentity ?? '') !== this.config.identity) return;
      base = got.object;
    }
    if (this.#wrote(yield* this.#ports.client.call({ verb: 'update', resource: LEASES, object: withRecord(base, record) }, { deadlineMs }), record)) {
      this.#record('released-lease', { lease: this.config.leaseName, leaseDurationSeconds: record.leaseDurationSeconds });
    }
  }

  #exit(reason: ElectorExit): ElectorExit {
    this.#record('elector-exit', { lease: this.config.leaseName, reason });
    return reason;
  }

  #record(f: string, value: HistoryValue): void {
    this.#ports.history.record({ process: this.config.identity, type: 'info', f, value });
  }

  /** For tests and the agent: is this elector the observed holder right now? */
  observesSelfAsHolder(): boolean {
    return isLeader(this.#observation, this.config.identity);
  }
}
