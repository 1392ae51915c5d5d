import { describe, expect, it } from 'vitest';
import type { L2AnnouncementPolicy, Node, Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { decideService } from './decide-service.ts';
import { ep, labels, node, policy, profile, svc } from './fixtures.test-helpers.ts';

const nodes = [node('a', { zone: 'a' }, ['eth0']), node('b', { zone: 'b' }, ['eth0']), node('c', { role: 'cp' }, ['eth0'])];
const lb = svc({ ingressIPs: ['10.0.0.10'] });
const run = (s: Service, ps: L2AnnouncementPolicy[], p: Profile = profile('cilium-1.16'), ns: Node[] = nodes, eps = [ep()]) =>
  decideService(s, s.ingressIPs, ns, ps, eps, p);
const reason = (d: ReturnType<typeof run>) => d.notAnnouncedReasons.map((r) => r.code);

describe('decideService — announced', () => {
  it('§2: one lease per service, every selected node competes', () => {
    const d = run(lb, [policy('p', { nodeSelector: { matchLabels: {}, matchExpressions: [{ key: 'role', operator: 'DoesNotExist', values: [] }] } })]);
    expect(d).toMatchObject({ service: 'default/web', leaseName: 'cilium-l2announce-default-web', candidateNodes: ['a', 'b'], announceable: true, notAnnouncedReasons: [], unannouncedIps: [], winnerDependentIps: [] });
    expect(d.perNode.map((x) => x.node)).toEqual(['a', 'b', 'c']);
    expect(d.warnings).toEqual([]);
  });

  it('§1.3 P1/P2 trap: LB IP announced only if B wins, external IP only if A wins', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] });
    const p1 = policy('p1', { nodeSelector: labels({ zone: 'a' }), loadBalancerIPs: false, externalIPs: true });
    const p2 = policy('p2', { nodeSelector: labels({ zone: 'b' }), loadBalancerIPs: true });
    const d = run(s, [p1, p2]);
    expect(d.candidateNodes).toEqual(['a', 'b']);
    expect(d.announceable).toBe(true);
    expect(d.winnerDependentIps).toEqual([
      { ip: '10.0.0.10', announcedBy: ['b'], notBy: ['a'] },
      { ip: '192.0.2.7', announcedBy: ['a'], notBy: ['b'] },
    ]);
    expect(d.warnings.filter((w) => w.code === 'ip-depends-on-winner')).toHaveLength(2);
  });

  it('issue item 6: an IP assigned but announced by no policy (externalIP with an LB-only policy)', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] });
    const d = run(s, [policy('lb')]);
    expect(d.unannouncedIps).toEqual(['192.0.2.7']);
    expect(d.warnings.map((w) => w.code)).toEqual(['ip-announced-by-no-candidate']);
  });

  it('§1.2 note: candidates whose regexes match no device still compete → warning', () => {
    const ns = [node('a', {}, ['eth0']), node('b', {}, ['eno1'])];
    const d = run(lb, [policy('p', { interfaces: ['^eth0$'] })], profile('cilium-1.16'), ns);
    expect(d.announceable).toBe(true);
    expect(d.warnings.find((w) => w.code === 'candidates-answer-nothing')).toMatchObject({ nodes: ['b'] });
    expect(d.warnings.find((w) => w.code === 'interfaces-match-no-device')).toMatchObject({ nodes: ['b'], policy: 'p' });
  });

  it('C04: eTP=Local on 1.16 warns that candidates without a backend may win', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'], externalTrafficPolicy: 'Local' });
    const d = run(s, [policy('p')], profile('cilium-1.16'), nodes, [ep({ nodeName: 'a' })]);
    expect(d.candidateNodes).toEqual(['a', 'b', 'c']);
    expect(d.warnings).toEqual([expect.objectContaining({ code: 'etp-local-candidates-without-backend', nodes: ['b', 'c'] })]);
  });

  it('§1.2 rule 5: on 1.20.2 only backend nodes compete and no C04 warning remains', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'], externalTrafficPolicy: 'Local' });
    const d = run(s, [policy('p')], profile('cilium-1.20.2'), nodes, [ep({ nodeName: 'a' })]);
    expect(d.candidateNodes).toEqual(['a']);
    expect(d.warnings).toEqual([]);
  });

  it('reference: nodeless eTP=Local backends are not gated, with a C05 contrast warning', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'], externalTrafficPolicy: 'Local' });
    const d = run(s, [policy('p')], profile('reference'), nodes, [ep({ nodeName: undefined })]);
    expect(d.announceable).toBe(true);
    expect(d.warnings.map((w) => w.code)).toEqual(['etp-local-nodeless-backends-not-gated']);
  });

  it('uses Helm devices for nodes without interfaces', () => {
    const d = decideService(lb, lb.ingressIPs, [node('x')], [policy('p', { interfaces: ['^bond'] })], [], profile('cilium-1.16'), { devices: ['bond0', 'eth0'] });
    expect(d.perNode[0]?.announce[0]?.interfaces).toEqual(['bond0']);
  });
});

// Why this test? explore's reference-new-ip-announced-s2 (n1[eth0], n2[eth0, eth1], a policy on
// eth1): under Cilium's candidacy n1 competes and, if it wins, the IP goes silent; `reference`
// (candidacyRequiresDevice) leaves only n2, so the IP no longer depends on the winner.
describe('decideService — candidacyRequiresDevice', () => {
  const pair = [node('n1', {}, ['eth0']), node('n2', {}, ['eth0', 'eth1'])];
  const onEth1 = [policy('p1', { interfaces: ['eth1'] })];

  it('cilium-1.20.2: both compete and the LB IP depends on the winner', () => {
    const d = run(lb, onEth1, profile('cilium-1.20.2'), pair);
    expect(d.candidateNodes).toEqual(['n1', 'n2']);
    expect(d.winnerDependentIps).toEqual([{ ip: '10.0.0.10', announcedBy: ['n2'], notBy: ['n1'] }]);
    expect(d.warnings.map((w) => w.code)).toEqual(['interfaces-match-no-device', 'candidates-answer-nothing', 'ip-depends-on-winner']);
  });

  it('reference: only the node with eth1 competes; nothing depends on the winner', () => {
    const d = run(lb, onEth1, profile('reference'), pair);
    expect(d).toMatchObject({ candidateNodes: ['n2'], announceable: true, unannouncedIps: [], winnerDependentIps: [], warnings: [] });
    expect(d.perNode[0]?.reasons.map((r) => r.code)).toEqual(['policy-selects-no-device']);
  });
});

// Why this test? explore (reference, round 2, seed 11): p1 gives zone a's node the LB IP, p2 every
// node the external IP. With one Lease per service n2 can win — or be the one left when n1 dies —
// and announce only the external IP. Under candidacyRequiresEveryIp only n1 competes.
describe('decideService — candidacyRequiresEveryIp (§1.3 P1/P2)', () => {
  const both = svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] });
  const pair = [node('n1', { zone: 'a' }, ['eth0']), node('n2', {}, ['eth0'])];
  const split = [policy('p1', { nodeSelector: labels({ zone: 'a' }) }), policy('p2', { loadBalancerIPs: false, externalIPs: true })];

  it('cilium-1.20.2: both compete and the LB IP depends on the winner', () => {
    const d = run(both, split, profile('cilium-1.20.2'), pair);
    expect(d.candidateNodes).toEqual(['n1', 'n2']);
    expect(d.winnerDependentIps).toEqual([{ ip: '10.0.0.10', announcedBy: ['n1'], notBy: ['n2'] }]);
  });

  it('reference: only the node announcing both IPs competes', () => {
    const d = run(both, split, profile('reference'), pair);
    expect(d).toMatchObject({ candidateNodes: ['n1'], announceable: true, unannouncedIps: [], winnerDependentIps: [] });
    expect(d.perNode[1]?.reasons.map((r) => r.code)).toEqual(['misses-ips-others-announce']);
  });

  it('reference: when the policies split the IP types between nodes, none competes', () => {
    const disjoint = [policy('p1', { nodeSelector: labels({ zone: 'a' }) }), policy('p2', { nodeSelector: labels({ zone: 'b' }), loadBalancerIPs: false, externalIPs: true })];
    const d = run(both, disjoint, profile('reference'), [node('n1', { zone: 'a' }, ['eth0']), node('n2', { zone: 'b' }, ['eth0'])]);
    expect(d).toMatchObject({ candidateNodes: [], announceable: false });
    expect(reason(d)).toEqual(['no-candidate-announces-every-ip']);
  });
});

describe('decideService — not announced (reason codes)', () => {
  it.each<[string, Service, L2AnnouncementPolicy[], string, Node[] | undefined, string]>([
    ['no policies', lb, [], 'cilium-1.16', undefined, 'no-policies'],
    ['§1.2 rule 3: no IP yet', svc(), [policy('p')], 'cilium-1.16', undefined, 'no-ip-yet'],
    ['§1.2 rule 4: foreign class', svc({ ingressIPs: ['10.0.0.10'], loadBalancerClass: 'example.com/other' }), [policy('p')], 'cilium-1.16', undefined, 'foreign-load-balancer-class'],
    ['§1.2 rule 2: no policy selects the service', lb, [policy('p', { serviceSelector: labels({ app: 'x' }) })], 'cilium-1.16', undefined, 'no-policy-selects-service'],
    ['§1.2 rule 3: policies enable no matching type', lb, [policy('p', { loadBalancerIPs: false, externalIPs: true })], 'cilium-1.16', undefined, 'policies-enable-no-matching-ip-type'],
    ['§1.2 rule 1: no node matches', lb, [policy('p', { nodeSelector: labels({ zone: 'nowhere' }) })], 'cilium-1.16', undefined, 'no-node-matches'],
    ['no nodes in the input', lb, [policy('p')], 'cilium-1.16', [], 'no-nodes-in-input'],
    ['§1.1: only an invalid policy would select it', lb, [policy('p', { interfaces: ['(?<=x)'] })], 'cilium-1.16', undefined, 'invalid-policies-only'],
    ['C01: ClusterIP-only service holds a lease on 1.14 but has nothing to announce', svc({ type: 'ClusterIP' }), [policy('p')], 'cilium-1.14', undefined, 'lease-without-announceable-ip'],
    ['§3.1: IPv6-only before NDP', svc({ ingressIPs: ['2001:db8::1'] }), [policy('p')], 'cilium-1.18', undefined, 'ipv6-needs-ndp'],
    ['C14: every candidate matches no device', lb, [policy('p', { interfaces: ['^enp'] })], 'cilium-1.16', undefined, 'no-interface-matches'],
    ['reference: no node has a device the policy selects, so none competes', lb, [policy('p', { interfaces: ['^enp'] })], 'reference', undefined, 'no-device-matches'],
  ])('%s → %s', (_name, s, ps, p, ns, code) => {
    const d = run(s, ps, profile(p), ns ?? nodes);
    expect(d.announceable).toBe(false);
    expect(reason(d)).toEqual([code]);
    expect(d.notAnnouncedReasons[0]?.message.length).toBeGreaterThan(10);
  });

  it('eTP=Local on 1.20.2: no local backend among the selected nodes / no backends / C05', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'], externalTrafficPolicy: 'Local' });
    const p = [policy('p', { nodeSelector: labels({ zone: 'a' }) })];
    expect(reason(run(s, p, profile('cilium-1.20.2'), nodes, [ep({ nodeName: 'c' })]))).toEqual(['etp-local-no-local-backend']);
    expect(reason(run(s, p, profile('cilium-1.20.2'), nodes, []))).toEqual(['etp-local-no-backends']);
    expect(reason(run(s, p, profile('cilium-1.20.2'), nodes, [ep({ nodeName: undefined })]))).toEqual(['etp-local-nodeless-backends']);
  });

  it('§1.2 rule 3: a service without IPs has no candidates on 1.15+, lease candidates on 1.14 (INV-LEASE-SCOPE)', () => {
    const s = svc({ type: 'ClusterIP' });
    expect(run(s, [policy('p')], profile('cilium-1.15')).candidateNodes).toEqual([]);
    expect(run(s, [policy('p')], profile('cilium-1.14')).candidateNodes).toEqual(['a', 'b', 'c']);
  });
});
