import { describe, expect, it } from 'vitest';
import { compareIds, planBugRuns, type BugScenarioRef, type PlannedBugRun } from './plan.ts';
import { bugsExitCode, judgeBugRun, judgeBugs } from './verdict.ts';

const known = new Set(['cilium-1.14', 'cilium-1.15', 'reference']);
const ref = (over: Partial<BugScenarioRef> & Pick<BugScenarioRef, 'name'>): BugScenarioRef => ({
  file: `scenarios/bugs/${over.name}.yaml`,
  bug: { id: 'C02', issues: [], pulls: [], affected: ['cilium-1.14'], fixed: ['cilium-1.15', 'reference'] },
  worlds: ['sim', 'lab'],
  fail: ['reacquire'],
  seed: 1,
  ...over,
});

describe('planBugRuns', () => {
  it('plans every affected and fixed profile, in catalog order, affected first', () => {
    const plan = planBugRuns(
      [ref({ name: 'c10-x', bug: { id: 'C10', issues: [], pulls: [], affected: ['cilium-1.15'], fixed: ['reference'] } }), ref({ name: 'c02-x' })],
      { world: 'sim', knownProfiles: known },
    );
    expect(plan.problems).toEqual([]);
    expect(plan.runs.map((r) => [r.index, r.bugId, r.profile, r.role])).toEqual([
      [0, 'C02', 'cilium-1.14', 'affected'],
      [1, 'C02', 'cilium-1.15', 'fixed'],
      [2, 'C02', 'reference', 'fixed'],
      [3, 'C10', 'cilium-1.15', 'affected'],
      [4, 'C10', 'reference', 'fixed'],
    ]);
  });

  it('marks runs skipped when the scenario does not list the world', () => {
    const plan = planBugRuns([ref({ name: 'c03-x', worlds: ['sim'] })], { world: 'lab', knownProfiles: known });
    expect(plan.runs.every((r) => r.skip === 'scenario lists worlds [sim], not lab')).toBe(true);
  });

  it('--only picks by bug id or scenario name, case-insensitively, and names unknown ids', () => {
    const scenarios = [ref({ name: 'c02-x' }), ref({ name: 'm03-y', bug: { id: 'M03', issues: [], pulls: [], affected: ['reference'], fixed: [] } })];
    expect(planBugRuns(scenarios, { world: 'sim', only: ['m03'], knownProfiles: known }).runs.map((r) => r.bugId)).toEqual(['M03']);
    expect(planBugRuns(scenarios, { world: 'sim', only: ['c02-x'], knownProfiles: known }).runs.map((r) => r.scenario)).toEqual(['c02-x', 'c02-x', 'c02-x']);
    expect(planBugRuns(scenarios, { world: 'sim', only: ['K99'], knownProfiles: known }).problems).toEqual(['--only K99: no bug scenario has this bug id or name (known: C02, M03)']);
  });

  it('names a profile l2lab does not ship', () => {
    const plan = planBugRuns([ref({ name: 'c02-x', bug: { id: 'C02', issues: [], pulls: [], affected: ['cilium-9'], fixed: [] } })], { world: 'sim', knownProfiles: known });
    expect(plan.problems[0]).toMatch(/names profile cilium-9, which l2lab does not ship/);
  });

  it('orders ids by letter, then number', () => {
    expect(['C10', 'M02', 'C02', 'K01', 'C100'].sort(compareIds)).toEqual(['C02', 'C10', 'C100', 'K01', 'M02']);
  });
});

const planned = (role: 'affected' | 'fixed', over: Partial<PlannedBugRun> = {}): PlannedBugRun => ({
  index: 0, bugId: 'C02', title: 't', file: 'f', scenario: 's', profile: 'p', role, world: 'sim', invariants: ['reacquire'], seed: 1, ...over,
});

describe('judgeBugRun', () => {
  it('an affected run is ok when the catching invariant fails and nothing else is unmet', () => {
    const judged = judgeBugRun(planned('affected'), { invariants: [{ name: 'reacquire', valid: false, failedAtMs: 23_295 }], unmet: [] });
    expect(judged).toEqual({ status: 'ok', observations: [{ invariant: 'reacquire', expected: 'fails', observed: 'fails', failedAtMs: 23_295 }], otherUnmet: [] });
  });

  it('a fixed run whose invariant fails, or is unknown, is a mismatch', () => {
    expect(judgeBugRun(planned('fixed'), { invariants: [{ name: 'reacquire', valid: false }], unmet: ['reacquire (liveness): expected to hold, got fails at 1 s'] }).status).toBe('mismatch');
    expect(judgeBugRun(planned('fixed'), { invariants: [{ name: 'reacquire', valid: 'unknown' }], unmet: [] }).observations[0]?.observed).toBe('unknown');
  });

  it('another unmet expectation of the scenario spoils the reproduction; the catching invariant’s own line does not', () => {
    const judged = judgeBugRun(planned('affected'), { invariants: [{ name: 'reacquire', valid: false }], unmet: ['reacquire (liveness): whatever', 'one-responder (safety): expected to hold, got unknown'] });
    expect(judged.status).toBe('mismatch');
    expect(judged.otherUnmet).toEqual(['one-responder (safety): expected to hold, got unknown']);
  });

  it('skipped, error and interrupted runs', () => {
    expect(judgeBugRun(planned('affected', { skip: 'no lab' }), undefined).status).toBe('skipped');
    expect(judgeBugRun(planned('affected'), { error: 'l2lab run exited 2' })).toMatchObject({ status: 'error', error: 'l2lab run exited 2' });
    expect(judgeBugRun(planned('affected'), { interrupted: true }).status).toBe('interrupted');
  });
});

describe('judgeBugs and the exit code', () => {
  const row = (role: 'affected' | 'fixed', status: 'ok' | 'mismatch' | 'skipped' | 'error', bugId = 'C02') => ({ planned: planned(role, { bugId }), judged: { status, observations: [], otherUnmet: [] } });

  it('a bug reproduces only when every run is ok and an affected run was made', () => {
    expect(judgeBugs([row('affected', 'ok'), row('fixed', 'ok')])[0]?.verdict).toBe('reproduced');
    expect(judgeBugs([row('affected', 'ok'), row('fixed', 'mismatch')])[0]?.verdict).toBe('not-reproduced');
    expect(judgeBugs([row('affected', 'skipped'), row('fixed', 'skipped')])[0]?.verdict).toBe('skipped');
    expect(judgeBugs([row('fixed', 'ok')])[0]?.verdict).toBe('not-reproduced');
    expect(judgeBugs([row('affected', 'ok')])[0]).toMatchObject({ verdict: 'reproduced', noFixedProfile: true });
  });

  it('exit: 0 all ok or skipped, 1 a mismatch, 2 an error, 5 interrupted — the worst wins', () => {
    const j = (status: 'ok' | 'mismatch' | 'skipped' | 'error' | 'interrupted') => ({ status, observations: [], otherUnmet: [] });
    expect(bugsExitCode([j('ok'), j('skipped')])).toBe(0);
    expect(bugsExitCode([j('ok'), j('mismatch')])).toBe(1);
    expect(bugsExitCode([j('mismatch'), j('error')])).toBe(2);
    expect(bugsExitCode([j('error'), j('interrupted')])).toBe(5);
  });
});
