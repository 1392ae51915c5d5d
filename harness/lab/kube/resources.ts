/**
 * The Kubernetes resources the lab addresses by plural name, and their REST paths. Pure.
 *
 * `statusSubresource` marks resources whose `status` the API server only writes through
 * `/status` (a PUT or PATCH of the main resource silently drops status changes): Services, Nodes,
 * Pods and the two Cilium CRDs (`subresources: {status: {}}` in `kind/crds/`). Pools are read in
 * `cilium.io/v2alpha1`, which every profile serves (v2 only from 1.18); the API server converts
 * between the two served versions (same schema).
 */

/** Where one resource lives in the API. */
export interface KubeResource {
  /** Plural name (the port's `resource`). */
  readonly plural: string;
  /** API group, '' for core. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly statusSubresource: boolean;
}

const RESOURCES: readonly KubeResource[] = [
  { plural: 'leases', group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', namespaced: true, statusSubresource: false },
  { plural: 'services', group: '', version: 'v1', kind: 'Service', namespaced: true, statusSubresource: true },
  { plural: 'nodes', group: '', version: 'v1', kind: 'Node', namespaced: false, statusSubresource: true },
  { plural: 'pods', group: '', version: 'v1', kind: 'Pod', namespaced: true, statusSubresource: true },
  { plural: 'namespaces', group: '', version: 'v1', kind: 'Namespace', namespaced: false, statusSubresource: true },
  // The cluster world sets the l2lab agent DaemonSet's run settings (epoch, timings) through it.
  { plural: 'daemonsets', group: 'apps', version: 'v1', kind: 'DaemonSet', namespaced: true, statusSubresource: true },
  // The cluster world reads a real Cilium's Lease timings from kube-system/cilium-config.
  { plural: 'configmaps', group: '', version: 'v1', kind: 'ConfigMap', namespaced: true, statusSubresource: false },
  { plural: 'endpointslices', group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', namespaced: true, statusSubresource: false },
  { plural: 'ciliuml2announcementpolicies', group: 'cilium.io', version: 'v2alpha1', kind: 'CiliumL2AnnouncementPolicy', namespaced: false, statusSubresource: true },
  { plural: 'ciliumloadbalancerippools', group: 'cilium.io', version: 'v2alpha1', kind: 'CiliumLoadBalancerIPPool', namespaced: false, statusSubresource: true },
  // The lab's minimal MetalLB CRDs (`kind/crds-metallb/`, cluster-scoped there).
  { plural: 'l2advertisements', group: 'metallb.io', version: 'v1beta1', kind: 'L2Advertisement', namespaced: false, statusSubresource: true },
  { plural: 'ipaddresspools', group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool', namespaced: false, statusSubresource: true },
];

/** Resources by plural name. */
export const KUBE_RESOURCES: ReadonlyMap<string, KubeResource> = new Map(RESOURCES.map((r) => [r.plural, r]));

/** A resource the lab does not know. */
export class UnknownResourceError extends Error {
  readonly resource: string;

  constructor(resource: string) {
    super(`unknown resource '${resource}': expected one of ${[...KUBE_RESOURCES.keys()].join(', ')}`);
    this.name = 'UnknownResourceError';
    this.resource = resource;
  }
}

/** Looks a resource up. @throws UnknownResourceError. */
export function kubeResource(plural: string): KubeResource {
  const resource = KUBE_RESOURCES.get(plural);
  if (resource === undefined) throw new UnknownResourceError(plural);
  return resource;
}

/** `apiVersion` of a resource's objects (`v1`, `coordination.k8s.io/v1`). */
export function apiVersionOf(resource: KubeResource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/**
 * The REST path of a collection (`name` undefined) or an object, optionally a subresource. A
 * namespaced resource with namespace '' addresses every namespace (list and watch only).
 */
export function resourcePath(resource: KubeResource, namespace: string, name?: string, subresource?: 'status'): string {
  const prefix = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = resource.namespaced && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const object = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  const sub = subresource === undefined ? '' : `/${subresource}`;
  return `${prefix}${scope}/${resource.plural}${object}${sub}`;
}
