/**
 * The Linux neighbour (ARP) cache of one client interface as a pure state machine — the piece that
 * decides when a client's traffic to a VIP moves to the new holder after a failover ("client ARP
 * entry changed" in the failover components). It follows net/core/neighbour.c
 * (`__neigh_event_send`, `neigh_timer_handler`, `neigh_update`) and net/ipv4/arp.c (`arp_process`,
 * `arp_is_garp`, `arp_solicit`), as of Linux 5.x/6.x:
 *
 * - **Sending** to an IP: REACHABLE/DELAY/PROBE deliver to the cached MAC; STALE delivers and goes
 *   to DELAY (first probe after `delay_first_probe_time`); NONE/FAILED go to INCOMPLETE, queue the
 *   packet and broadcast a request at once, then every `retrans_time`; after `mcast_solicit`
 *   requests without answer the entry is FAILED and the queue dropped.
 * - **Timers**: REACHABLE ends after the random reachable time (U[0.5, 1.5) × base, redrawn every
 *   300 s) → DELAY if used within `delay_first_probe_time`, else STALE. DELAY → REACHABLE if
 *   confirmed meanwhile, else PROBE: `ucast_solicit` unicast requests to the *cached* MAC (then
 *   `mcast_resolicit` broadcasts) `retrans_time` apart, then FAILED.
 * - **Receiving ARP** (`arp_process`): frames to another unicast MAC are ignored; a request for
 *   the client's own IP creates/overrides the sender's entry as STALE and is answered. Otherwise
 *   an *existing* entry for the sender IP is updated — with `arp_accept=0` too: ip-sysctl.rst says
 *   "if the ARP table already contains the IP address of the gratuitous arp frame, the arp table
 *   will be updated regardless of if this setting is on or off". New entries are created only with
 *   `arp_accept=1` (gratuitous ARP, or any reply from a unicast sender) or `=2` (the same, sender
 *   on-link). A unicast reply to us sets REACHABLE; a broadcast reply or any request sets STALE.
 * - **locktime** (`neigh_update` override flag): a different MAC replaces the cached one only if
 *   the entry was last updated more than `locktime` (1 s) ago — "use the first reply" — unless the
 *   frame is gratuitous by `arp_is_garp()`: sender IP = target IP and, for a *reply*, target MAC =
 *   sender MAC (Linux ≥ 4.12, commit "arp: always override existing neigh entries with gratuitous
 *   ARP"). Cilium's GARP reply carries target MAC ff:ff:ff:ff:ff:ff, so for Linux it is an ordinary
 *   broadcast reply: it moves an existing entry to the new MAC (state STALE) only outside locktime.
 *   A same-MAC STALE update leaves a valid entry's state alone.
 *
 * Uncertainties (documented, not guessed silently): `used` is refreshed on every send here,
 * although Linux's connected fast path (`neigh_hh_output`) may not touch it — it only decides
 * REACHABLE → DELAY vs STALE on expiry; GC is lazy and off by default (below `gc_thresh1` the
 * periodic sweep is skipped in the kernels read, the 15 s sweep granularity is ignored when on);
 * upper-layer confirmations (TCP ACKs, `MSG_CONFIRM`) are not modelled — the prober is UDP; the
 * queue is counted in packets (`unres_qlen`), newer kernels bound it in bytes; `app_solicit` is 0.
 */
import { BROADCAST_MAC, isGroupMac, parseIpv4, ZERO_IPV4 } from '../packet/addresses.ts';
import { ARP_OP_REPLY, ARP_OP_REQUEST, arpReply, arpRequest, isLinuxGarp } from '../packet/arp.ts';
import type { Rng } from '../core/rng.ts';
import {
  REACHABLE_TIME_REDRAW_MS,
  type NeighbourAction,
  type NeighbourCacheState,
  type NeighbourConfig,
  type NeighbourDropReason,
  type NeighbourEntry,
  type NeighbourEvent,
  type NeighbourStep,
  type NudState,
  type ReceivedArp,
} from './neighbour-config.ts';

/** `neigh_rand_reach_time`: uniform in [base/2, 3·base/2). */
export function randomReachableTimeMs(baseReachableTimeMs: number, rng: Rng): number {
  if (baseReachableTimeMs <= 0) return 0;
  return baseReachableTimeMs / 2 + rng.float() * baseReachableTimeMs;
}

/** An empty cache at `nowMs`, with its first random reachable time drawn from `rng`. */
export function initialNeighbourCache(config: NeighbourConfig, rng: Rng, nowMs: number): NeighbourCacheState {
  return { entries: new Map(), reachableTimeMs: randomReachableTimeMs(config.baseReachableTimeMs, rng), reachableTimeDrawnAtMs: nowMs };
}

/** The earliest pending timer (for the driver to schedule a `timer` event), if any. */
export function nextTimerMs(state: NeighbourCacheState): number | undefined {
  let next: number | undefined;
  for (const entry of state.entries.values()) {
    if (entry.timerAtMs !== undefined && (next === undefined || entry.timerAtMs < next)) next = entry.timerAtMs;
  }
  return next;
}

const VALID: ReadonlySet<NudState> = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE']);
const SENDS_DIRECTLY: ReadonlySet<NudState> = new Set(['REACHABLE', 'DELAY', 'PROBE']);

/**
 * One step of the cache: fires every timer due at or before `nowMs` (each at its own deadline, so
 * a late driver changes nothing), then handles `event` at `nowMs`. Pure: `state` is not modified.
 */
export function step(state: NeighbourCacheState, event: NeighbourEvent, nowMs: number, config: NeighbourConfig, rng: Rng): NeighbourStep {
  const work = new Working(state, config, rng);
  work.fireTimersUntil(nowMs);
  work.maybeRedraw(nowMs);
  work.collectGarbage(nowMs);
  switch (event.kind) {
    case 'timer':
      break;
    case 'send-to':
      work.sendTo(event.ip, event.packet, nowMs);
      break;
    case 'arp-received':
      work.receive(event.frame, nowMs);
      break;
  }
  return work.result();
}

/** Mutable working copy of one step (entries are replaced, never mutated). */
class Working {
  readonly #entries: Map<string, NeighbourEntry>;
  #reachableTimeMs: number;
  #drawnAtMs: number;
  readonly #actions: NeighbourAction[] = [];
  readonly #config: NeighbourConfig;
  readonly #rng: Rng;

  constructor(state: NeighbourCacheState, config: NeighbourConfig, rng: Rng) {
    this.#entries = new Map(state.entries);
    this.#reachableTimeMs = state.reachableTimeMs;
    this.#drawnAtMs = state.reachableTimeDrawnAtMs;
    this.#config = config;
    this.#rng = rng;
  }

  result(): NeighbourStep {
    return { state: { entries: this.#entries, reachableTimeMs: this.#reachableTimeMs, reachableTimeDrawnAtMs: this.#drawnAtMs }, actions: this.#actions };
  }

  fireTimersUntil(nowMs: number): void {
    // Bounded: each firing either clears the timer or moves it forward by ≥ 1 ms (HZ/100 floor).
    for (let guard = 0; guard < 1_000_000; guard += 1) {
      let due: NeighbourEntry | undefined;
      for (const entry of this.#entries.values()) {
        if (entry.timerAtMs !== undefined && entry.timerAtMs <= nowMs && (due === undefined || entry.timerAtMs < (due.timerAtMs ?? 0))) due = entry;
      }
      if (due === undefined) return;
      this.#timer(due, due.timerAtMs ?? nowMs);
    }
    throw new Error(`neighbour cache of ${this.#config.clientIp}: timer loop did not settle by ${nowMs} ms`);
  }

  maybeRedraw(nowMs: number): void {
    if (nowMs > this.#drawnAtMs + REACHABLE_TIME_REDRAW_MS) {
      this.#reachableTimeMs = randomReachableTimeMs(this.#config.baseReachableTimeMs, this.#rng);
      this.#drawnAtMs = nowMs;
    }
  }

  collectGarbage(nowMs: number): void {
    if (!this.#config.gcActive) return;
    for (const entry of [...this.#entries.values()]) {
      const idle = entry.state === 'FAILED' || entry.state === 'STALE';
      if (idle && nowMs > entry.usedMs + this.#config.gcStaleTimeMs) {
        this.#entries.delete(entry.ip);
        this.#emit({ kind: 'neigh-changed', ip: entry.ip, state: 'DELETED', mac: undefined, fromState: entry.state, fromMac: entry.mac, atMs: nowMs });
      }
    }
  }

  /** `neigh_timer_handler`. */
  #timer(entry: NeighbourEntry, atMs: number): void {
    const c = this.#config;
    const retransMs = Math.max(c.retransTimeMs, 10); // max(RETRANS_TIME, HZ/100)
    let next: NeighbourEntry = entry;
    if (entry.state === 'REACHABLE') {
      if (atMs < entry.confirmedMs + this.#reachableTimeMs) next = { ...entry, timerAtMs: entry.confirmedMs + this.#reachableTimeMs };
      else if (atMs <= entry.usedMs + c.delayFirstProbeTimeMs) next = { ...entry, state: 'DELAY', updatedMs: atMs, timerAtMs: atMs + c.delayFirstProbeTimeMs };
      else next = { ...entry, state: 'STALE', updatedMs: atMs, timerAtMs: undefined };
    } else if (entry.state === 'DELAY') {
      if (atMs <= entry.confirmedMs + c.delayFirstProbeTimeMs) next = { ...entry, state: 'REACHABLE', updatedMs: atMs, timerAtMs: entry.confirmedMs + this.#reachableTimeMs };
      else next = { ...entry, state: 'PROBE', updatedMs: atMs, probes: 0, timerAtMs: atMs + retransMs };
    } else if (entry.state === 'INCOMPLETE' || entry.state === 'PROBE') {
      next = { ...entry, timerAtMs: atMs + retransMs };
    } else {
      next = { ...entry, timerAtMs: undefined };
    }
    if ((next.state === 'INCOMPLETE' || next.state === 'PROBE') && next.probes >= this.#maxProbes(next.state)) {
      this.#put(entry, { ...next, state: 'FAILED', updatedMs: atMs, timerAtMs: undefined, queue: [] }, atMs);
      for (const packet of entry.queue) this.#drop(entry.ip, packet, 'resolution-failed', atMs);
      return;
    }
    this.#put(entry, next, atMs);
    if (next.state === 'INCOMPLETE' || next.state === 'PROBE') this.#probe(next, atMs);
  }

  /** `neigh_max_probes`. */
  #maxProbes(state: NudState): number {
    const c = this.#config;
    return c.ucastSolicit + (state === 'PROBE' ? c.mcastResolicit : c.mcastSolicit);
  }

  /** `neigh_probe` + `arp_solicit`: unicast to the cached MAC while probes < ucast_solicit, else broadcast. */
  #probe(entry: NeighbourEntry, atMs: number): void {
    const c = this.#config;
    const unicast = entry.probes < c.ucastSolicit && entry.mac !== undefined;
    const ethDst = unicast && entry.mac !== undefined ? entry.mac : BROADCAST_MAC;
    this.#emit({ kind: 'send-arp-request', mode: unicast ? 'unicast' : 'broadcast', ethDst, arp: arpRequest(c.clientMac, c.clientIp, entry.ip), atMs });
    this.#entries.set(entry.ip, { ...entry, probes: entry.probes + 1 });
  }

  /** `neigh_resolve_output` → `neigh_event_send`. */
  sendTo(ip: string, packet: number | undefined, nowMs: number): void {
    const c = this.#config;
    const existing = this.#entries.get(ip);
    const entry: NeighbourEntry = { ...(existing ?? newEntry(ip, nowMs)), usedMs: nowMs };
    if (SENDS_DIRECTLY.has(entry.state) && entry.mac !== undefined) {
      this.#put(existing, entry, nowMs);
      this.#emit({ kind: 'deliver', ip, mac: entry.mac, packet, atMs: nowMs });
      return;
    }
    if (entry.state === 'STALE' && entry.mac !== undefined) {
      // STALE → DELAY also moves `updated`, so a non-gratuitous reply in the next locktime is ignored.
      this.#put(existing, { ...entry, state: 'DELAY', updatedMs: nowMs, timerAtMs: nowMs + c.delayFirstProbeTimeMs }, nowMs);
      this.#emit({ kind: 'deliver', ip, mac: entry.mac, packet, atMs: nowMs });
      return;
    }
    if (entry.state === 'INCOMPLETE') {
      this.#enqueue(existing, entry, packet, nowMs);
      return;
    }
    // NONE or FAILED: start resolving (or fail at once when no broadcast solicit is allowed).
    if (c.mcastSolicit <= 0) {
      this.#put(existing, { ...entry, state: 'FAILED', updatedMs: nowMs, timerAtMs: undefined }, nowMs);
      this.#drop(ip, packet, 'no-solicit', nowMs);
      return;
    }
    const incomplete: NeighbourEntry = { ...entry, state: 'INCOMPLETE', probes: c.ucastSolicit, updatedMs: nowMs, timerAtMs: nowMs + Math.max(c.retransTimeMs, 10), queue: [] };
    this.#enqueue(existing, incomplete, packet, nowMs);
    this.#probe(this.#entries.get(ip) ?? incomplete, nowMs);
  }

  #enqueue(before: NeighbourEntry | undefined, entry: NeighbourEntry, packet: number | undefined, nowMs: number): void {
    if (packet === undefined) {
      this.#put(before, entry, nowMs);
      this.#emit({ kind: 'queue', ip: entry.ip, packet, atMs: nowMs });
      return;
    }
    const queue = [...entry.queue, packet];
    const overflow = queue.length > this.#config.unresQlen ? queue.splice(0, queue.length - this.#config.unresQlen) : [];
    this.#put(before, { ...entry, queue }, nowMs);
    for (const dropped of overflow) this.#drop(entry.ip, dropped, 'queue-full', nowMs);
    if (!overflow.includes(packet)) this.#emit({ kind: 'queue', ip: entry.ip, packet, atMs: nowMs });
  }

  /** `arp_rcv` + `arp_process` for one received frame. */
  receive(frame: ReceivedArp, nowMs: number): void {
    const c = this.#config;
    const { arp } = frame;
    const toUs = frame.ethDst === c.clientMac;
    if (!toUs && !isGroupMac(frame.ethDst)) return; // PACKET_OTHERHOST
    if (arp.opcode !== ARP_OP_REQUEST && arp.opcode !== ARP_OP_REPLY) return;
    const tip = parseIpv4(arp.targetIp);
    const sip = parseIpv4(arp.senderIp);
    if (tip === undefined || sip === undefined || tip >>> 28 === 0xe) return; // multicast target
    if (c.dropGratuitousArp && sip === tip) return;
    if (arp.senderIp === ZERO_IPV4) {
      // Duplicate address detection: answered if it probes our address, never learnt from.
      if (arp.opcode === ARP_OP_REQUEST && arp.targetIp === c.clientIp) this.#reply(arp.senderMac, ZERO_IPV4, nowMs);
      return;
    }
    if (arp.opcode === ARP_OP_REQUEST && arp.targetIp === c.clientIp) {
      // neigh_event_ns: create or override the requester's entry as STALE, then answer.
      const existing = this.#entries.get(arp.senderIp);
      this.#update(existing ?? newEntry(arp.senderIp, nowMs), existing, arp.senderMac, 'STALE', true, nowMs);
      this.#reply(arp.senderMac, arp.senderIp, nowMs);
      return;
    }
    const existing = this.#entries.get(arp.senderIp);
    const isGarp = isLinuxGarp(arp) && this.#isUnicastSender(sip);
    let entry = existing;
    if (entry === undefined && this.#acceptsNew(sip) && (isGarp || (arp.opcode === ARP_OP_REPLY && this.#isUnicastSender(sip)))) entry = newEntry(arp.senderIp, nowMs);
    if (entry === undefined) return; // arp_accept=0: unsolicited ARP never creates an entry
    const override = nowMs > entry.updatedMs + c.locktimeMs || isGarp;
    // "Broadcast replies and request packets do not assert neighbour reachability."
    const newState: NudState = arp.opcode === ARP_OP_REPLY && toUs ? 'REACHABLE' : 'STALE';
    this.#update(entry, existing, arp.senderMac, newState, override, nowMs);
  }

  #reply(toMac: string, toIp: string, nowMs: number): void {
    const c = this.#config;
    this.#emit({ kind: 'send-arp-reply', ethDst: toMac, arp: arpReply(c.clientMac, c.clientIp, toMac, toIp), atMs: nowMs });
  }

  /** `arp_accept()`: 1 always, 2 only for an on-link sender (same subnet as the client address). */
  #acceptsNew(sip: number): boolean {
    const c = this.#config;
    if (c.arpAccept === 1) return true;
    if (c.arpAccept === 0) return false;
    const own = parseIpv4(c.clientIp);
    if (own === undefined) return false;
    const mask = c.prefixLength <= 0 ? 0 : (0xffffffff << (32 - Math.min(32, c.prefixLength))) >>> 0;
    return ((own & mask) >>> 0) === ((sip & mask) >>> 0);
  }

  /** `inet_addr_type(sip) == RTN_UNICAST`, approximately: not ours, not broadcast, not multicast. */
  #isUnicastSender(sip: number): boolean {
    const c = this.#config;
    if (sip === 0 || sip === 0xffffffff || sip >>> 28 === 0xe) return false;
    const own = parseIpv4(c.clientIp);
    if (own === sip) return false;
    if (own !== undefined && c.prefixLength > 0 && c.prefixLength < 31) {
      const hostMask = (0xffffffff >>> c.prefixLength) >>> 0;
      if (((own | hostMask) >>> 0) === sip) return false; // directed broadcast of the client's subnet
    }
    return true;
  }

  /** `neigh_update(n, lladdr, new, override ? NEIGH_UPDATE_F_OVERRIDE : 0)`. */
  #update(entry: NeighbourEntry, before: NeighbourEntry | undefined, lladdr: string, wanted: NudState, override: boolean, nowMs: number): void {
    const c = this.#config;
    const old = entry.state;
    const oldValid = VALID.has(old);
    const sameMac = oldValid && entry.mac === lladdr;
    let next: NeighbourEntry = entry;
    let target = wanted;
    // Linux stamps `confirmed` before deciding whether the update is refused (even a refused one).
    if (wanted === 'REACHABLE') next = { ...next, confirmedMs: nowMs };
    if (oldValid) {
      if (!sameMac && !override) {
        if (next !== entry || before === undefined) this.#put(before, next, nowMs);
        return;
      }
      if (sameMac && wanted === 'STALE') target = old;
    }
    const macChanges = next.mac !== lladdr;
    if (target !== old || macChanges) next = { ...next, updatedMs: nowMs };
    if (target !== old) {
      next = { ...next, state: target, timerAtMs: target === 'REACHABLE' ? nowMs + this.#reachableTimeMs : undefined };
    }
    if (macChanges) {
      next = { ...next, mac: lladdr };
      if (target !== 'REACHABLE') next = { ...next, confirmedMs: nowMs - 2 * c.baseReachableTimeMs };
    }
    const flushed = !oldValid ? next.queue : [];
    if (flushed.length > 0) next = { ...next, queue: [] };
    this.#put(before, next, nowMs);
    for (const packet of flushed) this.#emit({ kind: 'deliver', ip: next.ip, mac: lladdr, packet, atMs: nowMs });
  }

  #drop(ip: string, packet: number | undefined, reason: NeighbourDropReason, atMs: number): void {
    this.#emit({ kind: 'drop', ip, packet, reason, atMs });
  }

  /** Stores `after` and reports a state or MAC change against `before` (undefined = no entry). */
  #put(before: NeighbourEntry | undefined, after: NeighbourEntry, atMs: number): void {
    const current = this.#entries.get(after.ip) ?? before;
    this.#entries.set(after.ip, after);
    const fromState = current?.state ?? 'NONE';
    const fromMac = current?.mac;
    if (fromState !== after.state || fromMac !== after.mac) {
      this.#emit({ kind: 'neigh-changed', ip: after.ip, state: after.state, mac: after.mac, fromState, fromMac, atMs });
    }
  }

  #emit(action: NeighbourAction): void {
    this.#actions.push(action);
  }
}

function newEntry(ip: string, nowMs: number): NeighbourEntry {
  return { ip, state: 'NONE', mac: undefined, probes: 0, timerAtMs: undefined, confirmedMs: nowMs, updatedMs: nowMs, usedMs: nowMs, queue: [] };
}
