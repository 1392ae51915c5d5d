/**
 * The elector in the simulator, against the behaviours of client-go/Cilium it must reproduce
 * (spec §2.2, C02, C03). Every expectation is on virtual time and the history, never wall time.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../core/history.ts';
import { failoverWindow } from '../l2/lease.ts';
import { getProfile } from '../profiles/profiles.ts';
import { ElectionWorld, type ElectionWorldOptions } from '../sim/election-world.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './api-client.ts';
import type { ElectorSwitches } from './elector-config.ts';

const NEW: ElectorSwitches = { optimisticRenew: true, reacquireAfterLoss: true, releaseSetsOneSecond: true };
const OLD_114: ElectorSwitches = { optimisticRenew: false, reacquireAfterLoss: false, releaseSetsOneSecond: false };
const WEB = 'default/web';
const TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 };

function world(overrides: Partial<ElectionWorldOptions> = {}): ElectionWorld {
  return new ElectionWorld({ seed: 7, nodes: ['n1', 'n2'], services: [WEB], switches: NEW, timing: TIMING, ...overrides });
}
const ops = (w: ElectionWorld, f: string): HistoryOp[] => w.history.ops().filter((op) => op.f === f);
const field = (op: HistoryOp | undefined, key: string): unknown => (op?.value as Record<string, unknown> | undefined)?.[key];

describe('Elector in the sim: acquisition', () => {
  it('a lone candidate creates the lease and leads within one round trip', () => {
    const w = world({ nodes: ['n1'] });
    w.runUntil(10_000);
    expect(w.holderOf(WEB)).toBe('n1');
    const became = ops(w, 'became-leader');
    expect(became).toHaveLength(1);
    expect(became[0]?.tMs).toBeLessThan(10);
    expect(w.history.ops().find((op) => op.type === 'ok' && field(op, 'verb') === 'create')).toBeDefined();
  });

  it('two candidates racing: exactly one leads, the other keeps polling; the loser of the CREATE race got a 409', () => {
    const w = world();
    for (let t = 1_000; t <= 60_000; t += 1_000) {
      w.runUntil(t);
      expect(w.leadersOf(WEB)).toEqual([w.holderOf(WEB)]);
    }
    expect(w.history.ops().filter((op) => op.type === 'fail' && field(op, 'outcome') === 'store-conflict')).toHaveLength(1);
    expect(ops(w, 'became-leader')).toHaveLength(1);
  });

  it('the profile switch the test is about comes from the shipped profiles', () => {
    expect(getProfile('cilium-1.14').l2).toMatchObject(OLD_114);
    expect(getProfile('cilium-1.16').l2).toMatchObject(NEW);
    expect(getProfile('cilium-1.20.2').l2.releaseBoundedByRenewDeadline).toBe(false);
    expect(getProfile('reference').l2.releaseBoundedByRenewDeadline).toBe(true);
  });
});

describe('Elector in the sim: failover', () => {
  it('leader killed → another node takes over within [L − D, L + D] + 2.2 × R, for 40 seeds', () => {
    const window = failoverWindow(TIMING);
    const lowMs = TIMING.leaseDurationMs - TIMING.renewDeadlineMs;
    const highMs = TIMING.leaseDurationMs + TIMING.renewDeadlineMs + 2.2 * TIMING.retryPeriodMs;
    for (let seed = 1; seed <= 40; seed += 1) {
      const w = world({ seed, nodes: ['n1', 'n2', 'n3'] });
      w.runUntil(20_000 + seed * 37);
      const victim = w.holderOf(WEB) as string;
      const killedAtMs = w.kernel.nowMs;
      w.killNode(victim);
      w.runUntil(80_000);
      const takeover = ops(w, 'became-leader').find((op) => op.tMs > killedAtMs);
      expect(takeover, `seed ${seed}`).toBeDefined();
      expect(takeover?.process).not.toBe(victim);
      const failoverMs = (takeover?.tMs ?? 0) - killedAtMs;
      expect(failoverMs, `seed ${seed}`).toBeGreaterThanOrEqual(lowMs);
      expect(failoverMs, `seed ${seed}`).toBeLessThanOrEqual(Math.min(highMs, window.fromHolderDeathMaxMs + 10));
    }
  });

  // Why this test? client-go treats an empty holder as free at once (the stored 1 s matters only to
  // implementations that ignore the empty holder), so a released lease moves at the next poll.
  it('cancel releases (holder "", 1 s) and another node takes over at its next poll, long before L', () => {
    const w = world();
    w.runUntil(20_000);
    const leader = w.holderOf(WEB) as string;
    w.cancelElector(leader, WEB);
    const cancelledAtMs = w.kernel.nowMs;
    w.runUntil(60_000);
    const released = ops(w, 'released-lease')[0];
    expect(released?.process).toBe(leader);
    expect(field(released, 'leaseDurationSeconds')).toBe(1);
    const takeover = ops(w, 'became-leader').find((op) => op.tMs > cancelledAtMs);
    expect(takeover?.process).not.toBe(leader);
    expect((takeover?.tMs ?? Infinity) - cancelledAtMs).toBeLessThanOrEqual(2.2 * TIMING.retryPeriodMs + 20);
    expect(w.electorTask(leader, WEB).result).toBe('cancelled');
  });

  it('old client-go releases with the configured duration', () => {
    const w = world({ nodes: ['n1'], switches: { ...NEW, releaseSetsOneSecond: false } });
    w.runUntil(5_000);
    w.cancelElector('n1', WEB);
    w.runUntil(6_000);
    expect(field(ops(w, 'released-lease')[0], 'leaseDurationSeconds')).toBe(15);
    expect(w.holderOf(WEB)).toBe('');
  });
});

describe('Elector in the sim: re-candidacy after loss (C02)', () => {
  /** n1 leads, is cut off from the API until it loses, then n2 (the new leader) dies. */
  function loseThenKillTheOther(switches: ElectorSwitches): ElectionWorld {
    const w = world({ switches, nodes: ['n1', 'n2'], seed: 3 });
    w.runUntil(10_000);
    const first = w.holderOf(WEB) as string;
    const other = first === 'n1' ? 'n2' : 'n1';
    w.server.partition(first);
    w.runUntil(40_000);
    w.server.heal(first);
    expect(w.holderOf(WEB)).toBe(other);
    w.killNode(other);
    w.runUntil(200_000);
    return w;
  }

  it('without reacquireAfterLoss (1.14.0–1.14.6) the node that lost never competes again: the lease stays expired', () => {
    const w = loseThenKillTheOther(OLD_114);
    const loser = ops(w, 'lost-leader')[0]?.process as string;
    expect(field(ops(w, 'elector-exit')[0], 'reason')).toBe('lost-not-reacquired');
    expect(w.leadersOf(WEB)).toEqual([]);
    const lease = ElectionWorld.leaseFor(WEB);
    const lastRequestMs = Math.max(...w.history.ops().filter((op) => op.process === loser && field(op, 'name') === lease).map((op) => op.tMs));
    expect(lastRequestMs).toBeLessThan(40_000);
  });

  it('with reacquireAfterLoss the node that lost competes again and takes the lease back', () => {
    const w = loseThenKillTheOther(NEW);
    const loser = ops(w, 'lost-leader')[0]?.process as string;
    expect(w.holderOf(WEB)).toBe(loser);
    expect(w.leadersOf(WEB)).toEqual([loser]);
  });
});

// Why this test? explore's reference-holder-answers-s5: a leader cut off from the API server kept
// "leading" through a release with no deadline (context.TODO(), the HTTP timeout) while another node
// took over, so its datapath answered as a stray responder. Bounded by renewDeadline, the release
// ends — and OnStoppedLeading runs — at most 2 × renewDeadline after the failed renewal began.
describe('Elector in the sim: the release after a lost renewal (releaseBoundedByRenewDeadline)', () => {
  const EPSILON_MS = 5;
  const lease = ElectionWorld.leaseFor(WEB);

  /** The leader at 10 s is partitioned (drop); when its failed renewal began and when it stopped leading. */
  function cutOff(seed: number, switches: ElectorSwitches): { renewalStartMs: number; lostMs: number; leaderOps: HistoryOp[] } {
    const w = world({ seed, switches });
    w.runUntil(10_000 + seed * 53);
    const leader = w.holderOf(WEB) as string;
    w.server.partition(leader, 'drop');
    w.runUntil(60_000);
    const lost = ops(w, 'lost-leader').find((op) => op.process === leader);
    expect(lost, `seed ${seed}: ${leader} never stopped leading`).toBeDefined();
    const lostMs = lost?.tMs ?? Infinity;
    const before = lost?.index ?? Infinity;
    const leaderOps = w.history.ops().filter((op) => op.process === leader && op.f === 'lease-request' && field(op, 'name') === lease && op.index < before);
    const lastOk = leaderOps.filter((op) => op.type === 'ok').at(-1);
    const renewalStart = leaderOps.find((op) => op.type === 'invoke' && op.index > (lastOk?.index ?? -1));
    expect(renewalStart, `seed ${seed}: no renewal after the last ok`).toBeDefined();
    return { renewalStartMs: renewalStart?.tMs ?? -Infinity, lostMs, leaderOps };
  }

  it('bounded: lost-leader ≤ renewal start + 2 × renewDeadline + ε, release before OnStoppedLeading, for 10 seeds', () => {
    for (let seed = 1; seed <= 10; seed += 1) {
      const { renewalStartMs, lostMs, leaderOps } = cutOff(seed, { ...NEW, releaseBoundedByRenewDeadline: true });
      expect(lostMs - renewalStartMs, `seed ${seed}`).toBeLessThanOrEqual(2 * TIMING.renewDeadlineMs + EPSILON_MS);
      // client-go order: the release update is the last request, and it ended before lost-leader.
      const release = leaderOps.filter((op) => op.type === 'invoke').at(-1);
      expect(field(release, 'verb'), `seed ${seed}`).toBe('update');
      expect(release?.tMs ?? Infinity, `seed ${seed}`).toBeGreaterThanOrEqual(renewalStartMs + TIMING.renewDeadlineMs - EPSILON_MS);
    }
  });

  it('unbounded (every Cilium profile): the release waits for the 10 s HTTP timeout past the renew deadline', () => {
    for (let seed = 1; seed <= 10; seed += 1) {
      const { renewalStartMs, lostMs } = cutOff(seed, NEW);
      expect(lostMs - renewalStartMs, `seed ${seed}`).toBeGreaterThanOrEqual(TIMING.renewDeadlineMs + DEFAULT_REQUEST_TIMEOUT_MS - EPSILON_MS);
    }
  });
});

// Why this test? explore (reference, round 3, seed 1): n2 was deselected while its CREATE was in
// flight. client-go aborts the request with the context, but the server had applied it: a Lease
// nobody renews or releases held n1 off for leaseDuration, past INV-NEW-IP-ANNOUNCED's bound.
describe('Elector in the sim: a cancel while acquiring (cancelCompletesLeaseRequest)', () => {
  /** n1 alone; its elector cancelled while its CREATE is in flight. */
  function cancelMidCreate(switches: ElectorSwitches): ElectionWorld {
    const w = world({ nodes: ['n1'], switches });
    const creates = (): HistoryOp[] => w.history.ops().filter((op) => op.f === 'lease-request' && field(op, 'verb') === 'create');
    for (let t = 0.1; creates().length === 0 && t < 100; t += 0.1) w.runUntil(t);
    expect(creates().map((op) => op.type)).toEqual(['invoke']);
    w.cancelElector('n1', WEB);
    w.runUntil(1_000);
    return w;
  }

  it('client-go: the aborted CREATE was applied anyway — a Lease nobody renews or releases', () => {
    const w = cancelMidCreate(NEW);
    expect(w.holderOf(WEB)).toBe('n1');
    expect(ops(w, 'released-lease')).toHaveLength(0);
  });

  /**
   * Why this test? explore (reference, 10,000 runs, seed 1): two policy edits at one instant made
   * n1 a candidate and then not; cancelled while its GET was in flight, the elector went on to
   * CREATE a Lease for a service out of scope. The request in flight finishes; no new one is sent.
   */
  it('a cancel during the GET lets it finish and sends no CREATE', () => {
    const w = world({ nodes: ['n1'], switches: { ...NEW, cancelCompletesLeaseRequest: true } });
    const gets = (): HistoryOp[] => w.history.ops().filter((op) => op.f === 'lease-request' && field(op, 'verb') === 'get');
    for (let t = 0.1; gets().length === 0 && t < 100; t += 0.1) w.runUntil(t);
    w.cancelElector('n1', WEB);
    w.runUntil(1_000);
    expect(gets().map((op) => [op.type, field(op, 'outcome')])).toEqual([['invoke', undefined], ['fail', 'store-not-found']]);
    expect(w.history.ops().filter((op) => op.f === 'lease-request' && field(op, 'verb') === 'create')).toEqual([]);
    expect(w.holderOf(WEB)).toBeUndefined();
  });

  it('the CREATE completes and the Lease it won is released at once, never led', () => {
    const w = cancelMidCreate({ ...NEW, cancelCompletesLeaseRequest: true });
    expect(w.holderOf(WEB)).toBe('');
    expect(ops(w, 'released-lease')).toHaveLength(1);
    expect(ops(w, 'became-leader')).toHaveLength(0);
    expect(w.electorTask('n1', WEB).result).toBe('cancelled');
  });
});

// Why this test? explore (reference, round 4, seed 5): n2 was deselected while a renewal was in
// flight. The aborted PUT was applied, so the release with the cached resourceVersion failed with
// a conflict (kubernetes#131867) and the Lease stayed n2's, unrenewed, for leaseDuration. Round
// trips are a fixed 2 ms here: the aborted PUT reaches the server 1 ms after it was sent, before
// anything the cancel sends.
describe('Elector in the sim: a cancel while renewing', () => {
  const FAST = { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };
  function cancelMidRenew(switches: ElectorSwitches): ElectionWorld {
    const w = world({ nodes: ['n1'], switches, timing: FAST, latency: { kind: 'fixed', ms: 2 } });
    w.runUntil(1_000);
    const updates = (): HistoryOp[] => w.history.ops().filter((op) => op.f === 'lease-request' && field(op, 'verb') === 'update' && op.tMs >= 1_000);
    for (let t = 1_000.1; updates().length === 0 && t < 2_000; t += 0.1) w.runUntil(t);
    expect(updates().map((op) => op.type)).toEqual(['invoke']);
    w.cancelElector('n1', WEB);
    w.runUntil(5_000);
    return w;
  }

  it('client-go ≤ v0.33: the release conflicts with the aborted renewal the server applied', () => {
    const w = cancelMidRenew(NEW);
    expect(w.holderOf(WEB)).toBe('n1');
    expect(ops(w, 'released-lease')).toHaveLength(0);
    expect(w.history.ops().some((op) => op.type === 'fail' && field(op, 'outcome') === 'store-conflict')).toBe(true);
  });

  it('releaseRefreshesLease (client-go v0.34+): the release reads the Lease first and frees it', () => {
    const w = cancelMidRenew({ ...NEW, releaseRefreshesLease: true });
    expect(w.holderOf(WEB)).toBe('');
    expect(ops(w, 'released-lease')).toHaveLength(1);
  });

  it('cancelCompletesLeaseRequest: the renewal completes, and the release writes against its version', () => {
    const w = cancelMidRenew({ ...NEW, cancelCompletesLeaseRequest: true });
    expect(w.holderOf(WEB)).toBe('');
    const updates = w.history.ops().filter((op) => op.f === 'lease-request' && field(op, 'verb') === 'update' && op.tMs >= 1_000 && op.type !== 'invoke');
    expect(updates.map((op) => op.type)).toEqual(['ok', 'ok']);
    expect(ops(w, 'released-lease')).toHaveLength(1);
  });
});

describe('Elector in the sim: client-side throttling (C02)', () => {
  const services = Array.from({ length: 12 }, (_, i) => `default/svc${i}`);

  it('a QPS far below the renew rate starves renewals past renewDeadline: the leader loses leases', () => {
    const w = world({ nodes: ['n1'], services, rateLimit: { qps: 2, burst: 4 } });
    w.runUntil(120_000);
    const lost = ops(w, 'lost-leader').filter((op) => field(op, 'reason') === 'renew-failed');
    expect(lost.length).toBeGreaterThan(0);
    expect(w.client('n1').throttle.refused).toBeGreaterThan(0);
    expect(w.client('n1').throttle.waitMsMax).toBeGreaterThan(1_000);
    expect(w.history.ops().some((op) => op.type === 'fail' && field(op, 'outcome') === 'store-throttled')).toBe(true);
  });

  it('a QPS above the renew rate never loses a lease', () => {
    const w = world({ nodes: ['n1'], services, rateLimit: { qps: 20, burst: 40 } });
    w.runUntil(120_000);
    expect(ops(w, 'lost-leader')).toHaveLength(0);
    expect(w.client('n1').throttle.refused).toBe(0);
  });
});

describe('Elector configuration', () => {
  it("applies Cilium's timing corrections and keeps them visible", () => {
    const w = world({ nodes: ['n1'], timing: { leaseDurationMs: 5_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_200 } });
    const config = w.elector('n1', WEB).config;
    expect(config.timing).toEqual({ leaseDurationMs: 5_000, renewDeadlineMs: 2_500, retryPeriodMs: 1_250 });
    expect(config.corrections.map((c) => c.rule)).toEqual(['lease-duration-not-above-renew-deadline', 'renew-deadline-not-above-jittered-retry-period']);
  });

  it('rejects an empty identity naming the field', () => {
    expect(() => world({ nodes: [' '] })).toThrow(/identity must not be empty/);
  });
});
