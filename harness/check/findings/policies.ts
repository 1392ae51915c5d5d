import { compileInterfacePattern } from '../../l2/interface-pattern.ts';
import { overMatchWarnings } from '../../l2/interface-warnings.ts';
import { policyProblems, preparePolicy } from '../../l2/policy-prep.ts';
import type { L2AnnouncementPolicy, Node } from '../../model/types.ts';
import type { Finding, PolicyReport } from '../report.ts';
import { at } from '../where.ts';

/**
 * Findings per policy: what Cilium would mark invalid (bad selectors, bad interface regex), what
 * can never announce (no IP type, no node, no service) and interface patterns that match more than
 * intended (C14, M07).
 */
export function policyFindings(
  policies: readonly L2AnnouncementPolicy[],
  reports: readonly PolicyReport[],
  nodes: readonly Node[],
  knownInterfaces: readonly string[],
): Finding[] {
  const findings: Finding[] = [];
  for (const policy of policies) {
    const object = `CiliumL2AnnouncementPolicy/${policy.name}`;
    const where = at(policy.source);
    const push = (severity: Finding['severity'], code: string, message: string, ref: string): void => {
      findings.push({ severity, code, message, object, at: where, ref });
    };
    for (const problem of policyProblems(preparePolicy(policy))) {
      push('error', 'policy-invalid', `${problem.message}: Cilium sets ${problem.condition} and ignores the policy`, '§1.1');
    }
    if (!policy.loadBalancerIPs && !policy.externalIPs) {
      push('warning', 'policy-enables-no-ip-type', 'loadBalancerIPs and externalIPs are both false (both default to false): the policy announces nothing', '§1.1');
    }
    const report = reports.find((r) => r.name === policy.name);
    if (nodes.length > 0 && report?.nodes?.length === 0) {
      push('warning', 'policy-selects-no-node', `nodeSelector ${report.nodeSelector} selects none of the ${nodes.length} nodes`, '§1.2 rule 1');
    }
    const devices = [...new Set(nodes.filter((n) => report?.nodes?.includes(n.name) ?? true).flatMap((n) => n.interfaces ?? []))];
    if ((policy.interfaces ?? []).length === 0 && devices.length > 1) {
      push('info', 'policy-all-devices', `no interfaces given: VIPs are answered on every Cilium device of the selected nodes (${devices.join(', ')}); list the LAN interface (e.g. '^${devices[0]}$') to keep ARP off the others`, '§1.1, M07');
    }
    for (const pattern of policy.interfaces ?? []) {
      const compiled = compileInterfacePattern(pattern);
      if (!compiled.ok && compiled.problem === 'not-portable') {
        push('warning', 'interface-regex-not-portable', `interfaces entry '${pattern}': ${compiled.reason}; l2lab evaluates it as Go does`, '§1.1, docs/interface-regex.md');
      }
      for (const warning of overMatchWarnings(pattern, knownInterfaces)) {
        const suggestion = warning.suggestion === undefined || warning.message.includes(warning.suggestion) ? '' : `; use '${warning.suggestion}'`;
        push('warning', `interface-${warning.code}`, `${warning.message}${suggestion}`, '§1.1, C14');
      }
    }
  }
  return findings;
}
