import { describe, expect, it } from 'vitest';
import { TIMING_PRESETS } from '../scenario/types.ts';
import { scenarioOf, tinyScenarioText } from './fixtures.test-helpers.ts';
import { runScenarioInSim } from './run-scenario.ts';
import { buildWorld, ScenarioWorldError, worldOptionsFor } from './scenario-world.ts';

const KILL_HOLDER = `nemesis:
  - at: 8s
    id: kill
    action: kill-agent
    node: { holder-of: default/web }
    for: 6s
expectations:
  hold: [one-responder, failover-bound]
`;

describe('scenario → sim world mapping', () => {
  it('maps profile, effective timings, clients (segment by interface name, ARP settings, prefix) and probe plans', () => {
    const plan = worldOptionsFor(scenarioOf(tinyScenarioText()), { seed: 7 });
    expect(plan.profile).toBe('cilium-1.16');
    expect(plan.options.seed).toBe(7);
    expect(plan.options.profile.name).toBe('cilium-1.16');
    expect(plan.options.timing).toEqual(TIMING_PRESETS.fast);
    expect(plan.options.manifests.nodes.map((n) => [n.name, n.interfaces])).toEqual([['n1', ['eth0']], ['n2', ['eth0']]]);
    expect(plan.segmentInterface).toEqual({ lan: 'eth0' });
    const [client] = plan.options.clients ?? [];
    expect(client).toMatchObject({ id: 'c1', segment: 'eth0', probe: { intervalMs: 200, timeoutMs: 500 } });
    expect(client?.neighbour).toMatchObject({ prefixLength: 24, baseReachableTimeMs: 4_000, delayFirstProbeTimeMs: 1_000, retransTimeMs: 300 });
    expect(plan.probes).toEqual({ c1: { services: ['default/web'], intervalMs: 200, timeoutMs: 500 } });
    expect(plan.notes).toEqual([]);
  });

  it('the client rate limit goes to every agent; without probes a client only keeps a cache', () => {
    const text = tinyScenarioText().replace('timings: fast\n', 'timings: fast\nclientRateLimit: { qps: 2, burst: 4 }\n').replace(/workload:[\s\S]*ratePerSecond: 5\n/, '');
    const plan = worldOptionsFor(scenarioOf(text), { seed: 1 });
    expect(plan.options.rateLimit).toEqual({ qps: 2, burst: 4 });
    expect(plan.options.clients?.[0]?.probe).toBe(false);
  });

  it('--profile overrides the scenario profile; an unknown one is an error at the scenario', () => {
    expect(worldOptionsFor(scenarioOf(tinyScenarioText()), { seed: 1, profile: 'reference' }).options.profile.name).toBe('reference');
    expect(() => worldOptionsFor(scenarioOf(tinyScenarioText()), { seed: 1, profile: 'nope' })).toThrow(ScenarioWorldError);
  });

  it('a segment carrying two interface names cannot be represented: ScenarioWorldError with file:line', () => {
    const topology = `topology:
  segments:
    - name: lan
  nodes:
    - name: n1
      interfaces: [{ name: eth0, segment: lan }]
    - name: n2
      interfaces: [{ name: eth1, segment: lan }]
`;
    const scenario = scenarioOf(tinyScenarioText({ topology }).replace(/workload:[\s\S]*ratePerSecond: 5\n/, ''));
    try {
      worldOptionsFor(scenario, { seed: 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioWorldError);
      const issues = (error as ScenarioWorldError).issues;
      expect(issues[0]).toMatchObject({ file: 'tiny.yaml', line: 11 });
      expect(issues[0]?.message).toContain('segment lan carries interfaces eth0, eth1');
    }
  });

  it('an explicit node MAC other than the sim default is a note, not an error', () => {
    const text = tinyScenarioText().replace('- name: n2\n      interfaces: [{ name: eth0, segment: lan }]', '- name: n2\n      interfaces: [{ name: eth0, segment: lan, mac: "02:aa:00:00:00:01" }]');
    expect(worldOptionsFor(scenarioOf(text), { seed: 1 }).notes).toEqual(['n2/eth0: sim uses MAC 02:00:00:00:01:00, not the scenario\'s 02:aa:00:00:00:01']);
  });

  it('buildWorld: the scenario objects are in the store at time 0, nothing has run', () => {
    const world = buildWorld(scenarioOf(tinyScenarioText()), { seed: 1 });
    expect(world.kernel.nowMs).toBe(0);
    expect(world.nodeNames).toEqual(['n1', 'n2']);
    expect(world.service('default/web')).toBeDefined();
    expect(world.clientIds).toEqual(['c1']);
  });
});

describe('running a scenario in sim', () => {
  it('holder-of is resolved when the step fires; the for-inverse hits the same node', () => {
    const out = runScenarioInSim(scenarioOf(tinyScenarioText({ extra: KILL_HOLDER })), { seed: 3 });
    const [kill, restart] = out.steps;
    expect(kill).toMatchObject({ atMs: 8_000, action: 'kill-agent', outcome: 'done' });
    const leaderAtKill = out.ops.filter((op) => op.f === 'became-leader' && op.tMs < 8_000 && JSON.stringify(op.value).includes('default-web')).at(-1);
    expect(kill?.node).toBe(leaderAtKill?.process);
    expect(restart).toMatchObject({ atMs: 14_000, action: 'restart-agent', node: kill?.node, outcome: 'done', inverseOf: 'kill@1' });
    expect(out.results.outcome).toBe('pass');
  });

  it('probes go only to the services the workload names, at the current IPs', () => {
    const out = runScenarioInSim(scenarioOf(tinyScenarioText()), { seed: 3 });
    const webIp = out.ops.filter((op) => op.f === 'service-ips' && JSON.stringify(op.value).includes('default/web')).at(-1);
    const probed = new Set(out.ops.filter((op) => op.f === 'probe' && op.type === 'invoke').map((op) => (op.value as { vip: string }).vip));
    expect(probed.size).toBe(1);
    expect(JSON.stringify(webIp?.value)).toContain([...probed][0]);
  });

  it('edits go through the manifest parser into the store: a relabelled Node, a narrowed policy', () => {
    const extra = `nemesis:
  - at: 5s
    action: edit
    kind: Node
    name: n1
    patch: { metadata: { labels: { zone: a } } }
  - at: 6s
    action: edit
    kind: CiliumL2AnnouncementPolicy
    name: lan
    patch: { spec: { nodeSelector: { matchLabels: { zone: a } } } }
expectations:
  hold: [one-responder, holder-eligible]
`;
    const out = runScenarioInSim(scenarioOf(tinyScenarioText({ extra })), { seed: 3 });
    expect(out.steps.map((s) => s.outcome)).toEqual(['done', 'done']);
    const holders = out.ops.filter((op) => op.f === 'became-leader' && op.tMs > 8_000).map((op) => op.process);
    expect(new Set(holders)).toEqual(new Set(holders.length === 0 ? [] : ['n1']));
    expect(out.results.invariants.find((v) => v.name === 'holder-eligible')?.valid).toBe(true);
  });

  it('an action the sim world does not model is skipped and says so', () => {
    const extra = `nemesis:
  - at: 5s
    action: kill-node
    node: n2
    for: 5s
`;
    const out = runScenarioInSim(scenarioOf(tinyScenarioText({ extra })), { seed: 3 });
    expect(out.steps[1]).toMatchObject({ action: 'restart-node', node: 'n2', outcome: 'skipped', unsupported: true });
  });
});
