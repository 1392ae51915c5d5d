import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleManifestSet } from './assemble.ts';
import { formatIssue } from './issue.ts';
import { parseManifestText } from './parse-documents.ts';

const parse = (text: string) => parseManifestText(text, 'm.yaml');
const issuesOf = (text: string) => parse(text).issues.map(formatIssue);

describe('parseManifestText: valid input', () => {
  it('reads every seed manifest without issues and skips only unmodelled kinds', () => {
    for (const name of ['homelab-gateway.yaml', 'talos-default.yaml', 'talos-webpool.yaml']) {
      const text = readFileSync(new URL(`../../../fixtures/seed-manifests/${name}`, import.meta.url), 'utf8');
      const parsed = parseManifestText(text, name);
      expect(parsed.issues, name).toEqual([]);
      expect(parsed.skipped, name).toEqual([]);
    }
  });

  it('reads multi-document files, Lists (kubectl -o yaml) and keeps lines', () => {
    const parsed = parse(`apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: { name: n1, labels: { role: worker } }
- apiVersion: v1
  kind: Node
  metadata:
    name: n2
    annotations: { l2lab.io/interfaces: "eth0, eth1" }
---
apiVersion: cilium.io/v2alpha1
kind: CiliumLoadBalancerIPPool
metadata: { name: p }
spec:
  cidrs: [{ cidr: 10.0.0.0/30 }]
  blocks: [{ start: 10.0.1.1, stop: 10.0.1.5 }, { start: 10.0.2.1 }]
`);
    expect(parsed.issues).toEqual([]);
    const [n1, n2, pool] = parsed.objects;
    expect(n1).toMatchObject({ kind: 'Node', name: 'n1', labels: { role: 'worker' }, source: { line: 4 } });
    expect(n2).toMatchObject({ kind: 'Node', name: 'n2', interfaces: ['eth0', 'eth1'], source: { line: 7 } });
    expect(pool).toMatchObject({
      kind: 'CiliumLoadBalancerIPPool',
      blocks: [{ start: '10.0.1.1', stop: '10.0.1.5' }, { start: '10.0.2.1' }, { cidr: '10.0.0.0/30' }],
      cidrsCount: 1,
      source: { line: 13 },
    });
  });

  it('lists unknown kinds and skips them', () => {
    const parsed = parse('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: {}\n');
    expect(parsed.objects).toEqual([]);
    expect(parsed.skipped).toMatchObject([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }]);
  });

  it('normalises a Service with defaults and drops hostname-only ingress', () => {
    const [svc] = parse(`apiVersion: v1
kind: Service
metadata: { name: web, annotations: { lbipam.cilium.io/ips: "10.0.0.5" } }
spec: { type: LoadBalancer, ports: [{ port: 80 }] }
status: { loadBalancer: { ingress: [{ ip: 10.0.0.5 }, { hostname: lb.example }] } }
`).objects;
    expect(svc).toMatchObject({
      namespace: 'default',
      externalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, protocol: 'TCP' }],
      ingressIPs: ['10.0.0.5'],
    });
  });
});

describe('parseManifestText: malformed input gives file:line, path and what was expected', () => {
  const cases: { name: string; text: string; expected: string }[] = [
    { name: 'YAML syntax error', text: 'kind: Service\n  metadata: [oops\n', expected: 'm.yaml:1:7: invalid YAML: ' },
    { name: 'not an object', text: '- a\n- b\n', expected: 'm.yaml:1: expected a Kubernetes object with string fields apiVersion and kind' },
    {
      name: 'unknown field in a policy spec',
      text: 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata: { name: p }\nspec:\n  loadBalancerIPs: true\n  interface: [eth0]\n',
      expected: "m.yaml:6: CiliumL2AnnouncementPolicy/p: spec.interface: unknown field 'interface'",
    },
    {
      name: 'bad CIDR in a pool block',
      text: 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: { name: p }\nspec:\n  blocks:\n    - cidr: 192.168.1.0/33\n',
      expected: 'm.yaml:6: CiliumLoadBalancerIPPool/p: spec.blocks[0].cidr: expected a CIDR, like 192.168.1.0/24 or 2001:db8::/64, got "192.168.1.0/33"',
    },
    {
      name: 'bad IP as block start',
      text: 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: { name: p }\nspec:\n  blocks:\n    - start: 10.0.0.300\n',
      expected: 'spec.blocks[0].start: expected an IPv4 or IPv6 address',
    },
    {
      name: 'mixed families in a block',
      text: 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: { name: p }\nspec:\n  blocks:\n    - { start: 10.0.0.1, stop: "2001:db8::1" }\n',
      expected: 'spec.blocks[0].stop: start 10.0.0.1 and stop 2001:db8::1 are of different IP families',
    },
    {
      name: 'pool without blocks',
      text: 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: { name: p }\nspec: {}\n',
      expected: 'spec.blocks: expected at least one block',
    },
    {
      name: 'allowFirstLastIPs as a YAML boolean',
      text: 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: { name: p }\nspec:\n  allowFirstLastIPs: yes\n  blocks: [{ cidr: 10.0.0.0/24 }]\n',
      expected: 'm.yaml:5: CiliumLoadBalancerIPPool/p: spec.allowFirstLastIPs: expected one of "Yes", "No", got "yes"',
    },
    {
      name: 'In without values',
      text: 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata: { name: p }\nspec:\n  nodeSelector:\n    matchExpressions:\n      - { key: a, operator: In }\n',
      expected: 'spec.nodeSelector.matchExpressions[0].values: operator In needs at least one value',
    },
    {
      name: 'unknown selector operator',
      text: 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata: { name: p }\nspec:\n  nodeSelector:\n    matchExpressions:\n      - { key: a, operator: NotExists }\n',
      expected: 'spec.nodeSelector.matchExpressions[0].operator: expected one of "In", "NotIn", "Exists", "DoesNotExist", got "NotExists"',
    },
    {
      name: 'policy in an apiVersion Cilium does not serve',
      text: 'apiVersion: cilium.io/v2\nkind: CiliumL2AnnouncementPolicy\nmetadata: { name: p }\nspec: {}\n',
      expected: 'm.yaml:1: CiliumL2AnnouncementPolicy/p: apiVersion: apiVersion cilium.io/v2 is not served for CiliumL2AnnouncementPolicy; expected one of cilium.io/v2alpha1',
    },
    {
      name: 'label value that is not a string',
      text: 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels:\n    ready: true\n',
      expected: 'm.yaml:6: Node/n: metadata.labels.ready: expected a string value (quote numbers and booleans), got boolean true',
    },
    {
      name: 'missing metadata.name',
      text: 'apiVersion: v1\nkind: Service\nmetadata: {}\n',
      expected: 'Service/<unnamed>: metadata.name: required field missing (expected string)',
    },
    {
      name: 'bad externalIP',
      text: 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec:\n  externalIPs: [10.0.0.1/32]\n',
      expected: 'm.yaml:5: Service/s: spec.externalIPs[0]: expected an IPv4 or IPv6 address',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const issues = issuesOf(c.text);
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.join('\n')).toContain(c.expected);
    });
  }

  it('reports every problem of a file, not only the first', () => {
    const issues = issuesOf(`apiVersion: v1
kind: Service
metadata: { name: a }
spec: { typo: 1 }
---
apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata: { name: p }
spec: { blocks: [{ cidr: nope }] }
`);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toContain('m.yaml:4:');
    expect(issues[1]).toContain('m.yaml:9:');
  });
});

describe('assembleManifestSet', () => {
  it('derives the Service Cilium creates for a Gateway of the cilium class (homelab seed)', () => {
    const text = readFileSync(new URL('../../../fixtures/seed-manifests/homelab-gateway.yaml', import.meta.url), 'utf8');
    const { set } = assembleManifestSet([parseManifestText(text, 'homelab-gateway.yaml')]);
    expect(set.services).toMatchObject([
      {
        namespace: 'kube-system',
        name: 'cilium-gateway-homelab-gateway',
        type: 'LoadBalancer',
        ports: [{ port: 80 }, { port: 443 }],
        derivedFrom: 'Gateway kube-system/homelab-gateway',
      },
    ]);
  });

  it('keeps the later of two definitions and warns', () => {
    const a = parseManifestText('apiVersion: v1\nkind: Node\nmetadata: { name: n, labels: { v: "1" } }\n', 'a.yaml');
    const b = parseManifestText('apiVersion: v1\nkind: Node\nmetadata: { name: n, labels: { v: "2" } }\n', 'b.yaml');
    const { set, warnings } = assembleManifestSet([a, b]);
    expect(set.nodes).toMatchObject([{ labels: { v: '2' } }]);
    expect(formatIssue(warnings[0]!)).toBe('b.yaml:1: Node/n: defined again (first at a.yaml:1); the later definition is used');
  });
});
