import type { LeaseLoadEstimate } from '../../l2/lease-load.ts';
import { compareWithRateLimit } from '../../l2/lease-load.ts';
import type { CiliumValues } from '../../model/types.ts';
import type { Profile } from '../../profiles/profile.ts';
import type { Finding } from '../report.ts';
import type { EffectiveSettings } from '../settings.ts';
import { at } from '../where.ts';

/** Findings about the agent configuration: feature switches, lease timings, the client rate limit. */
export function settingsFindings(
  values: CiliumValues | undefined,
  settings: EffectiveSettings,
  load: LeaseLoadEstimate,
  profile: Profile,
): Finding[] {
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
      if (!profile.l2.reacquireAfterLoss) {
        findings.push({
          severity: 'error',
          code: 'lost-lease-never-reacquired',
          message: `on ${profile.name} a node that loses a lease never competes for it again (fixed by #30340 in 1.14.7): once throttling has cost every candidate its lease, the VIP goes silent until agents restart`,
          at: where,
          ref: 'C02',
        });
      }
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
  if (!profile.l2.newIpWakesAnnouncer && load.leaseCount > 0) {
    findings.push({
      severity: 'info',
      code: 'new-ip-not-announced-until-event',
      message: `on ${profile.name} a new LB IP added to an already announced service is not announced until some other service, policy, node or lease event (#47579, fixed in 1.20.1)`,
      ref: '§1.2 note',
    });
  }
  return findings;
}
