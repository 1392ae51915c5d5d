/**
 * Why this test? It is the regression net of every reproduction (issue 7): each scenario in
 * `scenarios/bugs/` — whoever wrote it — runs in sim on every affected and every fixed profile of
 * its bug block, at its own seed, and must show what `l2lab bugs` demands: the catching invariants
 * fail on the affected profiles, hold on the fixed ones, and nothing else the scenario expects is
 * unmet. A switch or checker change that silently "fixes" a modelled bug, or breaks a fix, fails
 * here with the run's evidence in the message. One test per (scenario, profile), in-process through
 * the same pure judge and evidence code as the CLI (no child processes: the sim is deterministic).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../profiles/profiles.ts';
import { runScenarioInSim } from '../run/run-scenario.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { withProfile } from '../scenario/timeline.ts';
import type { Scenario } from '../scenario/types.ts';
import { planBugRuns, type BugScenarioRef } from './plan.ts';
import { buildBugRow } from './row.ts';

const DIR = 'scenarios/bugs';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const loaded: { file: string; scenario?: Scenario; issues: string[] }[] = [];
for (const name of files) {
  const file = join(DIR, name);
  const { scenario, issues } = await loadScenario(file);
  loaded.push({ file, ...(scenario === undefined ? {} : { scenario }), issues: issues.map((i) => `${i.line}: ${i.path}: ${i.message}`) });
}
const refs: BugScenarioRef[] = loaded.flatMap(({ file, scenario }) =>
  scenario?.bug === undefined ? [] : [{ file, name: scenario.name, bug: scenario.bug, worlds: scenario.worlds, fail: scenario.expectations.fail, seed: scenario.seed ?? 1 }],
);
const byFile = new Map(loaded.map((l) => [l.file, l.scenario]));
const plan = planBugRuns(refs, { world: 'sim', knownProfiles: new Set(PROFILES.keys()) });

describe('scenarios/bugs/: every file is a loadable bug scenario naming shipped profiles', () => {
  it.each(loaded.map((l) => [l.file, l] as const))('%s', (_file, l) => {
    expect(l.issues).toEqual([]);
    expect(l.scenario?.bug, 'scenarios/bugs/ holds bug reproductions only: add a metadata.bug block').toBeDefined();
  });

  it('the plan has no problems (unknown profiles)', () => {
    expect(plan.problems).toEqual([]);
  });
});

describe('scenarios/bugs/ in sim: each bug fails on its affected profiles and holds on its fixed ones', () => {
  for (const run of plan.runs.filter((r) => r.skip === undefined)) {
    it(`${run.bugId} ${run.scenario} on ${run.profile} (${run.role}): ${run.invariants.join(', ')} ${run.role === 'affected' ? 'fail' : 'hold'}`, () => {
      const scenario = byFile.get(run.file);
      if (scenario === undefined) throw new Error(`${run.file} did not load`);
      const profiled = withProfile(scenario, run.profile);
      if ('error' in profiled) throw new Error(profiled.error);
      const out = runScenarioInSim(profiled.scenario, { seed: run.seed });
      const macOwner = new Map(scenario.topology.nodes.flatMap((n) => n.interfaces.map((i) => [i.mac.toLowerCase(), n.name] as const)));
      const row = buildBugRow(run, { invariants: out.results.invariants, unmet: out.results.unmet, ops: out.ops, macOwner, timing: scenario.timing.effective, ...(scenario.clientRateLimit === undefined ? {} : { clientRateLimit: scenario.clientRateLimit }) });
      const evidence = row.evidence.flatMap((e) => e.lines.map((line) => `${e.invariant}: ${line}`));
      expect({ status: row.judged.status, observations: row.judged.observations.map((o) => `${o.invariant} ${o.observed}`), otherUnmet: row.judged.otherUnmet, evidence }).toMatchObject({
        status: 'ok',
        observations: run.invariants.map((name) => `${name} ${run.role === 'affected' ? 'fails' : 'holds'}`),
        otherUnmet: [],
      });
      expect(evidence.length).toBeGreaterThan(0);
    }, 120_000);
  }
});
