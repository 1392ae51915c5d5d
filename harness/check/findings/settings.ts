import type { LeaseLoadEstimate } from '../../l2/lease-load.ts';
import { compareWithRateLimit } from '../../l2/lease-load.ts';
import type { CiliumValues } from '../../model/types.ts';
import type { Finding } from '../report.ts';
import type { EffectiveSettings } from '../settings.ts';
import { at } from '../where.ts';

/** Findings about the agent configuration: feature switches, lease timings, the client rate limit. */
export function settingsFindings(values: CiliumValues | undefined, settings: EffectiveSettings, load: LeaseLoadEstimate): Finding[] {
  const findings: Finding[] = [];
  const where = values === undefined ? undefined : at(values.source);
  if (values !== undefined && values.l2announcementsEnabled !== true) {
    findings.push({
      severity: 'error',
      code: 'l2-announcements-disabled',
      message: 'l2announcements.enabled is not true in the values: the agents announce nothing (the chart default is false)',
      at: where,
      ref: '§2.1',
    });
  }
  if (values !== undefined && values.kubeProxyReplacement !== true) {
    findings.push({
      severity: 'error',
      code: 'kube-proxy-replacement-off',
      message: 'kubeProxyReplacement is not enabled in the values: the L2 responder lives in the kube-proxy-replacement datapath and will not answer ARP',
      at: where,
      ref: '§3.1',
    });
  }
  for (const c of settings.timing.corrections) {
    findings.push({
      severity: 'warning',
      code: 'lease-timing-corrected',
      message: `${c.message}: ${c.field.replace(/Ms$/, '')} ${c.fromMs} ms → ${c.toMs} ms (rule ${c.rule}); Cilium corrects this silently`,
      at: where,
      ref: '§2.1',
    });
  }
  const worst = load.worstNode;
  if (worst !== undefined && worst.perS > 0) {
    const verdict = compareWithRateLimit(worst.perS, settings.rateLimit.qps, settings.rateLimit.burst);
    if (verdict.verdict !== 'ok') {
      findings.push({
        severity: verdict.verdict === 'near-limit' ? 'warning' : 'error',
        code: `lease-load-${verdict.verdict}`,
        message: `node ${worst.node}, if it leads every service it can: ${verdict.message}`,
        at: where,
        ref: 'C02, C03',
      });
    }
    if (load.underestimateFactor !== undefined && load.underestimateFactor > 1.5) {
      findings.push({
        severity: 'info',
        code: 'lease-load-docs-formula',
        message: `the Cilium docs' sizing rule (services ÷ renewDeadline = ${load.docsFormulaPerS.toFixed(1)} req/s) under-estimates this node's lease load by ${load.underestimateFactor.toFixed(1)}×: leaders renew every retryPeriod`,
        ref: 'C03',
      });
    }
  }
  return findings;
}
