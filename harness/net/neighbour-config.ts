/**
 * Configuration, state and event types of the client neighbour (ARP) cache model
 * (`neighbour-cache.ts`). Names follow the Linux sysctls under `net.ipv4.neigh.<dev>.*` and
 * `net.ipv4.conf.<dev>.*` with units appended; defaults are Linux's (ip-sysctl.rst, arp(7),
 * `arp_tbl` in net/ipv4/arp.c).
 */
import type { ArpPacket } from '../packet/arp.ts';

/** Linux NUD states (`NUD_*` in include/uapi/linux/neighbour.h); NOARP/PERMANENT are not modelled. */
export type NudState = 'NONE' | 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED';

/** The client's interface and its neighbour-table parameters. */
export interface NeighbourConfig {
  /** The client interface MAC: frames to other unicast MACs are `PACKET_OTHERHOST` and ignored. */
  readonly clientMac: string;
  /** The client interface IPv4 address (it answers requests for it; `arp_ignore=0`). */
  readonly clientIp: string;
  /** Prefix length of `clientIp`, for `arp_accept=2` and directed-broadcast checks. Default 24. */
  readonly prefixLength: number;
  /** `base_reachable_time_ms`: REACHABLE lasts U[0.5, 1.5) × this. Linux default 30 000. */
  readonly baseReachableTimeMs: number;
  /** `delay_first_probe_time`: DELAY before the first unicast probe. Default 5 000. */
  readonly delayFirstProbeTimeMs: number;
  /** `retrans_time_ms`: interval between probes. Default 1 000. */
  readonly retransTimeMs: number;
  /** `ucast_solicit`: unicast probes in PROBE before FAILED. Default 3. */
  readonly ucastSolicit: number;
  /** `mcast_solicit`: broadcast requests in INCOMPLETE before FAILED. Default 3. */
  readonly mcastSolicit: number;
  /** `mcast_resolicit`: broadcast requests after the unicast ones in PROBE. Default 0. */
  readonly mcastResolicit: number;
  /** `locktime`: an entry is not replaced by a non-gratuitous ARP within this of its last update. Default 1 000. */
  readonly locktimeMs: number;
  /** `gc_stale_time`: an unused STALE/FAILED entry may be garbage-collected after this. Default 60 000. */
  readonly gcStaleTimeMs: number;
  /**
   * Whether the periodic GC runs. Linux's `neigh_periodic_work` skips the sweep while the table
   * has fewer than `gc_thresh1` (128) entries, which is every small client, so default false
   * (uncertain across kernel versions — see the module comment).
   */
  readonly gcActive: boolean;
  /** `arp_accept`: 0 (default) no entries created from unsolicited ARP, 1 create, 2 create if on-link. */
  readonly arpAccept: 0 | 1 | 2;
  /** `drop_gratuitous_arp`: drop every ARP with sender IP = target IP. Default false. */
  readonly dropGratuitousArp: boolean;
  /** `unres_qlen`: packets queued per unresolved entry (the oldest is dropped beyond). Default 101. */
  readonly unresQlen: number;
}

/** Linux defaults (everything but the addresses). */
export const LINUX_NEIGHBOUR_DEFAULTS: Omit<NeighbourConfig, 'clientMac' | 'clientIp'> = {
  prefixLength: 24,
  baseReachableTimeMs: 30_000,
  delayFirstProbeTimeMs: 5_000,
  retransTimeMs: 1_000,
  ucastSolicit: 3,
  mcastSolicit: 3,
  mcastResolicit: 0,
  locktimeMs: 1_000,
  gcStaleTimeMs: 60_000,
  gcActive: false,
  arpAccept: 0,
  dropGratuitousArp: false,
  unresQlen: 101,
};

/** Linux recomputes the random reachable time every 300 s (`neigh_periodic_work`). */
export const REACHABLE_TIME_REDRAW_MS = 300_000;

/**
 * Builds a config from the client's addresses and overrides.
 *
 * @throws RangeError when a count or duration is negative or not finite, or arp_accept is not 0–2.
 */
export function neighbourConfig(clientMac: string, clientIp: string, overrides: Partial<NeighbourConfig> = {}): NeighbourConfig {
  const config: NeighbourConfig = { ...LINUX_NEIGHBOUR_DEFAULTS, clientMac, clientIp, ...overrides };
  for (const key of ['baseReachableTimeMs', 'delayFirstProbeTimeMs', 'retransTimeMs', 'ucastSolicit', 'mcastSolicit', 'mcastResolicit', 'locktimeMs', 'gcStaleTimeMs', 'unresQlen'] as const) {
    const value = config[key];
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`neighbour config of ${clientIp}: ${key} must be a finite number ≥ 0, got ${value}`);
  }
  if (![0, 1, 2].includes(config.arpAccept)) throw new RangeError(`neighbour config of ${clientIp}: arpAccept must be 0, 1 or 2, got ${config.arpAccept}`);
  return config;
}

/** One neighbour entry (`struct neighbour`), times in the run's monotonic ms. */
export interface NeighbourEntry {
  readonly ip: string;
  readonly state: NudState;
  /** Cached link-layer address (`ha`); undefined until one is learnt. */
  readonly mac: string | undefined;
  /** Probes sent in this resolution (`probes`; INCOMPLETE starts at ucastSolicit, as Linux). */
  readonly probes: number;
  /** When the entry's timer fires; undefined when no timer runs (STALE, FAILED). */
  readonly timerAtMs: number | undefined;
  /** Last reachability confirmation (`confirmed`). */
  readonly confirmedMs: number;
  /** Last change of state or address (`updated`; the locktime reference). */
  readonly updatedMs: number;
  /** Last use for sending (`used`). */
  readonly usedMs: number;
  /** Packets waiting for resolution (`arp_queue`), oldest first; ids chosen by the caller. */
  readonly queue: readonly number[];
}

/** The cache of one client interface. */
export interface NeighbourCacheState {
  readonly entries: ReadonlyMap<string, NeighbourEntry>;
  /** The interface's current random reachable time (`parms->reachable_time`). */
  readonly reachableTimeMs: number;
  readonly reachableTimeDrawnAtMs: number;
}

/** A received ARP with the Ethernet destination (which decides the packet type). */
export interface ReceivedArp {
  readonly ethDst: string;
  readonly arp: ArpPacket;
}

/** Inputs of the machine. `timer` fires every due timer; every event first fires due timers. */
export type NeighbourEvent =
  | { readonly kind: 'send-to'; readonly ip: string; readonly packet?: number }
  | { readonly kind: 'arp-received'; readonly frame: ReceivedArp }
  | { readonly kind: 'timer' };

/** Why a packet was dropped. */
export type NeighbourDropReason = 'resolution-failed' | 'queue-full' | 'no-solicit';

/** Outputs of the machine, in the order they happen. */
export type NeighbourAction =
  /** Send an ARP request: broadcast (resolution) or unicast to the cached MAC (PROBE). */
  | { readonly kind: 'send-arp-request'; readonly mode: 'broadcast' | 'unicast'; readonly ethDst: string; readonly arp: ArpPacket; readonly atMs: number }
  /** Answer a request for the client's own address. */
  | { readonly kind: 'send-arp-reply'; readonly ethDst: string; readonly arp: ArpPacket; readonly atMs: number }
  /** A packet leaves for `mac` (directly, or from the queue once resolved). */
  | { readonly kind: 'deliver'; readonly ip: string; readonly mac: string; readonly packet: number | undefined; readonly atMs: number }
  /** A packet waits for resolution. */
  | { readonly kind: 'queue'; readonly ip: string; readonly packet: number | undefined; readonly atMs: number }
  /** A packet is dropped. */
  | { readonly kind: 'drop'; readonly ip: string; readonly packet: number | undefined; readonly reason: NeighbourDropReason; readonly atMs: number }
  /** The entry's state or MAC changed (what `ip monitor neigh` shows; the `neigh-changed` history op). */
  | { readonly kind: 'neigh-changed'; readonly ip: string; readonly state: NudState | 'DELETED'; readonly mac: string | undefined; readonly fromState: NudState | 'NONE'; readonly fromMac: string | undefined; readonly atMs: number };

/** Result of one step. */
export interface NeighbourStep {
  readonly state: NeighbourCacheState;
  readonly actions: readonly NeighbourAction[];
}
