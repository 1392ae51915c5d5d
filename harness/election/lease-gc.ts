/**
 * Cilium's lease garbage collector (spec §2.2): every 60 s each agent LISTs the Leases in its
 * namespace and deletes every `cilium-l2announce*` Lease whose holder is empty (a released lease
 * nobody took). The DELETE carries no resourceVersion precondition [inference: none seen in the
 * code read], so a lease acquired between the LIST and the DELETE is deleted anyway — the sim
 * reproduces that race rather than hiding it. A failed LIST (e.g. 403) is ignored until next time.
 */
import type { KubeObject, ObjectRef } from '../core/object-store.ts';
import { sleep, type Task } from '../core/task.ts';
import { LEASE_PREFIX } from '../l2/lease.ts';
import type { ApiClient } from './api-client.ts';
import { isLeaseObject, LEASES } from './lease-record.ts';

/** Lease GC period per agent. */
export const LEASE_GC_PERIOD_MS = 60_000;

/** Options of {@link leaseGcLoop}. */
export interface LeaseGcOptions {
  readonly namespace: string;
  /** Default {@link LEASE_GC_PERIOD_MS}. */
  readonly periodMs?: number;
}

/** The Leases a GC pass deletes: announce-prefixed, holder absent or empty. Pure; keeps input order. */
export function leasesToCollect(items: readonly KubeObject[]): ObjectRef[] {
  return items
    .filter((item) => item.metadata.name.startsWith(LEASE_PREFIX) && isLeaseObject(item) && (item.spec.holderIdentity ?? '') === '')
    .map((item) => ({ resource: LEASES, namespace: item.metadata.namespace, name: item.metadata.name }));
}

/** One GC pass; returns how many Leases were deleted. */
export function* collectLeases(client: ApiClient, namespace: string, signal?: AbortSignal): Task<number> {
  const listed = yield* client.call({ verb: 'list', resource: LEASES, namespace }, { signal });
  if (!listed.ok) return 0;
  let deleted = 0;
  for (const ref of leasesToCollect(listed.items ?? [])) {
    const response = yield* client.call({ verb: 'delete', ref }, { signal });
    if (response.ok) deleted += 1;
  }
  return deleted;
}

/** Runs a GC pass every period until `signal` aborts (the first pass one period after start). */
export function* leaseGcLoop(client: ApiClient, options: LeaseGcOptions, signal: AbortSignal): Task<void> {
  const periodMs = options.periodMs ?? LEASE_GC_PERIOD_MS;
  if (!(periodMs > 0)) throw new RangeError(`starting lease GC: periodMs must be > 0, got ${periodMs}`);
  // Bounded by the signal (lab) and the kernel's limits (sim).
  for (;;) {
    if ((yield* sleep(periodMs, signal)) === 'aborted') return;
    yield* collectLeases(client, options.namespace, signal);
  }
}
