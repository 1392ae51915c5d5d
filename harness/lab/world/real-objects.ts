/**
 * What the lab world writes into the real API server before the agents start: the scenario's
 * manifests as written (real Kubernetes YAML — the API server defaults and validates them, as it
 * would a user's `kubectl apply`), one Node per topology node (labels, and the node's data
 * interfaces in the `l2lab.io/interfaces` annotation so the observer's model sees its devices),
 * and the namespaces they need. Pure.
 */
import { INTERFACES_ANNOTATION } from '../../model/parse/kinds/node.ts';
import { indexObjects, isRecord } from '../../scenario/object-index.ts';
import type { Scenario } from '../../scenario/types.ts';

/** Kind → plural resource, for the kinds the lab installs (kind/crds serves the Cilium ones, kind/crds-metallb MetalLB's). */
export const RESOURCE_OF_KIND: Readonly<Record<string, string>> = {
  Namespace: 'namespaces',
  Node: 'nodes',
  Service: 'services',
  Pod: 'pods',
  EndpointSlice: 'endpointslices',
  Lease: 'leases',
  CiliumL2AnnouncementPolicy: 'ciliuml2announcementpolicies',
  CiliumLoadBalancerIPPool: 'ciliumloadbalancerippools',
  L2Advertisement: 'l2advertisements',
  IPAddressPool: 'ipaddresspools',
};

/** Namespaces kube-apiserver creates itself. */
const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** Creation order: what others refer to first (pools before the services that draw from them). */
const KIND_ORDER = ['Namespace', 'Node', 'CiliumLoadBalancerIPPool', 'IPAddressPool', 'CiliumL2AnnouncementPolicy', 'L2Advertisement', 'Pod', 'Service', 'EndpointSlice', 'Lease'];

/** One object to create. */
export interface RealObject {
  readonly resource: string;
  readonly namespace: string;
  readonly object: Record<string, unknown>;
}

/** The objects the lab creates, in order, and the kinds it cannot create (reported, not dropped). */
export interface RealObjectPlan {
  readonly objects: readonly RealObject[];
  readonly skipped: readonly string[];
}

/** The scenario's objects as the lab creates them. */
export function planRealObjects(scenario: Pick<Scenario, 'manifestObjects' | 'topology'>, leaseNamespace: string): RealObjectPlan {
  const index = indexObjects(scenario.manifestObjects, scenario.topology);
  const interfacesOf = new Map(scenario.topology.nodes.map((n) => [n.name, n.interfaces.map((i) => i.name).join(',')]));
  const objects: RealObject[] = [];
  const skipped: string[] = [];
  const namespaces = new Set<string>([leaseNamespace]);
  for (const [key, raw] of index) {
    const kind = String(raw.kind);
    const resource = RESOURCE_OF_KIND[kind];
    if (resource === undefined) {
      skipped.push(`${key}: the lab installs no ${kind} API (its CRDs are not part of kind/crds)`);
      continue;
    }
    const meta = isRecord(raw.metadata) ? raw.metadata : {};
    const namespaced = key.split('/')[1] !== '';
    const namespace = namespaced ? (typeof meta.namespace === 'string' ? meta.namespace : 'default') : '';
    if (namespaced) namespaces.add(namespace);
    const object = kind === 'Node' ? withInterfaces(raw, interfacesOf.get(String(meta.name)) ?? '') : namespaced ? { ...raw, metadata: { ...meta, namespace } } : raw;
    objects.push({ resource, namespace, object });
  }
  const nsObjects: RealObject[] = [...namespaces].filter((n) => !BUILTIN_NAMESPACES.has(n)).sort().map((name) => ({ resource: 'namespaces', namespace: '', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }));
  const rank = (o: RealObject): number => KIND_ORDER.indexOf(String(o.object.kind));
  return { objects: [...nsObjects, ...objects.sort((a, b) => rank(a) - rank(b))], skipped };
}

function withInterfaces(raw: Record<string, unknown>, interfaces: string): Record<string, unknown> {
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  const annotations = isRecord(meta.annotations) ? meta.annotations : {};
  return { ...raw, metadata: { ...meta, annotations: { ...annotations, [INTERFACES_ANNOTATION]: interfaces } } };
}

/** Which API the scenario's policies and pools are written in: the model store reads them from there. */
export type PolicyApi = 'cilium' | 'metallb';

/**
 * `metallb` when the scenario writes MetalLB's `L2Advertisement` / `IPAddressPool` (and no Cilium
 * policy or pool), else `cilium` — whatever the profile: a Cilium-written scenario runs under a
 * MetalLB profile as it does in sim, where the model reads either form. Pure.
 */
export function policyApiOf(scenario: Pick<Scenario, 'manifestObjects'>): PolicyApi {
  const kinds = new Set(scenario.manifestObjects.flatMap((o) => (isRecord(o) && typeof o.kind === 'string' ? [o.kind] : [])));
  const metallb = kinds.has('L2Advertisement') || kinds.has('IPAddressPool');
  const cilium = kinds.has('CiliumL2AnnouncementPolicy') || kinds.has('CiliumLoadBalancerIPPool');
  return metallb && !cilium ? 'metallb' : 'cilium';
}
