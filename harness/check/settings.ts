import { correctLeaseTiming, failoverWindow, type CorrectedLeaseTiming } from '../l2/lease.ts';
import type { CiliumValues } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';

/** The agent settings `check` works with: from the Helm values where given, else Cilium's defaults. */
export interface EffectiveSettings {
  readonly timing: CorrectedLeaseTiming;
  readonly configuredMs: { leaseDuration: number; renewDeadline: number; retryPeriod: number };
  readonly failoverWindowMs: readonly [number, number];
  readonly rateLimit: { readonly qps: number; readonly burst: number; readonly source: 'values' | 'default' };
}

/**
 * Agent client rate limit defaults (spec §4): 5 QPS / burst 10 up to the ~1.16 chart with
 * Kubernetes ≤ 1.26, 10 / 20 for Kubernetes ≥ 1.27; profiles from 1.16 assume a current Kubernetes.
 */
function defaultRateLimit(profile: Profile): { qps: number; burst: number } {
  return profile.l2.optimisticRenew ? { qps: 10, burst: 20 } : { qps: 5, burst: 10 };
}

/** Resolves lease timings (with Cilium's silent corrections) and the client rate limit. */
export function effectiveSettings(values: CiliumValues | undefined, profile: Profile): EffectiveSettings {
  const timing = correctLeaseTiming({
    ...(values?.leaseDurationMs === undefined ? {} : { leaseDurationMs: values.leaseDurationMs }),
    ...(values?.leaseRenewDeadlineMs === undefined ? {} : { renewDeadlineMs: values.leaseRenewDeadlineMs }),
    ...(values?.leaseRetryPeriodMs === undefined ? {} : { retryPeriodMs: values.leaseRetryPeriodMs }),
  });
  const window = failoverWindow(timing.effective);
  const defaults = defaultRateLimit(profile);
  const fromValues = values?.k8sClientQps !== undefined || values?.k8sClientBurst !== undefined;
  return {
    timing,
    configuredMs: {
      leaseDuration: values?.leaseDurationMs ?? 15_000,
      renewDeadline: values?.leaseRenewDeadlineMs ?? 5_000,
      retryPeriod: values?.leaseRetryPeriodMs ?? 2_000,
    },
    failoverWindowMs: [window.docsMinMs, window.docsMaxMs],
    rateLimit: {
      qps: values?.k8sClientQps ?? defaults.qps,
      burst: values?.k8sClientBurst ?? defaults.burst,
      source: fromValues ? 'values' : 'default',
    },
  };
}
