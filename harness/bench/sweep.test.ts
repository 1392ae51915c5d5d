import { describe, expect, it } from 'vitest';
import { UserError } from '../cli/user-error.ts';
import { DEFAULT_FAILOVER_SWEEP, parseSweepOption, planSweep } from './sweep.ts';

describe('parseSweepOption', () => {
  it('reads keys, sysctl aliases, fault aliases and durations', () => {
    expect(parseSweepOption('nodes=3,10')).toEqual({ key: 'nodes', values: [3, 10] });
    expect(parseSweepOption('fault=agent-kill,node-kill,freeze,link-down')).toEqual({ key: 'fault', values: ['kill-agent', 'kill-node', 'freeze', 'link-down'] });
    expect(parseSweepOption('arp_accept=0,1')).toEqual({ key: 'arpAccept', values: [0, 1] });
    expect(parseSweepOption('base_reachable_time=5s,30000')).toEqual({ key: 'baseReachableTime', values: [5_000, 30_000] });
    expect(parseSweepOption('retryPeriod=100ms,1s')).toEqual({ key: 'retryPeriod', values: [100, 1_000] });
    expect(parseSweepOption('profile=cilium-1.16,reference')).toEqual({ key: 'profile', values: ['cilium-1.16', 'reference'] });
  });

  it.each([
    ['colour=red', /unknown sweep key/],
    ['nodes', /expected key=v1,v2/],
    ['nodes=1', /nodes=1: expected a whole number of nodes, 2 … 200/],
    ['nodes=3,,5', /empty value/],
    ['nodes=3,3', /listed twice/],
    ['retryPeriod=fast', /retryPeriod=fast: expected a duration/],
    ['leaseDuration=0s', /above 0/],
    ['fault=power-cut', /expected a fault kind/],
    ['timings=slow', /expected a timing preset/],
    ['profile=cilium-9', /expected a profile, one of .*cilium-1\.16/],
    ['arpAccept=3', /0, 1 or 2/],
  ])('refuses %s', (text, message) => {
    expect(() => parseSweepOption(text)).toThrow(UserError);
    expect(() => parseSweepOption(text)).toThrow(message);
  });
});

describe('planSweep', () => {
  it('without --sweep: timings × 4, nodes × 3, fault kinds × 4 = 48 points, first axis slowest', () => {
    const points = planSweep({ axes: [] });
    expect(DEFAULT_FAILOVER_SWEEP.map((a) => a.key)).toEqual(['timings', 'nodes', 'fault']);
    expect(points).toHaveLength(48);
    expect(points[0]?.label).toBe('timings=fast nodes=3 fault=kill-agent');
    expect(points[1]?.label).toBe('timings=fast nodes=3 fault=kill-node');
    expect(points[4]?.label).toBe('timings=fast nodes=5 fault=kill-agent');
    expect(points[47]?.label).toBe('timings=k8s-default nodes=10 fault=link-down');
    expect(points.map((p) => p.index)).toEqual(points.map((_, i) => i));
    expect(new Set(points.map((p) => p.label)).size).toBe(48);
    expect(points[47]?.params).toEqual({ profile: 'cilium-1.16', timings: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, nodes: 10, services: 1, fault: 'link-down', clientArp: {} });
  });

  it('explicit lease keys override the preset; ARP keys become client settings in the scenario format', () => {
    const points = planSweep({ axes: [parseSweepOption('retryPeriod=100ms,500ms'), parseSweepOption('baseReachableTime=5s'), parseSweepOption('arpAccept=1')] });
    expect(points.map((p) => p.label)).toEqual(['retryPeriod=100ms baseReachableTime=5s arpAccept=1', 'retryPeriod=500ms baseReachableTime=5s arpAccept=1']);
    expect(points[0]?.params.timings).toEqual({ leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 100 });
    expect(points[0]?.params.clientArp).toEqual({ arpAccept: 1, baseReachableTime: '5s' });
    expect(points[0]?.params.fault).toBe('kill-agent');
  });

  it('--profile adds a profile axis ahead of the default sweep', () => {
    const points = planSweep({ axes: [], profiles: ['cilium-1.16', 'reference'] });
    expect(points).toHaveLength(96);
    expect(points[0]?.label).toBe('profile=cilium-1.16 timings=fast nodes=3 fault=kill-agent');
    expect(points[48]?.params.profile).toBe('reference');
  });

  it('refuses an unknown profile, a key given twice, and profiles given both ways', () => {
    expect(() => planSweep({ axes: [], profiles: ['nope'] })).toThrow(/--profile nope: unknown profile/);
    expect(() => planSweep({ axes: [parseSweepOption('nodes=3'), parseSweepOption('nodes=5')] })).toThrow(/given twice/);
    expect(() => planSweep({ axes: [parseSweepOption('profile=reference')], profiles: ['cilium-1.16'] })).toThrow(/both name profiles/);
  });
});
