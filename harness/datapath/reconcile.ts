/**
 * The announce reconciler (spec §3.2): mirrors the agent's desired `l2-announce` table into the
 * responder map. It runs in the agent process (as Cilium's does) but writes datapath state that
 * outlives the agent:
 *
 * - incremental on every change of the desired table: new pairs are inserted, pairs gone from
 *   the table are deleted;
 * - a gratuitous ARP is sent once per pair, and only when the key was absent from the map at
 *   insert time — so after an agent restart with pinned entries still present, none is sent;
 *   no retries, no timer;
 * - a full resync every 5 min also deletes map entries the table does not hold (stale pinned
 *   entries of a restarted agent). [inference] The first full resync is one period after the agent
 *   starts: an immediate one would delete the entries a restarted agent is about to re-claim, and
 *   then re-insert them with a GARP, which the spec says does not happen. (`reference`'s
 *   `pruneOnAgentStart` does prune at the start: pinned entries of a node whose Lease moved on
 *   while its agent was down would answer as strays once the new agent stamps its liveness.)
 *
 * {@link decideReconcile} is the pure part; {@link AnnounceReconciler} applies it.
 */
import type { History } from '../core/history.ts';
import type { Profile } from '../profiles/profile.ts';
import { ARP_REQUEST, decideGarp, type ARP_REPLY } from '../responder/decide-garp.ts';
import type { FramePort } from './frame-port.ts';
import { responderKey, type ResponderKey, type ResponderMap } from './responder-map.ts';

/** Full resync period of Cilium's L2 responder reconciler. */
export const FULL_RESYNC_PERIOD_MS = 5 * 60_000;

/** One row of the desired announce table: a pair and the services it is announced for. */
export interface AnnounceTableEntry {
  readonly ip: string;
  readonly interface: string;
  /** `namespace/name` of the led services announcing this pair, sorted (Cilium's `Origins`). */
  readonly services: readonly string[];
}

/** What to do to the map. Each list is sorted by key text. */
export interface ReconcilePlan {
  /** Absent from the map: insert and send one gratuitous ARP. */
  readonly insertWithGarp: readonly ResponderKey[];
  /** Desired and already programmed (e.g. pinned across an agent restart): nothing to send. */
  readonly alreadyProgrammed: readonly ResponderKey[];
  readonly delete: readonly ResponderKey[];
}

/**
 * Decides the map operations for moving from `previous` to `desired` (incremental), or for a full
 * resync (`full`: delete every programmed pair that is not desired). Pure.
 */
export function decideReconcile(previous: readonly AnnounceTableEntry[], desired: readonly AnnounceTableEntry[], programmed: readonly ResponderKey[], full: boolean): ReconcilePlan {
  const desiredKeys = new Map<string, ResponderKey>();
  for (const e of desired) desiredKeys.set(responderKey(e.ip, e.interface), { ip: e.ip, interface: e.interface });
  const programmedKeys = new Set<string>();
  for (const k of programmed) programmedKeys.add(responderKey(k.ip, k.interface));
  const previousKeys = new Set<string>();
  if (!full) for (const e of previous) previousKeys.add(responderKey(e.ip, e.interface));
  const insertWithGarp: [string, ResponderKey][] = [];
  const alreadyProgrammed: [string, ResponderKey][] = [];
  for (const [text, key] of desiredKeys) {
    if (previousKeys.has(text)) continue;
    if (programmedKeys.has(text)) alreadyProgrammed.push([text, key]);
    else insertWithGarp.push([text, key]);
  }
  const toDelete: [string, ResponderKey][] = [];
  const candidates = full ? programmed : previous;
  for (const key of candidates) {
    const text = responderKey(key.ip, key.interface);
    if (!desiredKeys.has(text) && programmedKeys.has(text)) toDelete.push([text, { ip: key.ip, interface: key.interface }]);
  }
  return { insertWithGarp: sorted(insertWithGarp), alreadyProgrammed: sorted(alreadyProgrammed), delete: sorted(toDelete) };
}

function sorted(pairs: [string, ResponderKey][]): ResponderKey[] {
  if (pairs.length === 0) return [];
  return pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);
}

/** Ports of {@link AnnounceReconciler}. */
export interface ReconcilerPorts {
  readonly map: ResponderMap;
  readonly frames: FramePort;
  /** MAC of each datapath interface (the GARP's sender). */
  readonly interfaceMacs: ReadonlyMap<string, string>;
  readonly history: History;
  /** History process: the node name. */
  readonly node: string;
  readonly profile: Profile;
}

/** Counters of one reconciler (one agent lifetime). */
export interface ReconcilerStats {
  garpsSent: number;
  inserted: number;
  deleted: number;
  fullResyncs: number;
}

/** Applies desired tables to the responder map, sending the GARPs. One per agent lifetime. */
export class AnnounceReconciler {
  readonly stats: ReconcilerStats = { garpsSent: 0, inserted: 0, deleted: 0, fullResyncs: 0 };
  readonly #ports: ReconcilerPorts;
  #previous: readonly AnnounceTableEntry[] = [];

  constructor(ports: ReconcilerPorts) {
    this.#ports = ports;
  }

  /** The last table applied. */
  get applied(): readonly AnnounceTableEntry[] {
    return this.#previous;
  }

  /** Applies a changed desired table incrementally. */
  apply(desired: readonly AnnounceTableEntry[]): void {
    this.#run(desired, false);
  }

  /** Full resync: also removes programmed pairs the table does not hold. */
  fullResync(desired: readonly AnnounceTableEntry[]): void {
    this.stats.fullResyncs += 1;
    this.#run(desired, true);
  }

  /**
   * One GARP for every pair programmed on `iface` (`garpOnLinkUp`: its link came back up, and what
   * was announced while it was down never left the node).
   */
  announceAgain(iface: string): void {
    const { map, frames, interfaceMacs, history, node, profile } = this.#ports;
    const mac = interfaceMacs.get(iface);
    if (mac === undefined) return;
    for (const key of map.keys().filter((k) => k.interface === iface)) {
      const garp = decideGarp(key.ip, mac, profile);
      frames.send(iface, garp);
      this.stats.garpsSent += 1;
      history.record({ process: node, type: 'info', f: 'garp-sent', value: { node, ip: key.ip, iface, mac, opcode: garp.opcode === 1 ? 'request' : 'reply' } });
    }
  }

  /**
   * One GARP for a programmed pair with `opcode` (kube-vip's periodic rounds); nothing when its
   * interface has no MAC.
   */
  garp(key: ResponderKey, opcode: typeof ARP_REQUEST | typeof ARP_REPLY): void {
    const { frames, interfaceMacs, history, node, profile } = this.#ports;
    const mac = interfaceMacs.get(key.interface);
    if (mac === undefined) return;
    const garp = { ...decideGarp(key.ip, mac, profile), opcode };
    frames.send(key.interface, garp);
    this.stats.garpsSent += 1;
    history.record({ process: node, type: 'info', f: 'garp-sent', value: { node, ip: key.ip, iface: key.interface, mac, opcode: opcode === ARP_REQUEST ? 'request' : 'reply' } });
  }

  #run(desired: readonly AnnounceTableEntry[], full: boolean): void {
    const { map, frames, interfaceMacs, history, node, profile } = this.#ports;
    const plan = decideReconcile(this.#previous, desired, map.keys(), full);
    for (const key of plan.delete) {
      map.delete(key);
      this.stats.deleted += 1;
    }
    // kube-vip v1.x only registers a new VIP with its ARP loop: no GARP when the address is added.
    const garpOnInsert = profile.kubeVip?.garp !== 'periodic-manager';
    for (const key of plan.insertWithGarp) {
      const mac = interfaceMacs.get(key.interface);
      // A pair on an interface without a MAC cannot be sent on (Cilium: the GARP fails; 1.19+
      // inserts anyway, which is what happens here) — the datapath then never answers on it.
      if (mac !== undefined && garpOnInsert) {
        const garp = decideGarp(key.ip, mac, profile);
        frames.send(key.interface, garp);
        this.stats.garpsSent += 1;
        history.record({ process: node, type: 'info', f: 'garp-sent', value: { node, ip: key.ip, iface: key.interface, mac, opcode: garp.opcode === 1 ? 'request' : 'reply' } });
      }
      map.insert(key);
      this.stats.inserted += 1;
    }
    this.#previous = desired;
    if (plan.delete.length > 0 || plan.insertWithGarp.length > 0) recordProgrammed(history, node, map);
  }
}

/**
 * Records the node's programmed pairs from now on (`announce-table`, docs/history.md): what the
 * datapath answers for, which outlives the agent — so it is written when the map changes, not when
 * the agent's wish changes.
 */
export function recordProgrammed(history: History, node: string, map: ResponderMap): void {
  history.record({ process: node, type: 'info', f: 'announce-table', value: { node, entries: map.keys().map((key) => ({ ip: key.ip, iface: key.interface })) } });
}
