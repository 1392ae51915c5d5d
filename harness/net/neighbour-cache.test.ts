import { describe, expect, it } from 'vitest';
import type { Rng } from '../core/rng.ts';
import { BROADCAST_MAC } from '../packet/addresses.ts';
import { arpReply, arpRequest, gratuitousArp, arpProbe } from '../packet/arp.ts';
import { initialNeighbourCache, nextTimerMs, step } from './neighbour-cache.ts';
import { neighbourConfig, type NeighbourAction, type NeighbourCacheState, type NeighbourConfig, type NeighbourEvent } from './neighbour-config.ts';

const CLIENT_MAC = '02:00:00:00:0c:01';
const CLIENT_IP = '192.168.1.50';
const VIP = '192.168.1.100';
const OLD_MAC = '02:00:00:00:01:01';
const NEW_MAC = '02:00:00:00:02:01';

/** An Rng whose float() is fixed: 0.5 makes the reachable time exactly base (30 s). */
const fixedRng = (value = 0.5): Rng => ({ float: () => value, intBetween: (a) => a, bigIntBetween: (a) => a, fork: () => fixedRng(value) });

/** Drives the machine through timed events, keeping every action (with its time). */
class Driver {
  state: NeighbourCacheState;
  readonly actions: NeighbourAction[] = [];
  readonly config: NeighbourConfig;
  readonly rng = fixedRng();

  constructor(overrides: Partial<NeighbourConfig> = {}) {
    this.config = neighbourConfig(CLIENT_MAC, CLIENT_IP, overrides);
    this.state = initialNeighbourCache(this.config, this.rng, 0);
  }

  at(nowMs: number, event: NeighbourEvent): NeighbourAction[] {
    const result = step(this.state, event, nowMs, this.config, this.rng);
    this.state = result.state;
    this.actions.push(...result.actions);
    return [...result.actions];
  }

  entry(ip = VIP) {
    return this.state.entries.get(ip);
  }

  /** Resolves VIP to `mac` at `t` (send, unicast reply): REACHABLE from t. */
  resolve(t: number, mac = OLD_MAC): void {
    this.at(t, { kind: 'send-to', ip: VIP, packet: 0 });
    this.at(t + 1, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(mac, VIP, CLIENT_MAC, CLIENT_IP) } });
  }
}

const kinds = (actions: readonly NeighbourAction[]): string[] => actions.map((a) => (a.kind === 'send-arp-request' ? `request:${a.mode}` : a.kind === 'neigh-changed' ? `changed:${a.state}` : a.kind));
const ciliumGarp = (mac: string) => ({ ethDst: BROADCAST_MAC, arp: gratuitousArp(mac, VIP, 'reply') });
const gneighGarp = (mac: string) => ({ ethDst: BROADCAST_MAC, arp: gratuitousArp(mac, VIP, 'request') });

describe('resolution (INCOMPLETE)', () => {
  it('send to an unknown IP: INCOMPLETE, broadcast request now, packet queued; a unicast reply makes it REACHABLE and flushes the queue', () => {
    const d = new Driver();
    expect(kinds(d.at(0, { kind: 'send-to', ip: VIP, packet: 7 }))).toEqual(['changed:INCOMPLETE', 'queue', 'request:broadcast']);
    const reply = d.at(40, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(OLD_MAC, VIP, CLIENT_MAC, CLIENT_IP) } });
    expect(reply).toEqual([
      { kind: 'neigh-changed', ip: VIP, state: 'REACHABLE', mac: OLD_MAC, fromState: 'INCOMPLETE', fromMac: undefined, atMs: 40 },
      { kind: 'deliver', ip: VIP, mac: OLD_MAC, packet: 7, atMs: 40 },
    ]);
    expect(d.entry()?.timerAtMs).toBe(30_040);
  });

  it('no answer: mcast_solicit=3 broadcasts at 0, 1 s, 2 s, FAILED at 3 s, queued packets dropped', () => {
    const d = new Driver();
    d.at(0, { kind: 'send-to', ip: VIP, packet: 1 });
    d.at(500, { kind: 'send-to', ip: VIP, packet: 2 });
    d.at(10_000, { kind: 'timer' });
    const requests = d.actions.filter((a) => a.kind === 'send-arp-request');
    expect(requests.map((a) => a.atMs)).toEqual([0, 1_000, 2_000]);
    expect(requests.every((a) => a.kind === 'send-arp-request' && a.ethDst === BROADCAST_MAC && a.arp.targetMac === '00:00:00:00:00:00')).toBe(true);
    expect(d.actions.filter((a) => a.kind === 'drop')).toEqual([
      { kind: 'drop', ip: VIP, packet: 1, reason: 'resolution-failed', atMs: 3_000 },
      { kind: 'drop', ip: VIP, packet: 2, reason: 'resolution-failed', atMs: 3_000 },
    ]);
    expect(d.entry()?.state).toBe('FAILED');
    expect(nextTimerMs(d.state)).toBeUndefined();
  });

  it('a FAILED entry restarts resolution on the next send', () => {
    const d = new Driver();
    d.at(0, { kind: 'send-to', ip: VIP });
    d.at(5_000, { kind: 'timer' });
    expect(kinds(d.at(6_000, { kind: 'send-to', ip: VIP }))).toEqual(['changed:INCOMPLETE', 'queue', 'request:broadcast']);
  });

  it('unres_qlen: the oldest queued packet is dropped', () => {
    const d = new Driver({ unresQlen: 2 });
    d.at(0, { kind: 'send-to', ip: VIP, packet: 1 });
    d.at(1, { kind: 'send-to', ip: VIP, packet: 2 });
    expect(d.at(2, { kind: 'send-to', ip: VIP, packet: 3 })).toEqual([
      { kind: 'drop', ip: VIP, packet: 1, reason: 'queue-full', atMs: 2 },
      { kind: 'queue', ip: VIP, packet: 3, atMs: 2 },
    ]);
  });
});

describe('reachability timers (REACHABLE → STALE/DELAY → PROBE → FAILED)', () => {
  it('REACHABLE expires after the random reachable time (U[0.5,1.5) × 30 s); unused → STALE', () => {
    const d = new Driver();
    d.resolve(0);
    d.at(30_000, { kind: 'timer' });
    expect(d.entry()?.state).toBe('REACHABLE');
    expect(kinds(d.at(30_001, { kind: 'timer' }))).toEqual(['changed:STALE']);
    expect(d.entry()?.timerAtMs).toBeUndefined();
  });

  it('the reachable time is drawn from the injected Rng: float 0 → 15 s, float → 1 → 45 s', () => {
    for (const [value, expiresMs] of [[0, 15_001], [0.999_999, 45_001]] as const) {
      const config = neighbourConfig(CLIENT_MAC, CLIENT_IP);
      const rng = fixedRng(value);
      let state = initialNeighbourCache(config, rng, 0);
      state = step(state, { kind: 'send-to', ip: VIP }, 0, config, rng).state;
      state = step(state, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(OLD_MAC, VIP, CLIENT_MAC, CLIENT_IP) } }, 1, config, rng).state;
      expect(nextTimerMs(state)).toBeCloseTo(expiresMs, 0);
    }
  });

  it('used within delay_first_probe_time at expiry → DELAY, then PROBE: 3 unicast requests to the cached MAC, then FAILED', () => {
    const d = new Driver();
    d.resolve(0);
    d.at(28_000, { kind: 'send-to', ip: VIP, packet: 2 });
    d.at(30_001, { kind: 'timer' });
    expect(d.entry()?.state).toBe('DELAY');
    d.at(40_000, { kind: 'timer' });
    const probes = d.actions.filter((a) => a.kind === 'send-arp-request' && a.atMs > 30_000);
    expect(probes.map((a) => a.kind === 'send-arp-request' && [a.atMs, a.mode, a.ethDst])).toEqual([
      [35_001, 'unicast', OLD_MAC],
      [36_001, 'unicast', OLD_MAC],
      [37_001, 'unicast', OLD_MAC],
    ]);
    expect(d.entry()?.state).toBe('FAILED');
  });

  it('mcast_resolicit adds broadcasts after the unicast probes', () => {
    const d = new Driver({ mcastResolicit: 2 });
    d.resolve(0);
    d.at(28_000, { kind: 'send-to', ip: VIP });
    d.at(50_000, { kind: 'timer' });
    const modes = d.actions.filter((a) => a.kind === 'send-arp-request' && a.atMs > 30_000).map((a) => a.kind === 'send-arp-request' && a.mode);
    expect(modes).toEqual(['unicast', 'unicast', 'unicast', 'broadcast', 'broadcast']);
  });

  it('STALE: sending delivers to the cached MAC and starts DELAY; a unicast reply makes it REACHABLE again', () => {
    const d = new Driver();
    d.resolve(0);
    d.at(40_000, { kind: 'timer' });
    expect(kinds(d.at(41_000, { kind: 'send-to', ip: VIP, packet: 3 }))).toEqual(['changed:DELAY', 'deliver']);
    d.at(42_000, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(OLD_MAC, VIP, CLIENT_MAC, CLIENT_IP) } });
    expect(d.entry()?.state).toBe('REACHABLE');
  });

  it('DELAY: a unicast reply from the cached MAC confirms it at once (REACHABLE, confirmed stamped)', () => {
    const d = new Driver();
    d.resolve(0);
    d.at(40_000, { kind: 'timer' });
    d.at(41_000, { kind: 'send-to', ip: VIP });
    // Same MAC, unicast reply: REACHABLE at once (neigh_update), so the DELAY timer never runs.
    d.at(41_500, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(OLD_MAC, VIP, CLIENT_MAC, CLIENT_IP) } });
    expect(d.entry()).toMatchObject({ state: 'REACHABLE', confirmedMs: 41_500 });
  });
});

describe('received ARP updates an existing entry (the failover path)', () => {
  /**
   * Why this test? C16: Cilium sends one GARP per takeover, an ARP *reply* to broadcast with
   * target MAC ff:ff:ff:ff:ff:ff. With the default arp_accept=0 a client that already has an
   * entry must still move it to the new MAC — as STALE, not REACHABLE (broadcast replies do not
   * assert reachability) — which is what makes the failover visible to clients at all.
   */
  it('arp_accept=0: a Cilium GARP reply moves an existing REACHABLE entry to the new MAC, state STALE', () => {
    const d = new Driver({ arpAccept: 0 });
    d.resolve(0);
    expect(d.at(20_000, { kind: 'arp-received', frame: ciliumGarp(NEW_MAC) })).toEqual([
      { kind: 'neigh-changed', ip: VIP, state: 'STALE', mac: NEW_MAC, fromState: 'REACHABLE', fromMac: OLD_MAC, atMs: 20_000 },
    ]);
    // The next packet goes to the new holder at once (STALE → DELAY).
    expect(d.at(20_100, { kind: 'send-to', ip: VIP, packet: 9 })).toContainEqual({ kind: 'deliver', ip: VIP, mac: NEW_MAC, packet: 9, atMs: 20_100 });
  });

  /**
   * Why this test? Linux's locktime: a non-gratuitous ARP (and Cilium's reply-form GARP is not
   * gratuitous for `arp_is_garp`, target MAC ≠ sender MAC) cannot replace an entry updated less
   * than 1 s earlier. A client that just re-confirmed the old holder ignores the one GARP, and
   * stays on the dead MAC until its own probes fail — the request-form GARP (gneigh) is not lost.
   */
  it('locktime: within 1 s of the last update the reply-form GARP is ignored, the request-form GARP is not', () => {
    const reply = new Driver();
    reply.resolve(0);
    expect(reply.at(600, { kind: 'arp-received', frame: ciliumGarp(NEW_MAC) })).toEqual([]);
    expect(reply.entry()?.mac).toBe(OLD_MAC);

    const request = new Driver();
    request.resolve(0);
    expect(kinds(request.at(600, { kind: 'arp-received', frame: gneighGarp(NEW_MAC) }))).toEqual(['changed:STALE']);
    expect(request.entry()?.mac).toBe(NEW_MAC);
  });

  it('STALE → DELAY on send refreshes `updated`, so a reply-form GARP right after a send is ignored too', () => {
    const d = new Driver();
    d.resolve(0);
    d.at(40_000, { kind: 'timer' });
    d.at(50_000, { kind: 'send-to', ip: VIP });
    expect(d.at(50_500, { kind: 'arp-received', frame: ciliumGarp(NEW_MAC) })).toEqual([]);
    expect(d.at(51_500, { kind: 'arp-received', frame: ciliumGarp(NEW_MAC) }).map((a) => a.kind)).toEqual(['neigh-changed']);
  });

  /** Why this test? Split brain (INV-ONE-RESPONDER): with two responders the first reply wins for 1 s. */
  it('two unicast replies back to back: the first wins (locktime), a later one after 1 s overrides', () => {
    const d = new Driver();
    d.at(0, { kind: 'send-to', ip: VIP });
    d.at(10, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(OLD_MAC, VIP, CLIENT_MAC, CLIENT_IP) } });
    expect(d.at(20, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(NEW_MAC, VIP, CLIENT_MAC, CLIENT_IP) } })).toEqual([]);
    expect(d.entry()).toMatchObject({ mac: OLD_MAC, state: 'REACHABLE' });
    d.at(1_500, { kind: 'arp-received', frame: { ethDst: CLIENT_MAC, arp: arpReply(NEW_MAC, VIP, CLIENT_MAC, CLIENT_IP) } });
    expect(d.entry()).toMatchObject({ mac: NEW_MAC, state: 'REACHABLE' });
  });

  it('a same-MAC broadcast GARP leaves a REACHABLE entry REACHABLE', () => {
    const d = new Driver();
    d.resolve(0);
    expect(d.at(5_000, { kind: 'arp-received', frame: ciliumGarp(OLD_MAC) })).toEqual([]);
    expect(d.entry()?.state).toBe('REACHABLE');
  });

  it('a FAILED entry is revived by a GARP even with arp_accept=0 (it exists), and an INCOMPLETE one flushes its queue', () => {
    const failed = new Driver();
    failed.at(0, { kind: 'send-to', ip: VIP });
    failed.at(5_000, { kind: 'timer' });
    failed.at(6_000, { kind: 'arp-received', frame: ciliumGarp(NEW_MAC) });
    expect(failed.entry()).toMatchObject({ state: 'STALE', mac: NEW_MAC });

    const incomplete = new Driver();
    incomplete.at(0, { kind: 'send-to', ip: VIP, packet: 4 });
    expect(incomplete.at(300, { kind: 'arp-received', frame: ciliumGarp(NEW_MAC) })).toContainEqual({ kind: 'deliver', ip: VIP, mac: NEW_MAC, packet: 4, atMs: 300 });
  });

  it('an ordinary broadcast request from the VIP holder (not for us) also updates the existing entry', () => {
    const d = new Driver();
    d.resolve(0);
    d.at(10_000, { kind: 'arp-received', frame: { ethDst: BROADCAST_MAC, arp: arpRequest(NEW_MAC, VIP, '192.168.1.1') } });
    expect(d.entry()).toMatchObject({ state: 'STALE', mac: NEW_MAC });
  });

  it('frames to another unicast MAC are ignored (PACKET_OTHERHOST), as are non request/reply opcodes', () => {
    const d = new Driver();
    d.resolve(0);
    expect(d.at(10_000, { kind: 'arp-received', frame: { ethDst: '02:00:00:00:0c:09', arp: arpReply(NEW_MAC, VIP, '02:00:00:00:0c:09', '192.168.1.9') } })).toEqual([]);
    expect(d.at(10_000, { kind: 'arp-received', frame: { ethDst: BROADCAST_MAC, arp: { ...gratuitousArp(NEW_MAC, VIP, 'reply'), opcode: 3 } } })).toEqual([]);
  });

  it('drop_gratuitous_arp drops every sender IP = target IP frame', () => {
    const d = new Driver({ dropGratuitousArp: true });
    d.resolve(0);
    expect(d.at(10_000, { kind: 'arp-received', frame: gneighGarp(NEW_MAC) })).toEqual([]);
  });
});

describe('arp_accept: creating entries from unsolicited ARP', () => {
  const unknown = '192.168.1.200';
  const garpFor = (ip: string, form: 'request' | 'reply') => ({ ethDst: BROADCAST_MAC, arp: gratuitousArp(NEW_MAC, ip, form) });

  it('arp_accept=0: no entry from a GARP of either form', () => {
    const d = new Driver({ arpAccept: 0 });
    d.at(0, { kind: 'arp-received', frame: garpFor(unknown, 'request') });
    d.at(0, { kind: 'arp-received', frame: garpFor(unknown, 'reply') });
    expect(d.state.entries.size).toBe(0);
  });

  it('arp_accept=1: a GARP creates a STALE entry; a reply-form GARP too (as a reply from a unicast sender); a plain request does not', () => {
    for (const form of ['request', 'reply'] as const) {
      const d = new Driver({ arpAccept: 1 });
      expect(kinds(d.at(0, { kind: 'arp-received', frame: garpFor(unknown, form) }))).toEqual(['changed:STALE']);
    }
    const d = new Driver({ arpAccept: 1 });
    d.at(0, { kind: 'arp-received', frame: { ethDst: BROADCAST_MAC, arp: arpRequest(NEW_MAC, unknown, '192.168.1.1') } });
    expect(d.state.entries.size).toBe(0);
  });

  it('arp_accept=2: only on-link senders (same subnet as the client address)', () => {
    const d = new Driver({ arpAccept: 2, prefixLength: 24 });
    d.at(0, { kind: 'arp-received', frame: garpFor('10.9.9.9', 'request') });
    expect(d.state.entries.size).toBe(0);
    d.at(0, { kind: 'arp-received', frame: garpFor(unknown, 'request') });
    expect(d.entry(unknown)?.state).toBe('STALE');
  });
});

describe('requests for the client address', () => {
  it('are answered, and the requester is learnt as STALE whatever arp_accept says (neigh_event_ns)', () => {
    const d = new Driver({ arpAccept: 0 });
    const actions = d.at(0, { kind: 'arp-received', frame: { ethDst: BROADCAST_MAC, arp: arpRequest(NEW_MAC, VIP, CLIENT_IP) } });
    expect(actions).toEqual([
      { kind: 'neigh-changed', ip: VIP, state: 'STALE', mac: NEW_MAC, fromState: 'NONE', fromMac: undefined, atMs: 0 },
      { kind: 'send-arp-reply', ethDst: NEW_MAC, arp: arpReply(CLIENT_MAC, CLIENT_IP, NEW_MAC, VIP), atMs: 0 },
    ]);
  });

  it('RFC 5227 probes for the client address are answered but never learnt', () => {
    const d = new Driver();
    expect(kinds(d.at(0, { kind: 'arp-received', frame: { ethDst: BROADCAST_MAC, arp: arpProbe(NEW_MAC, CLIENT_IP) } }))).toEqual(['send-arp-reply']);
    expect(d.state.entries.size).toBe(0);
  });
});

describe('config validation', () => {
  it('names the bad field', () => {
    expect(() => neighbourConfig(CLIENT_MAC, CLIENT_IP, { retransTimeMs: -1 })).toThrow(/retransTimeMs/);
    expect(() => neighbourConfig(CLIENT_MAC, CLIENT_IP, { arpAccept: 3 as 0 })).toThrow(/arpAccept/);
  });
});
