import { describe, expect, it } from 'vitest';
import { decideCandidacy, type CandidacyInput } from './candidacy.ts';
import { ep, flip, labels, node, policy, profile, svc } from './fixtures.test-helpers.ts';

const lbSvc = svc({ ingressIPs: ['10.0.0.10'] });
const base = (over: Partial<CandidacyInput> = {}): CandidacyInput => ({
  service: lbSvc,
  ingressIPs: lbSvc.ingressIPs,
  node: node('n1', { role: 'worker' }),
  policies: [policy('p')],
  endpoints: [],
  profile: profile('cilium-1.16'),
  ...over,
});
const codes = (input: CandidacyInput): string[] => decideCandidacy(input).reasons.map((r) => r.code);

describe('decideCandidacy — spec §1.2 rules', () => {
  it('§1.2 baseline: nil selectors, LB IP, loadBalancerIPs policy → candidate announcing on all devices', () => {
    const d = decideCandidacy(base());
    expect(d).toMatchObject({ node: 'n1', candidate: true, matchingPolicies: ['p'], reasons: [], answersNothing: false });
    expect(d.announce).toEqual([{ ip: '10.0.0.10', type: 'loadBalancerIP', interfaces: 'all-devices' }]);
  });

  it('§1.2 rule 1: nodeSelector must select the node', () => {
    const input = base({ policies: [policy('cp-only', { nodeSelector: labels({ role: 'cp' }) })] });
    expect(decideCandidacy(input).candidate).toBe(false);
    expect(decideCandidacy(input).reasons).toEqual([expect.objectContaining({ code: 'node-not-selected', policy: 'cp-only' })]);
  });

  it('§1.2 rule 2: serviceSelector sees the synthetic io.kubernetes.service.* labels', () => {
    const byName = policy('by-name', { serviceSelector: labels({ 'io.kubernetes.service.namespace': 'default', 'io.kubernetes.service.name': 'web' }) });
    expect(decideCandidacy(base({ policies: [byName] })).candidate).toBe(true);
    const other = policy('other', { serviceSelector: labels({ 'io.kubernetes.service.name': 'api' }) });
    expect(codes(base({ policies: [other] }))).toEqual(['service-not-selected']);
  });

  it('§1.2 rule 3 / C01: ClusterIP-only service gets a lease on cilium-1.14, not on 1.15', () => {
    const clusterIp = svc({ type: 'ClusterIP' });
    const input = (p: string) => base({ service: clusterIp, ingressIPs: [], profile: profile(p) });
    const on114 = decideCandidacy(input('cilium-1.14'));
    expect(on114).toMatchObject({ candidate: true, announce: [], answersNothing: true });
    expect(decideCandidacy(input('cilium-1.15'))).toMatchObject({ candidate: false, reasons: [expect.objectContaining({ code: 'service-has-no-ip' })] });
  });

  it('C01 switch flip: leaseForNonAnnounceable alone decides the ClusterIP-only lease', () => {
    const input = base({ service: svc(), ingressIPs: [], profile: flip(profile('cilium-1.16'), 'leaseForNonAnnounceable', true) });
    expect(decideCandidacy(input).candidate).toBe(true);
  });

  it('§1.2 rule 3: the policy must enable an IP type the service has', () => {
    const extOnly = policy('ext', { loadBalancerIPs: false, externalIPs: true });
    expect(codes(base({ policies: [extOnly] }))).toEqual(['no-ip-of-enabled-type']);
    const neither = policy('none', { loadBalancerIPs: false, externalIPs: false });
    expect(codes(base({ policies: [neither] }))).toEqual(['policy-enables-no-ip-type']);
  });

  it('§1.2 note: service type is not checked — a ClusterIP service with externalIPs is a candidate', () => {
    const s = svc({ type: 'ClusterIP', externalIPs: ['192.0.2.7'] });
    const d = decideCandidacy(base({ service: s, ingressIPs: [], policies: [policy('ext', { loadBalancerIPs: false, externalIPs: true })] }));
    expect(d).toMatchObject({ candidate: true, announce: [{ ip: '192.0.2.7', type: 'externalIP', interfaces: 'all-devices' }] });
  });

  it('§1.2 rule 4: foreign loadBalancerClass is a candidate on 1.14, not on 1.15 (flip loadBalancerClassFilter)', () => {
    const s = svc({ ingressIPs: ['10.0.0.10'], loadBalancerClass: 'io.cilium/bgp-control-plane' });
    const input = (p: ReturnType<typeof profile>) => base({ service: s, profile: p });
    expect(decideCandidacy(input(profile('cilium-1.14'))).candidate).toBe(true);
    expect(codes(input(profile('cilium-1.15')))).toEqual(['foreign-load-balancer-class']);
    expect(decideCandidacy(input(flip(profile('cilium-1.15'), 'loadBalancerClassFilter', false))).candidate).toBe(true);
    const own = svc({ ingressIPs: ['10.0.0.10'], loadBalancerClass: 'io.cilium/l2-announcer' });
    expect(decideCandidacy(base({ service: own, profile: profile('cilium-1.15') })).candidate).toBe(true);
  });
});

describe('decideCandidacy — §1.2 rule 5 eTP=Local (C04, C05)', () => {
  const local = svc({ ingressIPs: ['10.0.0.10'], externalTrafficPolicy: 'Local', selector: { app: 'web' } });
  const input = (nodeName: string, p: string, endpoints = [ep({ nodeName: 'n2' })]) =>
    base({ service: local, node: node(nodeName), endpoints, profile: profile(p) });

  it('C04: before 1.20.2 every selected node competes, backend or not', () => {
    expect(decideCandidacy(input('n1', 'cilium-1.20.1')).candidate).toBe(true);
  });

  it('§1.2 rule 5: on 1.20.2 only the node with a ready backend competes (flip etpLocalGating)', () => {
    expect(codes(input('n1', 'cilium-1.20.2'))).toEqual(['etp-local-no-local-backend']);
    expect(decideCandidacy(input('n2', 'cilium-1.20.2')).candidate).toBe(true);
    expect(decideCandidacy(base({ service: local, node: node('n1'), endpoints: [ep({ nodeName: 'n2' })], profile: flip(profile('cilium-1.20.2'), 'etpLocalGating', false) })).candidate).toBe(true);
  });

  it('rule 5: a not-ready local backend does not count; no backends at all withdraws every node', () => {
    expect(codes(input('n2', 'cilium-1.20.2', [ep({ nodeName: 'n2', ready: false })]))).toEqual(['etp-local-no-backends']);
    expect(codes(input('n2', 'cilium-1.20.2', []))).toEqual(['etp-local-no-backends']);
  });

  it('rule 5: Pod endpoints count when their labels match spec.selector (same namespace only)', () => {
    const pod = ep({ serviceName: undefined, podLabels: { app: 'web', x: 'y' }, nodeName: 'n1' });
    expect(decideCandidacy(input('n1', 'cilium-1.20.2', [pod])).candidate).toBe(true);
    expect(decideCandidacy(input('n1', 'cilium-1.20.2', [{ ...pod, namespace: 'other' }])).candidate).toBe(false);
    expect(decideCandidacy(input('n1', 'cilium-1.20.2', [{ ...pod, podLabels: { app: 'api' } }])).candidate).toBe(false);
  });

  it('C05: nodeless backends (Gateway API) gate every node on 1.20.2, none on reference (flip etpLocalIgnoresNodelessBackends)', () => {
    const gw = [ep({ nodeName: undefined, address: '192.192.192.192' })];
    expect(codes(input('n1', 'cilium-1.20.2', gw))).toEqual(['etp-local-nodeless-backends']);
    expect(decideCandidacy(input('n1', 'reference', gw)).candidate).toBe(true);
    const flipped = base({ service: local, node: node('n1'), endpoints: gw, profile: flip(profile('reference'), 'etpLocalIgnoresNodelessBackends', true) });
    expect(codes(flipped)).toEqual(['etp-local-nodeless-backends']);
  });

  it('eTP=Cluster is never gated', () => {
    expect(decideCandidacy(base({ profile: profile('cilium-1.20.2') })).candidate).toBe(true);
  });
});

describe('decideCandidacy — §1.3 multiple policies, interfaces, IPv6', () => {
  const both = svc({ ingressIPs: ['10.0.0.10'], externalIPs: ['192.0.2.7'] });

  it('§1.3: the announce set is the union over this node’s matching policies of {enabled IPs} × {devices}', () => {
    const d = decideCandidacy(base({
      service: both,
      ingressIPs: both.ingressIPs,
      node: node('n1', {}, ['eth0', 'eth1', 'wg0']),
      policies: [policy('lb-eth0', { interfaces: ['^eth0$'] }), policy('all-eth1', { externalIPs: true, interfaces: ['^eth1$'] })],
    }));
    expect(d.matchingPolicies).toEqual(['all-eth1', 'lb-eth0']);
    expect(d.announce).toEqual(expect.arrayContaining([
      { ip: '10.0.0.10', type: 'loadBalancerIP', interfaces: ['eth0', 'eth1'] },
      { ip: '192.0.2.7', type: 'externalIP', interfaces: ['eth1'] },
    ]));
  });

  it('devices unknown: patterns are reported instead of names', () => {
    const d = decideCandidacy(base({ policies: [policy('p', { interfaces: ['^eth[0-9]+$'] })] }));
    expect(d.announce[0]?.interfaces).toEqual({ patterns: ['^eth[0-9]+$'] });
  });

  it('a policy without interfaces selects every known device', () => {
    const d = decideCandidacy(base({ devices: ['eth0', 'bond0'] }));
    expect(d.announce[0]?.interfaces).toEqual(['bond0', 'eth0']);
  });

  it('§1.2 note / C14: interfaces do not affect candidacy — regexes matching no device still compete, flagged', () => {
    const d = decideCandidacy(base({ node: node('n1', {}, ['eno1', 'eth0']), policies: [policy('p', { interfaces: ['^enp.*'] })] }));
    expect(d).toMatchObject({ candidate: true, answersNothing: true });
    expect(d.warnings.map((w) => w.code)).toEqual(['interfaces-match-no-device', 'answers-nothing']);
  });

  // Why this test? explore's reference-new-ip-announced-s2: a node whose policies select none of its
  // devices won the Lease and answered nothing. Under candidacyRequiresDevice it must not compete.
  it('candidacyRequiresDevice (reference): a policy selecting no device of the node does not make it a candidate', () => {
    const noDevice = policy('p', { interfaces: ['^enp.*'] });
    const onRef = (over: Partial<CandidacyInput>) => base({ profile: profile('reference'), ...over });
    const d = decideCandidacy(onRef({ node: node('n1', {}, ['eno1', 'eth0']), policies: [noDevice] }));
    expect(d).toMatchObject({ candidate: false, matchingPolicies: [], announce: [], answersNothing: false });
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'policy-selects-no-device', policy: 'p' })]);
    // Another policy with a device keeps the node competing, through that policy only.
    const withEth0 = decideCandidacy(onRef({ node: node('n1', {}, ['eno1', 'eth0']), policies: [noDevice, policy('q', { interfaces: ['^eth0$'] })] }));
    expect(withEth0).toMatchObject({ candidate: true, matchingPolicies: ['q'], reasons: [], announce: [{ ip: '10.0.0.10', type: 'loadBalancerIP', interfaces: ['eth0'] }] });
    // A node with no device at all has nothing a policy without interfaces could answer on.
    expect(codes(onRef({ devices: [] }))).toEqual(['policy-selects-no-device']);
    // Devices unknown (check without Helm devices): the patterns cannot be judged, the node competes.
    expect(decideCandidacy(onRef({ policies: [noDevice] })).candidate).toBe(true);
  });

  it('§1.1: a regex Go rejects makes the agent ignore the whole policy (io.cilium/bad-interface-regex)', () => {
    const d = decideCandidacy(base({ policies: [policy('bad', { interfaces: ['(?!lo)'] })] }));
    expect(d.candidate).toBe(false);
    expect(d.reasons[0]).toMatchObject({ code: 'policy-bad-interface-regex', policy: 'bad' });
    expect(d.reasons[0]?.message).toMatch(/lookaround/);
  });

  it('§1.1: invalid selectors make the agent ignore the policy (bad-node-selector / bad-service-selector)', () => {
    const badNode = policy('bn', { nodeSelector: { matchLabels: {}, matchExpressions: [{ key: 'role', operator: 'In', values: [] }] } });
    const badSvc = policy('bs', { serviceSelector: { matchLabels: {}, matchExpressions: [{ key: 'x', operator: 'Exists', values: ['y'] }] } });
    expect(codes(base({ policies: [badNode, badSvc] }))).toEqual(['policy-bad-node-selector', 'policy-bad-service-selector']);
  });

  it('a non-portable (Go-only) regex is evaluated with Go semantics and flagged', () => {
    const d = decideCandidacy(base({ node: node('n1', {}, ['eth0', 'veth0']), policies: [policy('p', { interfaces: ['\\Aeth0\\z'] })] }));
    expect(d.announce[0]?.interfaces).toEqual(['eth0']);
    expect(d.warnings.map((w) => w.code)).toEqual(['interface-regex-not-portable']);
  });

  it('§3.1: IPv6 LB IPs are not answered without NDP (cilium-1.18), answered from 1.19 (flip ipv6Ndp)', () => {
    const v6 = svc({ ingressIPs: ['2001:db8::10', '10.0.0.10'], ipFamilies: ['IPv6', 'IPv4'] });
    const old = decideCandidacy(base({ service: v6, ingressIPs: v6.ingressIPs, profile: profile('cilium-1.18') }));
    expect(old.announce.map((a) => a.ip)).toEqual(['10.0.0.10']);
    expect(old.warnings.map((w) => w.code)).toEqual(['ipv6-not-answered']);
    const ndp = decideCandidacy(base({ service: v6, ingressIPs: v6.ingressIPs, profile: flip(profile('cilium-1.18'), 'ipv6Ndp', true) }));
    expect(ndp.announce.map((a) => a.ip)).toEqual(['2001:db8::10', '10.0.0.10']);
  });

  it('an unparsable ingress IP still makes a candidate (Cilium tests for non-empty) but is skipped', () => {
    const d = decideCandidacy(base({ ingressIPs: ['not-an-ip'] }));
    expect(d).toMatchObject({ candidate: true, announce: [], answersNothing: true });
    expect(d.warnings.map((w) => w.code)).toContain('unparsable-ip');
  });

  it('empty ingress IPs and externalIPs count as absent (Cilium tests for non-empty first)', () => {
    expect(codes(base({ ingressIPs: [''] }))).toEqual(['service-has-no-ip']);
    const withExt = svc({ externalIPs: ['', '10.0.0.20'] });
    const d = decideCandidacy(base({ service: withExt, ingressIPs: ['', '10.0.0.10'], policies: [policy('p', { externalIPs: true })] }));
    expect(d.announce.map((a) => `${a.type} ${a.ip}`)).toEqual(['loadBalancerIP 10.0.0.10', 'externalIP 10.0.0.20']);
  });

  it('no policies at all', () => {
    expect(codes(base({ policies: [] }))).toEqual(['no-policies']);
  });
});
