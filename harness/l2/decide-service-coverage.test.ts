import { describe, expect, it } from 'vitest';
import type { L2AnnouncementPolicy, Node, Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { decideService, decideServiceCoverage } from './decide-service.ts';
import { ep, labels, node, policy, profile, svc } from './fixtures.test-helpers.ts';

const nodes = [node('a', { zone: 'a' }, ['eth0']), node('b', { zone: 'b' }, ['eth0']), node('c', { role: 'cp' }, ['eth0'])];
const coverage = (s: Service, ps: L2AnnouncementPolicy[], p: Profile = profile('cilium-1.16'), ns: Node[] = nodes) => decideServiceCoverage(s, s.ingressIPs, ns, ps, [ep()], p);
const full = (s: Service, ps: L2AnnouncementPolicy[], p: Profile = profile('cilium-1.16'), ns: Node[] = nodes) => decideService(s, s.ingressIPs, ns, ps, [ep()], p);

describe('decideServiceCoverage', () => {
  it('every selected node competes and the LB IP is announced', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'] });
    const c = coverage(s, [policy('p', { nodeSelector: labels({ zone: 'b' }) })]);
    expect(c.candidateNodes).toEqual(['b']);
    expect(c.announceable).toBe(true);
    expect(c.unannouncedIps).toEqual([]);
    expect(c.candidates.map((d) => d.node)).toEqual(['b']);
  });

  it('an external IP no policy enables is unannounced while the LB IP is announced', () => {
    const c = coverage(svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] }), [policy('lb')]);
    expect(c.announceable).toBe(true);
    expect(c.unannouncedIps).toEqual(['192.0.2.7']);
  });

  it('no IP yet: no candidate, nothing announceable', () => {
    const c = coverage(svc({ ingressIPs: [] }), [policy('p')]);
    expect(c).toMatchObject({ candidateNodes: [], announceable: false, unannouncedIps: [] });
  });

  it('candidates whose policies select no device announce nothing', () => {
    const c = coverage(svc({ ingressIPs: ['10.0.0.10'] }), [policy('p', { interfaces: ['^bond'] })]);
    expect(c.candidateNodes).toEqual(['a', 'b', 'c']);
    expect(c.announceable).toBe(false);
    expect(c.unannouncedIps).toEqual(['10.0.0.10']);
  });

  it('answers as decideService does on the fields they share', () => {
    const split = [policy('p1', { nodeSelector: labels({ zone: 'a' }), loadBalancerIPs: false, externalIPs: true }), policy('p2', { nodeSelector: labels({ zone: 'b' }) })];
    const cases: [Service, L2AnnouncementPolicy[], Profile][] = [
      [svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] }), split, profile('cilium-1.16')],
      [svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] }), split, profile('reference')],
      [svc({ ingressIPs: ['2001:db8::10'] }), [policy('p')], profile('cilium-1.16')],
      [svc({ ingressIPs: ['10.0.0.10'] }), [], profile('cilium-1.16')],
      [svc({ ingressIPs: [], externalIPs: ['192.0.2.7'] }), [policy('p', { externalIPs: true })], profile('cilium-1.16')],
      [svc({ ingressIPs: [] }), [policy('p')], profile('cilium-1.16')],
      [svc({ ingressIPs: [''], externalIPs: [''] }), [policy('p')], profile('reference')],
      [svc({ ingressIPs: [] }), [policy('p')], profile('cilium-1.14')],
    ];
    for (const [s, ps, p] of cases) {
      const { candidateNodes, perNode, announceable, unannouncedIps } = full(s, ps, p);
      expect(coverage(s, ps, p)).toEqual({ candidates: perNode.filter((d) => d.candidate), candidateNodes, announceable, unannouncedIps });
    }
  });
});
