/**
 * Elector configuration, resolved and validated once at construction: Cilium's silent lease-timing
 * corrections (spec §2.1, `correctLeaseTiming`) are applied — the emulator must time out exactly as
 * the agent would — but kept in the config, never hidden, and the client-go invariant
 * leaseDuration > renewDeadline > 1.2 × retryPeriod is asserted on the result.
 */
import { correctLeaseTiming, JITTER_FACTOR, type LeaseTiming, type LeaseTimingCorrection } from '../l2/lease.ts';
import type { L2Switches } from '../profiles/profile.ts';

/**
 * The profile switches the elector branches on (spec §2.2, C02, §4). `releaseBoundedByRenewDeadline`,
 * `cancelCompletesLeaseRequest`, `releaseRefreshesLease` and `leadThroughApiOutage` may be left out (then false, as in every
 * Cilium profile), so
 * election-only worlds and benches that predate it keep their meaning.
 */
export type ElectorSwitches = Pick<L2Switches, 'optimisticRenew' | 'reacquireAfterLoss' | 'releaseSetsOneSecond'> & Partial<Pick<L2Switches, 'releaseBoundedByRenewDeadline' | 'cancelCompletesLeaseRequest' | 'releaseRefreshesLease' | 'leadThroughApiOutage'>>;

/** What a caller specifies. */
export interface ElectorOptions {
  /** Namespace of the Lease (Cilium's namespace, usually kube-system). */
  readonly namespace: string;
  readonly leaseName: string;
  /** holderIdentity: the node name. */
  readonly identity: string;
  /** Helm lease timings; missing fields take Cilium's defaults (15 s / 5 s / 2 s). */
  readonly timing?: Partial<LeaseTiming>;
  readonly switches: ElectorSwitches;
}

/** The resolved configuration. */
export interface ElectorConfig {
  readonly namespace: string;
  readonly leaseName: string;
  readonly identity: string;
  /** Effective timings after Cilium's corrections. */
  readonly timing: LeaseTiming;
  /** Corrections Cilium applied to the given timings (empty when they were valid). */
  readonly corrections: readonly LeaseTimingCorrection[];
  /** Written into the Lease: floor(leaseDuration / 1 s). */
  readonly leaseDurationSeconds: number;
  readonly switches: ElectorSwitches;
}

/**
 * Resolves and validates elector options.
 * @throws Error naming the field when a name is empty, or when the corrected timings still break
 * client-go's invariant (which would be a bug in the correction rules).
 */
export function resolveElectorConfig(options: ElectorOptions): ElectorConfig {
  for (const field of ['namespace', 'leaseName', 'identity'] as const) {
    if (options[field].trim() === '') throw new Error(`configuring a leader elector: ${field} must not be empty`);
  }
  const corrected = correctLeaseTiming(options.timing);
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = corrected.effective;
  if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > JITTER_FACTOR * retryPeriodMs)) {
    throw new Error(
      `configuring the leader elector for ${options.leaseName}: need leaseDuration > renewDeadline > ${JITTER_FACTOR} × retryPeriod, ` +
        `got ${leaseDurationMs}/${renewDeadlineMs}/${retryPeriodMs} ms after corrections`,
    );
  }
  return {
    namespace: options.namespace,
    leaseName: options.leaseName,
    identity: options.identity,
    timing: corrected.effective,
    corrections: corrected.corrections,
    leaseDurationSeconds: corrected.leaseDurationSeconds,
    switches: options.switches,
  };
}
