import { stringify } from 'yaml';

/** Size of a generated manifest set. */
export interface ManifestScale {
  readonly services: number;
  readonly nodes: number;
  readonly pools: number;
  readonly policies: number;
}

/**
 * A large, realistic manifest set: pools of /24s with team selectors, policies per zone and team,
 * LoadBalancer services (some with requested IPs, some sharing, some eTP=Local with pods).
 * Deterministic: the same scale gives the same text.
 */
export function generateManifests(scale: ManifestScale): string {
  const docs: unknown[] = [];
  const teams = Math.max(1, Math.min(scale.pools, 10));
  for (let n = 0; n < scale.nodes; n += 1) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `node-${n}`,
        labels: { 'topology.kubernetes.io/zone': `zone-${n % 3}`, ...(n < 3 ? { 'node-role.kubernetes.io/control-plane': '' } : {}) },
        annotations: { 'l2lab.io/interfaces': 'eth0,eth1,lxc1234,cilium_host' },
      },
    });
  }
  for (let p = 0; p < scale.pools; p += 1) {
    docs.push({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumLoadBalancerIPPool',
      metadata: { name: `pool-${p}`, creationTimestamp: `2026-01-01T00:${String(p % 60).padStart(2, '0')}:00Z` },
      spec: {
        blocks: [{ cidr: `10.${100 + Math.floor(p / 50)}.${(p * 4) % 200}.0/22` }],
        serviceSelector: { matchLabels: { team: `team-${p % teams}` } },
      },
    });
  }
  for (let q = 0; q < scale.policies; q += 1) {
    docs.push({
      apiVersion: 'cilium.io/v2alpha1',
      kind: 'CiliumL2AnnouncementPolicy',
      metadata: { name: `policy-${q}` },
      spec: {
        nodeSelector: {
          matchExpressions: [
            { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
            { key: 'topology.kubernetes.io/zone', operator: 'In', values: [`zone-${q % 3}`] },
          ],
        },
        serviceSelector: { matchLabels: { team: `team-${q % teams}` } },
        loadBalancerIPs: true,
        externalIPs: q % 2 === 0,
        interfaces: ['^eth[0-9]+$'],
      },
    });
  }
  for (let s = 0; s < scale.services; s += 1) {
    const local = s % 10 === 0;
    const shared = s % 25 === 1;
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `svc-${s}`,
        namespace: `ns-${s % 40}`,
        labels: { team: `team-${s % teams}`, app: `app-${s}` },
        annotations: shared ? { 'lbipam.cilium.io/sharing-key': `key-${s % 7}` } : {},
      },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: local ? 'Local' : 'Cluster',
        selector: { app: `app-${s}` },
        ports: [{ port: shared ? 8000 + s : 80 }],
      },
    });
    if (local) {
      docs.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `pod-${s}`, namespace: `ns-${s % 40}`, labels: { app: `app-${s}` } },
        spec: { nodeName: `node-${s % scale.nodes}` },
      });
    }
  }
  return docs.map((d) => stringify(d)).join('---\n');
}
