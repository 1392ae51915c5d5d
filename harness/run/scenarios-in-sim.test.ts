/**
 * Every scenario in `scenarios/` runs in sim and meets its expectations at its own seed and on a
 * few more seeds (a scenario that only passes at one seed is a flaky CI job waiting to happen).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/load-scenario.ts';
import { runScenarioInSim } from './run-scenario.ts';

const DIR = 'scenarios';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const EXTRA_SEEDS = [2, 3, 4];

describe('scenarios/ in sim', () => {
  it('the scenario folder has the issue-4 scenarios', () => {
    expect(files).toEqual(expect.arrayContaining(['leader-kill.yaml', 'node-kill.yaml', 'freeze.yaml', 'api-partition.yaml', 'api-outage.yaml', 'selector-change.yaml', 'pool-edit.yaml']));
  });

  for (const file of files) {
    it(`${file}: every expectation met (own seed and seeds ${EXTRA_SEEDS.join(', ')}), every nemesis step performed or explained`, async () => {
      const { scenario, issues } = await loadScenario(join(DIR, file));
      expect(issues).toEqual([]);
      if (scenario === undefined || !scenario.worlds.includes('sim')) return;
      for (const seed of [scenario.seed ?? 1, ...EXTRA_SEEDS]) {
        const out = runScenarioInSim(scenario, { seed });
        expect({ seed, outcome: out.results.outcome, unmet: out.results.unmet }).toEqual({ seed, outcome: 'pass', unmet: [] });
        for (const step of out.steps) if (step.outcome === 'skipped') expect(step.reason).toBeTruthy();
        // Every kill of a holder shows a complete failover (lease, GARP, client entry, probe).
        for (const row of out.results.failover.rows) expect([row.leaseTakenOverMs, row.firstGarpMs].includes(null)).toBe(false);
      }
    });
  }
});
