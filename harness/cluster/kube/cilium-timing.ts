/**
 * The Lease timings a real Cilium runs with, from its `kube-system/cilium-config` ConfigMap
 * (`l2-announcements-lease-duration`, `-renew-deadline`, `-retry-period`, Go durations; absent
 * keys are Cilium's defaults 15s/5s/2s), corrected as the agent corrects them. A `--target cilium`
 * run is judged with these — the scenario's own timings are what l2lab's agents run with, not what
 * the cluster's Cilium was installed with. Pure.
 */
import { correctLeaseTiming, type LeaseTiming } from '../../l2/lease.ts';
import { parseDurationMs } from '../../scenario/duration.ts';

/** The ConfigMap's keys, by timing field. */
export const CILIUM_TIMING_KEYS: Readonly<Record<keyof LeaseTiming, string>> = {
  leaseDurationMs: 'l2-announcements-lease-duration',
  renewDeadlineMs: 'l2-announcements-renew-deadline',
  retryPeriodMs: 'l2-announcements-retry-period',
};

/**
 * The effective timing of `data` (the ConfigMap's `data`).
 * @throws Error naming the key and value that is not a duration.
 */
export function ciliumTimingOf(data: Readonly<Record<string, string>>): LeaseTiming {
  const input: Partial<Record<keyof LeaseTiming, number>> = {};
  for (const [field, key] of Object.entries(CILIUM_TIMING_KEYS) as [keyof LeaseTiming, string][]) {
    const text = data[key];
    if (text === undefined) continue;
    const parsed = parseDurationMs(text.trim());
    if (!parsed.ok) throw new Error(`reading Cilium's Lease timing: cilium-config ${key}: ${parsed.message}`);
    input[field] = parsed.ms;
  }
  return correctLeaseTiming(input).effective;
}
