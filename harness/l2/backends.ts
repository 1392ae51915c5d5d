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
  let byService = backendCache.get(endpoints);
  if (byService === undefined) {
    byService = new WeakMap();
    backendCache.set(endpoints, byService);
  }
  let backends = byService.get(service);
  if (backends === undefined) {
    backends = endpoints.filter(
      (e) => e.namespace === service.namespace && (e.serviceName === service.name || selectsPod(service.selector, e.podLabels)),
    );
    byService.set(service, backends);
  }
  return backends;
}

const backendCache = new WeakMap<readonly Endpoint[], WeakMap<Service, Endpoint[]>>();

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
