import { describe, expect, it } from 'vitest';
import type { Service } from '../model/types.ts';
import { ipsOf, pool, poolOf, reasonOf, run, svc, svcOf } from './test-fixtures.ts';

const names = (count: number): Service[] => Array.from({ length: count }, (_, index) => svc(`s${index}`));

describe('allocation order (§5.4)', () => {
  it('§5.4 lowest-free: a fresh range is handed out sequentially, then the next range in pool input order', () => {
    const pools = [pool('first', ['10.0.1.0/30'], { allowFirstLastIPs: 'No' }), pool('second', ['10.0.0.0/30'])];
    const result = run(pools, names(4), 'cilium-1.16');
    expect(names(4).map((s) => ipsOf(result, s.name)[0])).toEqual(['10.0.1.1', '10.0.1.2', '10.0.0.0', '10.0.0.1']);
  });

  it('§5.4 within a pool, blocks in spec order', () => {
    const result = run([pool('p', ['10.0.9.0/31', '10.0.1.0/31'])], names(3), 'cilium-1.16');
    expect(names(3).map((s) => ipsOf(result, s.name)[0])).toEqual(['10.0.9.0', '10.0.9.1', '10.0.1.0']);
  });

  it('§5.4 lowest-free picks the smallest free block first (an imported .253 leaves .254 alone)', () => {
    const holder = svc('holder', { ingressIPs: ['10.0.0.253'], creationTimestamp: '2024-01-01T00:00:00Z' });
    const result = run([pool('p', ['10.0.0.0/24'], { allowFirstLastIPs: 'No' })], [holder, svc('fresh')], 'cilium-1.16');
    expect(ipsOf(result, 'holder')).toEqual(['10.0.0.253']);
    expect(ipsOf(result, 'fresh')).toEqual(['10.0.0.254']);
  });

  it('§5.4 lowest-free refills holes left between imported IPs', () => {
    const a = svc('a', { ingressIPs: ['10.0.0.0'] });
    const b = svc('b', { ingressIPs: ['10.0.0.2'] });
    const result = run([pool('p', ['10.0.0.0/24'])], [a, b, svc('c')], 'cilium-1.20.1');
    expect(ipsOf(result, 'c')).toEqual(['10.0.0.1']);
  });

  it('§5.4 services are served oldest first; missing timestamps come last, ties by input order', () => {
    const services = [
      svc('untimed'),
      svc('new', { creationTimestamp: '2024-03-01T00:00:00Z' }),
      svc('old', { creationTimestamp: '2024-01-01T00:00:00Z' }),
      svc('untimed2'),
    ];
    const result = run([pool('p', ['10.0.0.0/24'])], services, 'cilium-1.16');
    expect(['old', 'new', 'untimed', 'untimed2'].map((name) => ipsOf(result, name)[0])).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
    // Output stays in input order.
    expect(result.services.map((s) => s.name)).toEqual(['untimed', 'new', 'old', 'untimed2']);
  });

  it('§5.4 random (1.14): same seed same result, another seed can differ', () => {
    const p = pool('p', ['10.0.0.0/16'], { cidrsCount: 1 });
    const pick = (seed: number): string[] => {
      const result = run([p], names(5), 'cilium-1.14', {}, seed);
      return names(5).map((s) => ipsOf(result, s.name)[0] ?? '');
    };
    expect(pick(7)).toEqual(pick(7));
    expect(pick(7)).not.toEqual(pick(8));
    // Not the lowest-free sequence.
    expect(pick(7)).not.toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
  });

  it('§5.4/C21 random (1.14) never hands out network or broadcast: a /29 yields exactly .1–.6', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = run([pool('p', ['10.0.0.0/29'], { cidrsCount: 1 })], names(7), 'cilium-1.14', {}, seed);
      const got = names(6).map((s) => ipsOf(result, s.name)[0]);
      expect(got.slice().sort()).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
      expect(reasonOf(result, 's6')).toBe('out_of_ips');
    }
  });
});

describe('existing ingress IPs: import or strip (§5.4, C19)', () => {
  const P = pool('p', ['10.0.0.0/24']);
  const DISABLED = pool('off', ['10.0.1.0/24'], { disabled: true });

  it('§5.4 an ingress IP inside an enabled matching range is imported (kept)', () => {
    const result = run([P], [svc('a', { ingressIPs: ['10.0.0.77'] })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.77']);
    expect(svcOf(result, 'a').strippedIngressIps).toEqual([]);
    expect(poolOf(result, 'p').used).toBe(1n);
  });

  it.each([
    ['outside every pool', ['192.168.1.1']],
    ['inside a disabled pool', ['10.0.1.5']],
    ['unparsable', ['not-an-ip']],
  ])('§5.4 an ingress IP %s is stripped and a fresh IP allocated', (_label, ingressIPs) => {
    const result = run([P, DISABLED], [svc('a', { ingressIPs })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.0']);
    expect(svcOf(result, 'a').strippedIngressIps).toEqual(ingressIPs);
  });

  it('§5.4/C21 an ingress IP on a reserved first/last address is stripped', () => {
    const result = run([pool('p', ['10.0.0.0/24'], { allowFirstLastIPs: 'No' })], [svc('a', { ingressIPs: ['10.0.0.255'] })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.1']);
    expect(svcOf(result, 'a').strippedIngressIps).toEqual(['10.0.0.255']);
  });

  it('§5.4 an ingress IP not among the requested ones is stripped', () => {
    const result = run([P], [svc('a', { loadBalancerIP: '10.0.0.5', ingressIPs: ['10.0.0.6'] })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.5']);
    expect(svcOf(result, 'a').strippedIngressIps).toEqual(['10.0.0.6']);
  });

  it('§5.4/C19 before #41147 (1.18) an older service takes a newer one’s IP on restart', () => {
    const older = svc('older', { creationTimestamp: '2024-01-01T00:00:00Z' });
    const newer = svc('newer', { creationTimestamp: '2024-02-01T00:00:00Z', ingressIPs: ['10.0.0.0'] });
    const result = run([P], [older, newer], 'cilium-1.18');
    expect(ipsOf(result, 'older')).toEqual(['10.0.0.0']);
    expect(ipsOf(result, 'newer')).toEqual(['10.0.0.1']);
    expect(svcOf(result, 'newer').strippedIngressIps).toEqual(['10.0.0.0']);
  });

  it('§5.4/C19 with importBeforeAllocate (#41147, 1.20.1) every service keeps its IP', () => {
    const older = svc('older', { creationTimestamp: '2024-01-01T00:00:00Z' });
    const newer = svc('newer', { creationTimestamp: '2024-02-01T00:00:00Z', ingressIPs: ['10.0.0.0'] });
    const result = run([P], [older, newer], 'cilium-1.20.1');
    expect(ipsOf(result, 'older')).toEqual(['10.0.0.1']);
    expect(ipsOf(result, 'newer')).toEqual(['10.0.0.0']);
    expect(svcOf(result, 'newer').strippedIngressIps).toEqual([]);
  });

  it('§5.4 two services holding one IP without a sharing key: the second is stripped', () => {
    const result = run([P], [svc('a', { ingressIPs: ['10.0.0.9'] }), svc('b', { ingressIPs: ['10.0.0.9'] })], 'cilium-1.20.1');
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.9']);
    expect(ipsOf(result, 'b')).toEqual(['10.0.0.0']);
    expect(svcOf(result, 'b').strippedIngressIps).toEqual(['10.0.0.9']);
  });
});

describe('condition and pool-status names per version (§5.5)', () => {
  it('§5.5 cilium-1.14 writes io.cilium/* names', () => {
    const result = run([pool('p', ['10.0.0.0/30'], { cidrsCount: 1 })], [svc('a')], 'cilium-1.14');
    expect(svcOf(result, 'a').condition).toMatchObject({ type: 'io.cilium/lb-ipam-request-satisfied', status: 'True', reason: 'satisfied' });
    expect(poolOf(result, 'p').conditions).toEqual([
      { type: 'io.cilium/conflict', status: 'False', reason: 'resolved', message: '' },
      { type: 'io.cilium/ips-total', status: 'Unknown', reason: 'noreason', message: '4' },
      { type: 'io.cilium/ips-available', status: 'Unknown', reason: 'noreason', message: '1' },
      { type: 'io.cilium/ips-used', status: 'Unknown', reason: 'noreason', message: '3' },
    ]);
  });

  it('§5.5 cilium-1.16 writes cilium.io/* names', () => {
    const result = run([pool('p', ['10.0.0.0/30'])], [svc('a')], 'cilium-1.16');
    expect(svcOf(result, 'a').condition?.type).toBe('cilium.io/IPAMRequestSatisfied');
    expect(poolOf(result, 'p').conditions.map((c) => `${c.type}=${c.message}`)).toEqual([
      'cilium.io/PoolConflict=',
      'cilium.io/IPsTotal=4',
      'cilium.io/IPsAvailable=3',
      'cilium.io/IPsUsed=1',
    ]);
  });
});
