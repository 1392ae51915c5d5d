import { describe, expect, it } from 'vitest';
import { pool, svc } from '../ipam/test-fixtures.ts';
import { getProfile } from '../profiles/profiles.ts';
import { forgetEditedPoolIps } from './pool-edits.ts';

const on = { ...getProfile('cilium-1.18').ipam, poolEditReallocates: true };
const off = { ...on, poolEditReallocates: false };
const before = pool('lan', [{ start: '10.0.0.4', stop: '10.0.0.7' }]);
const widened = pool('lan', [{ start: '10.0.0.1', stop: '10.0.0.7' }]);
const services = [svc('web', { ingressIPs: ['10.0.0.4'] }), svc('other', { ingressIPs: ['10.0.9.9'] })];

describe('C19: a pool edit forgets the pool’s allocations (poolEditReallocates)', () => {
  it("drops the IPs inside an edited pool's previous blocks, for that run only", () => {
    const seen = forgetEditedPoolIps(services, [widened], new Map([['lan', before]]), on);
    expect(seen.map((s) => s.ingressIPs)).toEqual([[], ['10.0.9.9']]);
  });

  it('keeps them without the switch, for an unchanged pool and for a pool the last run did not see', () => {
    expect(forgetEditedPoolIps(services, [widened], new Map([['lan', before]]), off)).toBe(services);
    expect(forgetEditedPoolIps(services, [before], new Map([['lan', before]]), on)).toBe(services);
    expect(forgetEditedPoolIps(services, [widened], new Map(), on)).toBe(services);
  });

  it('a selector edit is an edit too', () => {
    const reselected = { ...before, serviceSelector: { matchLabels: { tier: 'front' }, matchExpressions: [] } };
    expect(forgetEditedPoolIps(services, [reselected], new Map([['lan', before]]), on)[0]?.ingressIPs).toEqual([]);
  });
});
