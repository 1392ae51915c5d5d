/**
 * Which Lease a service elects on. Cilium (every version read, profile switch
 * `sharedIpSeparateLeases`) elects one Lease per service, so services sharing an IP can be led by
 * different nodes (INV-SHARED-IP-ONE-NODE, the M03/K01 shape). With the switch off (`reference`),
 * services that share an IP elect together: on the Lease of the first (by `namespace/name`) service
 * that shares an ingress IP with it — itself when none does (kube-vip ≥ v1.0.1's common lease, K01,
 * is the same rule). Lease names follow the profile's implementation. Pure.
 */
import { serviceLeaseName } from '../impl/kube-vip/lease-name.ts';
import type { Profile } from '../profiles/profile.ts';
import type { Service } from '../model/types.ts';

/** The own Lease of a service under a profile (Cilium's or kube-vip's naming). */
export { serviceLeaseName };

/** The Lease `service` elects on, given every known service (`ns/name` → service). */
export function electionLease(service: Service, services: Iterable<Service>, profile: Profile): string {
  if (profile.l2.sharedIpSeparateLeases || service.ingressIPs.length === 0) return serviceLeaseName(service.namespace, service.name, profile);
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
  return serviceLeaseName(first.namespace, first.name, profile);
}
