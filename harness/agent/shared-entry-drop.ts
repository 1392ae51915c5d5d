/**
 * C07 (cilium/cilium#32115, 1.15.3; fixed by PR #32279): the announce-table entries the buggy
 * delete path removed. In 1.15.3 a service leaving the led set deleted each (IP, interface) entry
 * it originated outright instead of removing itself from the entry's origins, so an IP shared with
 * services that still carry it left the table (`cilium-dbg statedb l2-announce` no longer lists it;
 * ARP for the VIP goes unanswered). Pure: the agent keeps the set between publishes
 * (profile switch `deleteSharedEntryWithOrigin`).
 */
import type { AnnounceTableEntry } from '../datapath/reconcile.ts';

/** `ip@interface`: the key of a table entry. */
export function pairKey(entry: Pick<AnnounceTableEntry, 'ip' | 'interface'>): string {
  return `${entry.ip}@${entry.interface}`;
}

/**
 * The pairs dropped after the desired table went from `previous` to `next` (both as computed from
 * the led services, before any drop), given those dropped so far:
 * - a pair still desired that lost an origin is dropped (the whole entry was deleted);
 * - a pair that gains an origin is kept or comes back (an upsert creates the entry again), even if
 *   it lost another in the same step; an update of a remaining origin, which would upsert it too in Cilium,
 *   is not seen here (the table does not change) — the pair stays dropped, as in the report;
 * - a pair no longer desired is forgotten.
 */
export function droppedSharedPairs(previous: readonly AnnounceTableEntry[], next: readonly AnnounceTableEntry[], dropped: ReadonlySet<string>): Set<string> {
  const before = new Map(previous.map((e) => [pairKey(e), new Set(e.services)]));
  const out = new Set<string>();
  for (const entry of next) {
    const key = pairKey(entry);
    const origins = before.get(key);
    const lostOrigin = origins !== undefined && [...origins].some((s) => !entry.services.includes(s));
    const gainedOrigin = origins === undefined || entry.services.some((s) => !origins.has(s));
    if (!gainedOrigin && (lostOrigin || dropped.has(key))) out.add(key);
  }
  return out;
}

/** `table` without the dropped pairs. */
export function withoutDropped(table: readonly AnnounceTableEntry[], dropped: ReadonlySet<string>): AnnounceTableEntry[] {
  return dropped.size === 0 ? [...table] : table.filter((e) => !dropped.has(pairKey(e)));
}
