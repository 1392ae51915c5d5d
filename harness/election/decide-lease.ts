/**
 * client-go's leader-election decisions as pure functions (`tools/leaderelection`,
 * `tryAcquireOrRenew`; spec §2.2), in the kwok style: state in, decision out, table-tested.
 *
 * The key rule: a candidate never trusts the timestamps inside the Lease. It remembers when it
 * *itself* last saw the record change (`observedAtMs`, on its own monotonic clock) and considers
 * the lease valid for `leaseDurationSeconds` (the value stored in the record) after that. So clock
 * skew between nodes does not matter, and a takeover happens about one lease duration after the
 * holder's last renewal *was observed*, at the candidate's next jittered poll.
 */
import type { LeaderElectionRecord, LeaseObject } from './lease-record.ts';
import { recordFromLease, sameRecord } from './lease-record.ts';

/** What one elector remembers between attempts (client-go `observedRecord/RawRecord/Time`). */
export interface LocalObservation {
  /** Last record read or successfully written; undefined before the first. */
  readonly record: LeaderElectionRecord | undefined;
  /** The last record *read* (client-go `observedRawRecord`); own writes do not update it. */
  readonly read: LeaderElectionRecord | undefined;
  /** Monotonic ms when `record` was last set. */
  readonly observedAtMs: number;
}

/** A fresh elector's observation (client-go zero values: nothing observed, never valid). */
export const NO_OBSERVATION: LocalObservation = { record: undefined, read: undefined, observedAtMs: Number.NEGATIVE_INFINITY };

/** The instants of one attempt. */
export interface LeaseNow {
  /** Monotonic ms when the attempt started (client-go `now`, used for validity). */
  readonly monotonicMs: number;
  /** Wall ms when the attempt started (written as renewTime/acquireTime). */
  readonly wallMs: number;
  /** Monotonic ms when the GET returned (client-go `setObservedRecord` time). */
  readonly observedMs: number;
}

/** Static inputs of the decision. */
export interface DecideLeaseConfig {
  /** Written into records we write: floor(leaseDuration / 1 s). */
  readonly leaseDurationSeconds: number;
  /** Formats wall ms as MicroTime (injected so the decision stays pure and testable). */
  readonly formatTime: (wallMs: number) => string;
}

/** Outcome of {@link decideLease}. */
export type LeaseDecision =
  | { readonly action: 'create'; readonly record: LeaderElectionRecord; readonly observation: LocalObservation }
  | { readonly action: 'update'; readonly kind: 'renew' | 'takeover'; readonly record: LeaderElectionRecord; readonly observation: LocalObservation }
  | { readonly action: 'wait'; readonly holder: string; readonly observation: LocalObservation };

/** client-go `IsLeader`: the last observed holder is us. */
export function isLeader(observation: LocalObservation, self: string): boolean {
  return observation.record !== undefined && observation.record.holderIdentity === self;
}

/** client-go `isLeaseValid`: observed less than the stored duration ago. */
export function isLeaseValid(observation: LocalObservation, nowMs: number): boolean {
  const durationS = observation.record?.leaseDurationSeconds ?? 0;
  return observation.observedAtMs + durationS * 1000 > nowMs;
}

/**
 * Step 1 of `tryAcquireOrRenew` (client-go ≥ 0.30): a leader whose lease is still valid in its own
 * view writes a renewal without reading first. Returns the record to write, or undefined when the
 * fast path does not apply.
 */
export function decideOptimisticRenew(observation: LocalObservation, self: string, now: LeaseNow, config: DecideLeaseConfig): LeaderElectionRecord | undefined {
  const old = observation.record;
  if (old === undefined || old.holderIdentity !== self || !isLeaseValid(observation, now.monotonicMs)) return undefined;
  const time = config.formatTime(now.wallMs);
  return { holderIdentity: self, leaseDurationSeconds: config.leaseDurationSeconds, acquireTime: old.acquireTime, renewTime: time, leaderTransitions: old.leaderTransitions };
}

/**
 * Steps 2–4 of `tryAcquireOrRenew`, after the GET: `observed` is the Lease read, or undefined for
 * 404. Absent → create with us as holder. Record changed since we last read it → re-observe now.
 * Held by someone else and still valid in our view → wait. Otherwise write us as holder: a renewal
 * keeps acquireTime and transitions, a takeover bumps transitions.
 */
export function decideLease(observed: LeaseObject | undefined, self: string, now: LeaseNow, config: DecideLeaseConfig, local: LocalObservation): LeaseDecision {
  if (observed === undefined) return { action: 'create', record: freshRecord(self, now, config), observation: local };

  const read = recordFromLease(observed);
  const observation = local.read !== undefined && sameRecord(read, local.read) ? local : { record: read, read, observedAtMs: now.observedMs };
  if (read.holderIdentity !== '' && isLeaseValid(observation, now.monotonicMs) && !isLeader(observation, self)) {
    return { action: 'wait', holder: read.holderIdentity, observation };
  }
  // The time is formatted only here, for a record we write: most reads end in `wait`.
  const time = config.formatTime(now.wallMs);
  const { leaseDurationSeconds } = config;
  if (isLeader(observation, self)) {
    return { action: 'update', kind: 'renew', record: { holderIdentity: self, leaseDurationSeconds, acquireTime: read.acquireTime, renewTime: time, leaderTransitions: read.leaderTransitions }, observation };
  }
  return { action: 'update', kind: 'takeover', record: { holderIdentity: self, leaseDurationSeconds, acquireTime: time, renewTime: time, leaderTransitions: read.leaderTransitions + 1 }, observation };
}

/** The record a new holder writes (client-go's default `leaderElectionRecord`): us, now, 0 transitions. */
export function freshRecord(self: string, now: LeaseNow, config: DecideLeaseConfig): LeaderElectionRecord {
  const time = config.formatTime(now.wallMs);
  return { holderIdentity: self, leaseDurationSeconds: config.leaseDurationSeconds, acquireTime: time, renewTime: time, leaderTransitions: 0 };
}

/** client-go `setObservedRecord` after a successful write of `record` at `nowMs`. */
export function observeWritten(local: LocalObservation, record: LeaderElectionRecord, nowMs: number): LocalObservation {
  return { record, read: local.read, observedAtMs: nowMs };
}

/**
 * client-go `release`: the record a leader writes to give the lease up — empty holder, renew and
 * acquire time now, transitions kept, and `leaseDurationSeconds` 1 (newer client-go) or the
 * configured value (older; spec §2.2). Undefined when we are not the observed leader (nothing to do).
 */
export function decideRelease(local: LocalObservation, self: string, wallMs: number, config: DecideLeaseConfig & { readonly releaseSetsOneSecond: boolean }): LeaderElectionRecord | undefined {
  if (!isLeader(local, self) || local.record === undefined) return undefined;
  const time = config.formatTime(wallMs);
  return {
    holderIdentity: '',
    leaseDurationSeconds: config.releaseSetsOneSecond ? 1 : config.leaseDurationSeconds,
    acquireTime: time,
    renewTime: time,
    leaderTransitions: local.record.leaderTransitions,
  };
}

/**
 * The deadline of client-go's `release` write, monotonic ms: none (`context.TODO()`: only the HTTP
 * timeout ends it) or renewDeadline from its start (`releaseBoundedByRenewDeadline`).
 */
export function releaseDeadlineMs(startMs: number, renewDeadlineMs: number, bounded: boolean): number | undefined {
  return bounded ? startMs + renewDeadlineMs : undefined;
}
