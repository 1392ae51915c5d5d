import type { ServiceAllocation } from '../../ipam/allocate.ts';
import type { ServiceDecision } from '../../l2/decide-service.ts';
import { findLeaseNameCollisions } from '../../l2/lease.ts';
import type { Service } from '../../model/types.ts';
import type { Profile } from '../../profiles/profile.ts';
import type { Finding } from '../report.ts';
import { at } from '../where.ts';

/** The per-service inputs of {@link findingsForService}. */
export interface AnalysedService {
  readonly service: Service;
  readonly allocation: ServiceAllocation | undefined;
  readonly decision: ServiceDecision;
  readonly ips: readonly string[];
}

/** What the cross-service findings need of a service (kept after its decision is dropped). */
export interface ServiceSummary {
  readonly service: Service;
  readonly ips: readonly string[];
  readonly announceable: boolean;
}

const REF_BY_REASON: Partial<Record<string, string>> = {
  'lease-without-announceable-ip': 'C01',
  'etp-local-no-local-backend': '§1.2 rule 5, C04',
  'etp-local-no-backends': '§1.2 rule 5',
  'etp-local-nodeless-backends': 'C05',
  'ipv6-needs-ndp': '§3.1',
  'no-interface-matches': 'C14',
  'foreign-load-balancer-class': '§1.2 rule 4',
};

const REF_BY_WARNING: Partial<Record<string, string>> = {
  'ip-announced-by-no-candidate': '§1.3',
  'ip-depends-on-winner': '§1.3',
  'candidates-answer-nothing': '§1.2 note, C14',
  'interfaces-match-no-device': '§1.2 note, C14',
  'etp-local-candidates-without-backend': 'C04',
  'etp-local-nodeless-backends-not-gated': 'C05',
  'ipv6-not-answered': '§3.1',
};

/** Findings on one service: IPs nobody announces, IPAM failures, eTP=Local traps, stripped IPs. */
export function findingsForService({ service, allocation, decision, ips }: AnalysedService): Finding[] {
  const findings: Finding[] = [];
  const object = `Service/${service.namespace}/${service.name}`;
  const where = at(service.source);
  const push = (severity: Finding['severity'], code: string, message: string, ref?: string): void => {
    findings.push({ severity, code, message, object, at: where, ...(ref === undefined ? {} : { ref }) });
  };
  const condition = allocation?.condition;
  if (allocation?.handled === true && condition !== undefined && condition.status === 'False') {
    push('warning', `ipam-${condition.reason.replaceAll('_', '-')}`, `LB-IPAM cannot satisfy the service: ${condition.reason}: ${condition.message}`, '§5.5');
  }
  for (const ip of allocation?.strippedIngressIps ?? []) {
    push('warning', 'ingress-ip-stripped', `status ingress IP ${ip} is not importable (outside every enabled pool that selects the service, or taken) and would be removed`, '§5.4, C19');
  }
  for (const reason of decision.notAnnouncedReasons) {
    if (reason.code === 'lease-without-announceable-ip') {
      push('warning', 'lease-for-non-announceable', `${reason.message}: ${decision.candidateNodes.length} agent(s) still run an election for Lease ${decision.leaseName}, costing API load`, 'C01');
    } else if (ips.length > 0) {
      push('warning', 'ip-not-announced', `${ips.join(', ')} ${ips.length === 1 ? 'is' : 'are'} assigned but announced by no node: ${reason.message}`, REF_BY_REASON[reason.code] ?? '§1.2');
    }
  }
  for (const warning of decision.warnings) {
    const scope = warning.ips === undefined ? '' : ` [${warning.ips.join(', ')}]`;
    push('warning', warning.code, `${warning.message}${scope}`, REF_BY_WARNING[warning.code]);
  }
  return findings;
}

/** Findings across services: shared IPs elected separately, Lease name collisions. */
export function crossServiceFindings(summaries: readonly ServiceSummary[], profile: Profile): Finding[] {
  return [...sharedIpFindings(summaries, profile), ...leaseCollisionFindings(summaries.map((a) => a.service))];
}

/** #48419 / INV-SHARED-IP-ONE-NODE: services sharing one IP elect separately in every Cilium version read. */
function sharedIpFindings(analysed: readonly ServiceSummary[], profile: Profile): Finding[] {
  if (!profile.l2.sharedIpSeparateLeases) return [];
  const byIp = new Map<string, ServiceSummary[]>();
  for (const a of analysed) {
    if (!a.announceable) continue;
    for (const ip of new Set(a.ips)) {
      const group = byIp.get(ip);
      if (group === undefined) byIp.set(ip, [a]);
      else group.push(a);
    }
  }
  const findings: Finding[] = [];
  for (const [ip, group] of byIp) {
    if (group.length < 2) continue;
    const names = group.map((a) => `${a.service.namespace}/${a.service.name}`);
    findings.push({
      severity: 'warning',
      code: 'shared-ip-separate-leases',
      message: `${ip} is shared by ${names.join(', ')}, but each service elects its own Lease: two nodes can answer ARP for ${ip} (split brain)`,
      object: `Service/${names[0]}`,
      at: at(group[0]!.service.source),
      ref: '§1.3, #48419',
    });
  }
  return findings;
}

function leaseCollisionFindings(services: readonly Service[]): Finding[] {
  return findLeaseNameCollisions(services).map((collision) => ({
    severity: 'warning' as const,
    code: 'lease-name-collision',
    message: `Lease ${collision.leaseName} would be shared by ${collision.services.join(' and ')} (names are concatenated with '-'): they compete for one Lease`,
    ref: '§2',
  }));
}
