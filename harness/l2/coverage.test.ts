import { describe, expect, it } from 'vitest';
import { decideCandidacy } from './candidacy.ts';
import { programmedIps, restrictToFullCoverage } from './coverage.ts';
import { labels, node, policy, profile, svc } from './fixtures.test-helpers.ts';

const both = svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] });
const decide = (name: string, zone: string, devices?: string[]) =>
  decideCandidacy({
    service: both,
    ingressIPs: both.ingressIPs,
    node: node(name, { zone }),
    policies: [policy('lb', { nodeSelector: labels({ zone: 'a' }) }), policy('ext', { loadBalancerIPs: false, externalIPs: true, interfaces: ['^eth'] })],
    endpoints: [],
    profile: profile('cilium-1.20.2'),
    ...(devices === undefined ? {} : { devices }),
  });

describe('restrictToFullCoverage (candidacyRequiresEveryIp)', () => {
  it('drops the candidates missing an IP another would program, and keeps non-candidates as they are', () => {
    const [a, b] = restrictToFullCoverage([decide('a', 'a', ['eth0']), decide('b', 'b', ['eth0'])]);
    expect(a).toMatchObject({ node: 'a', candidate: true });
    expect(b).toMatchObject({ node: 'b', candidate: false, announce: [], reasons: [{ code: 'misses-ips-others-announce' }] });
    expect(b?.reasons[0]?.message).toContain('10.0.0.10');
  });

  it('an IP on patterns (devices unknown) counts as programmed; on an empty device list it does not', () => {
    expect([...programmedIps(decide('a', 'a'))].sort()).toEqual(['10.0.0.10', '192.0.2.7']);
    expect([...programmedIps(decide('a', 'a', ['wlan0']))]).toEqual(['10.0.0.10']);
  });
});
