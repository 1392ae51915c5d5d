/**
 * The Lease object (`coordination.k8s.io/v1`) and client-go's view of it, the
 * `LeaderElectionRecord`: absent fields read as Go zero values, and the record's serialised form is
 * what a candidate compares to notice "the record changed" (client-go `observedRawRecord`). Pure.
 */
import type { KubeObject } from '../core/object-store.ts';

/** API version and plural resource of Leases. */
export const LEASE_API_VERSION = 'coordination.k8s.io/v1';
export const LEASES = 'leases';

/** `spec` of a Lease (times are MicroTime strings). */
export interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

/** A Lease as the API server stores it. */
export interface LeaseObject extends KubeObject {
  readonly kind: 'Lease';
  readonly spec: LeaseSpec;
}

/** client-go `LeaderElectionRecord`: the Lease spec with Go zero values for absent fields. */
export interface LeaderElectionRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** MicroTime text, or '' (zero time). */
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaderTransitions: number;
}

/** True when `object` is a Lease (kind check; the store is generic). */
export function isLeaseObject(object: KubeObject | undefined): object is LeaseObject {
  return object !== undefined && object.kind === 'Lease' && typeof object.spec === 'object' && object.spec !== null;
}

/** `LeaseSpecToLeaderElectionRecord`. */
export function recordFromLease(lease: LeaseObject): LeaderElectionRecord {
  const spec = lease.spec;
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime ?? '',
    renewTime: spec.renewTime ?? '',
    leaderTransitions: spec.leaseTransitions ?? 0,
  };
}

/** `LeaderElectionRecordToLeaseSpec` (zero times are omitted, as Go serialises them as null). */
export function leaseSpecFromRecord(record: LeaderElectionRecord): LeaseSpec {
  // Both times set (every record but a zero one): one literal, the same keys in the same order.
  if (record.acquireTime !== '' && record.renewTime !== '') {
    return { holderIdentity: record.holderIdentity, leaseDurationSeconds: record.leaseDurationSeconds, acquireTime: record.acquireTime, renewTime: record.renewTime, leaseTransitions: record.leaderTransitions };
  }
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    ...(record.acquireTime === '' ? {} : { acquireTime: record.acquireTime }),
    ...(record.renewTime === '' ? {} : { renewTime: record.renewTime }),
    leaseTransitions: record.leaderTransitions,
  };
}

/**
 * Change detection (client-go compares the records' JSON bytes): equal in every field. Compared
 * field by field rather than through a joined key text, which built and flattened an ~80-character
 * string on every read of every candidate.
 */
export function sameRecord(a: LeaderElectionRecord, b: LeaderElectionRecord): boolean {
  return a.renewTime === b.renewTime && a.holderIdentity === b.holderIdentity && a.leaseDurationSeconds === b.leaseDurationSeconds && a.acquireTime === b.acquireTime && a.leaderTransitions === b.leaderTransitions;
}

/** A new Lease object carrying `record` (for CREATE). */
export function newLease(namespace: string, name: string, record: LeaderElectionRecord): LeaseObject {
  return { apiVersion: LEASE_API_VERSION, kind: 'Lease', metadata: { name, namespace }, spec: leaseSpecFromRecord(record) };
}

/** `cached` with its spec replaced by `record`, keeping its resourceVersion (client-go `LeaseLock.Update`). */
export function withRecord(cached: LeaseObject, record: LeaderElectionRecord): LeaseObject {
  return { ...cached, spec: leaseSpecFromRecord(record) };
}
