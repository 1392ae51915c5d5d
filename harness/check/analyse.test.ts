/**
 * `check` on small manifest sets whose answers follow from the spec, compared per profile. Each
 * case names the spec section or bug it pins.
 */
import { describe, expect, it } from 'vitest';
import { assembleManifestSet } from '../model/parse/assemble.ts';
import { parseManifestText } from '../model/parse/parse-documents.ts';
import type { CiliumValues } from '../model/types.ts';
import { getProfile } from '../profiles/profiles.ts';
import { analyseManifests } from './analyse.ts';
import type { CheckReport } from './report.ts';

const NODES = `apiVersion: v1
kind: List
items:
- { apiVersion: v1, kind: Node, metadata: { name: cp, labels: { node-role.kubernetes.io/control-plane: "" }, annotations: { l2lab.io/interfaces: eth0 } } }
- { apiVersion: v1, kind: Node, metadata: { name: w1, labels: { zone: a }, annotations: { l2lab.io/interfaces: "eth0,eth1" } } }
- { apiVersion: v1, kind: Node, metadata: { name: w2, labels: { zone: b }, annotations: { l2lab.io/interfaces: "eth0,eth1" } } }
---
apiVersion: cilium.io/v2alpha1
kind: CiliumLoadBalancerIPPool
metadata: { name: lan }
spec: { blocks: [{ cidr: 198.18.10.0/28 }] }
`;

function check(yaml: string, profile: string, values?: Partial<CiliumValues>, gatewayEtp?: 'Local'): CheckReport {
  const parsed = parseManifestText(`${NODES}---\n${yaml}`, 'case.yaml');
  expect(parsed.issues).toEqual([]);
  const { set } = assembleManifestSet([parsed], gatewayEtp === undefined ? {} : { gatewayExternalTrafficPolicy: gatewayEtp });
  return analyseManifests({
    set,
    profile: getProfile(profile),
    seed: 1,
    inputFiles: ['case.yaml'],
    ...(values === undefined ? {} : { values: { source: { file: 'values.yaml', line: 1 }, ...values } }),
  });
}

const service = (name: string, extra = '') => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: apps }
spec: { type: LoadBalancer, ports: [{ port: 80 }]${extra} }
`;
const POLICY = `---
apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata: { name: workers }
spec:
  nodeSelector: { matchExpressions: [{ key: node-role.kubernetes.io/control-plane, operator: DoesNotExist }] }
  loadBalancerIPs: true
  interfaces: ['^eth0$']
`;
const codes = (r: CheckReport) => r.findings.map((f) => f.code);
const svcOf = (r: CheckReport, name: string) => r.services.find((s) => s.name === name)!;

describe('check: who announces what (spec §1.2, §5)', () => {
  it('§1.2 + §5.4: the first LB IP of the pool, announced by the workers on eth0', () => {
    const r = check(service('web') + POLICY, 'cilium-1.16');
    expect(svcOf(r, 'web')).toMatchObject({
      ips: [{ ip: '198.18.10.0', kind: 'loadBalancerIP', pool: 'lan' }],
      announced: true,
      candidateNodes: ['w1', 'w2'],
      interfaces: ['eth0'],
      leaseName: 'cilium-l2announce-apps-web',
    });
    expect(r.leaseLoad.leases).toBe(1);
  });

  it('§5.1 / C21: 1.15 reserves the network address of the /28, 1.16 hands it out', () => {
    expect(svcOf(check(service('web') + POLICY, 'cilium-1.15'), 'web').ips[0]?.ip).toBe('198.18.10.1');
    expect(svcOf(check(service('web') + POLICY, 'cilium-1.16'), 'web').ips[0]?.ip).toBe('198.18.10.0');
  });

  it('C01: on 1.14 a ClusterIP service selected by the policy gets a Lease; from 1.15 it does not', () => {
    const clusterIp = `---\napiVersion: v1\nkind: Service\nmetadata: { name: dns, namespace: kube-system }\nspec: { ports: [{ port: 53 }] }\n`;
    const old = check(clusterIp + POLICY.replace('blocks', 'cidrs'), 'cilium-1.14');
    expect(codes(old)).toContain('lease-for-non-announceable');
    expect(svcOf(old, 'dns').leaseName).toBe('cilium-l2announce-kube-system-dns');
    const fixed = check(clusterIp + POLICY, 'cilium-1.15');
    expect(codes(fixed)).not.toContain('lease-for-non-announceable');
    expect(svcOf(fixed, 'dns').leaseName).toBeUndefined();
  });

  it('C04: eTP=Local with the only pod on w1 — 1.16 lets w2 win (traffic dropped), 1.20.2 gates w2 out', () => {
    const local = service('api', ', externalTrafficPolicy: Local, selector: { app: api }') +
      `---\napiVersion: v1\nkind: Pod\nmetadata: { name: api-0, namespace: apps, labels: { app: api } }\nspec: { nodeName: w1 }\n` + POLICY;
    const before = check(local, 'cilium-1.16');
    expect(svcOf(before, 'api').candidateNodes).toEqual(['w1', 'w2']);
    expect(codes(before)).toContain('etp-local-candidates-without-backend');
    const after = check(local, 'cilium-1.20.2');
    expect(svcOf(after, 'api').candidateNodes).toEqual(['w1']);
    expect(codes(after)).not.toContain('etp-local-candidates-without-backend');
  });

  it('C05: an eTP=Local Gateway service is announced by nobody on 1.20.2, by the workers on 1.20.1 and reference', () => {
    const gateway = `---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: gw, namespace: infra }\nspec: { gatewayClassName: cilium, listeners: [{ name: http, port: 80, protocol: HTTP }] }\n` + POLICY;
    const broken = check(gateway, 'cilium-1.20.2', undefined, 'Local');
    expect(svcOf(broken, 'cilium-gateway-gw')).toMatchObject({ announced: false, notAnnouncedReasons: [{ code: 'etp-local-nodeless-backends' }] });
    expect(codes(broken)).toContain('ip-not-announced');
    expect(svcOf(check(gateway, 'cilium-1.20.1', undefined, 'Local'), 'cilium-gateway-gw').announced).toBe(true);
    expect(svcOf(check(gateway, 'reference', undefined, 'Local'), 'cilium-gateway-gw').announced).toBe(true);
  });

  it('§1.3: LB IPs enabled only by a policy for w1, externalIPs only for w2 — which IP is answered depends on the winner', () => {
    const split = service('both', ', externalIPs: [198.18.20.5]') +
      `---\napiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata: { name: a }\nspec: { nodeSelector: { matchLabels: { zone: a } }, loadBalancerIPs: true }\n` +
      `---\napiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata: { name: b }\nspec: { nodeSelector: { matchLabels: { zone: b } }, externalIPs: true }\n`;
    expect(codes(check(split, 'cilium-1.16'))).toContain('ip-depends-on-winner');
  });

  it('§1.1 / C14: an interface regex Go rejects makes Cilium ignore the policy', () => {
    const bad = service('web') + POLICY.replace("['^eth0$']", "['^eth(?=0)']");
    const r = check(bad, 'cilium-1.16');
    expect(codes(r)).toContain('policy-invalid');
    expect(svcOf(r, 'web').announced).toBe(false);
  });

  it('§1.1 / C14: a policy whose interfaces match no device of the nodes competes and answers nothing', () => {
    const r = check(service('web') + POLICY.replace("['^eth0$']", () => "['^ens20$']"), 'cilium-1.16');
    expect(svcOf(r, 'web')).toMatchObject({ announced: false, notAnnouncedReasons: [{ code: 'no-interface-matches' }] });
  });

  it('§1.1: the Helm devices value (eth+ wildcard) limits what the policy regexes see', () => {
    const anyIface = POLICY.replace("interfaces: ['^eth0$']", 'interfaces: []');
    expect(svcOf(check(service('web') + anyIface, 'cilium-1.16'), 'web').interfaces).toEqual(['eth0', 'eth1']);
    expect(svcOf(check(service('web') + anyIface, 'cilium-1.16', { devices: ['eth1'] }), 'web').interfaces).toEqual(['eth1']);
    expect(svcOf(check(service('web') + anyIface, 'cilium-1.16', { devices: ['eth+'] }), 'web').interfaces).toEqual(['eth0', 'eth1']);
  });

  it('§2.1: lease timings Cilium corrects silently are reported with the effective values', () => {
    const r = check(service('web') + POLICY, 'cilium-1.16', { leaseDurationMs: 2000, leaseRenewDeadlineMs: 2000, leaseRetryPeriodMs: 1000 });
    expect(r.leaseTiming.effectiveMs).toEqual({ leaseDuration: 2000, renewDeadline: 1000, retryPeriod: 500 });
    expect(codes(r).filter((c) => c === 'lease-timing-corrected')).toHaveLength(2);
  });

  it('§4 / C02 / C03: 20 services on 1.14 with the default 5 QPS throttle the leader and are never re-acquired', () => {
    const many = Array.from({ length: 20 }, (_, i) => service(`s${i}`)).join('') + POLICY.replace('blocks', 'cidrs').replace('/28', '/26');
    const r = check(many, 'cilium-1.14', { l2announcementsEnabled: true, kubeProxyReplacement: true });
    // GET + PUT every 2 s per led service: 20 × 1 req/s = 20 req/s on a node that leads them all.
    expect(r.leaseLoad.perNodeWorstCasePerS.find((n) => n.node === 'w1')?.requestsPerS).toBeCloseTo(20 + 1 / 60, 1);
    expect(codes(r)).toEqual(expect.arrayContaining(['lease-load-throttled', 'lost-lease-never-reacquired']));
    expect(codes(check(many.replace('cidrs', 'blocks'), 'cilium-1.16', { l2announcementsEnabled: true, kubeProxyReplacement: true }))).not.toContain('lease-load-throttled');
  });

  it('values: L2 announcements off or kube-proxy replacement off are errors', () => {
    const r = check(service('web') + POLICY, 'cilium-1.16', { l2announcementsEnabled: false });
    expect(codes(r)).toEqual(expect.arrayContaining(['l2-announcements-disabled', 'kube-proxy-replacement-off']));
  });
});
