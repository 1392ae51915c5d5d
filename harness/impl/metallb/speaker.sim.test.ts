/**
 * Why this test? The MetalLB profile must behave as MetalLB in the whole sim world, not only in
 * its pure parts: a dead announcer is replaced by the next node in hash rank after memberlist's
 * detection delay, with the gARP burst, and without a single Lease; a gossip cut splits the
 * announcement and a rejoin merges it; and the four bug scenarios reproduce (fail on every affected
 * profile, hold on every fixed one).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMBERLIST_LAN, type MetallbSwitches } from '../../profiles/metallb-switches.ts';
import type { Profile } from '../../profiles/profile.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { runScenarioInSim } from '../../run/run-scenario.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { parseScenarioText } from '../../scenario/parse-scenario.ts';
import { ResponderWorld } from '../../sim/responder-world.ts';
import { threeNodeCluster } from '../../sim/responder-world.fixtures.ts';
import { rankAnnouncers } from './election.ts';
import { detectionBoundMs, suspicionMinMs } from './memberlist-timing.ts';

const WEB = 'default/web';
const NODES = ['n1', 'n2', 'n3'];

function world(seed = 1): ResponderWorld {
  return new ResponderWorld({ seed, manifests: threeNodeCluster(), profile: getProfile('metallb-l2'), clients: [{ id: 'c1', probe: { intervalMs: 100 } }] });
}

const announcers = (w: ResponderWorld): string[] => w.nodeNames.filter((n) => w.node(n).agent.table.length > 0);

describe('metallb-l2 in the sim world', () => {
  it('the hash winner of the IP announces, with no Lease in the store', () => {
    const w = world();
    w.runUntil(10_000);
    const [ip] = w.ingressIps(WEB);
    if (ip === undefined) throw new Error('no IP allocated');
    const [first] = rankAnnouncers(NODES, new Set(NODES), ip);
    expect(announcers(w)).toEqual([first]);
    expect(w.holderOf(WEB)).toBe(first);
    expect(w.leaseNames()).toEqual([]);
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the announcer's speaker crashes; the next in rank takes over after memberlist's detection and sends the 5-gARP burst`, () => {
      const w = world(seed);
      w.runUntil(10_000);
      const [ip = ''] = w.ingressIps(WEB);
      const [first = '', second = ''] = rankAnnouncers(NODES, new Set(NODES), ip);
      w.killAgent(first);
      w.runUntil(25_000);
      expect(announcers(w)).toEqual([second]);
      const took = w.history.ops().find((op) => op.f === 'became-leader' && op.process === second && op.tMs > 10_000);
      const delayMs = (took?.tMs ?? Number.NaN) - 10_000;
      expect(delayMs).toBeGreaterThanOrEqual(suspicionMinMs(3, MEMBERLIST_LAN));
      expect(delayMs).toBeLessThanOrEqual(detectionBoundMs(3, MEMBERLIST_LAN));
      const garps = w.history.ops().filter((op) => op.f === 'garp-sent' && op.process === second).map((op) => Math.round(op.tMs - (took?.tMs ?? 0)));
      expect(garps).toEqual([0, 1_100, 2_200, 3_300, 4_400]);
      // The crashed speaker took its in-process responder with it: no answer from its MAC after the kill.
      const firstMac = w.node(first).interfaceMacs.get('eth0');
      expect(w.frames('eth0', 10_001).filter((c) => c.frame.senderMac === firstMac && c.frame.senderIp === ip)).toEqual([]);
    });
  }

  it('the restarted speaker of the first-ranked node takes the IP back (the election is deterministic)', () => {
    const w = world();
    w.runUntil(10_000);
    const [first = ''] = rankAnnouncers(NODES, new Set(NODES), w.ingressIps(WEB)[0] ?? '');
    w.killAgent(first);
    w.runUntil(20_000);
    w.restartAgent(first);
    w.runUntil(25_000);
    expect(announcers(w)).toEqual([first]);
  });

  it('a frozen announcer is declared dead and replaced; after the thaw its next push/pull merges it back and it announces alone again', () => {
    const w = world();
    w.runUntil(5_000);
    const [first = '', second = ''] = rankAnnouncers(NODES, new Set(NODES), w.ingressIps(WEB)[0] ?? '');
    w.freezeAgent(first);
    w.runUntil(15_000);
    expect(announcers(w).filter((n) => n !== first)).toEqual([second]);
    w.thawAgent(first);
    w.runUntil(15_000 + MEMBERLIST_LAN.pushPullIntervalMs + 2_000);
    expect(announcers(w)).toEqual([first]);
  });

  it('a gossip cut splits the announcement after the suspicion timeout; the one-minute rejoin merges it', () => {
    const w = world();
    w.runUntil(5_000);
    const [first = '', second = ''] = rankAnnouncers(NODES, new Set(NODES), w.ingressIps(WEB)[0] ?? '');
    w.partitionNodes([[first], NODES.filter((n) => n !== first)]);
    w.runUntil(15_000);
    expect(announcers(w).sort()).toEqual([first, second].sort());
    w.healNodes();
    w.runUntil(55_000);
    expect(announcers(w).sort()).toEqual([first, second].sort());
    w.runUntil(62_000);
    expect(announcers(w)).toEqual([first]);
  });
});

describe('each MetalLB switch changes what the speakers do', () => {
  const base = getProfile('metallb-l2');
  const switches = base.metallb;
  if (switches === undefined) throw new Error('metallb-l2 has no metallb switches');
  const withSwitch = (over: Partial<MetallbSwitches>): Profile => ({ ...base, metallb: { ...switches, ...over } });
  const garpTimes = (w: ResponderWorld, node: string, fromMs: number) => w.history.ops().filter((op) => op.f === 'garp-sent' && op.process === node && op.tMs >= fromMs).map((op) => Math.round(op.tMs));

  it('garpOnMemberJoin (PR #736): a restarted speaker joining makes the owner re-send its burst', () => {
    const run = (garpOnMemberJoin: boolean) => {
      const w = new ResponderWorld({ seed: 1, manifests: threeNodeCluster(), profile: withSwitch({ garpOnMemberJoin }) });
      w.runUntil(10_000);
      const [first = '', , third = ''] = rankAnnouncers(NODES, new Set(NODES), w.ingressIps(WEB)[0] ?? '');
      w.killAgent(third);
      w.runUntil(20_000);
      w.restartAgent(third);
      w.runUntil(30_000);
      return garpTimes(w, first, 20_000).length;
    };
    expect(run(true)).toBe(5);
    expect(run(false)).toBe(0);
  });

  it('rejoinIntervalMs (PR #662): without it a healed gossip cut stays split', () => {
    const run = (rejoinIntervalMs: number | undefined) => {
      const w = new ResponderWorld({ seed: 1, manifests: threeNodeCluster(), profile: withSwitch({ rejoinIntervalMs }) });
      w.runUntil(5_000);
      const [first = ''] = rankAnnouncers(NODES, new Set(NODES), w.ingressIps(WEB)[0] ?? '');
      w.partitionNodes([[first], NODES.filter((n) => n !== first)]);
      w.runUntil(15_000);
      w.healNodes();
      w.runUntil(130_000);
      return announcers(w).length;
    };
    expect(run(60_000)).toBe(1);
    expect(run(undefined)).toBe(2);
  });

  it('gratuitousArpIntervalMs (M06, main): the owner re-announces every interval while it keeps the IP', () => {
    const run = (gratuitousArpIntervalMs: number) => {
      const w = new ResponderWorld({ seed: 1, manifests: threeNodeCluster(), profile: withSwitch({ gratuitousArpIntervalMs }) });
      w.runUntil(100_000);
      const [first = ''] = rankAnnouncers(NODES, new Set(NODES), w.ingressIps(WEB)[0] ?? '');
      return garpTimes(w, first, 10_000).length;
    };
    expect(run(0)).toBe(0);
    expect(run(30_000)).toBe(3);
  });

  it('interfacesField (M07, PR #1536): without it the owner announces on every interface', () => {
    const run = (interfacesField: boolean) => {
      const cluster = threeNodeCluster();
      const nodes = cluster.nodes.map((n) => ({ ...n, interfaces: ['eth0', 'eth1'] }));
      const policies = cluster.policies.map((p) => ({ ...p, interfaces: ['^eth0$'] }));
      const w = new ResponderWorld({ seed: 1, manifests: { ...cluster, nodes, policies }, profile: withSwitch({ interfacesField }) });
      w.runUntil(5_000);
      return [...new Set(w.nodeNames.flatMap((n) => w.node(n).agent.table.map((e) => e.interface)))].sort();
    };
    expect(run(true)).toEqual(['eth0']);
    expect(run(false)).toEqual(['eth0', 'eth1']);
  });
});

describe('the leader-kill failover components on metallb-l2', () => {
  it('lease takeover = first gARP = the survivors marking the dead speaker failed; the client follows at once', async () => {
    const { scenario, issues } = await loadScenario('scenarios/leader-kill.yaml');
    expect(issues).toEqual([]);
    if (scenario === undefined) return;
    for (const seed of [1, 2, 3, 4, 5]) {
      const out = runScenarioInSim(scenario, { seed, profile: 'metallb-l2' });
      const [row] = out.results.failover.rows;
      expect(row?.leaseTakenOverMs).toBeGreaterThanOrEqual(suspicionMinMs(3, MEMBERLIST_LAN));
      expect(row?.leaseTakenOverMs).toBeLessThanOrEqual(detectionBoundMs(3, MEMBERLIST_LAN));
      expect(row?.firstGarpMs).toBe(row?.leaseTakenOverMs);
      expect(row?.clientEntryChangedMs).not.toBeNull();
      expect(row?.firstSuccessfulProbeMs).not.toBeNull();
      const verdict = (name: string) => out.results.invariants.find((v) => v.name === name)?.valid;
      expect(['one-responder', 'holder-answers', 'failover-bound', 'reacquire'].map(verdict)).toEqual([true, true, true, true]);
    }
  });
});

describe('MetalLB bug scenarios (scenarios/bugs/m*.yaml)', () => {
  const files = readdirSync('scenarios/bugs').filter((f) => /^m\d\d-.*\.yaml$/.test(f)).sort();

  it('M02, M03, M06 and M07 are there', () => {
    expect(files.map((f) => f.slice(0, 3))).toEqual(['m02', 'm03', 'm06', 'm07']);
  });

  for (const file of files) {
    it(`${file}: the invariant fails on every affected profile and holds on every fixed one`, async () => {
      const { scenario, issues } = await loadScenario(join('scenarios/bugs', file));
      expect(issues).toEqual([]);
      const bug = scenario?.bug;
      if (scenario === undefined || bug === undefined) throw new Error(`${file}: no bug block`);
      for (const profile of [...bug.affected, ...bug.fixed]) {
        const out = runScenarioInSim(scenario, { seed: scenario.seed ?? 1, profile });
        expect({ profile, outcome: out.results.outcome, unmet: out.results.unmet }).toEqual({ profile, outcome: 'pass', unmet: [] });
        const caught = out.results.invariants.filter((v) => scenario.expectations.fail.includes(v.name)).map((v) => v.valid);
        expect({ profile, caught }).toEqual({ profile, caught: caught.map(() => bug.affected.includes(profile) ? false : true) });
      }
    });
  }

  it('a MetalLB manifest parses into the model: L2Advertisement → policy per node selector, IPAddressPool → range and CIDR blocks', () => {
    const { scenario, issues } = parseScenarioText(
      `apiVersion: l2lab.io/v1alpha1
kind: Scenario
metadata: { name: parse }
profile: metallb-l2
duration: 1s
topology:
  segments: [{ name: lan }]
  nodes: [{ name: n1, interfaces: [{ name: eth0, segment: lan }] }]
manifests: |
  apiVersion: metallb.io/v1beta1
  kind: IPAddressPool
  metadata: { name: p }
  spec: { addresses: [198.18.0.240/29, 198.18.0.250-198.18.0.251] }
  ---
  apiVersion: metallb.io/v1beta1
  kind: L2Advertisement
  metadata: { name: a }
  spec:
    interfaces: [eth0]
    nodeSelectors: [{ matchLabels: { a: "1" } }, { matchLabels: { b: "1" } }]
`,
      'parse.yaml',
    );
    expect(issues).toEqual([]);
    expect(scenario?.manifests.pools.map((p) => p.blocks)).toEqual([[{ cidr: '198.18.0.240/29' }, { start: '198.18.0.250', stop: '198.18.0.251' }]]);
    expect(scenario?.manifests.policies.map((p) => [p.name, p.interfaces, p.nodeSelector?.matchLabels])).toEqual([
      ['a#0', ['^eth0$'], { a: '1' }],
      ['a#1', ['^eth0$'], { b: '1' }],
    ]);
  });
});
