/**
 * Condition types, reasons and messages exactly as Cilium's LB-IPAM writes them (spec §5.5). The
 * type names changed from `io.cilium/…` (1.13/1.14) to `cilium.io/…`; the profile picks the set.
 * Messages are Cilium's own strings so `check` output matches `kubectl describe`.
 */
import type { IpamSwitches } from '../profiles/profile.ts';

/** A Kubernetes status condition, minus the bookkeeping fields (time, generation). */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

/** §5.5: condition type names per naming generation. */
export interface ConditionTypeNames {
  readonly requestSatisfied: string;
  readonly poolConflict: string;
  readonly ipsTotal: string;
  readonly ipsAvailable: string;
  readonly ipsUsed: string;
}

const NAMES: Readonly<Record<IpamSwitches['conditionNames'], ConditionTypeNames>> = {
  'io.cilium': {
    requestSatisfied: 'io.cilium/lb-ipam-request-satisfied',
    poolConflict: 'io.cilium/conflict',
    ipsTotal: 'io.cilium/ips-total',
    ipsAvailable: 'io.cilium/ips-available',
    ipsUsed: 'io.cilium/ips-used',
  },
  'cilium.io': {
    requestSatisfied: 'cilium.io/IPAMRequestSatisfied',
    poolConflict: 'cilium.io/PoolConflict',
    ipsTotal: 'cilium.io/IPsTotal',
    ipsAvailable: 'cilium.io/IPsAvailable',
    ipsUsed: 'cilium.io/IPsUsed',
  },
};

/** §5.5: the condition type names the profile's Cilium writes. */
export function conditionTypeNames(switches: IpamSwitches): ConditionTypeNames {
  return NAMES[switches.conditionNames];
}

/** §5.5: service condition reasons (the sharing one comes from the profile). */
export const REASON_SATISFIED = 'satisfied';
export const REASON_NO_POOL = 'no_pool';
export const REASON_POOL_SELECTOR_MISMATCH = 'pool_selector_mismatch';
export const REASON_OUT_OF_IPS = 'out_of_ips';
export const REASON_ALREADY_ALLOCATED = 'already_allocated';

/** A service's failed (or last failed) request, before it becomes a condition. */
export interface RequestFailure {
  readonly reason: string;
  readonly message: string;
}

/** Cilium's messages for each failure, keyed by situation. */
export const failureMessages = {
  noPoolForIp: (ip: string): RequestFailure => ({
    reason: REASON_NO_POOL,
    message: `No pool exists with a CIDR containing '${ip}'`,
  }),
  poolSelectorMismatch: (ip: string): RequestFailure => ({
    reason: REASON_POOL_SELECTOR_MISMATCH,
    message: `The pool with the CIDR containing '${ip}', doesn't select this service`,
  }),
  alreadyAllocated: (ip: string): RequestFailure => ({
    reason: REASON_ALREADY_ALLOCATED,
    message: `The IP '${ip}' is already allocated to another service`,
  }),
  incompatible: (ip: string, why: string, switches: IpamSwitches): RequestFailure => ({
    reason: switches.incompatibleSharingReason,
    message: `The IP '${ip}' is already allocated to an incompatible service. Reason: ${why}`,
  }),
  noPool: (): RequestFailure => ({
    reason: REASON_NO_POOL,
    message: 'There are no enabled CiliumLoadBalancerIPPools that match this service',
  }),
  outOfIps: (): RequestFailure => ({
    reason: REASON_OUT_OF_IPS,
    message: 'All enabled CiliumLoadBalancerIPPools that match this service ran out of allocatable IPs',
  }),
};

/** §5.5: the service condition: True/`satisfied`, or False with the last failure. */
export function requestSatisfiedCondition(switches: IpamSwitches, failure: RequestFailure | undefined): Condition {
  const type = conditionTypeNames(switches).requestSatisfied;
  return failure === undefined
    ? { type, status: 'True', reason: REASON_SATISFIED, message: '' }
    : { type, status: 'False', reason: failure.reason, message: failure.message };
}

/** §5.5: pool conditions: PoolConflict, then the three counters (Unknown/`noreason`/decimal). */
export function poolConditions(
  switches: IpamSwitches,
  conflictMessage: string | undefined,
  counts: { readonly total: bigint; readonly available: bigint; readonly used: bigint },
): Condition[] {
  const names = conditionTypeNames(switches);
  const conflict: Condition =
    conflictMessage === undefined
      ? { type: names.poolConflict, status: 'False', reason: 'resolved', message: '' }
      : { type: names.poolConflict, status: 'True', reason: 'cidr_overlap', message: conflictMessage };
  const counter = (type: string, value: bigint): Condition => ({ type, status: 'Unknown', reason: 'noreason', message: value.toString(10) });
  return [
    conflict,
    counter(names.ipsTotal, counts.total),
    counter(names.ipsAvailable, counts.available),
    counter(names.ipsUsed, counts.used),
  ];
}
