/**
 * How the l2lab model lives in the simulated API server. Every object is a {@link KubeObject}:
 *
 * - `metadata` carries only identity (name, namespace — '' for cluster-scoped kinds) and the
 *   store's resourceVersion;
 * - `spec` is the normalised model object itself (`harness/model/types.ts`, JSON as is), minus
 *   what controllers write;
 * - `status` is what controllers write: for Services `loadBalancer.ingress[].ip` and
 *   `conditions` (LB-IPAM), for pools `conditions`.
 *
 * So decisions read exactly the model types they were written for, a nemesis edits labels or
 * selectors by patching `spec`, and the operator's writes are ordinary status patches. Resources
 * use Kubernetes plural names; Endpoints (the model's Pod/EndpointSlice backends) are namespaced
 * and named by the world. The lab world's Kubernetes adapter will map real objects onto the same
 * model instead of this encoding.
 */
import type { KubeObject } from '../core/object-store.ts';
import type { Condition } from '../ipam/conditions.ts';
import type { Endpoint, IpPool, L2AnnouncementPolicy, Node, Service } from '../model/types.ts';

/** Plural resource names in the sim store. */
export const SERVICES = 'services';
export const NODES = 'nodes';
export const ENDPOINTS = 'endpoints';
export const L2_POLICIES = 'ciliuml2announcementpolicies';
export const IP_POOLS = 'ciliumloadbalancerippools';

/** `status` of a Service as LB-IPAM writes it. */
export interface ServiceStatus {
  readonly loadBalancer?: { readonly ingress?: readonly { readonly ip?: string }[] };
  readonly conditions?: readonly Condition[];
}

/** `status` of a pool as LB-IPAM writes it. */
export interface PoolStatusObject {
  readonly conditions?: readonly Condition[];
}

/** A Service as a store object: model in `spec` (without `ingressIPs`), ingress IPs in `status`. */
export function serviceObject(service: Service): KubeObject {
  const { ingressIPs, ...spec } = service;
  const status: ServiceStatus = { loadBalancer: { ingress: ingressIPs.map((ip) => ({ ip })) } };
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: service.name, namespace: service.namespace }, spec, status };
}

/** The model Service of a store object (ingress IPs from `status`); undefined for another kind. */
export function serviceFromObject(object: KubeObject): Service | undefined {
  if (object.kind !== 'Service' || !isRecord(object.spec)) return undefined;
  // Memoised per object: a watch event's object reaches every informer (one model, and the
  // candidacy caches keyed on it hit, across all agents). Store objects are not mutated.
  let service = services.get(object);
  if (service === undefined) {
    service = { ...(object.spec as Omit<Service, 'ingressIPs'>), ingressIPs: ingressIpsOf(object) };
    services.set(object, service);
  }
  return service;
}

const services = new WeakMap<KubeObject, Service>();

/** `status.loadBalancer.ingress[].ip` of a Service object (hostname-only entries dropped). */
export function ingressIpsOf(object: KubeObject): string[] {
  const status = object.status as ServiceStatus | undefined;
  return (status?.loadBalancer?.ingress ?? []).flatMap((entry) => (typeof entry.ip === 'string' && entry.ip !== '' ? [entry.ip] : []));
}

/** `status.conditions` of a Service or pool object. */
export function conditionsOf(object: KubeObject): readonly Condition[] {
  const status = object.status as { readonly conditions?: readonly Condition[] } | undefined;
  return status?.conditions ?? [];
}

/** A Node (cluster-scoped). */
export function nodeObject(node: Node): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: node.name, namespace: '' }, spec: node };
}

/** A backend endpoint, named `name` in its namespace. */
export function endpointObject(endpoint: Endpoint, name: string): KubeObject {
  return { apiVersion: 'l2lab.io/v1', kind: 'Endpoint', metadata: { name, namespace: endpoint.namespace }, spec: endpoint };
}

/** A CiliumL2AnnouncementPolicy (cluster-scoped). */
export function policyObject(policy: L2AnnouncementPolicy): KubeObject {
  return { apiVersion: 'cilium.io/v2alpha1', kind: policy.kind, metadata: { name: policy.name, namespace: '' }, spec: policy };
}

/** A CiliumLoadBalancerIPPool (cluster-scoped); `status` starts empty. */
export function poolObject(pool: IpPool): KubeObject {
  return { apiVersion: pool.apiVersion, kind: pool.kind, metadata: { name: pool.name, namespace: '' }, spec: pool };
}

/** The model object in `spec` when the object's kind is `kind`; undefined otherwise. */
export function modelOf<T extends { readonly kind: string }>(object: KubeObject, kind: T['kind']): T | undefined {
  if (object.kind !== kind || !isRecord(object.spec) || object.spec['kind'] !== kind) return undefined;
  return object.spec as unknown as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
