/**
 * The per-service announce Lease (spec §2): its name, the name collision plain concatenation
 * allows, and the lease timings after Cilium's silent corrections (§2.1), with the failover window
 * they imply (§2.2, INV-FAILOVER-BOUND).
 *
 * Cilium checks the three durations in `leaseTimings()` before each election starts and replaces
 * bad values with a logged warning only — the user's Helm values stay as written, so `check` shows
 * the corrections explicitly.
 */
import type { Service } from '../model/types.ts';

/** Prefix of every announce Lease; the lease GC deletes holderless leases with this prefix. */
export const LEASE_PREFIX = 'cilium-l2announce';

/** `cilium-l2announce-<namespace>-<name>` (plain concatenation, as Cilium's `newLeaseLock`). */
export function leaseName(namespace: string, name: string): string {
  return `${LEASE_PREFIX}-${namespace}-${name}`;
}

/** Services whose lease names are equal, so they would share (and fight over) one Lease. */
export interface LeaseNameCollision {
  readonly leaseName: string;
  /** `namespace/name` of every colliding service, sorted. */
  readonly services: readonly string[];
}

/**
 * Finds lease-name collisions (spec §2 [inference]): `a-b`/`c` and `a`/`b-c` both become
 * `cilium-l2announce-a-b-c`. Two such services elect through one Lease, so one of them is never
 * announced by its own leader. The same service listed twice is not a collision. Results are
 * sorted by lease name.
 */
export function findLeaseNameCollisions(services: readonly Pick<Service, 'namespace' | 'name'>[]): LeaseNameCollision[] {
  const byLease = new Map<string, Set<string>>();
  for (const svc of services) {
    const lease = leaseName(svc.namespace, svc.name);
    const set = byLease.get(lease) ?? new Set<string>();
    set.add(`${svc.namespace}/${svc.name}`);
    byLease.set(lease, set);
  }
  return [...byLease.entries()]
    .filter(([, set]) => set.size > 1)
    .map(([lease, set]) => ({ leaseName: lease, services: [...set].sort() }))
    .sort((a, b) => (a.leaseName < b.leaseName ? -1 : a.leaseName > b.leaseName ? 1 : 0));
}

/** Lease timings in milliseconds (Helm `l2announcements.lease*`). */
export interface LeaseTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** Cilium agent flag defaults (spec §2.1): 15 s / 5 s / 2 s. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 };

/** client-go `leaderelection.JitterFactor`, not configurable. */
export const JITTER_FACTOR = 1.2;

/** Stable ids of the rules in Cilium's `leaseTimings()`, in the order Cilium applies them. */
export type LeaseTimingRule =
  | 'not-a-number'
  | 'lease-duration-below-1s'
  | 'renew-deadline-below-1ns'
  | 'retry-period-below-1ns'
  | 'lease-duration-not-above-renew-deadline'
  | 'renew-deadline-not-above-jittered-retry-period';

/** One silent correction Cilium applies. */
export interface LeaseTimingCorrection {
  readonly field: keyof LeaseTiming;
  readonly fromMs: number;
  readonly toMs: number;
  readonly rule: LeaseTimingRule;
  /** Cilium's warning, paraphrased. */
  readonly message: string;
}

/** Result of {@link correctLeaseTiming}. */
export interface CorrectedLeaseTiming {
  /** What the agent actually uses. */
  readonly effective: LeaseTiming;
  /** In the order Cilium applies them; empty when the input is already valid. */
  readonly corrections: readonly LeaseTimingCorrection[];
  /** `leaseDurationSeconds` written into the Lease: floor(effective duration / 1 s). */
  readonly leaseDurationSeconds: number;
}

const NS_PER_MS = 1_000_000;
const toNs = (ms: number): number => Math.trunc(ms * NS_PER_MS);
const toMs = (ns: number): number => ns / NS_PER_MS;

/**
 * Applies Cilium's lease-timing validation (spec §2.1) exactly, in Go's integer-nanosecond
 * arithmetic: duration < 1 s → 1 s; renewDeadline < 1 ns → 1 s; retryPeriod < 1 ns → 200 ms;
 * duration ≤ renewDeadline → renewDeadline = duration / 2; renewDeadline ≤ 1.2 × retryPeriod →
 * retryPeriod = renewDeadline / 2. (Cilium checks retryPeriod < 1 ns before the ratio rules; the
 * result equals the spec's listing order because the rules touch disjoint fields until the last.)
 * Missing fields take the defaults (15 s / 5 s / 2 s) without a correction; non-finite values
 * (which Cilium's flag parser would refuse) are replaced by the default and reported as
 * `not-a-number`. Never throws.
 */
export function correctLeaseTiming(input: Partial<LeaseTiming> = {}): CorrectedLeaseTiming {
  const corrections: LeaseTimingCorrection[] = [];
  const read = (field: keyof LeaseTiming): number => {
    const raw = input[field];
    if (raw === undefined) return toNs(DEFAULT_LEASE_TIMING[field]);
    if (!Number.isFinite(raw)) {
      corrections.push({ field, fromMs: raw, toMs: DEFAULT_LEASE_TIMING[field], rule: 'not-a-number', message: `${field} is not a finite duration; using the default` });
      return toNs(DEFAULT_LEASE_TIMING[field]);
    }
    return toNs(raw);
  };
  let durationNs = read('leaseDurationMs');
  let renewNs = read('renewDeadlineMs');
  let retryNs = read('retryPeriodMs');
  const fix = (field: keyof LeaseTiming, fromNs: number, toNsValue: number, rule: LeaseTimingRule, message: string): number => {
    corrections.push({ field, fromMs: toMs(fromNs), toMs: toMs(toNsValue), rule, message });
    return toNsValue;
  };

  if (durationNs < 1_000 * NS_PER_MS) {
    durationNs = fix('leaseDurationMs', durationNs, 1_000 * NS_PER_MS, 'lease-duration-below-1s', 'lease duration must be at least 1s; Cilium uses 1s');
  }
  if (renewNs < 1) {
    renewNs = fix('renewDeadlineMs', renewNs, 1_000 * NS_PER_MS, 'renew-deadline-below-1ns', 'renew deadline must be positive; Cilium uses 1s');
  }
  if (retryNs < 1) {
    retryNs = fix('retryPeriodMs', retryNs, 200 * NS_PER_MS, 'retry-period-below-1ns', 'retry period must be positive; Cilium uses 200ms');
  }
  if (durationNs <= renewNs) {
    renewNs = fix('renewDeadlineMs', renewNs, Math.trunc(durationNs / 2), 'lease-duration-not-above-renew-deadline', 'lease duration must exceed the renew deadline; Cilium uses duration/2');
  }
  // Go: time.Duration(JitterFactor * float64(retryPeriod)) — float product truncated to ns.
  if (renewNs <= Math.trunc(JITTER_FACTOR * retryNs)) {
    retryNs = fix('retryPeriodMs', retryNs, Math.trunc(renewNs / 2), 'renew-deadline-not-above-jittered-retry-period', 'renew deadline must exceed 1.2 × retry period; Cilium uses renewDeadline/2');
  }
  const effective = { leaseDurationMs: toMs(durationNs), renewDeadlineMs: toMs(renewNs), retryPeriodMs: toMs(retryNs) };
  return { effective, corrections, leaseDurationSeconds: Math.floor(durationNs / (1_000 * NS_PER_MS)) };
}

/** How long a takeover takes after the holder dies, by two models (spec §2.2, INV-FAILOVER-BOUND). */
export interface FailoverWindow {
  /** Cilium docs: leaseDuration − renewDeadline. */
  readonly docsMinMs: number;
  /** Cilium docs: leaseDuration + renewDeadline. */
  readonly docsMaxMs: number;
  /**
   * client-go: a candidate takes over at its first poll at least `leaseDurationSeconds` after it
   * last saw the record change; polls come every U(1, 2.2) × retryPeriod. Bound measured from
   * that observation: stored lease duration + 2.2 × retryPeriod.
   */
  readonly afterLastObservedChangeMaxMs: number;
  /**
   * From the holder's death: the last renew was < retryPeriod earlier, so the earliest takeover is
   * just over stored duration − retryPeriod (never negative).
   */
  readonly fromHolderDeathMinMs: number;
  /**
   * From the holder's death: the candidate may see the last renew up to 2.2 × retryPeriod late,
   * then needs the stored duration and one more poll: duration + 4.4 × retryPeriod.
   */
  readonly fromHolderDeathMaxMs: number;
}

/**
 * The failover window for effective timings (run {@link correctLeaseTiming} first). The code-level
 * model uses the duration stored in the Lease (whole seconds), which newer client-go candidates
 * compare against; it equals the configured duration when that is a whole number of seconds.
 */
export function failoverWindow(effective: LeaseTiming): FailoverWindow {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = effective;
  const storedMs = Math.floor(leaseDurationMs / 1_000) * 1_000;
  const pollMaxMs = (1 + JITTER_FACTOR) * retryPeriodMs;
  return {
    docsMinMs: leaseDurationMs - renewDeadlineMs,
    docsMaxMs: leaseDurationMs + renewDeadlineMs,
    afterLastObservedChangeMaxMs: storedMs + pollMaxMs,
    fromHolderDeathMinMs: Math.max(0, storedMs - retryPeriodMs),
    fromHolderDeathMaxMs: storedMs + 2 * pollMaxMs,
  };
}

/** The fields a leader writes when it releases a Lease on cancel (spec §2.2). */
export interface ReleasedLeaseSpec {
  readonly holderIdentity: '';
  readonly leaseDurationSeconds: number;
}

/**
 * What a released Lease looks like (client-go `ReleaseOnCancel`): an empty holder, and a duration
 * of 1 s in newer client-go (`profile.l2.releaseSetsOneSecond`, Cilium ≥ 1.16) so that others
 * take over after about a second; older client-go keeps the configured duration, so others wait
 * a full lease duration after the release.
 */
export function releasedLeaseSpec(configuredLeaseDurationSeconds: number, releaseSetsOneSecond: boolean): ReleasedLeaseSpec {
  return { holderIdentity: '', leaseDurationSeconds: releaseSetsOneSecond ? 1 : configuredLeaseDurationSeconds };
}
