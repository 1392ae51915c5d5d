/**
 * `explore` end to end on the shared sim runner (`harness/run`, as `l2lab run`): generated scenarios are valid and round-trip
 * through the renderer; `reference` holds where it is known to; cilium-1.14's C01 and C02 are
 * rediscovered and shrunk; the regression file replays to the same violation. Every search has a
 * literal seed (in the titles), so a failure here replays with that seed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../model/parse/issue.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { parseScenarioText } from '../scenario/parse-scenario.ts';
import { renderScenarioYaml } from '../scenario/render-scenario.ts';
import { stripSources } from '../scenario/strip-sources.ts';
import { scenarioSpecArbitrary } from './arbitraries.ts';
import { explore } from './explore.ts';
import { firstViolation } from './judge.ts';
import { writeRegression } from './regression-file.ts';
import { DEFAULT_SIM_RUNNER } from './default-runner.ts';
import { specScenario } from './spec-document.ts';

const dir = mkdtempSync(join(tmpdir(), 'l2lab-explore-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runner = DEFAULT_SIM_RUNNER;

describe('scenario arbitraries (seed 7)', () => {
  it('every generated spec resolves through the scenario parser and survives render → parse', () => {
    fc.assert(
      fc.property(scenarioSpecArbitrary({ rateLimit: 'default' }), (spec) => {
        const scenario = specScenario(spec, 'cilium-1.16');
        expect(scenario.topology.nodes.length).toBe(spec.nodes.length);
        const again = parseScenarioText(renderScenarioYaml(scenario), 'again.yaml');
        expect(again.issues.map(formatIssue)).toEqual([]);
        expect(stripSources(again.scenario)).toEqual(stripSources(scenario));
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('tight rate limits are 1–3 QPS on every spec', () => {
    for (const spec of fc.sample(scenarioSpecArbitrary({ rateLimit: 'tight' }), { seed: 7, numRuns: 50 })) {
      expect(spec.rateLimit?.qps).toBeGreaterThanOrEqual(1);
      expect(spec.rateLimit?.qps).toBeLessThanOrEqual(3);
    }
  });
});

describe('explore on reference (seed 1, 200 runs, every fault kind)', () => {
  // Why? The reference profile is what the invariants demand: on the full generator — every
  // fault kind, interface patterns and IP types split between policies — nothing may be violated
  // (docs/explore.md "Known findings on reference": all fixed).
  it('no invariant is violated on generated runs', () => {
    const result = explore({ profile: 'reference', runs: 200, seed: 1, runner });
    expect(result.failure?.invariant).toBeUndefined();
    expect(result.runs).toBe(200);
  });
});

describe('explore on cilium-1.14 rediscovers the catalog bugs', () => {
  // Why? C01: 1.14 elects a leader for every policy-selected service, ClusterIP included.
  it('C01 (seed 42): lease-scope, shrunk to ≤ 1 node, ≤ 1 policy and one non-LoadBalancer service; the regression replays', async () => {
    const result = explore({ profile: 'cilium-1.14', runs: 200, seed: 42, runner, invariants: ['lease-scope'] });
    const failure = result.failure;
    expect(failure?.invariant).toBe('lease-scope');
    if (failure === undefined) return;
    expect(failure.kind).toBe('safety');
    expect(failure.spec.nodes.length).toBeLessThanOrEqual(1);
    expect(failure.spec.policies.length).toBeLessThanOrEqual(1);
    expect(failure.spec.services).toHaveLength(1);
    expect(failure.spec.services[0]?.type).not.toBe('LoadBalancer');
    expect(failure.scenario.manifests.services.map((s) => s.type)).toEqual([failure.spec.services[0]?.type]);

    const file = await writeRegression(dir, 'cilium-1.14', failure);
    expect(file).toBe(join(dir, 'cilium-1-14-lease-scope-s42.yaml'));
    const loaded = await loadScenario(file);
    expect(loaded.issues.map(formatIssue)).toEqual([]);
    if (loaded.scenario === undefined) return;
    expect(loaded.scenario.profile).toBe('cilium-1.14');
    const replayed = firstViolation(runner(loaded.scenario, { seed: loaded.scenario.seed ?? -1 }), loaded.scenario);
    expect(replayed?.invariant).toBe('lease-scope');

    // Why? A search must not clobber a shipped regression of the same name with a different
    // finding: the same text is reused, a different one goes to the first free numbered name.
    const original = readFileSync(file, 'utf8');
    expect(await writeRegression(dir, 'cilium-1.14', failure)).toBe(file);
    const other = await writeRegression(dir, 'cilium-1.14', failure, '--rate-limit tight');
    expect(other).toBe(join(dir, 'cilium-1-14-lease-scope-s42-2.yaml'));
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(await writeRegression(dir, 'cilium-1.14', failure, '--rate-limit tight')).toBe(other);
    const numbered = await loadScenario(other);
    expect(numbered.issues.map(formatIssue)).toEqual([]);
    expect(numbered.scenario?.name).toBe('cilium-1-14-lease-scope-s42-2');
  });

  it('C01 (seed 42): the printed {seed, path} replays the shrunk counterexample without searching', () => {
    const searched = explore({ profile: 'cilium-1.14', runs: 200, seed: 42, runner, invariants: ['lease-scope'] }).failure;
    expect(searched).toBeDefined();
    if (searched === undefined) return;
    const replayed = explore({ profile: 'cilium-1.14', runs: 200, seed: 42, path: searched.path, runner, invariants: ['lease-scope'] }).failure;
    expect(replayed?.spec).toEqual(searched.spec);
  });

  // Why? C02: throttled renewals lose leases and 1.14 never competes again (#30340 fixed it in
  // 1.15). Under tight limits the reacquire checker also fails 1.15 (the first acquisition is
  // throttled past the bound), so the test pins the mechanism: the shrunk scenario's 1.14 elector
  // exits with `lost-not-reacquired`, while 1.15 becomes leader again after losing.
  it('C02 (seed 42): reacquire fails under tight client rate limits; the shrunk 1.14 run loses its lease for good, 1.15 re-acquires', () => {
    const failure = explore({ profile: 'cilium-1.14', runs: 200, seed: 42, runner, rateLimit: 'tight', invariants: ['reacquire'] }).failure;
    expect(failure?.invariant).toBe('reacquire');
    if (failure === undefined) return;
    expect(failure.kind).toBe('liveness');
    expect(failure.spec.rateLimit?.qps).toBeLessThanOrEqual(3);
    const electorOps = (profile: string) => runner(specScenario(failure.spec, profile), { seed: failure.spec.worldSeed }).ops.filter((op) => op.f === 'elector-exit' || op.f === 'lost-leader' || op.f === 'became-leader');
    const buggy = electorOps('cilium-1.14');
    expect(buggy.some((op) => op.f === 'elector-exit' && (op.value as { reason?: string }).reason === 'lost-not-reacquired')).toBe(true);
    const fixed = electorOps('cilium-1.15');
    const firstLoss = fixed.findIndex((op) => op.f === 'lost-leader');
    expect(firstLoss).toBeGreaterThanOrEqual(0);
    expect(fixed.slice(firstLoss).some((op) => op.f === 'became-leader')).toBe(true);
    expect(fixed.some((op) => op.f === 'elector-exit' && (op.value as { reason?: string }).reason === 'lost-not-reacquired')).toBe(false);
  });
});
