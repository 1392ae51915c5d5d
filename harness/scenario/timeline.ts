/**
 * What runners consume beyond the resolved scenario: the nemesis schedule flattened into timed
 * actions (Jepsen's generator as data: `repeat` expanded, `for` turned into the inverse action,
 * `target-of` pointing at one occurrence), the verdicts expected on a profile, and the profile
 * override of the CLI.
 */
import { PROFILES } from '../profiles/profiles.ts';
import { INVERSE_ACTIONS, type NemesisAction, type NemesisActionName, type NemesisStep, type NodeRef } from './nemesis-types.ts';
import type { Scenario } from './types.ts';

/** One action at one time. */
export interface TimedAction {
  readonly atMs: number;
  /** `<step id or #index>@<occurrence>`: what `target-of` refers to. */
  readonly occurrence: string;
  /** Index of the step in `scenario.nemesis`. */
  readonly stepIndex: number;
  /**
   * The action; `target-of` refs name an occurrence: the runner resolves them to the node that
   * occurrence acted on (so a `thaw` hits the node a `freeze` of `holder-of` picked).
   */
  readonly action: NemesisAction;
  /** Set on the inverse a `for` generated. */
  readonly inverseOf?: string;
}

/** Bound on expanded actions (a typo like `times: 1000` × many steps stays finite). */
export const MAX_TIMED_ACTIONS = 100_000;

/** Flattens the schedule, sorted by time (ties in file order, inverses after their start). */
export function nemesisTimeline(scenario: Pick<Scenario, 'nemesis'>): TimedAction[] {
  const out: TimedAction[] = [];
  const occurrencesOf = new Map<string, { atMs: number; occurrence: string }[]>();
  scenario.nemesis.forEach((step, stepIndex) => {
    const label = step.id ?? `#${stepIndex}`;
    for (let k = 0; k < (step.repeat?.times ?? 1) && out.length < MAX_TIMED_ACTIONS; k += 1) {
      const atMs = step.atMs + k * (step.repeat?.everyMs ?? 0);
      const occurrence = `${label}@${k + 1}`;
      out.push({ atMs, occurrence, stepIndex, action: bindTargetOf(actionOf(step), atMs, occurrencesOf) });
      if (step.id !== undefined) occurrencesOf.set(step.id, [...(occurrencesOf.get(step.id) ?? []), { atMs, occurrence }]);
      const inverse = step.forMs === undefined ? undefined : inverseAction(actionOf(step), occurrence);
      if (inverse !== undefined && step.forMs !== undefined) out.push({ atMs: atMs + step.forMs, occurrence: `${occurrence}/undo`, stepIndex, action: inverse, inverseOf: occurrence });
    }
  });
  return out.map((a, seq) => ({ a, seq })).sort((x, y) => x.a.atMs - y.a.atMs || x.seq - y.seq).map((x) => x.a);
}

function actionOf(step: NemesisStep): NemesisAction {
  const { atMs: _atMs, id: _id, forMs: _forMs, repeat: _repeat, source: _source, ...action } = step;
  return action as NemesisAction;
}

/** `target-of: id` → the latest occurrence of that step at or before `atMs`. */
function bindTargetOf(action: NemesisAction, atMs: number, occurrencesOf: ReadonlyMap<string, readonly { atMs: number; occurrence: string }[]>): NemesisAction {
  const bind = (ref: NodeRef): NodeRef => {
    if (ref.kind !== 'target-of') return ref;
    const latest = (occurrencesOf.get(ref.step) ?? []).filter((o) => o.atMs <= atMs).at(-1);
    return { kind: 'target-of', step: latest?.occurrence ?? `${ref.step}@1` };
  };
  if ('node' in action && action.node !== undefined) return { ...action, node: bind(action.node) } as NemesisAction;
  if (action.action === 'partition-nodes') return { ...action, groups: action.groups.map((g) => g.map(bind)) };
  return action;
}

function inverseAction(action: NemesisAction, occurrence: string): NemesisAction | undefined {
  const inverse: NemesisActionName | undefined = INVERSE_ACTIONS[action.action];
  const same: NodeRef = { kind: 'target-of', step: occurrence };
  switch (action.action) {
    case 'kill-node':
    case 'kill-agent':
    case 'freeze':
    case 'partition-api':
      return { action: inverse as 'restart-node', node: same };
    case 'api-outage':
      return { action: 'api-restore' };
    case 'partition-nodes':
      return { action: 'heal-nodes' };
    case 'link-down':
      return { action: 'link-up', node: same, iface: action.iface };
    case 'segment-down':
      return { action: 'segment-up', segment: action.segment };
    case 'netem':
      return { action: 'netem-clear', ...(action.node === undefined ? {} : { node: same }), ...(action.client === undefined ? {} : { client: action.client }), ...(action.iface === undefined ? {} : { iface: action.iface }) };
    default:
      return undefined;
  }
}

/** What a run on one profile must show (`docs/scenarios.md`, "Expectations"). */
export interface ExpectedVerdicts {
  /** Must be valid: true (evidence required; 'unknown' fails). */
  readonly mustHold: readonly string[];
  /** Must be valid: false (the bug reproduced). */
  readonly mustFail: readonly string[];
  /** Reported only. */
  readonly ignored: readonly string[];
  /** Whether `profile` is one the bug affects (true for a scenario without a bug block). */
  readonly affected: boolean;
}

/**
 * The verdicts expected on `profile` (default: the scenario's). `fail` invariants must fail on
 * affected profiles and hold on every other; any invariant not listed must not be false either
 * (the runner's exit code), unless ignored.
 */
export function expectedVerdicts(scenario: Pick<Scenario, 'bug' | 'expectations' | 'profile'>, profile = scenario.profile): ExpectedVerdicts {
  const affected = scenario.bug === undefined || scenario.bug.affected.includes(profile);
  const { hold, fail, ignore } = scenario.expectations;
  return { mustHold: affected ? [...hold] : [...hold, ...fail], mustFail: affected ? [...fail] : [], ignored: [...ignore], affected };
}

/** The scenario run with another profile (the CLI's `--profile`), or what is wrong with the name. */
export function withProfile(scenario: Scenario, profile: string): { readonly scenario: Scenario } | { readonly error: string } {
  if (!PROFILES.has(profile)) return { error: `unknown profile ${JSON.stringify(profile)}: expected one of ${[...PROFILES.keys()].join(', ')}` };
  return { scenario: { ...scenario, profile } };
}
