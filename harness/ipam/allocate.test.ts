import { describe, expect, it } from 'vitest';
import { ipsOf, pool, poolOf, reasonOf, run, svc, svcOf } from './test-fixtures.ts';

const P24 = pool('p', ['10.0.0.0/24']);

describe('which services LB-IPAM handles (§5.2)', () => {
  it.each([
    ['ClusterIP is ignored', svc('s', { type: 'ClusterIP' }), 'cilium-1.16', {}, false],
    ['class-less LoadBalancer is handled', svc('s'), 'cilium-1.16', {}, true],
    ['l2-announcer class is ignored by 1.14', svc('s', { loadBalancerClass: 'io.cilium/l2-announcer' }), 'cilium-1.14', {}, false],
    ['l2-announcer class is handled from 1.15', svc('s', { loadBalancerClass: 'io.cilium/l2-announcer' }), 'cilium-1.15', {}, true],
    [
      'l2-announcer class is ignored when L2 announcements are off',
      svc('s', { loadBalancerClass: 'io.cilium/l2-announcer' }),
      'cilium-1.16',
      { l2AnnouncementsEnabled: false },
      false,
    ],
    ['bgp class is ignored without BGP CP', svc('s', { loadBalancerClass: 'io.cilium/bgp-control-plane' }), 'cilium-1.16', {}, false],
    [
      'bgp class is handled with BGP CP',
      svc('s', { loadBalancerClass: 'io.cilium/bgp-control-plane' }),
      'cilium-1.16',
      { bgpControlPlaneEnabled: true },
      true,
    ],
    ['a foreign class is ignored', svc('s', { loadBalancerClass: 'metallb.io/metallb' }), 'cilium-1.16', {}, false],
    ['defaultLBServiceIPAM=none is not read by 1.16', svc('s'), 'cilium-1.16', { defaultLbServiceIpam: 'none' }, true],
    ['defaultLBServiceIPAM=none ignores class-less services from 1.17 (#35074)', svc('s'), 'cilium-1.18', { defaultLbServiceIpam: 'none' }, false],
    ['defaultLBServiceIPAM=nodeipam ignores class-less services', svc('s'), 'cilium-1.18', { defaultLbServiceIpam: 'nodeipam' }, false],
  ] as const)('§5.2 %s', (_label, service, profile, options, handled) => {
    const result = run([pool('p', ['10.0.0.0/24'], { cidrsCount: profile === 'cilium-1.14' ? 1 : 0 })], [service], profile, options);
    const allocation = svcOf(result, 's');
    expect(allocation.handled).toBe(handled);
    if (handled) {
      expect(allocation.condition?.reason).toBe('satisfied');
      expect(allocation.ips).toHaveLength(1);
    } else {
      // §5.2: ignored completely: no IP, no condition, and a reason for `check`.
      expect(allocation.condition).toBeUndefined();
      expect(allocation.ips).toEqual([]);
      expect(allocation.ignoredReason).toBeTruthy();
    }
  });
});

describe('requested IPs (§5.3)', () => {
  it('§5.3 spec.loadBalancerIP is allocated as requested', () => {
    const result = run([P24], [svc('a', { loadBalancerIP: '10.0.0.42' })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.42']);
    expect(svcOf(result, 'a').condition).toEqual({ type: 'cilium.io/IPAMRequestSatisfied', status: 'True', reason: 'satisfied', message: '' });
  });

  it('§5.3 1.16: lbipam.cilium.io/ips wins over io.cilium/lb-ipam-ips', () => {
    const annotations = { 'lbipam.cilium.io/ips': '10.0.0.5', 'io.cilium/lb-ipam-ips': '10.0.0.6' };
    const result = run([P24], [svc('a', { annotations })], 'cilium-1.16');
    expect(svcOf(result, 'a').requestedIps).toEqual(['10.0.0.5']);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.5']);
  });

  it('§5.3 1.15 honours only io.cilium/lb-ipam-ips (new prefix is #30169, 1.16)', () => {
    const onlyNew = svc('a', { annotations: { 'lbipam.cilium.io/ips': '10.0.0.5' } });
    const both = svc('b', { annotations: { 'lbipam.cilium.io/ips': '10.0.0.5', 'io.cilium/lb-ipam-ips': '10.0.0.6' } });
    const result = run([P24], [onlyNew, both], 'cilium-1.15');
    expect(svcOf(result, 'a').requestedIps).toEqual([]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.1']);
    expect(ipsOf(result, 'b')).toEqual(['10.0.0.6']);
  });

  it('§5.3 annotation list: trimmed, unparsable skipped, consecutive duplicates removed, merged after loadBalancerIP', () => {
    const annotations = { 'lbipam.cilium.io/ips': ' 10.0.0.5 , bogus,10.0.0.6,10.0.0.6, 10.0.0.5/32' };
    const result = run([P24], [svc('a', { loadBalancerIP: '10.0.0.4', annotations })]);
    expect(svcOf(result, 'a').requestedIps).toEqual(['10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.4', '10.0.0.5', '10.0.0.6']);
  });

  it('§5.3 satisfied only when every requested IP is allocated; the failure names the IP', () => {
    const annotations = { 'lbipam.cilium.io/ips': '10.0.0.5,10.9.9.9' };
    const result = run([P24], [svc('a', { annotations })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.5']);
    expect(svcOf(result, 'a').condition).toMatchObject({ status: 'False', reason: 'no_pool', message: "No pool exists with a CIDR containing '10.9.9.9'" });
  });

  it('§5.5 requested IP inside a pool that does not select the service → pool_selector_mismatch', () => {
    const selective = pool('p', ['10.0.0.0/24'], { serviceSelector: { matchLabels: { team: 'x' }, matchExpressions: [] } });
    const result = run([selective], [svc('a', { loadBalancerIP: '10.0.0.5' })]);
    expect(svcOf(result, 'a').condition).toMatchObject({
      reason: 'pool_selector_mismatch',
      message: "The pool with the CIDR containing '10.0.0.5', doesn't select this service",
    });
  });

  it('§5.5 no selecting pool for a generic request → no_pool (not pool_selector_mismatch)', () => {
    const selective = pool('p', ['10.0.0.0/24'], { serviceSelector: { matchLabels: { team: 'x' }, matchExpressions: [] } });
    const result = run([selective], [svc('a'), svc('b', { labels: { team: 'x' } })]);
    expect(svcOf(result, 'a').condition).toMatchObject({
      reason: 'no_pool',
      message: 'There are no enabled CiliumLoadBalancerIPPools that match this service',
    });
    expect(ipsOf(result, 'b')).toEqual(['10.0.0.0']);
  });

  it('§5.1 serviceSelector sees the synthetic namespace/name labels', () => {
    const byNs = pool('p', ['10.0.0.0/24'], {
      serviceSelector: { matchLabels: { 'io.kubernetes.service.namespace': 'prod' }, matchExpressions: [] },
    });
    const result = run([byNs], [svc('a', { namespace: 'prod' }), svc('b', { namespace: 'dev' })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.0']);
    expect(reasonOf(result, 'b')).toBe('no_pool');
  });

  it('§5.5 out_of_ips when every matching enabled pool is full', () => {
    const result = run([pool('p', ['10.0.0.1-10.0.0.1'])], [svc('a'), svc('b')]);
    expect(svcOf(result, 'b').condition).toMatchObject({
      reason: 'out_of_ips',
      message: 'All enabled CiliumLoadBalancerIPPools that match this service ran out of allocatable IPs',
    });
  });

  it('§5.5 requested IP taken and no sharing key → already_allocated', () => {
    const result = run([P24], [svc('a', { loadBalancerIP: '10.0.0.5' }), svc('b', { loadBalancerIP: '10.0.0.5' })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.5']);
    expect(ipsOf(result, 'b')).toEqual([]);
    expect(svcOf(result, 'b').condition).toMatchObject({ reason: 'already_allocated', message: "The IP '10.0.0.5' is already allocated to another service" });
  });

  it('§5.1/C21 requesting a reserved first/last address → already_allocated', () => {
    const result = run([pool('p', ['10.0.0.0/24'], { allowFirstLastIPs: 'No' })], [svc('a', { loadBalancerIP: '10.0.0.255' })]);
    expect(reasonOf(result, 'a')).toBe('already_allocated');
  });

  it('§5.6 disabled pool: nothing new, generic or requested', () => {
    const disabled = pool('p', ['10.0.0.0/24'], { disabled: true });
    const result = run([disabled], [svc('a'), svc('b', { loadBalancerIP: '10.0.0.5' })]);
    expect(reasonOf(result, 'a')).toBe('no_pool');
    expect(reasonOf(result, 'b')).toBe('no_pool');
    expect(poolOf(result, 'p')).toMatchObject({ total: 256n, used: 0n, available: 256n, conflicting: false });
  });
});

describe('families (§5.3)', () => {
  const pools = [pool('p4', ['10.0.0.0/24']), pool('p6', ['fd00::/120'])];

  it.each([
    ['SingleStack default → IPv4', {}, {}, ['10.0.0.0']],
    ['PreferDualStack [IPv4,IPv6] with v6 enabled → both', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] }, { ipv6Enabled: true }, ['10.0.0.0', 'fd00::']],
    ['PreferDualStack with v6 disabled → IPv4 only', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] }, {}, ['10.0.0.0']],
    ['RequireDualStack, no families listed → every enabled family', { ipFamilyPolicy: 'RequireDualStack' }, { ipv6Enabled: true }, ['10.0.0.0', 'fd00::']],
    ['SingleStack [IPv6] → IPv6', { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] }, { ipv6Enabled: true }, ['fd00::']],
    ['only IPv6 enabled, no families → IPv6', {}, { ipv4Enabled: false, ipv6Enabled: true }, ['fd00::']],
  ] as const)('§5.3 %s', (_label, overrides, options, expected) => {
    const result = run(pools, [svc('a', overrides)], 'cilium-1.16', options);
    expect(ipsOf(result, 'a')).toEqual(expected);
    expect(reasonOf(result, 'a')).toBe('satisfied');
  });

  it('§5.3 requested IPs ignore the family policy', () => {
    const result = run(pools, [svc('a', { annotations: { 'lbipam.cilium.io/ips': 'fd00::9' } })]);
    expect(ipsOf(result, 'a')).toEqual(['fd00::9']);
    expect(svcOf(result, 'a').ips[0]).toMatchObject({ pool: 'p6', family: 'IPv6' });
  });

  it('§5.3 a missing family leaves the service unsatisfied with no_pool', () => {
    const result = run([pool('p4', ['10.0.0.0/24'])], [svc('a', { ipFamilyPolicy: 'RequireDualStack' })], 'cilium-1.16', { ipv6Enabled: true });
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.0']);
    expect(reasonOf(result, 'a')).toBe('no_pool');
  });
});
