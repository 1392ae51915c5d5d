/**
 * Which Lease a service elects on. Cilium (every version read, profile switch
 * `sharedIpSeparateLeases`) elects one Lease per service, so services sharing an IP can be led by
 * different nodes (INV-SHARED-IP-ONE-NODE, the M03/K01 shape). With the switch off (`reference`),
 * services that share an IP elect together: on the Lease of the first (by `namespace/name`) service
 * that shares an ingress IP with it — itself when none does. Pure.
 */
import { leaseName } from '../l2/lease.ts';
import type { Profile } from '../profiles/profile.ts';
import type { Service } from '../model/types.ts';

/** The Lease `service` elects on, given every known service (`ns/name` → service). */
export function electionLease(service: Service, services: Iterable<Service>, profile: Profile): string {
  if (profile.l2.sharedIpSeparateLeases || service.ingressIPs.length === 0) return leaseName(service.namespace, service.name);
  let first = service;
  let firstKey = `${service.namespace}/${service.name}`;
  const own = new Set(service.ingressIPs);
  for (const other of services) {
    const key = `${other.namespace}/${other.name}`;
    if (key < firstKey && other.ingressIPs.some((ip) => own.has(ip))) {
      first = other;
      firstKey = key;
    }
  }
  return leaseName(first.namespace, first.name);
}
