import { describe, expect, it } from 'vitest';
import { correctLeaseTiming, DEFAULT_LEASE_TIMING, failoverWindow, findLeaseNameCollisions, leaseName, type LeaseTiming } from './lease.ts';

describe('lease name (spec §2)', () => {
  it('is cilium-l2announce-<ns>-<name>', () => {
    expect(leaseName('default', 'web')).toBe('cilium-l2announce-default-web');
  });

  it('§2 [inference]: a-b/c and a/b-c collide', () => {
    const collisions = findLeaseNameCollisions([
      { namespace: 'a-b', name: 'c' },
      { namespace: 'a', name: 'b-c' },
      { namespace: 'x', name: 'y' },
      { namespace: 'x', name: 'y' }, // the same service twice is not a collision
    ]);
    expect(collisions).toEqual([{ leaseName: 'cilium-l2announce-a-b-c', services: ['a-b/c', 'a/b-c'] }]);
  });

  it('finds nothing for distinct names', () => {
    expect(findLeaseNameCollisions([{ namespace: 'a', name: 'b' }, { namespace: 'b', name: 'a' }])).toEqual([]);
  });
});

describe('correctLeaseTiming (spec §2.1, Cilium leaseTimings())', () => {
  const t = (leaseDurationMs: number, renewDeadlineMs: number, retryPeriodMs: number): LeaseTiming => ({ leaseDurationMs, renewDeadlineMs, retryPeriodMs });

  it('defaults to 15s/5s/2s without corrections', () => {
    expect(correctLeaseTiming()).toEqual({ effective: DEFAULT_LEASE_TIMING, corrections: [], leaseDurationSeconds: 15 });
    expect(correctLeaseTiming({ retryPeriodMs: 500 }).effective).toEqual(t(15_000, 5_000, 500));
  });

  it.each<[string, LeaseTiming, LeaseTiming, string[]]>([
    ['valid 3s/1s/200ms stays', t(3000, 1000, 200), t(3000, 1000, 200), []],
    ['duration < 1s → 1s, then renewDeadline ≥ duration → duration/2, then retry → renew/2', t(500, 5000, 2000), t(1000, 500, 250), ['lease-duration-below-1s', 'lease-duration-not-above-renew-deadline', 'renew-deadline-not-above-jittered-retry-period']],
    ['renewDeadline 0 → 1s', t(15_000, 0, 200), t(15_000, 1000, 200), ['renew-deadline-below-1ns']],
    ['negative renewDeadline → 1s', t(15_000, -5, 200), t(15_000, 1000, 200), ['renew-deadline-below-1ns']],
    ['retryPeriod 0 → 200ms', t(15_000, 5000, 0), t(15_000, 5000, 200), ['retry-period-below-1ns']],
    ['duration == renewDeadline → renewDeadline = duration/2', t(10_000, 10_000, 2000), t(10_000, 5000, 2000), ['lease-duration-not-above-renew-deadline']],
    ['duration < renewDeadline → renewDeadline = duration/2', t(4000, 6000, 1000), t(4000, 2000, 1000), ['lease-duration-not-above-renew-deadline']],
    ['renewDeadline == 1.2 × retry → retry = renew/2', t(15_000, 2400, 2000), t(15_000, 2400, 1200), ['renew-deadline-not-above-jittered-retry-period']],
    ['renewDeadline just above 1.2 × retry stays', t(15_000, 2401, 2000), t(15_000, 2401, 2000), []],
    ['renewDeadline < retry → retry = renew/2', t(15_000, 1000, 2000), t(15_000, 1000, 500), ['renew-deadline-not-above-jittered-retry-period']],
    ['1s duration, defaults otherwise: renew 5s → 0.5s, retry 2s → 0.25s', t(1000, 5000, 2000), t(1000, 500, 250), ['lease-duration-not-above-renew-deadline', 'renew-deadline-not-above-jittered-retry-period']],
    ['all zero', t(0, 0, 0), t(1000, 500, 200), ['lease-duration-below-1s', 'renew-deadline-below-1ns', 'retry-period-below-1ns', 'lease-duration-not-above-renew-deadline']],
    ['odd nanoseconds: duration/2 truncates like Go', t(1000.000001, 1000.000001, 100), t(1000.000001, 500, 100), ['lease-duration-not-above-renew-deadline']],
  ])('%s', (_name, input, effective, rules) => {
    const result = correctLeaseTiming(input);
    expect(result.effective).toEqual(effective);
    expect(result.corrections.map((c) => c.rule)).toEqual(rules);
  });

  it('records from/to per correction', () => {
    expect(correctLeaseTiming(t(10_000, 10_000, 2000)).corrections).toEqual([
      expect.objectContaining({ field: 'renewDeadlineMs', fromMs: 10_000, toMs: 5000 }),
    ]);
  });

  it('stores leaseDurationSeconds = floor(duration / 1s)', () => {
    expect(correctLeaseTiming(t(2500, 1000, 200)).leaseDurationSeconds).toBe(2);
    expect(correctLeaseTiming(t(200, 100, 10)).leaseDurationSeconds).toBe(1);
  });

  it('treats non-finite input as data, not a throw', () => {
    const r = correctLeaseTiming({ leaseDurationMs: Number.NaN });
    expect(r.effective.leaseDurationMs).toBe(15_000);
    expect(r.corrections[0]).toMatchObject({ field: 'leaseDurationMs', rule: 'not-a-number' });
  });
});

describe('failoverWindow (spec §2.2, INV-FAILOVER-BOUND)', () => {
  it('defaults: docs 10–20 s; code model 13–23.8 s from holder death', () => {
    expect(failoverWindow(DEFAULT_LEASE_TIMING)).toEqual({
      docsMinMs: 10_000,
      docsMaxMs: 20_000,
      afterLastObservedChangeMaxMs: 19_400,
      fromHolderDeathMinMs: 13_000,
      fromHolderDeathMaxMs: 23_800,
    });
  });

  it('3s/1s/200ms: docs 2–4 s', () => {
    const w = failoverWindow({ leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 });
    expect([w.docsMinMs, w.docsMaxMs]).toEqual([2000, 4000]);
    expect(w.afterLastObservedChangeMaxMs).toBeCloseTo(3440, 6);
  });

  it('uses the stored whole-second duration for the code model', () => {
    expect(failoverWindow({ leaseDurationMs: 2500, renewDeadlineMs: 1000, retryPeriodMs: 200 }).afterLastObservedChangeMaxMs).toBeCloseTo(2440, 6);
  });
});
