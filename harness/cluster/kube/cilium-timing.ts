/**
 * The Lease timings a real Cilium runs with, from its `kube-system/cilium-config` ConfigMap
 * (`l2-announcements-lease-duration`, `-renew-deadline`, `-retry-period`, Go durations; absent
 * keys are Cilium's defaults 15s/5s/2s), corrected as the agent corrects them. A `--target cilium`
 * run is judged with these — the scenario's own timings are what l2lab's agents run with, not what
 * the cluster's Cilium was installed with. Pure.
 */
import { correctLeaseTiming, type LeaseTiming } from '../../l2/lease.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { ExpectedVerdicts } from '../../scenario/timeline.ts';

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

/**
 * Invariants whose evidence is the agents' own ops (elector ops, Lease requests, announce tables:
 * `docs/history.md` "Checkers"). Real Cilium records none, so on `--target cilium` they would hold
 * vacuously or fail for want of evidence; they are reported only there (`ignored`), named in the
 * notes, never a silent pass.
 */
export const AGENT_EVIDENCE_INVARIANTS = ['lease-scope', 'holder-eligible', 'holder-answers', 'failover-bound', 'reacquire', 'shared-ip-one-node', 'iface-scope', 'lease-load'] as const;
// The failover components (lease taken over, first GARP, …) stay judged: the runner records the
// Leases' holder changes as `became-leader` (`lease-watch-ops.ts`) and the rest is wire and client.

/** `expected` with the agent-evidence invariants moved to `ignored` (a `--target cilium` run). */
export function withoutAgentEvidence(expected: ExpectedVerdicts): { readonly expected: ExpectedVerdicts; readonly moved: readonly string[] } {
  const blind = new Set<string>(AGENT_EVIDENCE_INVARIANTS);
  const moved = [...expected.mustHold, ...expected.mustFail].filter((name) => blind.has(name));
  return {
    expected: { ...expected, mustHold: expected.mustHold.filter((n) => !blind.has(n)), mustFail: expected.mustFail.filter((n) => !blind.has(n)), ignored: [...new Set([...expected.ignored, ...AGENT_EVIDENCE_INVARIANTS])] },
    moved,
  };
}
