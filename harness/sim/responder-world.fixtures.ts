/** Builders for responder-world tests: a small cluster as a {@link ManifestSet} (not a test file). */
import type { Endpoint, IpPool, L2AnnouncementPolicy, ManifestSet, Node, Service } from '../model/types.ts';

const source = { file: 'sim-test.yaml', line: 1 };

/** A LoadBalancer service in `default` (no IP yet: the operator allocates). */
export function lbService(name: string, over: Partial<Service> = {}): Service {
  return { kind: 'Service', namespace: 'default', name, labels: {}, annotations: {}, type: 'LoadBalancer', externalIPs: [], externalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ports: [{ port: 80, protocol: 'TCP' }], ingressIPs: [], source, ...over };
}

/** A node with `eth0` (or the given interfaces). */
export function simNode(name: string, labels: Record<string, string> = {}, interfaces: string[] = ['eth0']): Node {
  return { kind: 'Node', name, labels, interfaces, source };
}

/** A policy announcing LB IPs on every node and service (unless overridden). */
export function l2Policy(name = 'all', over: Partial<L2AnnouncementPolicy> = {}): L2AnnouncementPolicy {
  return { kind: 'CiliumL2AnnouncementPolicy', name, loadBalancerIPs: true, externalIPs: false, source, ...over };
}

/** A pool with one CIDR block (v2 API, `blocks`), or `cidrs` for profiles without `blocks`. */
export function lbPool(name: string, cidr: string, over: Partial<IpPool> = {}): IpPool {
  return { kind: 'CiliumLoadBalancerIPPool', apiVersion: 'cilium.io/v2alpha1', name, blocks: [{ cidr }], cidrsCount: 0, disabled: false, source, ...over };
}

/** A ready backend of `service` on `nodeName` (undefined = nodeless, as Gateway API's). */
export function backend(service: string, nodeName?: string): Endpoint {
  return { kind: 'Endpoint', namespace: 'default', serviceName: service, ready: true, ...(nodeName === undefined ? {} : { nodeName }), source };
}

/** A manifest set from parts. */
export function manifests(parts: Partial<Omit<ManifestSet, 'skipped'>>): ManifestSet {
  return { services: [], nodes: [], endpoints: [], leases: [], policies: [], pools: [], skipped: [], ...parts };
}

/** Three nodes, one /24 pool, one policy for everything, and `services` (default: `web`). */
export function threeNodeCluster(services: readonly Service[] = [lbService('web')]): ManifestSet {
  return manifests({ nodes: [simNode('n1'), simNode('n2'), simNode('n3')], policies: [l2Policy()], pools: [lbPool('pool', '192.168.10.0/24')], services });
}
