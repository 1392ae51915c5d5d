import { borderlessTable, tableText } from '../cli/table.ts';
import type { CheckReport, Finding, PoolReport, ServiceReport } from './report.ts';

const SEVERITY_MARK: Record<Finding['severity'], string> = { error: 'ERROR  ', warning: 'WARN   ', info: 'INFO   ' };

/** The human-readable `check` report: services first (what users ask), then pools, policies, leases, findings. */
export function renderCheckText(report: CheckReport): string {
  const lines: string[] = [];
  const files = report.inputs.files.join(', ');
  lines.push(`l2lab check · profile ${report.profile} · ${files}${report.inputs.values === undefined ? '' : ` · values ${report.inputs.values}`}`);
  lines.push('');
  lines.push(...renderServices(report.services));
  lines.push(...renderPools(report.pools));
  lines.push(...renderPolicies(report));
  lines.push(...renderLeases(report));
  lines.push(...renderFindings(report.findings));
  if (report.skipped.length > 0) {
    lines.push(`SKIPPED (${report.skipped.length} object${report.skipped.length === 1 ? '' : 's'} of kinds l2lab does not model)`);
    for (const s of report.skipped) lines.push(`  ${s.kind}/${s.name}  ${s.at}`);
    lines.push('');
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** Services worth a block of their own: LoadBalancers, services with IPs, and any with a Lease (C01). */
function isRelevant(svc: ServiceReport): boolean {
  return svc.type === 'LoadBalancer' || svc.ips.length > 0 || svc.leaseName !== undefined;
}

function renderServices(services: readonly ServiceReport[]): string[] {
  if (services.length === 0) return ['SERVICES', '  (no Services in the input: pools and policies are checked on their own)', ''];
  const lines = ['SERVICES'];
  const shown = services.filter(isRelevant);
  for (const svc of shown) {
    lines.push(`  ${svc.namespace}/${svc.name}  [${svc.type}]${svc.derivedFrom === undefined ? '' : `  (created by Cilium for ${svc.derivedFrom})`}  ${svc.at}`);
    const ips = svc.ips.map((ip) => `${ip.ip}${ip.pool === undefined ? ` (${ip.kind})` : ` (pool ${ip.pool})`}`).join(', ');
    lines.push(`    IPs        ${ips === '' ? '—' : ips}`);
    if (svc.ipam.handled && svc.ipam.condition !== undefined) {
      const c = svc.ipam.condition;
      lines.push(`    LB-IPAM    ${c.type}=${c.status} ${c.reason}${c.status === 'True' ? '' : `: ${c.message}`}`);
    } else if (!svc.ipam.handled && svc.ipam.ignoredReason !== undefined && svc.type === 'LoadBalancer') {
      lines.push(`    LB-IPAM    ignored: ${svc.ipam.ignoredReason}`);
    }
    if (svc.announced) {
      const nodes = svc.candidateNodes === undefined ? 'unknown (no Node objects given)' : svc.candidateNodes.join(', ');
      lines.push(`    announced  yes, by the lease holder among: ${nodes}`);
      lines.push(`    policies   ${svc.policies.join(', ')}`);
      lines.push(`    interfaces ${svc.interfaces.join(', ')}`);
    } else {
      lines.push(`    announced  NO`);
      for (const reason of svc.notAnnouncedReasons) lines.push(`      - ${reason.message}`);
    }
    if (svc.leaseName !== undefined) {
      lines.push(`    lease      ${svc.leaseName}${svc.leaseHolder === undefined ? '' : ` (held by ${svc.leaseHolder})`}`);
    }
  }
  const hidden = services.length - shown.length;
  if (hidden > 0) {
    lines.push(`  (${hidden} other service${hidden === 1 ? '' : 's'}: not LoadBalancer, no externalIPs, no Lease — nothing to announce; all are in --format json)`);
  }
  lines.push('');
  return lines;
}

function renderPools(pools: readonly PoolReport[]): string[] {
  if (pools.length === 0) return ['POOLS', '  (no CiliumLoadBalancerIPPool in the input: LB-IPAM allocates nothing)', ''];
  const t = borderlessTable(['NAME', 'TOTAL', 'USED', 'AVAILABLE', 'CONFLICT', 'DEFINED AT']);
  for (const pool of pools) {
    t.push([pool.name, pool.total.toString(), pool.used.toString(), pool.available.toString(), pool.conflicting ? 'YES' : 'no', pool.at]);
  }
  return ['POOLS', tableText(t), ''];
}

function renderPolicies(report: CheckReport): string[] {
  if (report.policies.length === 0) return ['POLICIES', '  (no CiliumL2AnnouncementPolicy in the input: nothing is announced)', ''];
  const lines = ['POLICIES'];
  for (const p of report.policies) {
    lines.push(`  ${p.name}  ${p.at}`);
    lines.push(`    nodes      ${p.nodeSelector}${p.nodes === undefined ? '' : ` → ${p.nodes.length === 0 ? 'none' : p.nodes.join(', ')}`}`);
    lines.push(`    services   ${p.serviceSelector} → ${p.services.length === 0 ? 'none' : p.services.join(', ')}`);
    lines.push(`    IP types   ${p.ipTypes.length === 0 ? 'none (loadBalancerIPs and externalIPs are both false)' : p.ipTypes.join(', ')}`);
    lines.push(`    interfaces ${p.interfaces.length === 0 ? 'all Cilium devices' : p.interfaces.join(', ')}`);
  }
  lines.push('');
  return lines;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function renderLeases(report: CheckReport): string[] {
  const { effectiveMs: e, failoverWindowMs: w, corrections } = report.leaseTiming;
  const load = report.leaseLoad;
  const lines = ['LEASES'];
  lines.push(`  timing     leaseDuration ${seconds(e.leaseDuration)}, renewDeadline ${seconds(e.renewDeadline)}, retryPeriod ${seconds(e.retryPeriod)}`);
  for (const c of corrections) lines.push(`             corrected by Cilium: ${c}`);
  lines.push(`  failover   ${seconds(w[0])} – ${seconds(w[1])} after the holder dies (documented window; + up to 2.2 × retryPeriod of polling jitter)`);
  lines.push(`  leases     ${load.leases}${report.nodes.length === 0 ? ' (nodes unknown: one candidate per service assumed, so no candidate GETs are counted)' : ''}`);
  lines.push(
    `  API load   ${load.clusterTotalPerS.toFixed(1)} req/s cluster-wide (GET ${load.byVerbPerS.get.toFixed(1)}, UPDATE ${load.byVerbPerS.update.toFixed(1)}, LIST ${load.byVerbPerS.list.toFixed(2)})`,
  );
  const worst = [...load.perNodeWorstCasePerS].sort((a, b) => b.requestsPerS - a.requestsPerS)[0];
  const limit = load.clientRateLimit;
  if (worst !== undefined) {
    lines.push(`  per node   up to ${worst.requestsPerS.toFixed(1)} req/s (${worst.node}, if it leads every service it is a candidate for); Cilium docs formula says ${load.docsFormulaPerNodePerS.toFixed(1)}`);
  }
  lines.push(`  rate limit ${limit.qps} QPS, burst ${limit.burst} (${limit.source === 'values' ? 'k8sClientRateLimit from the values' : 'agent default'})`);
  lines.push('');
  return lines;
}

function renderFindings(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ['FINDINGS', '  none', ''];
  const order: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const lines = ['FINDINGS'];
  for (const f of sorted) {
    const where = [f.object, f.at].filter((x) => x !== undefined).join(' ');
    lines.push(`  ${SEVERITY_MARK[f.severity]}${f.message}${where === '' ? '' : `  [${where}]`}${f.ref === undefined ? '' : ` (${f.ref})`}`);
  }
  lines.push('');
  return lines;
}

function summaryLine(report: CheckReport): string {
  const announced = report.services.filter((s) => s.announced).length;
  const count = (sev: Finding['severity']) => report.findings.filter((f) => f.severity === sev).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `Summary: ${plural(report.services.length, 'service')} (${announced} announced), ${plural(report.pools.length, 'pool')}, ` +
    `${plural(report.policies.length, 'policy').replace('policys', 'policies')}, ${plural(report.nodes.length, 'node')}; ` +
    `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`
  );
}
