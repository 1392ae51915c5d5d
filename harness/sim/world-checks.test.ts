/**
 * End-to-end checks on recorded world histories: ResponderWorld scenarios (3 nodes, a few
 * services, fast timings 3 s / 1 s / 200 ms, a probing client), then every invariant checker and
 * the failover components on the history alone — the checkers must agree with what the world did.
 * Seeds are literal: a run is deterministic, and where a bug shows only when a particular node
 * wins, the seed is the one where it does (the test says which).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../core/history.ts';
import { checkAllInvariants } from '../checker/invariants.ts';
import { resolveBounds } from '../checker/context.ts';
import { failoverComponents } from '../checker/failover-components.ts';
import { historyToJsonl } from '../history/jsonl.ts';
import { getProfile } from '../profiles/profiles.ts';
import { ResponderWorld, type ResponderWorldOptions, type SimClientSpec } from './responder-world.ts';
import { backend, l2Policy, lbPool, lbService, manifests, simNode, threeNodeCluster } from './responder-world.fixtures.ts';

const FAST = { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };
/** A client with quick neighbour timers (so a failover settles within seconds) probing every 200 ms. */
const CLIENT: SimClientSpec = { id: 'c1', neighbour: { baseReachableTimeMs: 4_000, delayFirstProbeTimeMs: 1_000, retransTimeMs: 300 }, probe: { intervalMs: 200, timeoutMs: 400 } };
const FIVE = ['a', 'b', 'c', 'd', 'e'].map((name) => lbService(name));

function world(over: Partial<ResponderWorldOptions> = {}): ResponderWorld {
  return new ResponderWorld({ seed: 1, manifests: threeNodeCluster(FIVE), profile: getProfile('cilium-1.16'), timing: FAST, clients: [CLIENT], ...over });
}
const verdicts = (w: ResponderWorld, leaseLoad = false): Record<string, boolean | 'unknown'> => {
  const result = checkAllInvariants(w.history.ops(), w.checkContext(leaseLoad ? { leaseLoad: {} } : {}));
  return Object.fromEntries(Object.entries(result.results).map(([name, r]) => [name, r.valid]));
};
const count = (ops: readonly HistoryOp[], f: string, type?: string): number => ops.filter((op) => op.f === f && (type === undefined || op.type === type)).length;

describe('world histories: a clean run', () => {
  it('every invariant holds — none unknown — and every probe after the first round is answered', () => {
    const w = world();
    w.runUntil(30_000);
    expect(verdicts(w, true)).toEqual({
      'lease-scope': true, 'one-responder': true, 'holder-eligible': true, 'holder-answers': true, 'ip-stability': true, 'pool-bounds': true,
      'shared-ip-one-node': true, 'iface-scope': true, 'failover-bound': true, reacquire: true, 'new-ip-announced': true, 'lease-load': true,
    });
    const ops = w.history.ops();
    expect(count(ops, 'announce-expected')).toBeGreaterThanOrEqual(5);
    expect(count(ops, 'pool-state')).toBe(1);
    expect(count(ops, 'service-ips')).toBe(5);
    expect(count(ops, 'probe', 'fail')).toBe(0);
    expect(count(ops, 'probe', 'ok')).toBe(count(ops, 'probe', 'invoke') - 5); // the last round is in flight
  });
});

describe('world histories: failover', () => {
  it('kill the leader node: failover-bound holds and each component is present, ordered and bounded', () => {
    const w = world();
    w.runUntil(10_000);
    const victim = w.holderOf('default/a') as string;
    w.killNode(victim);
    w.runUntil(30_000);
    const context = w.checkContext();
    expect(verdicts(w)['failover-bound']).toBe(true);
    const rows = failoverComponents(w.history.ops(), context);
    const led = FIVE.filter((s) => rows.some((r) => r.service === `default/${s.name}`));
    expect(led.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(led.length);
    const { failoverMs } = resolveBounds(context);
    // Client side: a GARP inside the locktime of the entry's last update is ignored (Cilium's GARP
    // reply is not arp_is_garp), so the entry may wait for its own PROBE cycle to fail and
    // re-resolve: at most 1.5 × base reachable + delay_first_probe + (ucast_solicit + 1) × retrans.
    const neighbourWorstMs = 1.5 * 4_000 + 1_000 + 4 * 300;
    for (const row of rows) {
      expect(row.deadNode).toBe(victim);
      expect(row.newHolder).not.toBe(victim);
      const { leaseTakenOverMs, firstGarpMs, clientEntryChangedMs, firstSuccessfulProbeMs } = row;
      for (const component of [leaseTakenOverMs, firstGarpMs, clientEntryChangedMs, firstSuccessfulProbeMs]) expect(component).not.toBeNull();
      expect(0).toBeLessThanOrEqual(leaseTakenOverMs as number);
      expect(leaseTakenOverMs).toBeLessThanOrEqual(firstGarpMs as number);
      expect(firstGarpMs).toBeLessThanOrEqual(clientEntryChangedMs as number);
      expect(clientEntryChangedMs).toBeLessThanOrEqual(firstSuccessfulProbeMs as number);
      expect(firstGarpMs).toBeLessThanOrEqual(failoverMs);
      expect(clientEntryChangedMs).toBeLessThanOrEqual((firstGarpMs as number) + neighbourWorstMs);
      expect(firstSuccessfulProbeMs).toBeLessThanOrEqual((clientEntryChangedMs as number) + 200 + 1);
    }
  });
});
