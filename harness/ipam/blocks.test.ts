import { describe, expect, it } from 'vitest';
import type { PoolBlock } from '../model/types.ts';
import { ipsOf, poolOf, pool, reasonOf, run, svc } from './test-fixtures.ts';

const four = ['a', 'b', 'c', 'd', 'e'].map((name) => svc(name));

describe('pool blocks (§5.1)', () => {
  it.each([
    // [profile, allowFirstLastIPs, expected IPs of a..e in a /30]
    ['cilium-1.15', undefined, ['10.0.0.1', '10.0.0.2']],
    ['cilium-1.15', 'Yes', ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['cilium-1.15', 'No', ['10.0.0.1', '10.0.0.2']],
    ['cilium-1.16', undefined, ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['cilium-1.16', 'Yes', ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['cilium-1.16', 'No', ['10.0.0.1', '10.0.0.2']],
  ] as const)('§5.1/C21 /30 under %s with allowFirstLastIPs=%s hands out %j', (profile, allow, expected) => {
    const result = run([pool('p', ['10.0.0.0/30'], allow === undefined ? {} : { allowFirstLastIPs: allow })], four, profile);
    const handedOut = four.flatMap((service) => ipsOf(result, service.name));
    expect(handedOut).toEqual(expected);
    expect(reasonOf(result, four[expected.length]?.name ?? 'e')).toBe('out_of_ips');
    // C21: reserved addresses count as used; the /30 is full either way.
    expect(poolOf(result, 'p')).toMatchObject({ total: 4n, used: 4n, available: 0n });
  });

  it('§5.1/C21 cilium-1.14 always reserves first/last of a cidrs /30 (allowFirstLastIPs ignored)', () => {
    const p = pool('p', ['10.0.0.0/30'], { cidrsCount: 1, allowFirstLastIPs: 'Yes' });
    const result = run([p], four, 'cilium-1.14');
    const handedOut = four.flatMap((service) => ipsOf(result, service.name)).sort();
    expect(handedOut).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(poolOf(result, 'p')).toMatchObject({ total: 4n, used: 4n, available: 0n });
  });

  it.each([
    ['10.0.0.7/32', ['10.0.0.7'], 1n],
    ['10.0.0.6/31', ['10.0.0.6', '10.0.0.7'], 2n],
    ['fd00::7/128', ['fd00::7'], 1n],
    ['fd00::6/127', ['fd00::6', 'fd00::7'], 2n],
  ])('§5.1/C21 %s with allowFirstLastIPs=No reserves nothing (range of 1 or 2 addresses)', (cidr, expected, total) => {
    const family = cidr.includes(':') ? (['IPv6'] as const) : (['IPv4'] as const);
    const services = four.map((service) => ({ ...service, ipFamilies: family }));
    const result = run([pool('p', [cidr], { allowFirstLastIPs: 'No' })], services, 'cilium-1.16', { ipv6Enabled: true });
    expect(services.flatMap((service) => ipsOf(result, service.name))).toEqual(expected);
    expect(poolOf(result, 'p')).toMatchObject({ total, used: total, available: 0n });
  });

  it('§5.1/C21 a /32 under cilium-1.14 still yields its one address (spec: 1-2 address ranges never reserve)', () => {
    const result = run([pool('p', ['10.0.0.9/32'], { cidrsCount: 1 })], [svc('a')], 'cilium-1.14');
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.9']);
  });

  it('§5.1 start/stop is inclusive and never reserves first/last, even with allowFirstLastIPs=No', () => {
    const result = run([pool('p', ['10.0.0.10-10.0.0.12'], { allowFirstLastIPs: 'No' })], four, 'cilium-1.16');
    expect(four.flatMap((service) => ipsOf(result, service.name))).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    expect(reasonOf(result, 'd')).toBe('out_of_ips');
    expect(poolOf(result, 'p')).toMatchObject({ total: 3n, used: 3n, available: 0n });
  });

  it('§5.1 a block with only start is one address', () => {
    const result = run([pool('p', [{ start: '10.0.0.7' }])], [svc('a'), svc('b')], 'cilium-1.16');
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.7']);
    expect(reasonOf(result, 'b')).toBe('out_of_ips');
  });

  it('§5.1 cidr wins over start/stop when both are set', () => {
    const both = { cidr: '10.0.1.0/30', start: '10.0.0.1', stop: '10.0.0.2' } as unknown as PoolBlock;
    const result = run([pool('p', [both])], [svc('a')], 'cilium-1.16');
    expect(ipsOf(result, 'a')).toEqual(['10.0.1.0']);
  });

  it('§5.1 a CIDR with host bits set is masked like Go netip.Prefix.Masked', () => {
    const result = run([pool('p', ['10.0.0.5/30'])], [svc('a')], 'cilium-1.16');
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.4']);
  });

  it.each([
    ['bad CIDR', { cidr: '10.0.0.0/33' }, "error parsing cidr '10.0.0.0/33'"],
    ['CIDR without length', { cidr: '10.0.0.0' }, "error parsing cidr '10.0.0.0'"],
    ['bad start', { start: '10.0.0.300' }, "error parsing start ip '10.0.0.300'"],
    ['bad stop', { start: '10.0.0.1', stop: 'x' }, "error parsing stop ip 'x'"],
    ['start > stop', { start: '10.0.0.9', stop: '10.0.0.1' }, "'start' 10.0.0.9 is after 'stop' 10.0.0.1"],
    ['mixed families', { start: '10.0.0.1', stop: 'fd00::1' }, 'different address families'],
    ['start with /len', { start: '10.0.0.1/32' }, "error parsing start ip '10.0.0.1/32'"],
  ] as const)('§5.6 invalid block (%s) fails the pool: no status, no allocation', (_label, block, reason) => {
    const result = run([pool('p', ['10.0.1.0/24', block])], [svc('a')], 'cilium-1.16');
    const status = poolOf(result, 'p');
    expect(status.invalidBlocks).toHaveLength(1);
    expect(status.invalidBlocks[0]?.index).toBe(1);
    expect(status.invalidBlocks[0]?.reason).toContain(reason);
    expect(status.conditions).toEqual([]);
    expect(status.total).toBe(0n);
    expect(ipsOf(result, 'a')).toEqual([]);
    expect(reasonOf(result, 'a')).toBe('no_pool');
  });

  it.each([
    ['cilium-1.14', pool('p', ['10.0.0.0/24']), 'spec.blocks is not served by cilium-1.14'],
    ['cilium-1.16', pool('p', ['10.0.0.0/24'], { cidrsCount: 1 }), 'spec.cidrs is not served by cilium-1.16'],
    ['cilium-1.16', pool('p', ['10.0.0.0/24'], { apiVersion: 'cilium.io/v2' }), 'apiVersion cilium.io/v2 is not served by cilium-1.16'],
  ])('§5.1/§6 under %s the API server rejects the pool: %s', (profile, p, field) => {
    const result = run([p], [svc('a')], profile);
    expect(poolOf(result, 'p').rejectedFields).toEqual([field]);
    expect(poolOf(result, 'p').conditions).toEqual([]);
    expect(reasonOf(result, 'a')).toBe('no_pool');
  });

  it('§5.1 cilium-1.15 serves blocks and cidrs together; cilium-1.18 serves cilium.io/v2', () => {
    const merged = pool('p', ['10.0.0.0/31', '10.0.1.0/31'], { cidrsCount: 1 });
    const r115 = run([merged], [svc('a'), svc('b'), svc('c')], 'cilium-1.15');
    expect(['a', 'b', 'c'].flatMap((name) => ipsOf(r115, name))).toEqual(['10.0.0.0', '10.0.0.1', '10.0.1.0']);
    const r118 = run([pool('p', ['10.0.0.0/31'], { apiVersion: 'cilium.io/v2' })], [svc('a')], 'cilium-1.18');
    expect(ipsOf(r118, 'a')).toEqual(['10.0.0.0']);
  });

  it('§5.1 IPv6 pool: counters are bigint and exact for a /64', () => {
    const result = run([pool('p6', ['fd00::/64'])], [svc('a', { ipFamilies: ['IPv6'] })], 'cilium-1.16', { ipv6Enabled: true });
    expect(ipsOf(result, 'a')).toEqual(['fd00::']);
    expect(poolOf(result, 'p6')).toMatchObject({ total: 2n ** 64n, used: 1n, available: 2n ** 64n - 1n });
    expect(poolOf(result, 'p6').conditions.find((c) => c.type === 'cilium.io/IPsTotal')?.message).toBe('18446744073709551616');
  });
});
