import { describe, expect, it } from 'vitest';
import { TIMING_PRESETS } from '../scenario/types.ts';
import { scenarioOf, tinyScenarioText } from './fixtures.test-helpers.ts';
import type { HistoryOp } from '../core/history.ts';
import { judgeRun } from './judge.ts';
import { SIM_UNSUPPORTED } from './nemesis-driver.ts';
import { runScenarioInSim, startScenarioRun } from './run-scenario.ts';
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

  it('a restart of a node that is running is skipped with the reason (the sim models the action)', () => {
    const extra = `nemesis:
  - at: 5s
    action: restart-node
    node: n2
`;
    const out = runScenarioInSim(scenarioOf(tinyScenarioText({ extra })), { seed: 3 });
    expect(out.steps).toEqual([{ atMs: 5_000, occurrence: '#0@1', action: 'restart-node', node: 'n2', outcome: 'skipped', reason: 'restart-node: n2 is running (only a killed node boots again)' }]);
  });
});

describe('nemesis actions the sim world models: restart-node, netem, partition-nodes', () => {
  it('the sim world skips no action as unsupported', () => {
    expect(SIM_UNSUPPORTED).toEqual({});
  });

  it('kill-node for 4 s: the holder boots again and, when the other node dies, wins the Lease back', () => {
    const extra = `nemesis:
  - at: 6s
    id: kill
    action: kill-node
    node: { holder-of: default/web }
    for: 4s
  - at: 14s
    action: kill-node
    node: { holder-of: default/web }
expectations:
  hold: [one-responder, holder-answers, failover-bound, reacquire]
`;
    const out = runScenarioInSim(scenarioOf(tinyScenarioText({ extra })), { seed: 3 });
    const [kill, restart, second] = out.steps;
    expect(restart).toMatchObject({ atMs: 10_000, action: 'restart-node', node: kill?.node, outcome: 'done' });
    expect(second?.node).not.toBe(kill?.node);
    expect(out.ops.filter((op) => op.f === 'restart-node').map((op) => op.value)).toEqual([{ node: kill?.node }]);
    const webLeaders = out.ops.filter((op) => op.f === 'became-leader' && JSON.stringify(op.value).includes('default-web')).map((op) => op.process);
    expect(webLeaders.at(-1)).toBe(kill?.node);
    expect(out.results.failover.rows.filter((row) => row.service === 'default/web')).toHaveLength(2);
    expect(out.results.outcome).toBe('pass');
  });

  it('netem: 100 % loss on the holder\'s API path moves the Lease; a client delay slows its probes; both cleared', () => {
    const extra = `nemesis:
  - at: 4s
    id: slow-client
    action: netem
    client: c1
    delay: 30ms
    for: 12s
  - at: 6s
    id: cut
    action: netem
    node: { holder-of: default/web }
    iface: mgmt
    loss: 100
    for: 6s
expectations:
  hold: [one-responder, holder-answers, reacquire]
`;
    const out = runScenarioInSim(scenarioOf(tinyScenarioText({ extra })), { seed: 3 });
    expect(out.steps.map((s) => [s.action, s.outcome])).toEqual([['netem', 'done'], ['netem', 'done'], ['netem-clear', 'done'], ['netem-clear', 'done']]);
    const victim = out.steps[1]?.node;
    expect(out.ops.filter((op) => op.f === 'netem').map((op) => op.value)).toEqual([
      { client: 'c1', delayMs: 30, jitterMs: 0, lossPercent: 0 },
      { node: victim, iface: 'mgmt', delayMs: 0, jitterMs: 0, lossPercent: 100 },
    ]);
    const leaders = out.ops.filter((op) => op.f === 'became-leader' && op.tMs > 6_000 && op.tMs < 12_000 && JSON.stringify(op.value).includes('default-web')).map((op) => op.process);
    expect(leaders.length).toBeGreaterThan(0);
    expect(leaders).not.toContain(victim);
    const rtt = (from: number, to: number): number[] => out.ops.filter((op) => op.f === 'probe' && op.type === 'ok' && op.tMs > from && op.tMs < to).map((op) => (op.value as { rttMs: number }).rttMs);
    expect(Math.min(...rtt(4_100, 5_900))).toBeGreaterThanOrEqual(30);
    expect(Math.max(...rtt(2_000, 3_900))).toBeLessThan(30);
    expect(out.results.outcome).toBe('pass');
  });

  it('partition-nodes: the bridge drops frames between the groups, elections and probes are unaffected, heal-nodes ends it', () => {
    const extra = `nemesis:
  - at: 0s
    action: partition-nodes
    groups: [[n1], [n2]]
    for: 10s
expectations:
  hold: [one-responder, holder-answers, reacquire]
`;
    const scenario = scenarioOf(tinyScenarioText({ extra }));
    const run = startScenarioRun(scenario, { seed: 3 });
    run.advanceTo(scenario.durationMs);
    expect(run.steps.map((s) => [s.atMs, s.action, s.outcome])).toEqual([[0, 'partition-nodes', 'done'], [10_000, 'heal-nodes', 'done']]);
    expect(run.world.history.ops().filter((op) => op.f === 'partition-nodes').map((op) => op.value)).toEqual([{ groups: [['n1'], ['n2']] }]);
    expect(run.world.segment('eth0').counters.partitioned).toBeGreaterThan(0);
    const plain = runScenarioInSim(scenarioOf(tinyScenarioText({ extra: 'expectations:\n  hold: [one-responder]\n' })), { seed: 3 });
    const leaders = (ops: readonly HistoryOp[]) => ops.filter((op) => op.f === 'became-leader').map((op) => [op.tMs, op.process]);
    expect(leaders(run.world.history.ops())).toEqual(leaders(plain.ops));
    expect(judgeRun(run.world.history.ops(), run.judgeInput()).outcome).toBe('pass');
  });
});
