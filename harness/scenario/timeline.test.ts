import { describe, expect, it } from 'vitest';
import { BASE_SCENARIO, withLine } from './fixtures.test-helpers.ts';
import { parseScenarioText } from './parse-scenario.ts';
import { expectedVerdicts, nemesisTimeline, withProfile } from './timeline.ts';
import type { Scenario } from './types.ts';

function scenarioOf(text: string): Scenario {
  const { scenario, issues } = parseScenarioText(text, 's.yaml');
  if (scenario === undefined) throw new Error(JSON.stringify(issues));
  return scenario;
}

describe('nemesisTimeline', () => {
  it('turns for into the inverse on the node the occurrence picked, and expands repeat', () => {
    const scenario = scenarioOf(withLine(39, '    node: { holder-of: default/web }\n    for: 3s\n    repeat: { every: 8s, times: 2 }\n  - at: 12s\n    action: api-outage\n  - at: 12s\n    action: thaw\n    node: { target-of: kill }'));
    const timeline = nemesisTimeline(scenario).map((a) => [a.atMs, a.occurrence, a.action]);
    expect(timeline).toEqual([
      [10_000, 'kill@1', { action: 'kill-node', node: { kind: 'holder-of', service: 'default/web' } }],
      [12_000, '#1@1', { action: 'api-outage' }],
      // `target-of: kill` at 12 s means the latest occurrence of `kill` by then.
      [12_000, '#2@1', { action: 'thaw', node: { kind: 'target-of', step: 'kill@1' } }],
      [13_000, 'kill@1/undo', { action: 'restart-node', node: { kind: 'target-of', step: 'kill@1' } }],
      [18_000, 'kill@2', { action: 'kill-node', node: { kind: 'holder-of', service: 'default/web' } }],
      [21_000, 'kill@2/undo', { action: 'restart-node', node: { kind: 'target-of', step: 'kill@2' } }],
    ]);
  });
});

describe('expectedVerdicts', () => {
  const bug = scenarioOf(withLine(4, '  name: base\n  bug: { id: C02, affected: [cilium-1.14], fixed: [cilium-1.15] }').replace('  hold: [one-responder]', '  hold: [one-responder]\n  fail: [reacquire]\n  ignore: [lease-load]'));

  it('demands the bug invariant fail on an affected profile and hold on the fix', () => {
    expect(expectedVerdicts(bug, 'cilium-1.14')).toEqual({ mustHold: ['one-responder'], mustFail: ['reacquire'], ignored: ['lease-load'], affected: true });
    // The file's own profile (cilium-1.16) is not affected either.
    expect(expectedVerdicts(bug)).toEqual(expectedVerdicts(bug, 'cilium-1.15'));
    expect(expectedVerdicts(bug, 'cilium-1.15')).toEqual({ mustHold: ['one-responder', 'reacquire'], mustFail: [], ignored: ['lease-load'], affected: false });
  });

  it('treats fail without a bug block as failing everywhere (a documented gap)', () => {
    const gap = scenarioOf(BASE_SCENARIO.replace('  hold: [one-responder]', '  fail: [failover-bound]'));
    expect(expectedVerdicts(gap, 'reference').mustFail).toEqual(['failover-bound']);
  });
});

describe('withProfile', () => {
  it('overrides the profile and refuses unknown names', () => {
    const scenario = scenarioOf(BASE_SCENARIO);
    expect(withProfile(scenario, 'reference')).toEqual({ scenario: { ...scenario, profile: 'reference' } });
    // The list grows with every profile family (MetalLB, kube-vip): its Cilium head is what is pinned.
    const refused = withProfile(scenario, 'cilium-2');
    expect('error' in refused ? refused.error : '').toMatch(/^unknown profile "cilium-2": expected one of cilium-1\.14, .*cilium-1\.15, .*cilium-1\.16, .*reference/);
  });
});
