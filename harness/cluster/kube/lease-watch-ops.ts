/**
 * Elector ops read off the Lease objects, for a target that records none itself (real Cilium):
 * a Lease whose `holderIdentity` becomes a node is that node's `became-leader`, as the API shows
 * it — stamped when the watch delivers the change, so a takeover measured from these trails the
 * holder's own acquisition by the watch latency (the lab's observer lag). A release (`''`) or a
 * holder outside the run's nodes records nothing. Node names are the cluster's: the run renames
 * every op in one place (`translate-nodes.ts`). Pure.
 */
import type { HistoryEntry } from '../../core/history.ts';
import type { WatchEvent } from '../../core/object-store.ts';

/** Holder per Lease name, as last seen. */
export type LeaseHolders = Map<string, string>;

/** The op a Lease watch event means (undefined: nothing new), updating `holders`. */
export function leaseWatchOp(event: WatchEvent, holders: LeaseHolders, clusterNodes: ReadonlySet<string>): Omit<HistoryEntry, 'tMs'> | undefined {
  const name = event.object.metadata.name;
  if (event.type === 'DELETED') {
    holders.delete(name);
    return undefined;
  }
  const holder = (event.object.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '';
  if (holders.get(name) === holder) return undefined;
  holders.set(name, holder);
  if (!clusterNodes.has(holder)) return undefined;
  return { process: holder, type: 'info', f: 'became-leader', value: { lease: name, source: 'lease-watch' } };
}
