/**
 * What `failover.lab.test.ts` runs inside the lab namespace (the only one on the management
 * bridge besides the nodes): seeding the real API server with a minimal L2 scenario — two Nodes
 * (labels, data interface in the `l2lab.io/interfaces` annotation), a pool, a policy and one
 * LoadBalancer Service that the operator will give an IP.
 */
import type { KubeObject } from '../../core/object-store.ts';
import { INTERFACES_ANNOTATION } from '../../model/parse/kinds/node.ts';
import { KubeObjectStore } from '../kube/kube-object-store.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../lab-clock.ts';

/** The API server and the admin token. */
export interface SeedArgs {
  readonly serverUrl: string;
  readonly caPem: string;
  readonly adminToken: string;
  readonly nodes: readonly string[];
  readonly poolCidr: string;
}

/** Creates the scenario's objects; returns their names. */
export async function seedObjects(args: SeedArgs): Promise<string[]> {
  const store = new KubeObjectStore({ serverUrl: args.serverUrl, caPem: args.caPem, token: args.adminToken }, new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs)));
  const who = { identity: 'admin' };
  const objects: [string, KubeObject][] = [
    ...args.nodes.map((name): [string, KubeObject] => ['nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, namespace: '', labels: { 'l2lab.io/announce': 'true' }, annotations: { [INTERFACES_ANNOTATION]: 'eth0' } } }]),
    ['ciliumloadbalancerippools', { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'lan', namespace: '' }, spec: { blocks: [{ cidr: args.poolCidr }] } }],
    ['ciliuml2announcementpolicies', { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumL2AnnouncementPolicy', metadata: { name: 'l2', namespace: '' }, spec: { nodeSelector: { matchLabels: { 'l2lab.io/announce': 'true' } }, interfaces: ['^eth0$'], loadBalancerIPs: true } }],
    ['services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ port: 7, protocol: 'UDP' }] } }],
  ];
  try {
    const created: string[] = [];
    for (const [resource, object] of objects) created.push(`${resource}/${(await store.create(resource, object, who)).metadata.name}`);
    return created;
  } finally {
    store.close();
  }
}
