/**
 * End-to-end checks on recorded world histories: ResponderWorld scenarios (3 nodes, a few
 * services, fast timings 3 s / 1 s / 200 ms, a probing client), then every invariant checker and
 * the failover components on the history alone — the checkers must agree with what the world did.
 * Seeds are literal: a run is deterministic, and where a bug shows only when a particular node
 * wins, the seed is the one where it does (the test says which).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../core/history.ts';
import type { L2AnnouncementPolicy, Service } from '../model/types.ts';
import { checkAllInvariants } from '../checker/invariants.ts';
import { resolveBounds } from '../checker/context.ts';
import { failoverComponents } from '../checker/failover-components.ts';
import { historyToJsonl } from '../history/jsonl.ts';
import { getProfile } from '../profiles/profiles.ts';
import { ResponderWorld, type ResponderWorldOptions, type SimClientSpec } from './responder-world.ts';
import { backend, l2Policy, lbPool, lbService, manifests, simNode, threeNodeCluster } from './responder-world.fixtures.ts';

const FAST = { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };
/** A client with quick neighbour timers (so a failover settles within seconds) probing every 200 ms. */
const CLIENT: SimClientSpec = { id: 'c1', neighbour: { baseReachableTimeMs: 4_000, delayFirstProbeTimeMs: 1_000, retransTimeMs: 300 }, probe: { intervalMs: 200, timeoutMs: 400 } };
const FIVE = ['a', 'b', 'c', 'd', 'e'].map((name) => lbService(name));

function world(over: Partial<ResponderWorldOptions> = {}): ResponderWorld {
  return new ResponderWorld({ seed: 1, manifests: threeNodeCluster(FIVE), profile: getProfile('cilium-1.16'), timing: FAST, clients: [CLIENT], ...over });
}
const verdicts = (w: ResponderWorld, leaseLoad = false): Record<string, boolean | 'unknown'> => {
  const result = checkAllInvariants(w.history.ops(), w.checkContext(leaseLoad ? { leaseLoad: {} } : {}));
  return Object.fromEntries(Object.entries(result.results).map(([name, r]) => [name, r.valid]));
};
const count = (ops: readonly HistoryOp[], f: string, type?: string): number => ops.filter((op) => op.f === f && (type === undefined || op.type === type)).length;

describe('world histories: a clean run', () => {
  it('every invariant holds — none unknown — and every probe after the first round is answered', () => {
    const w = world();
    w.runUntil(30_000);
    expect(verdicts(w, true)).toEqual({
      'lease-scope': true, 'one-responder': true, 'holder-eligible': true, 'holder-answers': true, 'ip-stability': true, 'pool-bounds': true,
      'shared-ip-one-node': true, 'iface-scope': true, 'failover-bound': true, reacquire: true, 'new-ip-announced': true, 'lease-load': true,
    });
    const ops = w.history.ops();
    expect(count(ops, 'announce-expected')).toBeGreaterThanOrEqual(5);
    expect(count(ops, 'pool-state')).toBe(1);
    expect(count(ops, 'service-ips')).toBe(5);
    expect(count(ops, 'probe', 'fail')).toBe(0);
    expect(count(ops, 'probe', 'ok')).toBe(count(ops, 'probe', 'invoke') - 5); // the last round is in flight
  });
});

describe('world histories: failover', () => {
  it('kill the leader node: failover-bound holds and each component is present, ordered and bounded', () => {
    const w = world();
    w.runUntil(10_000);
    const victim = w.holderOf('default/a') as string;
    w.killNode(victim);
    w.runUntil(30_000);
    const context = w.checkContext();
    expect(verdicts(w)['failover-bound']).toBe(true);
    const rows = failoverComponents(w.history.ops(), context);
    const led = FIVE.filter((s) => rows.some((r) => r.service === `default/${s.name}`));
    expect(led.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(led.length);
    const { failoverMs } = resolveBounds(context);
    // Client side: a GARP inside the locktime of the entry's last update is ignored (Cilium's GARP
    // reply is not arp_is_garp), so the entry may wait for its own PROBE cycle to fail and
    // re-resolve: at most 1.5 × base reachable + delay_first_probe + (ucast_solicit + 1) × retrans.
    const neighbourWorstMs = 1.5 * 4_000 + 1_000 + 4 * 300;
    for (const row of rows) {
      expect(row.deadNode).toBe(victim);
      expect(row.newHolder).not.toBe(victim);
      const { leaseTakenOverMs, firstGarpMs, clientEntryChangedMs, firstSuccessfulProbeMs } = row;
      for (const component of [leaseTakenOverMs, firstGarpMs, clientEntryChangedMs, firstSuccessfulProbeMs]) expect(component).not.toBeNull();
      expect(0).toBeLessThanOrEqual(leaseTakenOverMs as number);
      expect(leaseTakenOverMs).toBeLessThanOrEqual(firstGarpMs as number);
      expect(firstGarpMs).toBeLessThanOrEqual(clientEntryChangedMs as number);
      expect(clientEntryChangedMs).toBeLessThanOrEqual(firstSuccessfulProbeMs as number);
      expect(firstGarpMs).toBeLessThanOrEqual(failoverMs);
      expect(clientEntryChangedMs).toBeLessThanOrEqual((firstGarpMs as number) + neighbourWorstMs);
      expect(firstSuccessfulProbeMs).toBeLessThanOrEqual((clientEntryChangedMs as number) + 200 + 1);
    }
  });
});

describe('world histories: profile bugs the checkers must catch', () => {
  // Why? C01: 1.14 elects a leader for a policy-selected ClusterIP service with nothing to announce.
  it('C01: lease-scope fails on cilium-1.14 and holds on cilium-1.15', () => {
    const cluster = threeNodeCluster([lbService('web'), lbService('dns', { type: 'ClusterIP' })]);
    const leaseScope = (profile: string): boolean | 'unknown' | undefined => {
      const w = world({ profile: getProfile(profile), manifests: cluster });
      w.runUntil(10_000);
      return verdicts(w)['lease-scope'];
    };
    expect(leaseScope('cilium-1.14')).toBe(false);
    expect(leaseScope('cilium-1.15')).toBe(true);
  });

  // Why? C02: throttled renewals lose leases; 1.14 never competes again, 1.15 (#30340) does.
  it('C02: under QPS 2 / burst 4, reacquire fails on cilium-1.14 and holds on cilium-1.15', () => {
    const services = Array.from({ length: 12 }, (_, i) => lbService(`svc${i}`));
    const cluster = manifests({ nodes: [simNode('n1'), simNode('n2')], policies: [l2Policy()], pools: [lbPool('pool', '192.168.10.0/24', { cidrsCount: 1 })], services });
    const reacquire = (profile: string): boolean | 'unknown' | undefined => {
      const w = new ResponderWorld({ seed: 5, manifests: cluster, profile: getProfile(profile), rateLimit: { qps: 2, burst: 4 } });
      w.runUntil(120_000);
      return verdicts(w)['reacquire'];
    };
    expect(reacquire('cilium-1.14')).toBe(false);
    expect(reacquire('cilium-1.15')).toBe(true);
  });

  // Why? C04: before 1.20.2 a node without a local backend competes for an eTP=Local service and
  // may win (seed 1: n1 wins, the backend is on n3); 1.20.2 gates it.
  it('C04: holder-eligible fails on cilium-1.16 when a no-backend node wins, holds on cilium-1.20.2', () => {
    const cluster = { ...threeNodeCluster([lbService('web', { externalTrafficPolicy: 'Local', selector: { app: 'web' } })]), endpoints: [backend('web', 'n3')] };
    const run = (profile: string): { holder: string | undefined; eligible: boolean | 'unknown' | undefined; probesOk: number } => {
      const w = world({ profile: getProfile(profile), manifests: cluster });
      w.runUntil(10_000);
      return { holder: w.holderOf('default/web'), eligible: verdicts(w)['holder-eligible'], probesOk: count(w.history.ops(), 'probe', 'ok') };
    };
    const buggy = run('cilium-1.16');
    expect(buggy.holder).not.toBe('n3');
    expect(buggy.eligible).toBe(false);
    expect(buggy.probesOk).toBe(0); // the data plane drops eTP=Local traffic without a local backend
    const fixed = run('cilium-1.20.2');
    expect(fixed.holder).toBe('n3');
    expect(fixed.eligible).toBe(true);
    expect(fixed.probesOk).toBeGreaterThan(0);
  });
});

describe('world histories: determinism', () => {
  it('one seed gives a byte-identical history, clients and probes included', () => {
    const run = (seed: number): string => {
      const w = world({ seed, link: { jitterMs: 0.5, lossRate: 0.01 } });
      w.runUntil(10_000);
      w.killNode(w.holderOf('default/a') as string);
      w.runUntil(20_000);
      return historyToJsonl(w.history.ops());
    };
    const first = run(7);
    expect(first).toContain('"f":"probe"');
    expect(first).toContain('"f":"neigh-changed"');
    expect(run(7)).toBe(first);
    expect(run(8)).not.toBe(first);
  });
});

describe('world histories: shared IPs', () => {
  const sharing = { 'lbipam.cilium.io/sharing-key': 'k' };
  const cluster = threeNodeCluster([
    lbService('web', { annotations: sharing, ports: [{ port: 80, protocol: 'TCP' }] }),
    lbService('web-tls', { annotations: sharing, ports: [{ port: 443, protocol: 'TCP' }] }),
  ]);
  const run = (profile: string, seed: number): { ips: string[][]; verdict: boolean | 'unknown' | undefined; holders: (string | undefined)[] } => {
    const w = world({ seed, profile: getProfile(profile), manifests: cluster });
    w.runUntil(10_000);
    return { ips: [w.ingressIps('default/web'), w.ingressIps('default/web-tls')], verdict: verdicts(w)['shared-ip-one-node'], holders: [w.holderOf('default/web'), w.holderOf('default/web-tls')] };
  };

  // Why? M03/K01/C22: one Lease per service lets two nodes announce one IP (seed 2: they differ).
  it('separate leases (cilium-1.16): shared-ip-one-node fails when the two Leases have different holders', () => {
    const buggy = run('cilium-1.16', 2);
    expect(buggy.ips[0]).toEqual(buggy.ips[1]);
    expect(buggy.holders[0]).not.toBe(buggy.holders[1]);
    expect(buggy.verdict).toBe(false);
  });

  it('reference (services sharing an IP elect together): one Lease, shared-ip-one-node holds', () => {
    for (const seed of [1, 2, 3]) {
      const fixed = run('reference', seed);
      expect(fixed.ips[0]).toEqual(fixed.ips[1]);
      expect(fixed.holders[1]).toBeUndefined(); // web-tls elects on web's Lease
      expect(fixed.verdict).toBe(true);
    }
  });
});

describe('world histories: policies whose interfaces or IP types leave nothing to answer (reference)', () => {
  const run = (policy: L2AnnouncementPolicy, service: Service, profile = 'reference'): { expected: HistoryOp[]; verdict: Record<string, boolean | 'unknown'>; leases: string[] } => {
    const w = world({ seed: 0, profile: getProfile(profile), clients: [], manifests: manifests({ nodes: [simNode('n1')], services: [service], policies: [policy], pools: [lbPool('pool', '198.18.0.128/28')] }) });
    w.runUntil(15_000);
    return { expected: w.history.ops().filter((op) => op.f === 'announce-expected'), verdict: verdicts(w), leases: w.leaseNames() };
  };

  // Why? explore's reference-lease-scope-s42: `interfaces: [^wlan]` matches no device; Cilium's
  // candidacy ignores interfaces, so n1 holds a Lease that INV-LEASE-SCOPE's definition allows.
  // Under reference (candidacyRequiresDevice, reference-new-ip-announced-s2) n1 does not compete.
  it('a policy matching no device: in scope on cilium-1.20.2, nothing owed; on reference nobody competes', () => {
    const noDevice = l2Policy('p1', { interfaces: ['^wlan'], loadBalancerIPs: false, externalIPs: true });
    const service = lbService('s1', { type: 'ClusterIP', externalIPs: ['198.18.0.200'] });
    const cilium = run(noDevice, service, 'cilium-1.20.2');
    expect(cilium.expected.at(-1)?.value).toMatchObject({ announceable: false, leaseInScope: true, eligibleNodes: ['n1'] });
    expect(cilium.leases).toEqual(['cilium-l2announce-default-s1']);
    expect(cilium.verdict).toMatchObject({ 'lease-scope': true, 'new-ip-announced': true, reacquire: true });
    const reference = run(noDevice, service);
    expect(reference.expected.at(-1)?.value).toEqual({ service: 'default/s1', lease: 'cilium-l2announce-default-s1', announceable: false, eligibleNodes: [] });
    expect(reference.leases).toEqual([]);
    expect(reference.verdict).toMatchObject({ 'lease-scope': true, 'new-ip-announced': true, reacquire: true });
  });

  // Why? explore (reference, round 2, seed 5): p1 enables externalIPs on every device, p2 announces
  // the LB IP on eth1 only. The node-level interfaces-selected says eth0 and eth1, yet the LB IP is
  // programmed on eth1 alone: announce-expected's lbIfaces says so, and nothing is owed on eth0.
  it('a LB IP announced on eth1 only is owed no answer on eth0, which another policy selects for externalIPs', () => {
    const w = world({ seed: 0, profile: getProfile('reference'), manifests: manifests({ nodes: [simNode('n1', {}, ['eth0', 'eth1'])], services: [lbService('s1')], policies: [l2Policy('p1', { loadBalancerIPs: false, externalIPs: true }), l2Policy('p2', { interfaces: ['eth1'] })], pools: [lbPool('pool', '198.18.0.128/28')] }) });
    w.runUntil(10_000);
    expect(w.history.ops().filter((op) => op.f === 'announce-expected').at(-1)?.value).toMatchObject({ announceable: true, lbIfaces: { n1: ['eth1'] } });
    expect(w.history.ops().some((op) => op.f === 'arp-observed' && (op.value as { kind?: string; segment?: string }).kind === 'request')).toBe(true);
    expect(verdicts(w)['holder-answers']).toBe(true);
  });

  // Why? explore (reference, round 2, seed 11): p1 gives zone a's n1 the LB IP, p2 every node the
  // external IP. n2 took over when n1 died and announced the external IP only. Under
  // candidacyRequiresEveryIp n2's agent does not compete (it learns what n1 would announce from its
  // Node cache), so nothing is owed after n1's death.
  it('a node that would announce only the external IP does not compete; nothing is owed when the other dies', () => {
    const w = world({ seed: 0, profile: getProfile('reference'), manifests: manifests({ nodes: [simNode('n1', { zone: 'a' }), simNode('n2')], services: [lbService('s1', { externalIPs: ['198.18.0.200'] })], policies: [l2Policy('p1', { nodeSelector: { matchLabels: { zone: 'a' }, matchExpressions: [] } }), l2Policy('p2', { loadBalancerIPs: false, externalIPs: true })], pools: [lbPool('pool', '198.18.0.128/28')] }) });
    w.runUntil(5_000);
    expect(w.holderOf('default/s1')).toBe('n1');
    expect(w.node('n2').agent.candidateServices).toEqual([]);
    w.killNode('n1');
    w.runUntil(20_000);
    expect(verdicts(w)).toMatchObject({ 'holder-answers': true, 'failover-bound': true, reacquire: true, 'new-ip-announced': true, 'holder-eligible': true });
  });

  // Why? explore's reference-new-ip-announced-s42: the pool's LB IP is not of the type the policy enables.
  it('a policy enabling externalIPs only: the LB IP is listed as unannounced and not owed', () => {
    const { expected, verdict } = run(l2Policy('p1', { loadBalancerIPs: false, externalIPs: true }), lbService('s1', { externalIPs: ['198.18.0.200'] }));
    expect(expected.at(-1)?.value).toMatchObject({ announceable: true, unannouncedIps: ['198.18.0.128'] });
    expect(verdict).toMatchObject({ 'lease-scope': true, 'holder-answers': true, 'new-ip-announced': true });
  });
});

describe('world histories: a takeover while the new holder\'s link is down (reference)', () => {
  // Why? explore (reference, 10,000 runs, seed 1): the holder n2 killed at 5 s, n1's eth0 down 6–8 s.
  // n1 took over at 7.9 s and its only GARP went into the downed link; with no client asking,
  // nothing ever appeared on the wire. Under garpOnLinkUp n1 announces again at the link-up.
  it('the new holder announces again when its link comes back up: failover-bound holds', () => {
    const two = manifests({ nodes: [simNode('n1'), simNode('n2')], services: [lbService('s1')], policies: [l2Policy()], pools: [lbPool('pool', '198.18.0.128/28')] });
    const run = (profile: string) => {
      const w = world({ seed: 1227, profile: getProfile(profile), clients: [], manifests: two });
      w.runUntil(5_000);
      const holder = w.holderOf('default/s1') ?? '';
      const other = holder === 'n1' ? 'n2' : 'n1';
      w.killNode(holder);
      w.runUntil(5_100);
      w.linkDown(other, 'eth0');
      w.runUntil(8_000);
      w.linkUp(other, 'eth0');
      w.runUntil(20_000);
      return { took: w.holderOf('default/s1') === other, verdict: verdicts(w)['failover-bound'] };
    };
    expect(run('reference')).toEqual({ took: true, verdict: true });
    expect(run('cilium-1.20.2')).toEqual({ took: true, verdict: false });
  });
});

describe('world histories: restart-agent on a killed node', () => {
  // Why? explore's reference-failover-bound-agent-kill-s1: kill-agent and kill-node at 5 s, then
  // restart-agent at 6 s started an agent on the dead node, which renewed the Lease for ever.
  it('starts nothing: the Lease moves to another node within the failover bound', () => {
    const w = world({ profile: getProfile('reference'), clients: [] });
    w.runUntil(5_000);
    const holder = w.holderOf('default/a');
    expect(holder).toBeDefined();
    w.killAgent(holder ?? '');
    w.killNode(holder ?? '');
    w.runUntil(6_000);
    w.restartAgent(holder ?? '');
    w.runUntil(15_000);
    expect(w.history.ops().filter((op) => op.tMs > 6_000 && op.process === holder).length).toBe(0);
    expect(w.holderOf('default/a')).not.toBe(holder);
    expect(verdicts(w)).toMatchObject({ 'failover-bound': true, reacquire: true });
  });
});
