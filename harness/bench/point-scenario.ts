/**
 * The scenario of a sweep point, generated from the benchmark template
 * (`failoverTrialsScenario`, the shape of `scenarios/leader-kill.yaml`: N nodes on one segment,
 * one probing client, S LoadBalancer services, the fault on the first service's holder) and
 * validated by the scenario parser, so a sweep value the scenario format refuses (renewDeadline
 * ≥ leaseDuration, a bad ARP setting) is a clear exit 2 naming the sweep point. Pure.
 */
import { UserError } from '../cli/user-error.ts';
import { failoverTrialsScenario, type BenchScenario } from '../lab/bench/bench-scenarios.ts';
import { parseScenarioText } from '../scenario/parse-scenario.ts';
import type { Scenario } from '../scenario/types.ts';
import type { FailoverParams, SweepPoint } from './sweep.ts';

/** How the point's faults are laid out: one per sim trial, or many in one lab bring-up. */
export type PointLayout = { readonly kind: 'sim-trial' } | { readonly kind: 'lab-run'; readonly trials: number; readonly everyMs: number; readonly downMs: number; readonly firstFaultMs: number };

/** The generated scenario (name and YAML text) of `params`. */
export function pointScenario(params: FailoverParams, layout: PointLayout): BenchScenario {
  const common = { profile: params.profile, fault: params.fault, nodes: params.nodes, services: params.services, timings: params.timings, ...(Object.keys(params.clientArp).length === 0 ? {} : { clientArp: params.clientArp }) };
  if (layout.kind === 'sim-trial') return failoverTrialsScenario({ ...common, trials: 1, everyMs: 10_000, firstKillMs: 10_000 });
  return failoverTrialsScenario({ ...common, trials: layout.trials, everyMs: layout.everyMs, downMs: layout.downMs, firstKillMs: layout.firstFaultMs });
}

/**
 * Parses a generated scenario; `onWarning` hears what the parser corrects (Cilium's silent lease
 * timing corrections). @throws UserError naming the sweep point and each problem.
 */
export function parsePointScenario(generated: BenchScenario, point: Pick<SweepPoint, 'label'>, onWarning?: (message: string) => void): Scenario {
  const { scenario, issues, warnings } = parseScenarioText(generated.yaml, `${generated.name}.yaml`);
  for (const w of warnings) onWarning?.(`sweep point ${point.label}: ${w.path === '' ? '' : `${w.path}: `}${w.message}`);
  if (scenario === undefined) {
    throw new UserError(`sweep point ${point.label}: the generated scenario is invalid`, issues.map((i) => `${i.path === '' ? '' : `${i.path}: `}${i.message}`));
  }
  return scenario;
}
