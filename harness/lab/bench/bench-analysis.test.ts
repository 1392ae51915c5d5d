import { describe, expect, it } from 'vitest';
import type { FailoverComponents } from '../../checker/failover-components.ts';
import { history, MAC, VIP, WEB, WEB_LEASE } from '../../checker/history.test-helpers.ts';
import { failoverNotes } from './failover-notes.ts';
import { componentSpreads, takeoverTrials, takeoverWindow } from './failover-trials.ts';
import { leasesHeldAt, measureLeaseLoad } from './lease-load-measure.ts';
import { spreadOf } from './spread.ts';

const FAST = { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

function row(killMs: number, over: Partial<FailoverComponents> = {}): FailoverComponents {
  return { killMs, fault: 'kill-agent', deadNode: 'n1', service: WEB, ip: VIP, client: 'c1', newHolder: 'n2', leaseTakenOverMs: 3_000, firstGarpMs: 3_002, firstNewMacAnswerMs: 3_002, clientEntryChangedMs: 3_005, firstSuccessfulProbeMs: 3_080, ...over };
}

describe('spreadOf', () => {
  it('nearest-rank percentiles, non-finite samples ignored, undefined when empty', () => {
    const s = spreadOf([5, 1, 4, 2, 3, Number.NaN, 10, 9, 8, 7, 6]);
    expect(s).toMatchObject({ n: 10, min: 1, p50: 5, p90: 9, max: 10, mean: 5.5 });
    expect(spreadOf([])).toBeUndefined();
  });
});

describe('failover trials', () => {
  it('the window is [L − D, L + D + 2.2 R] and the client-go model inside it', () => {
    expect(takeoverWindow(FAST)).toEqual({ lowMs: 2_000, highMs: 4_440, modelLowMs: 2_800, modelHighMs: 3_880 });
    expect(takeoverWindow({ leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 })).toMatchObject({ lowMs: 10_000, highMs: 24_400 });
  });

  it('component spreads count the kills where a component never happened', () => {
    const spreads = componentSpreads([row(10_000), row(20_000, { firstGarpMs: null, leaseTakenOverMs: 3_400 })]);
    const garp = spreads.find((c) => c.component === 'firstGarp');
    expect(garp).toMatchObject({ missing: 1, spread: { n: 1, p50: 3_002 } });
    expect(spreads.find((c) => c.component === 'leaseTakenOver')?.spread).toMatchObject({ n: 2, p50: 3_000, max: 3_400 });
  });

  it('a takeover inside the window has no reason; one past it names the stalled poller and the slow request', () => {
    const h = history()
      .leaseRequest(9_900, 'n1', 'update')
      .leaseRequest(10_100, 'n2', 'get')
      .leaseRequest(13_000, 'n2', 'update')
      .leaseRequest(19_900, 'n1', 'update')
      .leaseRequest(20_100, 'n2', 'get')
      .leaseRequest(24_500, 'n2', 'get', { latencyMs: 900 })
      .leaseRequest(25_000, 'n2', 'update', {}, 'fail');
    const trials = takeoverTrials([row(10_000), row(20_000, { leaseTakenOverMs: 5_000 })], h.ops, FAST);
    expect(trials[0]).toMatchObject({ trial: 1, inside: true, lastRenewAgeMs: 100, sinceLastRenewMs: 3_100 });
    expect(trials[0]?.reason).toBeUndefined();
    expect(trials[1]).toMatchObject({ trial: 2, inside: false, maxPollGapMs: 4_400, maxLatencyMs: 900, failures: { 'store-conflict': 1 } });
    expect(trials[1]?.reason).toMatch(/past leaseDuration \+ renewDeadline/);
    expect(trials[1]?.reason).toMatch(/did not poll the Lease for 4400 ms/);
    expect(trials[1]?.reason).toMatch(/took 900 ms/);
    expect(trials[1]?.reason).toMatch(/1 × store-conflict/);
  });

  it('a kill with no takeover is outside, and one trial per (kill, service) however many clients', () => {
    const trials = takeoverTrials([row(10_000, { leaseTakenOverMs: null, newHolder: null }), row(10_000, { client: 'c2', leaseTakenOverMs: null, newHolder: null })], [], FAST);
    expect(trials).toHaveLength(1);
    expect(trials[0]).toMatchObject({ inside: false, takeoverMs: null });
    expect(trials[0]?.reason).toMatch(/no other node took the Lease over/);
  });
});

describe('failover notes', () => {
  const macs = new Map([['n1', [MAC.n1]], ['n2', [MAC.n2]], ['n3', [MAC.n3]]]);

  it('no GARP: the new holder answered before it held the Lease (stale pinned-map entry after a restart), else plain no-garp', () => {
    const h = history().nemesis(6_000, 'restart-agent', { node: 'n2' }).answer(8_000, MAC.n2);
    const notes = failoverNotes([row(10_000, { firstGarpMs: null, firstNewMacAnswerMs: null, clientEntryChangedMs: null })], h.ops, macs, 1_000);
    expect(notes.map((n) => n.kind)).toEqual(['stale-pinned-entry']);
    expect(notes[0]?.note).toMatch(/answered for .* at 8\.000 s, before it held the Lease \(agent restarted at 6\.000 s\)/);
    const quiet = failoverNotes([row(10_000, { firstGarpMs: null, firstNewMacAnswerMs: null, clientEntryChangedMs: null })], [], macs, 1_000);
    expect(quiet.map((n) => n.kind)).toEqual(['no-garp']);
  });

  it('no GARP from a node whose agent was killed holding the IP earlier: stale unless its node was killed since', () => {
    const earlier = row(5_000, { deadNode: 'n2', newHolder: 'n1' });
    const later = row(10_000, { deadNode: 'n1', newHolder: 'n2', firstGarpMs: null });
    const notes = failoverNotes([earlier, later], [], macs, 1_000);
    expect(notes.map((n) => n.kind)).toEqual(['stale-pinned-entry']);
    expect(notes[0]?.note).toMatch(/killed holding .* at 5\.000 s/);
    const wiped = failoverNotes([earlier, later], history().nemesis(7_000, 'kill-node', { node: 'n2' }).ops, macs, 1_000);
    expect(wiped.map((n) => n.kind)).toEqual(['no-garp']);
  });

  it('a late client entry: the entry changed within locktime before the GARP', () => {
    const h = history().op(12_995, 'c1', 'neigh-changed', { client: 'c1', ip: VIP, mac: MAC.n1, state: 'STALE', fromState: 'REACHABLE', fromMac: MAC.n1 });
    const notes = failoverNotes([row(10_000, { clientEntryChangedMs: 13_000 })], h.ops, macs, 1_000);
    expect(notes.map((n) => [n.component, n.kind])).toEqual([['clientEntryChanged', 'locktime']]);
    expect(notes[0]?.note).toMatch(/changed \(→ STALE\) 7 ms before the GARP, inside locktime/);
    expect(failoverNotes([row(10_000)], h.ops, macs, 1_000)).toEqual([]);
  });

  it('a probe answered before the takeover names the third node that answered', () => {
    const h = history().op(10_050, 'c1', 'probe', { client: 'c1', vip: VIP, seq: 1, outcome: 'answered', answeredBy: 'n3', rttMs: 1 }, 'ok');
    const notes = failoverNotes([row(10_000, { firstSuccessfulProbeMs: 50 })], h.ops, macs, 1_000);
    expect(notes[0]).toMatchObject({ component: 'firstSuccessfulProbe', kind: 'third-node-answered' });
    expect(notes[0]?.note).toMatch(/by n3/);
  });
});

describe('lease load measurement', () => {
  /** n1 leads WEB_LEASE (a PUT every 200 ms from 100 ms), n2 polls it every 320 ms from `n2StartMs`; one throttled GET. */
  function steady(n2StartMs: number, endMs: number, throttledAtMs = n2StartMs + 1) {
    const h = history().became(100, 'n1');
    for (let t = 100; t < endMs; t += 200) h.leaseRequest(t, 'n1', 'update');
    for (let t = n2StartMs; t < endMs; t += 320) h.leaseRequest(t, 'n2', 'get');
    h.leaseRequest(throttledAtMs, 'n2', 'get', { outcome: 'store-throttled' }, 'fail');
    return h.ops;
  }
  const input = { nodes: ['n1', 'n2'], leases: [WEB_LEASE], timing: FAST, optimisticRenew: true, declaredFromMs: 6_000, declaredToMs: 26_000 };

  it('measures per verb, total and per node against the model; throttled requests are failures, not load', () => {
    const m = measureLeaseLoad(steady(0, 30_000), input);
    expect(m.fromMs).toBe(6_100); // n1's first request at 100 ms + 2 × leaseDuration
    expect(m.windowOk).toBe(true);
    expect(m.measured.update).toBeCloseTo(5, 1);
    expect(m.measured.get).toBeCloseTo(3.1, 1);
    expect(m.model.update).toBeCloseTo(1000 / 205, 2); // sliding loop: R + 5 ms latency
    expect(m.idealModel.update).toBeCloseTo(5, 5);
    expect(m.relativeError).not.toBeNull();
    expect(Math.abs(m.relativeError ?? 1)).toBeLessThan(0.05);
    expect(m.perNode.map((n) => [n.node, n.leasesHeld])).toEqual([['n1', 1], ['n2', 0]]);
    expect(m.perNode[0]?.measuredPerS).toBeCloseTo(5, 1);
    expect(m.latencyMs?.mean).toBe(5);
    expect(m.failures).toEqual({});
  });

  it('opens the window 2 × leaseDuration after the last agent started; a short window is flagged', () => {
    const late = measureLeaseLoad(steady(19_000, 30_000), input);
    expect(late.lastAgentUpMs).toBe(19_000);
    expect(late.fromMs).toBe(25_000);
    expect(late.windowOk).toBe(false);
    const silent = measureLeaseLoad(steady(0, 30_000), { ...input, nodes: ['n1', 'n2', 'n3'] });
    expect(silent.silentNodes).toEqual(['n3']);
    expect(silent.lastAgentUpMs).toBeUndefined();
  });

  it('counts a throttled request in the window as a failure, not as load', () => {
    const without = measureLeaseLoad(steady(0, 30_000), input);
    const withThrottle = measureLeaseLoad(steady(0, 30_000, 10_000), input);
    expect(withThrottle.failures).toEqual({ 'store-throttled': 1 });
    expect(withThrottle.measured.total).toBe(without.measured.total);
    expect(withThrottle.requests).toBe(without.requests + 1);
  });

  it('leases held: the latest became-leader wins, a lost-leader of the holder releases', () => {
    const ops = history().became(0, 'n1').became(0, 'n2', 'other').lost(5_000, 'n1').became(6_000, 'n2').ops;
    expect(leasesHeldAt(ops, 4_000)).toEqual(new Map([['n1', 1], ['n2', 1]]));
    expect(leasesHeldAt(ops, 5_500)).toEqual(new Map([['n2', 1]]));
    expect(leasesHeldAt(ops, 7_000)).toEqual(new Map([['n2', 2]]));
  });
});
