/**
 * Which lease timings a kube-vip world runs with (K08 / PR #1429): a scenario's explicit timings,
 * or — for the `cilium-default` preset, which is also what a scenario without `timings` gets — the
 * release's own CLI defaults (`KubeVipSwitches.defaultTiming`: 15/10/2 s from v1.1.0, 5/3/1 s
 * before). Pure.
 */
import type { LeaseTiming } from '../../l2/lease.ts';
import type { Profile } from '../../profiles/profile.ts';

/** The timings to run with, and a note for the report when they are not the scenario's. */
export interface ImplementationTiming {
  readonly timing: LeaseTiming;
  readonly note?: string;
}

/** The timing preset that stands for "the announcer's defaults". */
export const DEFAULTS_PRESET = 'cilium-default';

/** `timing` (a scenario's effective timings, from `preset`) for `profile`. */
export function implementationTiming(profile: Profile, timing: LeaseTiming, preset: string | undefined): ImplementationTiming {
  const defaults = profile.kubeVip?.defaultTiming;
  if (defaults === undefined || preset !== DEFAULTS_PRESET) return { timing };
  const s = (ms: number): string => `${ms / 1000} s`;
  return {
    timing: defaults,
    note: `${profile.name}: the ${DEFAULTS_PRESET} timings are kube-vip ${profile.kubeVip?.version ?? ''}'s own defaults, leaseDuration ${s(defaults.leaseDurationMs)} / renewDeadline ${s(defaults.renewDeadlineMs)} / retryPeriod ${s(defaults.retryPeriodMs)}`,
  };
}
