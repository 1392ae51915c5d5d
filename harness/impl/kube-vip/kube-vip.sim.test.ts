/**
 * kube-vip ARP mode in the sim world: a leader failure on `kube-vip-arp` with its failover
 * components (the GARP waits for the ARP loop's next turn), the address a crashed kube-vip leaves
 * answering (K02), the election that stalls after a renew failure (K05), and the verdicts of the
 * K01/K02/K04/K05/K08 bug scenarios on every affected and fixed profile.
 */
import { describe, expect, it } from 'vitest';
import { failoverComponents } from '../../checker/failover-components.ts';
import { checkOneResponder } from '../../checker/one-responder.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { runScenarioInSim } from '../../run/run-scenario.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { ResponderWorld } from '../../sim/responder-world.ts';
import { manifests, simNode, l2Policy, lbPool, lbService, threeNodeCluster } from '../../sim/responder-world.fixtures.ts';

/** The e2e manifest's timings (kube-vip's defaults before 1.1.0). */
const timing = { leaseDurationMs: 5_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000 };

const garpTimes = (w: ResponderWorld, node: string): number[] =>
  w.history.ops().filter((op) => op.f === 'garp-sent' && op.process === node).map((op) => Math.round(op.tMs));

describe('kube-vip-arp: a leader failure', () => {
  const killed = (): { w: ResponderWorld; holder: string; next: string } => {
    const w = new ResponderWorld({ seed: 3, manifests: threeNodeCluster(), profile: getProfile('kube-vip-arp'), timing, clients: [{ id: 'c1', probe: { intervalMs: 100 } }] });
    w.runUntil(10_000);
    const holder = w.holderOf('default/web') ?? '';
    expect(w.leaseNames()).toEqual(['kubevip-default-web']);
    w.killAgent(holder);
    w.runUntil(30_000);
    return { w, holder, next: w.holderOf('default/web') ?? '' };
  };

  it('moves the Lease, and the new holder announces at the ARP loop\'s turns, every 3 s', () => {
    const { w, holder, next } = killed();
    expect(next).not.toBe(holder);
    expect(next).not.toBe('');
    const takeoverMs = w.history.ops().find((op) => op.f === 'became-leader' && op.process === next)?.tMs ?? Infinity;
    const garps = garpTimes(w, next);
    // Not at the takeover: the address is only registered with the loop (pkg/arp/arp.go).
    expect(garps[0]).toBeGreaterThan(takeoverMs);
    expect((garps[0] ?? Infinity) - takeoverMs).toBeLessThanOrEqual(3_000);
    expect(garps.slice(1).map((t, i) => t - (garps[i] ?? 0))).toEqual(garps.slice(1).map(() => 3_000));
  });

  it('yields every failover component: lease, GARP, new MAC answer, client entry, probe', () => {
    const { w } = killed();
    const [row] = failoverComponents(w.history.ops(), w.checkContext());
    expect(row).toBeDefined();
    for (const key of ['leaseTakenOverMs', 'firstGarpMs', 'firstNewMacAnswerMs', 'clientEntryChangedMs', 'firstSuccessfulProbeMs'] as const) expect(row?.[key]).not.toBeNull();
    expect(row?.leaseTakenOverMs ?? Infinity).toBeLessThan(row?.firstGarpMs ?? 0);
  });

  // Why this test? A crashed kube-vip removes nothing: the address stays on the ex-holder's
  // interface and its kernel answers ARP beside the new holder's (K02) — forever, with no liveness
  // cutoff, where Cilium's datapath falls silent after leaseDuration.
  it('leaves the crashed holder\'s address answering beside the new holder (K02)', () => {
    const { w, holder, next } = killed();
    const vip = w.ingressIps('default/web')[0] ?? '';
    const since = w.kernel.nowMs;
    // A client asking once a second for longer than INV-ONE-RESPONDER's handover allowance.
    for (let i = 0; i < 8; i += 1) {
      w.sendArpRequest(vip);
      w.runFor(1_000);
    }
    const repliers = new Set(w.frames('eth0', since, { repliesFor: vip }).map((c) => c.from));
    expect([...repliers].sort()).toEqual([holder, next].sort());
    expect(checkOneResponder(w.history.ops(), w.checkContext()).valid).toBe(false);
  });
});

describe('K05: the election after a renew failure', () => {
  const stalled = (profile: string): { led: string[]; pairs: number; holder: string | undefined } => {
    const cluster = manifests({ nodes: [simNode('n1')], policies: [l2Policy()], pools: [lbPool('pool', '198.18.0.240/28')], services: [lbService('web')] });
    const w = new ResponderWorld({ seed: 1, manifests: cluster, profile: getProfile(profile), timing });
    w.runUntil(10_000);
    expect(w.node('n1').agent.ledServices).toEqual(['default/web']);
    w.partitionApi('n1');
    w.runUntil(18_000);
    w.healApi('n1');
    w.runUntil(45_000);
    return { led: w.node('n1').agent.ledServices, pairs: w.node('n1').map.size, holder: w.holderOf('default/web') };
  };

  it('1.0.1–1.0.3 never compete again: no leader, the address removed, the Lease left to its old holder', () => {
    expect(stalled('kube-vip-1.0.3')).toEqual({ led: [], pairs: 0, holder: 'n1' });
  });

  it('1.0.0 and 1.0.4+ start a new term and take the Lease back once the API answers', () => {
    for (const profile of ['kube-vip-1.0.0', 'kube-vip-1.0.4', 'kube-vip-arp']) expect({ profile, ...stalled(profile) }).toEqual({ profile, led: ['default/web'], pairs: 1, holder: 'n1' });
  });
});

describe('bug scenarios K01, K02, K04, K05, K08: fail on every affected profile, hold on every fixed one', () => {
  for (const file of ['k01-shared-ip-separate-leases.yaml', 'k02-vip-left-on-ex-leader.yaml', 'k04-single-garp.yaml', 'k05-stalled-election-after-api-timeout.yaml', 'k08-per-service-election-load.yaml']) {
    it(file, async () => {
      const { scenario, issues } = await loadScenario(`scenarios/bugs/${file}`);
      expect(issues).toEqual([]);
      if (scenario?.bug === undefined) throw new Error(`${file}: no bug block`);
      const catching = scenario.expectations.fail;
      for (const [profile, affected] of [...scenario.bug.affected.map((p) => [p, true] as const), ...(scenario.bug.fixed ?? []).map((p) => [p, false] as const)]) {
        const out = runScenarioInSim(scenario, { seed: scenario.seed ?? 1, profile });
        const verdicts = out.results.invariants.filter((v) => catching.includes(v.name)).map((v) => v.valid);
        expect({ profile, verdicts, unmet: out.results.unmet }).toEqual({ profile, verdicts: catching.map(() => !affected), unmet: [] });
      }
    });
  }
});
