/**
 * Which runs `l2lab bugs` makes (issue 7): every bug scenario on every affected and every fixed
 * profile of its `metadata.bug` block, in the requested world — or a skipped row when the
 * scenario's `worlds` does not list it. Pure: scenarios in, rows out, in a stable order (bug id,
 * then file, then affected before fixed in the order the block lists them).
 */
import type { BugInfo } from '../scenario/types.ts';

/** The worlds `l2lab bugs` runs in. */
export const BUG_WORLDS = ['sim', 'lab'] as const;
export type BugWorld = (typeof BUG_WORLDS)[number];

/** What the plan needs of a loaded bug scenario. */
export interface BugScenarioRef {
  /** The scenario file as given (reports and the child run use it). */
  readonly file: string;
  readonly name: string;
  readonly bug: BugInfo;
  readonly worlds: readonly string[];
  /** `expectations.fail`: the invariants that catch the bug. */
  readonly fail: readonly string[];
  /** The scenario's seed (default 1): one deterministic run per profile. */
  readonly seed: number;
}

/** Whether the catching invariants must fail (an affected profile) or hold (a fixed one). */
export type BugRole = 'affected' | 'fixed';

/** One row of the plan. */
export interface PlannedBugRun {
  /** Position in the plan (0-based): the order of the table, whatever order runs finish in. */
  readonly index: number;
  readonly bugId: string;
  readonly title: string;
  readonly file: string;
  readonly scenario: string;
  readonly profile: string;
  readonly role: BugRole;
  readonly world: BugWorld;
  readonly invariants: readonly string[];
  readonly seed: number;
  /** Why the run is not made (the world is not one the scenario lists). */
  readonly skip?: string;
}

/** The plan, and what is wrong with the request (an `--only` id no scenario has, an unknown profile). */
export interface BugPlan {
  readonly runs: readonly PlannedBugRun[];
  readonly problems: readonly string[];
}

/** Options of {@link planBugRuns}. */
export interface PlanOptions {
  readonly world: BugWorld;
  /** Bug ids (`C02`) or scenario names, case-insensitive; empty or undefined = every scenario. */
  readonly only?: readonly string[];
  /** Profile names that exist (`PROFILES`); a bug block naming another is a problem. */
  readonly knownProfiles: ReadonlySet<string>;
}

/** Plans the runs. Pure. */
export function planBugRuns(scenarios: readonly BugScenarioRef[], options: PlanOptions): BugPlan {
  const problems: string[] = [];
  const asked = (options.only ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const only = asked.map((s) => s.toLowerCase());
  const picked = scenarios.filter((s) => only.length === 0 || only.includes(s.bug.id.toLowerCase()) || only.includes(s.name.toLowerCase()));
  for (const id of asked) {
    if (!scenarios.some((s) => s.bug.id.toLowerCase() === id.toLowerCase() || s.name.toLowerCase() === id.toLowerCase())) {
      problems.push(`--only ${id}: no bug scenario has this bug id or name (known: ${[...new Set(scenarios.map((s) => s.bug.id))].sort(compareIds).join(', ') || 'none'})`);
    }
  }
  const ordered = [...picked].sort((a, b) => compareIds(a.bug.id, b.bug.id) || a.file.localeCompare(b.file));
  const runs: PlannedBugRun[] = [];
  for (const s of ordered) {
    const roles: [string, BugRole][] = [...s.bug.affected.map((p): [string, BugRole] => [p, 'affected']), ...s.bug.fixed.map((p): [string, BugRole] => [p, 'fixed'])];
    for (const [profile] of roles) {
      if (!options.knownProfiles.has(profile)) problems.push(`${s.file}: metadata.bug names profile ${profile}, which l2lab does not ship (known: ${[...options.knownProfiles].join(', ')})`);
    }
    const skip = s.worlds.includes(options.world) ? undefined : `scenario lists worlds [${s.worlds.join(', ')}], not ${options.world}`;
    for (const [profile, role] of roles) {
      runs.push({
        index: runs.length,
        bugId: s.bug.id,
        title: s.bug.title ?? s.name,
        file: s.file,
        scenario: s.name,
        profile,
        role,
        world: options.world,
        invariants: [...s.fail],
        seed: s.seed,
        ...(skip === undefined ? {} : { skip }),
      });
    }
  }
  return { runs, problems };
}

/** Catalog order: by prefix letter (C, K, M), then number (`C02` < `C10` < `C100`). */
export function compareIds(a: string, b: string): number {
  const pa = /^([A-Z]+)(\d+)$/i.exec(a);
  const pb = /^([A-Z]+)(\d+)$/i.exec(b);
  if (pa === null || pb === null) return a.localeCompare(b);
  return (pa[1] ?? '').localeCompare(pb[1] ?? '') || Number(pa[2]) - Number(pb[2]);
}
