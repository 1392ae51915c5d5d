import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../core/rng.ts';
import { BROADCAST_MAC } from '../packet/addresses.ts';
import { arpReply, arpRequest, gratuitousArp } from '../packet/arp.ts';
import { initialNeighbourCache, nextTimerMs, step } from './neighbour-cache.ts';
import { neighbourConfig, type NeighbourEvent, type NudState } from './neighbour-config.ts';

const CLIENT_MAC = '02:00:00:00:0c:01';
const CLIENT_IP = '10.0.0.50';
const IPS = ['10.0.0.100', '10.0.0.101'];
const MACS = ['02:00:00:00:01:01', '02:00:00:00:02:01', '02:00:00:00:03:01'];

const ipArb = fc.constantFrom(...IPS);
const macArb = fc.constantFrom(...MACS);
const eventArb: fc.Arbitrary<NeighbourEvent> = fc.oneof(
  fc.record({ kind: fc.constant('send-to' as const), ip: ipArb, packet: fc.nat({ max: 1000 }) }),
  fc.constant({ kind: 'timer' as const }),
  fc.tuple(ipArb, macArb, fc.constantFrom('unicast-reply', 'garp-reply', 'garp-request', 'request-for-us', 'request-other')).map(([ip, mac, shape]): NeighbourEvent => {
    const frame =
      shape === 'unicast-reply' ? { ethDst: CLIENT_MAC, arp: arpReply(mac, ip, CLIENT_MAC, CLIENT_IP) }
      : shape === 'garp-reply' ? { ethDst: BROADCAST_MAC, arp: gratuitousArp(mac, ip, 'reply') }
      : shape === 'garp-request' ? { ethDst: BROADCAST_MAC, arp: gratuitousArp(mac, ip, 'request') }
      : shape === 'request-for-us' ? { ethDst: BROADCAST_MAC, arp: arpRequest(mac, ip, CLIENT_IP) }
      : { ethDst: BROADCAST_MAC, arp: arpRequest(mac, ip, '10.0.0.1') };
    return { kind: 'arp-received', frame };
  }),
);
const scheduleArb = fc.array(fc.tuple(fc.nat({ max: 8_000 }), eventArb), { maxLength: 60 });
const configArb = fc.record({
  ucastSolicit: fc.integer({ min: 0, max: 4 }),
  mcastSolicit: fc.integer({ min: 0, max: 4 }),
  mcastResolicit: fc.integer({ min: 0, max: 2 }),
  arpAccept: fc.constantFrom(0 as const, 1 as const, 2 as const),
  retransTimeMs: fc.constantFrom(100, 1_000),
  baseReachableTimeMs: fc.constantFrom(2_000, 30_000),
  delayFirstProbeTimeMs: fc.constantFrom(500, 5_000),
  gcActive: fc.boolean(),
});

describe('neighbour cache properties', () => {
  it('never sends more probes than the config allows, never delivers through an unresolved or FAILED entry, and the change stream matches the state', () => {
    fc.assert(
      fc.property(configArb, scheduleArb, fc.integer(), (overrides, schedule, seed) => {
        const config = neighbourConfig(CLIENT_MAC, CLIENT_IP, overrides);
        const rng = new SeededRng(seed);
        let state = initialNeighbourCache(config, rng, 0);
        let nowMs = 0;
        // What the neigh-changed stream says each entry is, and probes sent in the current episode.
        const seen = new Map<string, { state: NudState | 'DELETED'; mac: string | undefined; probes: number }>();
        for (const [gapMs, event] of schedule) {
          nowMs += gapMs;
          const result = step(state, event, nowMs, config, rng);
          for (const action of result.actions) {
            expect(action.atMs).toBeLessThanOrEqual(nowMs);
            if (action.kind === 'neigh-changed') {
              const episode = action.state === 'INCOMPLETE' || action.state === 'PROBE';
              const previous = seen.get(action.ip);
              const continues = episode && previous?.state === action.state;
              seen.set(action.ip, { state: action.state, mac: action.mac, probes: continues ? previous.probes : 0 });
            } else if (action.kind === 'send-arp-request') {
              const entry = seen.get(action.arp.targetIp);
              expect(entry?.state === 'INCOMPLETE' || entry?.state === 'PROBE').toBe(true);
              if (entry === undefined) continue;
              entry.probes += 1;
              const limit = entry.state === 'INCOMPLETE' ? config.mcastSolicit : config.ucastSolicit + config.mcastResolicit;
              expect(entry.probes).toBeLessThanOrEqual(limit);
              if (entry.state === 'INCOMPLETE') expect(action.mode).toBe('broadcast');
              if (action.mode === 'unicast') expect(action.ethDst).toBe(entry.mac);
            } else if (action.kind === 'deliver') {
              const entry = seen.get(action.ip);
              expect(['REACHABLE', 'STALE', 'DELAY', 'PROBE']).toContain(entry?.state);
              expect(action.mac).toBe(entry?.mac);
            }
          }
          state = result.state;
          for (const [ip, entry] of state.entries) {
            expect(seen.get(ip)?.state).toBe(entry.state);
            expect(seen.get(ip)?.mac).toBe(entry.mac);
          }
          const next = nextTimerMs(state);
          if (next !== undefined) expect(next).toBeGreaterThan(nowMs);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic: the same seed and schedule give the same actions', () => {
    fc.assert(
      fc.property(scheduleArb, fc.integer(), (schedule, seed) => {
        const run = () => {
          const config = neighbourConfig(CLIENT_MAC, CLIENT_IP);
          const rng = new SeededRng(seed);
          let state = initialNeighbourCache(config, rng, 0);
          let nowMs = 0;
          const out: unknown[] = [];
          for (const [gapMs, event] of schedule) {
            nowMs += gapMs * 50;
            const result = step(state, event, nowMs, config, rng);
            state = result.state;
            out.push(result.actions);
          }
          return JSON.stringify(out);
        };
        expect(run()).toBe(run());
      }),
      { numRuns: 100 },
    );
  });
});
