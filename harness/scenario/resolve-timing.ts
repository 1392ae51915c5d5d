/**
 * Lease timings: a preset, a mapping, or a preset with overrides, then Cilium's own corrections
 * (`correctLeaseTiming`). Corrections are warnings, not errors: Cilium starts with corrected
 * values and only logs, and a scenario may want to show exactly that.
 */
import { correctLeaseTiming, DEFAULT_LEASE_TIMING, type LeaseTiming } from '../l2/lease.ts';
import { formatDurationMs } from './duration.ts';
import type { IssueSink } from './issues.ts';
import type { ScenarioFile } from './schema.ts';
import { TIMING_PRESETS, type ScenarioTiming, type TimingPreset } from './types.ts';

/** YAML key of each timing field. */
export const TIMING_KEYS: Readonly<Record<keyof LeaseTiming, string>> = { leaseDurationMs: 'leaseDuration', renewDeadlineMs: 'renewDeadline', retryPeriodMs: 'retryPeriod' };

/** Resolves `timings` (default: Cilium's defaults) and reports Cilium's corrections as warnings. */
export function resolveTiming(raw: ScenarioFile['timings'], sink: IssueSink): ScenarioTiming {
  const preset: TimingPreset | undefined = raw === undefined ? 'cilium-default' : typeof raw === 'string' ? raw : raw.preset;
  const base: LeaseTiming = preset === undefined ? DEFAULT_LEASE_TIMING : TIMING_PRESETS[preset];
  const overrides = typeof raw === 'object' ? raw : {};
  const requested: LeaseTiming = {
    leaseDurationMs: overrides.leaseDuration ?? base.leaseDurationMs,
    renewDeadlineMs: overrides.renewDeadline ?? base.renewDeadlineMs,
    retryPeriodMs: overrides.retryPeriod ?? base.retryPeriodMs,
  };
  const corrected = correctLeaseTiming(requested);
  for (const c of corrected.corrections) {
    const path = typeof raw === 'object' ? ['timings', TIMING_KEYS[c.field]] : ['timings'];
    sink.warn(path, `${c.message}: Cilium runs with ${TIMING_KEYS[c.field]} ${formatDurationMs(c.toMs)} instead of ${formatDurationMs(c.fromMs)}`);
  }
  return { ...(preset === undefined ? {} : { preset }), requested, effective: corrected.effective, corrections: corrected.corrections };
}
