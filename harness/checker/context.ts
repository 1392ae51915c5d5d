/**
 * The static facts checkers need beyond the history: effective lease timings, the topology's
 * interfaces (MAC → node, which interfaces the policy selects) and the bounds each invariant
 * allows. Everything that changes during a run (expectations, service IPs, pools, faults) is in
 * the history instead, so checkers stay `(history, context) → result`.
 */
import { JITTER_FACTOR, type LeaseTiming } from '../l2/lease.ts';
import type { LeaseLoadInput } from '../l2/lease-load.ts';

/** One node interface on an L2 segment. */
export interface TopologyInterface {
  readonly node: string;
  readonly iface: string;
  readonly mac: string;
  /** The segment (bridge) it is attached to; undefined when unknown (cluster world). */
  readonly segment?: string;
  /** Selected for announcements by the active policies' interface patterns. */
  readonly announce: boolean;
}

/** Bounds of the invariants, in ms (see {@link resolveBounds} for the defaults and why). */
export interface CheckBounds {
  /** Time from becoming leader to answering on the wire (datapath programming). */
  readonly programmingDelayMs: number;
  /** INV-ONE-RESPONDER: how long two MACs may both answer for one IP. */
  readonly overlapMs: number;
  /** INV-FAILOVER-BOUND: holder death → a GARP/reply from a new MAC. */
  readonly failoverMs: number;
  /** INV-REACQUIRE: how long a lease that should be held may stay without a live holder. */
  readonly reacquireMs: number;
  /** INV-NEW-IP-ANNOUNCED: new ingress IP → answered on the wire. */
  readonly newIpMs: number;
  /** INV-HOLDER-ELIGIBLE: an ineligible holder must have given the lease up after this. */
  readonly eligibleGraceMs: number;
  /** INV-HOLDER-ANSWERS: how long an ex-holder's datapath may still answer (liveness cutoff). */
  readonly exHolderQuietMs: number;
  /** INV-HOLDER-ANSWERS: a request to a settled, healthy holder is answered within this. */
  readonly replyWindowMs: number;
  /** INV-LEASE-SCOPE: a deselected service's leader may renew for this long before it releases. */
  readonly deselectGraceMs: number;
  /**
   * How far two ops from different sources may be out of order: a GARP is on the wire after its
   * sender's `became-leader`, but the wire's time (pcap wall µs mapped onto the run clock in `lab`;
   * `tUs / 1000` float rounding in `sim`) can put it a hair before.
   */
  readonly clockSkewMs: number;
  /**
   * How late the model's ops (`announce-expected`, `service-ips`) may trail what an agent already
   * acted on. 0 in `sim` (the observer sees each commit as it is applied); in `lab` the observer is
   * one more watcher of the real API server, so an agent can see a change — and take a Lease for a
   * service that just got its IP — a few tens of ms before the model records it.
   */
  readonly observerLagMs: number;
  /**
   * INV-REACQUIRE's API-outage variant (C12, M09): for this long into an outage of the API server
   * (for everyone), a service with an eligible node that runs is still owed a live holder. 0 (the
   * default): an outage exempts, as the invariant is stated ("while … the API server is
   * reachable"); a scenario sets it to demand that announcements survive a control-plane outage.
   */
  readonly outageSurvivalMs: number;
}

/** What the lease-load checker compares against. */
export interface LeaseLoadExpectation {
  readonly input: LeaseLoadInput;
  /** Relative tolerance per verb (0.05 = 5 %). Default 0.1. */
  readonly tolerance?: number;
  /** Measurement window; defaults: from first op + 2 × leaseDuration, to the first nemesis op or the end. */
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Static scenario facts for checkers. */
export interface CheckContext {
  /** Effective lease timings (after `correctLeaseTiming`). */
  readonly timing: LeaseTiming;
  readonly interfaces?: readonly TopologyInterface[];
  readonly bounds?: Partial<CheckBounds>;
  readonly leaseLoad?: LeaseLoadExpectation;
}

/**
 * Bounds with defaults:
 * - programming delay 1 s (bug catalog INV-HOLDER-ANSWERS "≤ 1 s");
 * - overlap = renewDeadline + retryPeriod + programming delay: a frozen holder thawed after a
 *   takeover still believes it leads and its datapath answers (liveness stamp fresh again) until
 *   its renew loop gives up — up to renewDeadline, the loop waking up to retryPeriod late;
 * - failover = leaseDuration + renewDeadline + 2.2 × retryPeriod (INV-FAILOVER-BOUND: docs
 *   maximum plus client-go's candidate poll jitter);
 * - reacquire = the same (a lease expires leaseDuration after the last renew, which is at most
 *   renewDeadline before the holder gave up; a candidate then needs one jittered poll);
 * - new IP 5 s (INV-NEW-IP-ANNOUNCED);
 * - eligible grace = programming delay + retryPeriod (deselection cancels the elector);
 * - ex-holder quiet = leaseDuration + programming delay (the datapath's liveness cutoff);
 * - reply window 1 s; deselect grace = eligible grace;
 * - clock skew 5 ms between sources (pcap wall time vs the processes' monotonic clock in `lab`);
 * - outage survival 0: an API outage exempts INV-REACQUIRE unless a scenario asks otherwise.
 */
export function resolveBounds(context: CheckContext): CheckBounds {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = context.timing;
  const programmingDelayMs = context.bounds?.programmingDelayMs ?? 1_000;
  const takeoverMs = leaseDurationMs + renewDeadlineMs + (1 + JITTER_FACTOR) * retryPeriodMs;
  const eligibleGraceMs = context.bounds?.eligibleGraceMs ?? programmingDelayMs + retryPeriodMs;
  return {
    programmingDelayMs,
    overlapMs: renewDeadlineMs + retryPeriodMs + programmingDelayMs,
    failoverMs: takeoverMs,
    reacquireMs: takeoverMs,
    newIpMs: 5_000,
    eligibleGraceMs,
    exHolderQuietMs: leaseDurationMs + programmingDelayMs,
    replyWindowMs: 1_000,
    deselectGraceMs: eligibleGraceMs,
    clockSkewMs: 5,
    observerLagMs: 0,
    outageSurvivalMs: 0,
    ...context.bounds,
  };
}
