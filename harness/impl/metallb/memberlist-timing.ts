/**
 * hashicorp/memberlist's failure-detection arithmetic (v0.5.1 `util.go` `suspicionTimeout`,
 * `suspicion.go` `remainingSuspicionTime`, `state.go` `suspectNode`), pure, with the LAN figures of
 * `MEMBERLIST_LAN` (probe interval 1 s, probe timeout 500 ms, suspicion multiplier 4, maximum 6×,
 * gossip interval 200 ms; peers-and-numbers §1.6). Used by the sim's gossip model and to express a
 * MetalLB failover bound in the checkers' lease-timing terms.
 */
import type { LeaseTiming } from '../../l2/lease.ts';
import type { MemberlistTimings } from '../../profiles/metallb-switches.ts';

/**
 * The minimum suspicion timeout for a cluster of `members`: SuspicionMult × max(1, log10 n) ×
 * ProbeInterval, truncated to whole ms (memberlist `suspicionTimeout`). 4 s for n < 10 on LAN
 * defaults, matching #2009's log (4 s from "suspect" to "marking as failed").
 */
export function suspicionMinMs(members: number, timings: MemberlistTimings): number {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, members)));
  return Math.floor(timings.suspicionMult * nodeScale * timings.probeIntervalMs);
}

/**
 * Independent confirmations that shorten a suspicion to its minimum (`k = SuspicionMult − 2`, forced
 * to 0 when `n − 2 < k`, so clusters of fewer than 4 members always wait the minimum).
 */
export function suspicionConfirmationsNeeded(members: number, timings: MemberlistTimings): number {
  const k = timings.suspicionMult - 2;
  return members - 2 < k ? 0 : k;
}

/**
 * How long a suspicion raised in a cluster of `members` lasts after `confirmations` other members
 * independently suspected the same node: from max = SuspicionMaxTimeoutMult × min down to min, on
 * a log scale (memberlist `remainingSuspicionTime`, elapsed not subtracted). With k = 0 the minimum.
 */
export function suspicionTimeoutMs(members: number, confirmations: number, timings: MemberlistTimings): number {
  const minMs = suspicionMinMs(members, timings);
  const k = suspicionConfirmationsNeeded(members, timings);
  if (k < 1) return minMs;
  const maxMs = timings.suspicionMaxTimeoutMult * minMs;
  const fraction = Math.log(Math.min(confirmations, k) + 1) / Math.log(k + 1);
  return Math.max(minMs, Math.floor(maxMs - fraction * (maxMs - minMs)));
}

/**
 * The longest a crashed member stays in a survivor's view. Each survivor probes the n − 1 others
 * round-robin, so the first probe of the dead member starts within (n − 1) probe intervals and
 * fails one interval later; every survivor has suspected it another n − 1 intervals on (the
 * confirmations that bring a suspicion down to its minimum when n ≥ 4); it is dead at the later of
 * the minimum suspicion timeout and that last confirmation; one gossip interval for the dead
 * message. 7.2 s for three LAN nodes (3 s + 4 s + 0.2 s; MetalLB layer2.md: "a few seconds").
 */
export function detectionBoundMs(members: number, timings: MemberlistTimings): number {
  const firstSuspectMs = members * timings.probeIntervalMs;
  const confirmedMs = suspicionConfirmationsNeeded(members, timings) === 0 ? 0 : (members - 1) * timings.probeIntervalMs;
  return firstSuspectMs + Math.max(suspicionMinMs(members, timings), confirmedMs) + timings.gossipIntervalMs;
}

/**
 * MetalLB has no Lease; the checkers' bounds are written in lease timings (failover ≤ leaseDuration
 * + renewDeadline + 2.2 × retryPeriod, ex-holder quiet after leaseDuration + 1 s). This expresses a
 * MetalLB cluster in those terms: "lease duration" = {@link detectionBoundMs}, "renew deadline" =
 * one probe interval (a speaker re-decides within a probe round of a view change), "retry period"
 * = the gossip interval. The failover bound is then detection + 1.44 s: 8.64 s for three LAN nodes.
 */
export function metallbCheckTiming(members: number, timings: MemberlistTimings): LeaseTiming {
  return { leaseDurationMs: detectionBoundMs(members, timings), renewDeadlineMs: timings.probeIntervalMs, retryPeriodMs: timings.gossipIntervalMs };
}
