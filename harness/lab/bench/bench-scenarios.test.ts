import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../scenario/parse-scenario.ts';
import { nemesisTimeline } from '../../scenario/timeline.ts';
import { bringUpScenario, failoverTrialsScenario, leaseLoadPlan, leaseLoadScenario } from './bench-scenarios.ts';

function parse(yaml: string) {
  const result = parseScenarioText(yaml, 'generated.yaml');
  expect(result.issues).toEqual([]);
  expect(result.warnings).toEqual([]);
  if (result.scenario === undefined) throw new Error('no scenario');
  return result.scenario;
}

describe('lab benchmark scenarios', () => {
  it('failover trials: one kill of the holder per trial, each restarted after downMs, all inside the duration', () => {
    const scenario = parse(failoverTrialsScenario({ trials: 30, everyMs: 10_000, downMs: 6_000, firstKillMs: 15_000 }).yaml);
    const timeline = nemesisTimeline(scenario);
    const kills = timeline.filter((t) => t.action.action === 'kill-agent');
    const restarts = timeline.filter((t) => t.action.action === 'restart-agent');
    expect(kills).toHaveLength(30);
    expect(restarts).toHaveLength(30);
    expect(kills.map((k) => k.atMs).slice(0, 3)).toEqual([15_000, 25_000, 35_000]);
    expect(restarts[0]?.atMs).toBe(21_000);
    expect(scenario.durationMs).toBe(15_000 + 30 * 10_000);
    expect(scenario.timing.effective).toEqual({ leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 });
    expect(scenario.profile).toBe('cilium-1.16');
  });

  it('failover trials: the profile is the caller\'s, and in the name', () => {
    const generated = failoverTrialsScenario({ trials: 2, everyMs: 10_000, downMs: 6_000, firstKillMs: 15_000, profile: 'reference' });
    expect(generated.name).toBe('bench-leader-kill-x2-reference');
    expect(parse(generated.yaml).profile).toBe('reference');
  });

  it('failover trials: refuses a restart that is not before the next kill', () => {
    expect(() => failoverTrialsScenario({ trials: 3, everyMs: 5_000, downMs: 5_000, firstKillMs: 10_000 })).toThrow(/down < every/);
  });

  it('lease load: N nodes all selected, S services, no nemesis, the window declared and ≥ 10 × retryPeriod', () => {
    const options = { nodes: 20, services: 50, timings: 'cilium-default' as const, agentsUpMs: 12_500, windowMs: 30_000 };
    const scenario = parse(leaseLoadScenario(options).yaml);
    expect(scenario.topology.nodes).toHaveLength(20);
    expect(scenario.topology.clients).toHaveLength(0);
    expect(scenario.manifests.services).toHaveLength(50);
    expect(nemesisTimeline(scenario)).toEqual([]);
    expect(scenario.expectations.leaseLoad).toMatchObject({ fromMs: 43_000, toMs: 73_000 });
    expect(scenario.durationMs).toBe(73_000);
    expect(leaseLoadPlan(options)).toEqual({ fromMs: 43_000, toMs: 73_000, durationMs: 73_000 });
    expect(() => leaseLoadPlan({ ...options, timings: 'fast', windowMs: 1_000 })).toThrow(/10 × retryPeriod/);
  });

  it('lease load: refuses more services than the pool holds', () => {
    expect(() => leaseLoadScenario({ nodes: 3, services: 63, timings: 'fast', agentsUpMs: 0, windowMs: 5_000 })).toThrow(/pool/);
  });

  it('bring-up: 3 nodes, one client, one service, 1 s', () => {
    const scenario = parse(bringUpScenario().yaml);
    expect(scenario.topology.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(scenario.topology.clients.map((c) => c.name)).toEqual(['c1']);
    expect(scenario.durationMs).toBe(1_000);
  });
});
