/**
 * Backends of a service and the eTP=Local gate (spec §1.2 rule 5, C04, C05): from Cilium 1.20.2 a
 * node only competes for an `externalTrafficPolicy: Local` service when it hosts an active backend.
 */
import type { Endpoint, Node, Service, StringMap } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';

function selectsPod(selector: StringMap | undefined, podLabels: StringMap | undefined): boolean {
  // A service without a selector gets no Pod endpoints (its EndpointSlices are managed by hand).
  if (selector === undefined || podLabels === undefined) return false;
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => Object.prototype.hasOwnProperty.call(podLabels, k) && podLabels[k] === v);
}

/**
 * Endpoints that back `service`: same namespace and either named for it (EndpointSlice label) or
 * Pod-derived with labels its `spec.selector` selects.
 */
export function backendsOf(service: Service, endpoints: readonly Endpoint[]): Endpoint[] {
  // Memoised per (endpoint list, service): candidacy asks once per node, with the same arguments.
  // A new service object (every write) is answered from an index of the list instead of a scan
  // when no Pod-labelled endpoint shares its namespace.
  let memo = backendCache.get(endpoints);
  if (memo === undefined) {
    memo = { byService: new WeakMap(), index: undefined };
    backendCache.set(endpoints, memo);
  }
  memo.index ??= indexEndpoints(endpoints);
  if (service.selector === undefined || !memo.index.labelled.has(service.namespace)) {
    // Only endpoints named for it can back it: the index's list, shared (like the memo's).
    return memo.index.named.get(service.namespace)?.get(service.name) ?? NONE;
  }
  let backends = memo.byService.get(service);
  if (backends !== undefined) return backends;
  backends = endpoints.filter((e) => backs(service, e));
  memo.byService.set(service, backends);
  return backends;
}

/** Does `endpoint` back `service` (the {@link backendsOf} rule for one endpoint)? */
export function backs(service: Service, endpoint: Endpoint): boolean {
  return endpoint.namespace === service.namespace && (endpoint.serviceName === service.name || selectsPod(service.selector, endpoint.podLabels));
}

interface EndpointIndex {
  /** namespace → serviceName → the endpoints named for it, in list order. */
  readonly named: Map<string, Map<string, Endpoint[]>>;
  /** Namespaces with Pod-labelled endpoints (selector matches need a scan there). */
  readonly labelled: Set<string>;
}

function indexEndpoints(endpoints: readonly Endpoint[]): EndpointIndex {
  const named = new Map<string, Map<string, Endpoint[]>>();
  const labelled = new Set<string>();
  for (const e of endpoints) {
    if (e.podLabels !== undefined) labelled.add(e.namespace);
    if (e.serviceName === undefined) continue;
    let inNamespace = named.get(e.namespace);
    if (inNamespace === undefined) named.set(e.namespace, (inNamespace = new Map()));
    const list = inNamespace.get(e.serviceName);
    if (list === undefined) inNamespace.set(e.serviceName, [e]);
    else list.push(e);
  }
  return { named, labelled };
}

const NONE = Object.freeze([]) as unknown as Endpoint[];

const backendCache = new WeakMap<readonly Endpoint[], { readonly byService: WeakMap<Service, Endpoint[]>; index: EndpointIndex | undefined }>();

/** Outcome of the eTP=Local gate for one node. */
export type EtpGate =
  | { readonly gated: false; readonly why: 'not-local' | 'profile-does-not-gate' | 'local-backend' | 'nodeless-backends-not-gated' }
  | { readonly gated: true; readonly why: 'no-backends' | 'no-local-backend' | 'nodeless-backends' };

/**
 * Decides whether the eTP=Local rule removes `node` from the candidates of `service`.
 * Active = `ready`. With `etpLocalIgnoresNodelessBackends` false (reference), a service whose
 * active backends all lack `nodeName` (Gateway API's synthetic backend) is not gated; with it true
 * (1.20.2, C05) such backends never count as local, so no node competes.
 */
export function etpLocalGate(service: Service, node: Node, backends: readonly Endpoint[], profile: Profile): EtpGate {
  if (service.externalTrafficPolicy !== 'Local') return { gated: false, why: 'not-local' };
  if (!profile.l2.etpLocalGating) return { gated: false, why: 'profile-does-not-gate' };
  const active = backends.filter((b) => b.ready);
  if (active.length === 0) return { gated: true, why: 'no-backends' };
  if (active.some((b) => b.nodeName === node.name)) return { gated: false, why: 'local-backend' };
  if (active.every((b) => b.nodeName === undefined)) {
    return profile.l2.etpLocalIgnoresNodelessBackends ? { gated: true, why: 'nodeless-backends' } : { gated: false, why: 'nodeless-backends-not-gated' };
  }
  return { gated: true, why: 'no-local-backend' };
}
