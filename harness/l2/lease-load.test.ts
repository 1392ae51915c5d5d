import { describe, expect, it } from 'vitest';
import { compareWithRateLimit, estimateLeaseLoad, type LeaseLoadService } from './lease-load.ts';

const nodes = (n: number): string[] => Array.from({ length: n }, (_, i) => `node-${String(i).padStart(2, '0')}`);
const services = (s: number, candidates: string[]): LeaseLoadService[] => Array.from({ length: s }, (_, i) => ({ name: `svc-${i}`, candidateNodes: candidates }));

describe('estimateLeaseLoad (spec §4, C03)', () => {
  it('worked example: 50 services, 10 nodes, R=2s → ≈ 25 + 140.6 + 0.17 ≈ 166 req/s', () => {
    const est = estimateLeaseLoad({ services: services(50, nodes(10)), nodeCount: 10, retryPeriodMs: 2000, renewDeadlineMs: 5000, optimisticRenew: true });
    expect(est.byVerbPerS.update).toBeCloseTo(25, 9);
    expect(est.byVerbPerS.get).toBeCloseTo(140.625, 9);
    expect(est.byVerbPerS.list).toBeCloseTo(10 / 60, 9);
    expect(est.clusterTotalPerS).toBeCloseTo(165.79, 2);
    expect(est.leaseCount).toBe(50);
    // ≤ 25 QPS on any one node (+ its GC LIST)
    expect(est.worstNode?.perS).toBeCloseTo(25 + 1 / 60, 9);
    expect(Object.keys(est.perNodeWorstCasePerS)).toHaveLength(10);
  });

  it('C03: the docs formula (S / renewDeadline) under-states the holder load by renewDeadline / retryPeriod', () => {
    const est = estimateLeaseLoad({ services: services(65, nodes(3)), nodeCount: 3, retryPeriodMs: 2000, renewDeadlineMs: 5000, optimisticRenew: true });
    expect(est.docsFormulaPerS).toBeCloseTo(13, 9);
    expect(est.worstNode?.perS).toBeCloseTo(32.5 + 1 / 60, 9);
    expect(est.underestimateFactor).toBeCloseTo((32.5 + 1 / 60) / 13, 9);
  });

  it('profile.l2.optimisticRenew=false (1.14/1.15): the leader does GET+PUT, doubling its load', () => {
    const base = { services: services(10, nodes(2)), nodeCount: 2, retryPeriodMs: 2000, renewDeadlineMs: 5000 };
    const optimistic = estimateLeaseLoad({ ...base, optimisticRenew: true });
    const old = estimateLeaseLoad({ ...base, optimisticRenew: false });
    expect(optimistic.byVerbPerS.get).toBeCloseTo(10 / 3.2, 9);
    expect(old.byVerbPerS.get).toBeCloseTo(10 / 3.2 + 5, 9);
    expect(old.byVerbPerS.update).toBeCloseTo(optimistic.byVerbPerS.update, 9);
    expect(old.worstNode?.perS).toBeCloseTo(10 + 1 / 60, 9);
  });

  it('generalises per service: each uses its own candidate count; non-candidates only LIST', () => {
    const est = estimateLeaseLoad({
      services: [
        { name: 'a', candidateNodes: ['n1'] },
        { name: 'b', candidateNodes: ['n1', 'n2', 'n2'] },
        { name: 'c', candidateNodes: [] },
      ],
      nodeCount: 4,
      retryPeriodMs: 1000,
      renewDeadlineMs: 2000,
      optimisticRenew: true,
    });
    expect(est.leaseCount).toBe(2);
    expect(est.byVerbPerS.update).toBeCloseTo(2, 9);
    expect(est.byVerbPerS.get).toBeCloseTo(1 / 1.6, 9);
    expect(est.byVerbPerS.list).toBeCloseTo(4 / 60, 9);
    expect(est.perNodeWorstCasePerS).toEqual({ n1: 2 + 1 / 60, n2: 1 + 1 / 60 });
    expect(est.worstNode?.node).toBe('n1');
    expect(est.docsFormulaPerS).toBeCloseTo(1, 9);
  });

  it('C01 sizing: 51 selected services instead of 2 multiplies the load (1.14)', () => {
    const common = { nodeCount: 3, retryPeriodMs: 2000, renewDeadlineMs: 5000, optimisticRenew: false };
    const fixed = estimateLeaseLoad({ ...common, services: services(2, nodes(3)) });
    const c01 = estimateLeaseLoad({ ...common, services: services(51, nodes(3)) });
    expect(c01.clusterTotalPerS / fixed.clusterTotalPerS).toBeGreaterThan(20);
  });

  it('no services: only the GC LIST, no factor', () => {
    const est = estimateLeaseLoad({ services: [], nodeCount: 6, retryPeriodMs: 2000, renewDeadlineMs: 5000, optimisticRenew: true });
    expect(est.clusterTotalPerS).toBeCloseTo(0.1, 9);
    expect(est.worstNode).toBeUndefined();
    expect(est.underestimateFactor).toBeUndefined();
  });

  it('bad periods give zero terms, not Infinity', () => {
    const est = estimateLeaseLoad({ services: services(3, nodes(2)), nodeCount: 2, retryPeriodMs: 0, renewDeadlineMs: 0, optimisticRenew: true });
    expect(Number.isFinite(est.clusterTotalPerS)).toBe(true);
  });
});

describe('compareWithRateLimit (C02)', () => {
  it.each([
    [2, 5, 10, 'ok'],
    [4.5, 5, 10, 'near-limit'],
    [25, 5, 10, 'throttled'],
    [25, 50, 100, 'ok'],
    [1, 0, 10, 'invalid-limit'],
    [1, 5, 0, 'invalid-limit'],
    [1, Number.NaN, 10, 'invalid-limit'],
  ])('%d req/s at qps %d burst %d → %s', (perS, qps, burst, verdict) => {
    expect(compareWithRateLimit(perS, qps, burst).verdict).toBe(verdict);
  });

  it('suggests qps with headroom and a larger burst', () => {
    const r = compareWithRateLimit(25.02, 5, 10);
    expect(r).toMatchObject({ suggestedQps: 32, suggestedBurst: 64 });
    expect(r.utilisation).toBeCloseTo(5.004, 3);
    expect(r.message).toMatch(/C02/);
  });
});
