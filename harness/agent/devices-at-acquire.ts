/**
 * C10 (cilium/cilium#48626, 1.20.1, open): under `devicesFrozenAtAcquire` a node programs a service
 * it starts leading only on the devices whose link was up when leadership started, until the term
 * ends; a device whose link returns later stays unprogrammed for it. Pure: the agent records the
 * devices up at each `onStartedLeading` and filters its desired table here.
 */
import type { AnnounceTableEntry } from '../datapath/reconcile.ts';

/**
 * `table` restricted, for every service with devices frozen at acquisition, to those devices. A
 * pair survives while any of its origin services may program that interface; the origins list
 * keeps only those.
 */
export function restrictToDevicesAtAcquire(table: readonly AnnounceTableEntry[], frozen: ReadonlyMap<string, ReadonlySet<string>>): AnnounceTableEntry[] {
  if (frozen.size === 0) return [...table];
  return table.flatMap((entry) => {
    const services = entry.services.filter((s) => frozen.get(s)?.has(entry.interface) ?? true);
    return services.length === 0 ? [] : [{ ...entry, services }];
  });
}
