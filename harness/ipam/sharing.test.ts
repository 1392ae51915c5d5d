import { describe, expect, it } from 'vitest';
import type { Service } from '../model/types.ts';
import { ipsOf, pool, poolOf, reasonOf, run, svc, svcOf } from './test-fixtures.ts';

const P24 = pool('p', ['10.0.0.0/24']);
const KEY = 'lbipam.cilium.io/sharing-key';
const XNS = 'lbipam.cilium.io/sharing-cross-namespace';

function sharer(name: string, overrides: Partial<Service> = {}, annotations: Record<string, string> = {}): Service {
  return svc(name, { ...overrides, annotations: { [KEY]: 'k', ...annotations } });
}

describe('IP sharing (§5.3, C22)', () => {
  it('§5.3/C22 same key, different ports → one IP, each lists the other', () => {
    const result = run([P24], [sharer('a'), sharer('b', { ports: [{ port: 443, protocol: 'TCP' }] })]);
    expect(ipsOf(result, 'a')).toEqual(['10.0.0.0']);
    expect(ipsOf(result, 'b')).toEqual(['10.0.0.0']);
    expect(svcOf(result, 'a').ips[0]?.sharedWith).toEqual(['default/b']);
    expect(svcOf(result, 'b').ips[0]?.sharedWith).toEqual(['default/a']);
    expect(svcOf(result, 'b').sharingKey).toBe('k');
    expect(poolOf(result, 'p').used).toBe(1n);
  });

  it.each([
    ['same port number, protocol ignored (#9207)', { ports: [{ port: 80, protocol: 'UDP' }] }, {}, 'same port'],
    ['different externalTrafficPolicy', { ports: [{ port: 443, protocol: 'TCP' }], externalTrafficPolicy: 'Local' }, {}, 'different ExternalTrafficPolicy'],
    ['different sharing key', { ports: [{ port: 443, protocol: 'TCP' }] }, { [KEY]: 'other' }, 'different sharing key'],
    ['different namespace without permission', { namespace: 'other', ports: [{ port: 443, protocol: 'TCP' }] }, {}, 'different and not permitted namespace'],
  ] as const)('§5.3/C22 %s: without a request the service silently gets its own IP', (_label, overrides, annotations, _why) => {
    const result = run([P24], [sharer('a'), sharer('b', overrides, annotations)]);
    expect(ipsOf(result, 'b')).toEqual(['10.0.0.1']);
    expect(reasonOf(result, 'b')).toBe('satisfied');
  });

  it.each([
    ['same port number, protocol ignored (#9207)', { ports: [{ port: 80, protocol: 'UDP' }] }, {}, 'same port'],
    ['different externalTrafficPolicy', { ports: [{ port: 443, protocol: 'TCP' }], externalTrafficPolicy: 'Local' }, {}, 'different ExternalTrafficPolicy'],
    ['different sharing key', { ports: [{ port: 443, protocol: 'TCP' }] }, { [KEY]: 'other' }, 'different sharing key'],
    ['different namespace without permission', { namespace: 'other', ports: [{ port: 443, protocol: 'TCP' }] }, {}, 'different and not permitted namespace'],
  ] as const)('§5.5/C22 %s: with the IP requested the condition says why', (_label, overrides, annotations, why) => {
    const a = sharer('a', { loadBalancerIP: '10.0.0.7' });
    const b = sharer('b', { ...overrides, loadBalancerIP: '10.0.0.7' }, annotations);
    const r116 = run([P24], [a, b], 'cilium-1.16');
    expect(ipsOf(r116, 'b')).toEqual([]);
    expect(svcOf(r116, 'b').condition).toMatchObject({
      status: 'False',
      reason: 'already_allocated_different_sharing_key',
      message: `The IP '10.0.0.7' is already allocated to an incompatible service. Reason: ${why}`,
    });
    // §5.5: the reason was renamed after 1.16.x.
    expect(reasonOf(run([P24], [a, b], 'cilium-1.18'), 'b')).toBe('already_allocated_incompatible_service');
  });

  it('§5.3/C22 eTP=Local shares only with identical non-empty pod selectors', () => {
    const local = { externalTrafficPolicy: 'Local' as const, selector: { app: 'web' } };
    const same = run([P24], [sharer('a', local), sharer('b', { ...local, ports: [{ port: 443, protocol: 'TCP' }] })]);
    expect(ipsOf(same, 'b')).toEqual(['10.0.0.0']);
    const none = { externalTrafficPolicy: 'Local' as const };
    const withoutSelectors = run([P24], [sharer('a', none), sharer('b', { ...none, ports: [{ port: 443, protocol: 'TCP' }], loadBalancerIP: '10.0.0.0' })]);
    expect(svcOf(withoutSelectors, 'b').condition?.message).toContain('compatible ExternalTrafficPolicy local but selecting different set of pods');
  });

  it.each([
    ['mutual permission by name', 'ns2', 'ns1', true],
    ['mutual wildcard', '*', '*', true],
    ['one-sided permission (only a allows b)', 'ns2', undefined, false],
    ['one-sided permission (only b allows a)', undefined, 'ns1', false],
    ['permission naming a third namespace', 'ns3', 'ns1', false],
  ])('§5.3 cross-namespace sharing: %s', (_label, aAllows, bAllows, shares) => {
    const a = sharer('a', { namespace: 'ns1' }, aAllows === undefined ? {} : { [XNS]: aAllows });
    const b = sharer('b', { namespace: 'ns2', ports: [{ port: 443, protocol: 'TCP' }] }, bAllows === undefined ? {} : { [XNS]: bAllows });
    const result = run([P24], [a, b]);
    expect(ipsOf(result, 'b')).toEqual([shares ? '10.0.0.0' : '10.0.0.1']);
  });

  it('§5.3 a requested IP with a compatible key joins the holder', () => {
    const result = run([P24], [sharer('a', { loadBalancerIP: '10.0.0.9' }), sharer('b', { loadBalancerIP: '10.0.0.9', ports: [{ port: 53, protocol: 'UDP' }] })]);
    expect(ipsOf(result, 'b')).toEqual(['10.0.0.9']);
    expect(reasonOf(result, 'b')).toBe('satisfied');
  });

  it('§5.3 a sharer joins the first compatible same-family IP of its key, else gets a fresh one', () => {
    const services = [
      sharer('a'),
      sharer('b'), // port 80 clashes with a → fresh IP .1
      sharer('c', { ports: [{ port: 443, protocol: 'TCP' }] }), // joins a's .0 (first in the key's list)
      sharer('d', { ports: [{ port: 443, protocol: 'TCP' }] }), // clashes with c on .0, joins b's .1
    ];
    const result = run([P24], services);
    expect(['a', 'b', 'c', 'd'].map((name) => ipsOf(result, name)[0])).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.0', '10.0.0.1']);
  });

  it('§5.3 sharing never crosses families: a dual-stack sharer gets one shared IP per family', () => {
    const dual = { ipFamilyPolicy: 'RequireDualStack' as const };
    const pools = [pool('p4', ['10.0.0.0/24']), pool('p6', ['fd00::/120'])];
    const result = run(pools, [sharer('a', dual), sharer('b', { ...dual, ports: [{ port: 443, protocol: 'TCP' }] })], 'cilium-1.16', { ipv6Enabled: true });
    expect(ipsOf(result, 'b')).toEqual(['10.0.0.0', 'fd00::']);
  });

  it('§5.3/C22 annotation prefixes: 1.15 reads io.cilium/lb-ipam-sharing-key, 1.16 prefers lbipam.cilium.io/', () => {
    const old = (name: string, port: number): Service =>
      svc(name, { ports: [{ port, protocol: 'TCP' }], annotations: { 'io.cilium/lb-ipam-sharing-key': 'k' } });
    // 1.15 reserves .0 of the /24 by default (C21), so the first IP is .1.
    const r115 = run([P24], [old('a', 80), old('b', 443)], 'cilium-1.15');
    expect(ipsOf(r115, 'b')).toEqual(['10.0.0.1']);
    const newOnly = (name: string, port: number): Service => svc(name, { ports: [{ port, protocol: 'TCP' }], annotations: { [KEY]: 'k' } });
    expect(ipsOf(run([P24], [newOnly('a', 80), newOnly('b', 443)], 'cilium-1.15'), 'b')).toEqual(['10.0.0.2']);
    const mixed = svc('b', { ports: [{ port: 443, protocol: 'TCP' }], annotations: { [KEY]: 'k', 'io.cilium/lb-ipam-sharing-key': 'other' } });
    expect(ipsOf(run([P24], [newOnly('a', 80), mixed], 'cilium-1.16'), 'b')).toEqual(['10.0.0.0']);
  });

  it('§5.3 cilium-1.14 has no sharing key: a second request of the same IP is already_allocated', () => {
    const p = pool('p', ['10.0.0.0/24'], { cidrsCount: 1 });
    const a = svc('a', { loadBalancerIP: '10.0.0.9', annotations: { 'io.cilium/lb-ipam-sharing-key': 'k' } });
    const b = svc('b', { loadBalancerIP: '10.0.0.9', ports: [{ port: 443, protocol: 'TCP' }], annotations: { 'io.cilium/lb-ipam-sharing-key': 'k' } });
    const result = run([p], [a, b], 'cilium-1.14');
    expect(reasonOf(result, 'b')).toBe('already_allocated');
    expect(svcOf(result, 'b').condition?.type).toBe('io.cilium/lb-ipam-request-satisfied');
  });
});
