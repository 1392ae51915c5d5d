import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../model/parse/issue.ts';
import { loadScenario } from './load-scenario.ts';
import { parseScenarioText } from './parse-scenario.ts';
import { renderScenarioYaml } from './render-scenario.ts';
import { stripSources } from './strip-sources.ts';

/** Every scenario file the project ships: `scenarios/*.yaml`, `bugs/`, `regressions/`. */
function scenarioFiles(): string[] {
  const root = new URL('../../scenarios/', import.meta.url).pathname;
  return ['', 'bugs', 'regressions'].flatMap((sub) => {
    const dir = join(root, sub);
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort().map((f) => join(dir, f));
    } catch {
      return []; // bugs/ and regressions/ appear later
    }
  });
}

describe('shipped scenario files', () => {
  const files = scenarioFiles();

  it('include the issue 4 and issue 5 suites', () => {
    const names = files.map((f) => f.split('/').pop());
    for (const name of ['leader-kill', 'node-kill', 'freeze', 'api-partition', 'api-outage', 'selector-change', 'pool-edit', 'data-link-down']) expect(names).toContain(`${name}.yaml`);
  });

  it.each(files)('%s loads with no issues and no warnings', async (file) => {
    const result = await loadScenario(file);
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.warnings.map(formatIssue)).toEqual([]);
    expect(result.scenario?.name).toBe(file.split('/').pop()?.replace(/\.ya?ml$/, ''));
    expect(result.scenario?.topology.nodes.length).toBeGreaterThan(0);
  });

  it.each(files)('%s renders to a file that parses back to the same scenario', async (file) => {
    const { scenario } = await loadScenario(file);
    if (scenario === undefined) throw new Error(`${file} did not load`);
    const again = parseScenarioText(renderScenarioYaml(scenario), 'rendered.yaml');
    expect(again.issues.map(formatIssue)).toEqual([]);
    expect(stripSources(again.scenario)).toEqual(stripSources(scenario));
  });
});
