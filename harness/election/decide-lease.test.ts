import { describe, expect, it } from 'vitest';
import { decideLease, decideOptimisticRenew, decideRelease, isLeaseValid, NO_OBSERVATION, observeWritten, type LeaseNow, type LocalObservation } from './decide-lease.ts';
import { recordFromLease, type LeaderElectionRecord, type LeaseObject } from './lease-record.ts';

const config = { leaseDurationSeconds: 15, formatTime: (wallMs: number) => `T${wallMs}` };
const at = (ms: number, observedMs = ms): LeaseNow => ({ monotonicMs: ms, wallMs: 1_000_000 + ms, observedMs });
const lease = (holder: string | undefined, renew: string, transitions = 2, durationS = 15): LeaseObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'cilium-l2announce-default-web', namespace: 'kube-system', resourceVersion: '7' },
  spec: { ...(holder === undefined ? {} : { holderIdentity: holder }), leaseDurationSeconds: durationS, acquireTime: 'T0', renewTime: renew, leaseTransitions: transitions },
});
/** What an elector remembers after reading `l` at `ms`. */
const sawAt = (l: LeaseObject, ms: number): LocalObservation => ({ record: recordFromLease(l), read: recordFromLease(l), observedAtMs: ms });

describe('decideLease (client-go tryAcquireOrRenew after GET)', () => {
  const rows: { name: string; observed: LeaseObject | undefined; self: string; now: LeaseNow; local: LocalObservation; expect: { action: string; kind?: string; transitions?: number; observedAtMs?: number } }[] = [
    { name: 'absent → create with us, 0 transitions', observed: undefined, self: 'n1', now: at(100), local: NO_OBSERVATION, expect: { action: 'create', transitions: 0 } },
    {
      name: 'first sight of a held lease → re-observe now and wait (its timestamps are not trusted)',
      observed: lease('n2', 'T-999999'), self: 'n1', now: at(50_000, 50_010), local: NO_OBSERVATION,
      expect: { action: 'wait', observedAtMs: 50_010 },
    },
    {
      name: 'unchanged record observed < duration ago → wait, observation time kept',
      observed: lease('n2', 'T5'), self: 'n1', now: at(14_000), local: sawAt(lease('n2', 'T5'), 0),
      expect: { action: 'wait', observedAtMs: 0 },
    },
    {
      name: 'record changed (renewed) → observation restarts even if the old one had expired',
      observed: lease('n2', 'T6'), self: 'n1', now: at(20_000, 20_002), local: sawAt(lease('n2', 'T5'), 0),
      expect: { action: 'wait', observedAtMs: 20_002 },
    },
    {
      name: 'unchanged for the stored duration → take over, transitions + 1, fresh acquireTime',
      observed: lease('n2', 'T5'), self: 'n1', now: at(15_001), local: sawAt(lease('n2', 'T5'), 0),
      expect: { action: 'update', kind: 'takeover', transitions: 3 },
    },
    {
      name: 'exactly at the stored duration it has expired (observed + duration must be After now) → take over',
      observed: lease('n2', 'T5'), self: 'n1', now: at(15_000), local: sawAt(lease('n2', 'T5'), 0),
      expect: { action: 'update', kind: 'takeover' },
    },
    {
      name: 'one ms before the stored duration → wait',
      observed: lease('n2', 'T5'), self: 'n1', now: at(14_999), local: sawAt(lease('n2', 'T5'), 0),
      expect: { action: 'wait' },
    },
    {
      name: 'validity uses the stored duration (1 s after a release), not our configured 15 s',
      observed: lease('n2', 'T5', 2, 1), self: 'n1', now: at(1_001), local: sawAt(lease('n2', 'T5', 2, 1), 0),
      expect: { action: 'update', kind: 'takeover', transitions: 3 },
    },
    {
      name: 'empty holder (released) → take over at once, whatever the age',
      observed: lease('', 'T5'), self: 'n1', now: at(10), local: NO_OBSERVATION,
      expect: { action: 'update', kind: 'takeover', transitions: 3 },
    },
    {
      name: 'absent holder field reads as empty → take over',
      observed: lease(undefined, 'T5'), self: 'n1', now: at(10), local: NO_OBSERVATION,
      expect: { action: 'update', kind: 'takeover' },
    },
    {
      name: 'we are the holder (slow-path renew) → update keeping acquireTime and transitions',
      observed: lease('n1', 'T5'), self: 'n1', now: at(2_000), local: sawAt(lease('n1', 'T5'), 0),
      expect: { action: 'update', kind: 'renew', transitions: 2 },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const decision = decideLease(row.observed, row.self, row.now, config, row.local);
      expect(decision.action).toBe(row.expect.action);
      if (row.expect.kind !== undefined) expect(decision.action === 'update' && decision.kind).toBe(row.expect.kind);
      if (row.expect.transitions !== undefined && decision.action !== 'wait') expect(decision.record.leaderTransitions).toBe(row.expect.transitions);
      if (row.expect.observedAtMs !== undefined) expect(decision.observation.observedAtMs).toBe(row.expect.observedAtMs);
      if (decision.action !== 'wait') {
        expect(decision.record).toMatchObject({ holderIdentity: row.self, leaseDurationSeconds: 15, renewTime: `T${row.now.wallMs}` });
        expect(decision.record.acquireTime).toBe(decision.action === 'update' && decision.kind === 'renew' ? 'T0' : `T${row.now.wallMs}`);
      }
    });
  }
});

describe('decideOptimisticRenew (client-go ≥ 0.30 fast path)', () => {
  const ours: LeaderElectionRecord = { holderIdentity: 'n1', leaseDurationSeconds: 15, acquireTime: 'T0', renewTime: 'T5', leaderTransitions: 4 };
  it('a leader whose own view is still valid writes without reading', () => {
    const local = observeWritten(NO_OBSERVATION, ours, 1_000);
    expect(decideOptimisticRenew(local, 'n1', at(3_000), config)).toEqual({ ...ours, renewTime: 'T1003000' });
  });
  it('not leader, expired in our view, or nothing observed → no fast path', () => {
    expect(decideOptimisticRenew(observeWritten(NO_OBSERVATION, ours, 1_000), 'n2', at(3_000), config)).toBeUndefined();
    expect(decideOptimisticRenew(observeWritten(NO_OBSERVATION, ours, 1_000), 'n1', at(16_000), config)).toBeUndefined();
    expect(decideOptimisticRenew(NO_OBSERVATION, 'n1', at(0), config)).toBeUndefined();
  });
});

describe('decideRelease and isLeaseValid', () => {
  const ours: LeaderElectionRecord = { holderIdentity: 'n1', leaseDurationSeconds: 15, acquireTime: 'T0', renewTime: 'T5', leaderTransitions: 4 };
  it('releases with an empty holder and 1 s (new client-go) or the configured duration (old)', () => {
    const local = observeWritten(NO_OBSERVATION, ours, 0);
    expect(decideRelease(local, 'n1', 42, { ...config, releaseSetsOneSecond: true })).toEqual({ holderIdentity: '', leaseDurationSeconds: 1, acquireTime: 'T42', renewTime: 'T42', leaderTransitions: 4 });
    expect(decideRelease(local, 'n1', 42, { ...config, releaseSetsOneSecond: false })?.leaseDurationSeconds).toBe(15);
  });
  it('does nothing when we are not the observed holder', () => {
    expect(decideRelease(observeWritten(NO_OBSERVATION, ours, 0), 'n2', 42, { ...config, releaseSetsOneSecond: true })).toBeUndefined();
  });
  it('a fresh elector never considers anything valid', () => {
    expect(isLeaseValid(NO_OBSERVATION, 0)).toBe(false);
  });
});
