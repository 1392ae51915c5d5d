import type { IpamResult, ServiceAllocation } from '../ipam/allocate.ts';
import type { AnnounceInterfaces } from '../l2/candidacy.ts';
import type { ServiceDecision } from '../l2/decide-service.ts';
import type { Lease, Service } from '../model/types.ts';
import type { ServiceReport } from './report.ts';
import { at } from './where.ts';

/** The LB IPs a service ends up with: LB-IPAM's result, or the status as given for services it ignores. */
export function ingressIpsOf(service: Service, allocation: ServiceAllocation | undefined): string[] {
  if (allocation?.handled === true) return allocation.ips.map((ip) => ip.ip);
  return [...service.ingressIPs];
}

/** Indexes the IPAM result by `namespace/name` (looked up once per service). */
export function allocationsByService(ipam: IpamResult): ReadonlyMap<string, ServiceAllocation> {
  return new Map(ipam.services.map((a) => [`${a.namespace}/${a.name}`, a]));
}

function describeInterfaces(interfaces: AnnounceInterfaces): string[] {
  if (interfaces === 'all-devices') return ['all Cilium devices'];
  if (Array.isArray(interfaces)) return interfaces.length === 0 ? ['none of the node’s devices'] : [...interfaces];
  return (interfaces as { patterns: readonly string[] }).patterns.map((p) => `devices matching /${p}/`);
}

/** One service's line in the report, from LB-IPAM's allocation and the L2 decision. */
export function buildServiceReport(
  service: Service,
  allocation: ServiceAllocation | undefined,
  decision: ServiceDecision,
  nodesKnown: boolean,
  leasesByName: ReadonlyMap<string, Lease>,
): ServiceReport {
  const ips: ServiceReport['ips'][number][] = [];
  if (allocation?.handled === true) {
    for (const ip of allocation.ips) ips.push({ ip: ip.ip, kind: 'loadBalancerIP', pool: ip.pool });
  } else {
    for (const ip of service.ingressIPs) ips.push({ ip, kind: 'loadBalancerIP' });
  }
  for (const ip of service.externalIPs) ips.push({ ip, kind: 'externalIP' });
  const candidates = decision.perNode.filter((d) => d.candidate);
  const interfaces = [...new Set(candidates.flatMap((d) => d.announce.flatMap((a) => describeInterfaces(a.interfaces))))];
  const policies = [...new Set(candidates.flatMap((d) => d.matchingPolicies))].sort();
  const hasLease = decision.candidateNodes.length > 0;
  const lease = leasesByName.get(decision.leaseName);
  return {
    namespace: service.namespace,
    name: service.name,
    type: service.type,
    ...(service.derivedFrom === undefined ? {} : { derivedFrom: service.derivedFrom }),
    at: at(service.source),
    ips,
    ipam: {
      handled: allocation?.handled ?? false,
      ...(allocation?.ignoredReason === undefined ? {} : { ignoredReason: allocation.ignoredReason }),
      ...(allocation?.condition === undefined ? {} : { condition: allocation.condition }),
    },
    announced: decision.announceable,
    notAnnouncedReasons: decision.notAnnouncedReasons.map((r) => ({ code: r.code, message: r.message })),
    policies,
    ...(nodesKnown ? { candidateNodes: decision.candidateNodes } : {}),
    interfaces,
    ...(hasLease ? { leaseName: decision.leaseName } : {}),
    ...(lease?.holderIdentity === undefined || lease.holderIdentity === '' ? {} : { leaseHolder: lease.holderIdentity }),
  };
}
