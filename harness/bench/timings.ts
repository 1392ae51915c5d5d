/**
 * The lease-timing presets the failover benchmark sweeps: the lab's fast timings, kube-vip's
 * defaults, Cilium's defaults, and client-go's controller defaults (kube-controller-manager,
 * kube-scheduler), so one table shows what each common setting costs in failover time.
 */
import type { LeaseTiming } from '../l2/lease.ts';

/** Preset name → lease timings (ms). */
export const BENCH_TIMING_PRESETS = {
  /** The lab's fast timings (issue 5): 3 s / 1 s / 200 ms. */
  fast: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 },
  /** kube-vip's defaults (`vip_leaseduration` 5, `vip_renewdeadline` 3, `vip_retryperiod` 1). */
  'kube-vip-default': { leaseDurationMs: 5_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000 },
  /** Cilium's agent defaults (`l2announcements.lease*`): 15 s / 5 s / 2 s. */
  'cilium-default': { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 },
  /** client-go's leader-election defaults of the control-plane components: 15 s / 10 s / 2 s. */
  'k8s-default': { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
} as const satisfies Record<string, LeaseTiming>;
export type BenchTimingPreset = keyof typeof BENCH_TIMING_PRESETS;

/** True for a preset name. */
export function isBenchTimingPreset(name: string): name is BenchTimingPreset {
  return Object.hasOwn(BENCH_TIMING_PRESETS, name);
}
