import { describe, expect, it } from 'vitest';
import { ipsOf, pool, poolOf, reasonOf, run, svc } from './test-fixtures.ts';

const JAN = '2024-01-01T00:00:00Z';
const FEB = '2024-02-01T00:00:00Z';

describe('pool conflicts (§5.6)', () => {
  it('§5.6 of two overlapping pools the newer is marked, whatever the input order', () => {
    const newer = pool('p-new', ['10.0.0.128/25'], { creationTimestamp: FEB });
    const older = pool('p-old', ['10.0.0.0/24'], { creationTimestamp: JAN });
    const result = run([newer, older], [svc('a')]);
    expect(poolOf(result, 'p-new')).toMatchObject({
      conflicting: true,
      conflictMessage: "Pool conflicts since range '10.0.0.128 - 10.0.0.255' overlaps range '10.0.0.0 - 10.0.0.255' from IP Pool 'p-old'",
    });
    expect(poolOf(result, 'p-new').conditions[0]).toEqual({
      type: 'cilium.io/PoolConflict',
      status: 'True',
      reason: 'cidr_overlap',
      message: "Pool conflicts since range '10.0.0.128 - 10.0.0.255' overlaps range '10.0.0.0 - 10.0.0.255' from IP Pool 'p-old'",
    });
    expect(poolOf(result, 'p-old').conditions[0]).toEqual({ type: 'cilium.io/PoolConflict', status: 'False', reason: 'resolved', message: '' });
    // The conflicting pool is listed first but disabled: allocation comes from p-old.
    expect(result.services[0]?.ips[0]).toMatchObject({ ip: '10.0.0.0', pool: 'p-old' });
  });

  it('§5.6 equal or missing timestamps: the later one in input order is marked; missing counts as newest', () => {
    const equal = run([pool('a', ['10.0.0.0/24'], { creationTimestamp: JAN }), pool('b', ['10.0.0.5-10.0.0.6'], { creationTimestamp: JAN })], []);
    expect([poolOf(equal, 'a').conflicting, poolOf(equal, 'b').conflicting]).toEqual([false, true]);
    const missing = run([pool('a', ['10.0.0.0/24']), pool('b', ['10.0.0.5-10.0.0.6'], { creationTimestamp: FEB })], []);
    expect([poolOf(missing, 'a').conflicting, poolOf(missing, 'b').conflicting]).toEqual([true, false]);
  });

  it('§5.6 overlap inside one pool marks that pool, naming itself', () => {
    const result = run([pool('p', ['10.0.0.0/24', '10.0.0.10-10.0.0.20'])], [svc('a')]);
    expect(poolOf(result, 'p').conflictMessage).toBe(
      "Pool conflicts since range '10.0.0.0 - 10.0.0.255' overlaps range '10.0.0.10 - 10.0.0.20' from IP Pool 'p'",
    );
    expect(reasonOf(result, 'a')).toBe('no_pool');
    // Counters are still written for a conflicting pool.
    expect(poolOf(result, 'p')).toMatchObject({ total: 256n + 11n, used: 0n });
  });

  it.each([
    ['adjacent ranges do not overlap', '10.0.0.0-10.0.0.9', '10.0.0.10-10.0.0.19', false],
    ['ranges sharing one address overlap (inclusive)', '10.0.0.0-10.0.0.10', '10.0.0.10-10.0.0.19', true],
    ['IPv4 and IPv6 never overlap', '10.0.0.0/8', 'fd00::/8', false],
  ])('§5.6 %s', (_label, a, b, conflicting) => {
    const result = run([pool('a', [a], { creationTimestamp: JAN }), pool('b', [b], { creationTimestamp: FEB })], []);
    expect(poolOf(result, 'b').conflicting).toBe(conflicting);
    expect(poolOf(result, 'a').conflicting).toBe(false);
  });

  it('§5.6 a marked pool does not mark others: A<B<C chained, only B conflicts', () => {
    const a = pool('a', ['10.0.0.0-10.0.0.10'], { creationTimestamp: '2024-01-01T00:00:00Z' });
    const b = pool('b', ['10.0.0.10-10.0.0.20'], { creationTimestamp: '2024-01-02T00:00:00Z' });
    const c = pool('c', ['10.0.0.20-10.0.0.30'], { creationTimestamp: '2024-01-03T00:00:00Z' });
    const result = run([a, b, c], []);
    expect(result.pools.map((status) => status.conflicting)).toEqual([false, true, false]);
  });

  it('§5.6 a pool rejected or invalid takes no part in conflicts', () => {
    const invalid = pool('bad', ['10.0.0.0/24', '10.0.0.x/24'], { creationTimestamp: JAN });
    const result = run([invalid, pool('good', ['10.0.0.0/24'], { creationTimestamp: FEB })], [svc('s')]);
    expect(poolOf(result, 'good').conflicting).toBe(false);
    expect(ipsOf(result, 's')).toEqual(['10.0.0.0']);
  });
});
