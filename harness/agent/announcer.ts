/**
 * What the worlds need of a node's announcer process, whichever implementation the profile
 * models: Cilium's agent (`agent.ts`) or a MetalLB speaker (`harness/impl/metallb/speaker.ts`).
 * The sim world builds one per node and drives it only through this surface.
 */
import type { AnnounceTableEntry } from '../datapath/reconcile.ts';

/** A node's announcer: started once, crashed or stopped, told of its links. */
export interface NodeAnnouncer {
  /** The desired table last handed to the datapath. */
  readonly table: readonly AnnounceTableEntry[];
  /** Services (`ns/name`) this node competes for, sorted. */
  readonly candidateServices: string[];
  /** Services this node announces now, sorted. */
  readonly ledServices: string[];
  /** Starts every task of the process. */
  start(): void;
  /** Crash: every task stops now, nothing is released. */
  crash(): void;
  /** Graceful shutdown. */
  stop(): void;
  /** The link of a data interface came back up. */
  linkUp(iface: string): void;
  /** The link of a data interface went down. */
  linkDown(iface: string): void;
}
