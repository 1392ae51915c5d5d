/**
 * Why this test? Every behaviour switch of a profile must change something observable, or it is
 * dead data. Each row flips exactly one switch on an otherwise identical profile and asserts the
 * documented difference through the real decision functions (spec section / bug id in the name).
 */
import { describe, expect, it } from 'vitest';
import { analyseManifests } from '../check/analyse.ts';
import { SeededRng } from '../core/rng.ts';
import { allocate, type IpamOptions } from '../ipam/allocate.ts';
import { pool, svc as ipamSvc } from '../ipam/test-fixtures.ts';
import { decideService } from '../l2/decide-service.ts';
import { node, policy, ep, svc } from '../l2/fixtures.test-helpers.ts';
import { releasedLeaseSpec } from '../l2/lease.ts';
import { estimateLeaseLoad } from '../l2/lease-load.ts';
import type { IpPool, ManifestSet, Service } from '../model/types.ts';
import { decideGarp } from '../responder/decide-garp.ts';
import { decideArp } from '../datapath/decide-arp.ts';
import { BROADCAST_MAC, ZERO_MAC, type ArpFrame } from '../datapath/frame-port.ts';
import { ResponderMap } from '../datapath/responder-map.ts';
import { forgetEditedPoolIps } from '../operator/pool-edits.ts';
import { releaseDeadlineMs } from '../election/decide-lease.ts';
import { ElectionWorld } from '../sim/election-world.ts';
import { ResponderWorld } from '../sim/responder-world.ts';
import { l2Policy, lbPool, lbService, manifests, simNode, threeNodeCluster } from '../sim/responder-world.fixtures.ts';
import type { IpamSwitches, L2Switches, Profile } from './profile.ts';
import { getProfile } from './profiles.ts';

const base = getProfile('cilium-1.16');
const withL2 = <K extends keyof L2Switches>(key: K, value: L2Switches[K], from: Profile = base): Profile => ({ ...from, l2: { ...from.l2, [key]: value } });
const withIpam = <K extends keyof IpamSwitches>(key: K, value: IpamSwitches[K], from: Profile = base): Profile => ({ ...from, ipam: { ...from.ipam, [key]: value } });

const nodes = [node('n1'), node('n2')];
const candidates = (service: Service, profile: Profile, ingress: string[] = ['10.0.0.1'], endpoints = [ep({ nodeName: 'n1' })]) =>
  decideService(service, ingress, nodes, [policy('p', { externalIPs: true })], endpoints, profile).candidateNodes;

const ipam = (pools: IpPool[], services: Service[], profile: Profile, options: IpamOptions = {}, seed = 1) =>
  allocate({ pools, services, profile, rng: new SeededRng(seed), options });

const set = (over: Partial<ManifestSet>): ManifestSet => ({ services: [], nodes: [], endpoints: [], leases: [], policies: [], pools: [], skipped: [], ...over });
const findingCodes = (profile: Profile, manifests: ManifestSet, values?: Parameters<typeof analyseManifests>[0]['values']) =>
  analyseManifests({ set: manifests, profile, seed: 1, inputFiles: [], ...(values === undefined ? {} : { values }) }).findings.map((f) => f.code);

describe('every L2 switch changes behaviour when flipped', () => {
  it('leaseForNonAnnounceable (§1.2 rule 3, C01): a ClusterIP-only service gets candidates', () => {
    const clusterIp = svc({ type: 'ClusterIP' });
    expect(candidates(clusterIp, withL2('leaseForNonAnnounceable', false), [])).toEqual([]);
    expect(candidates(clusterIp, withL2('leaseForNonAnnounceable', true), [])).toEqual(['n1', 'n2']);
  });

  it('loadBalancerClassFilter (§1.2 rule 4, #27976): a foreign class is not a candidate', () => {
    const foreign = svc({ loadBalancerClass: 'metallb.io/metallb' });
    expect(candidates(foreign, withL2('loadBalancerClassFilter', false))).toEqual(['n1', 'n2']);
    expect(candidates(foreign, withL2('loadBalancerClassFilter', true))).toEqual([]);
  });

  it('etpLocalGating (§1.2 rule 5, C04): only nodes with a local backend compete', () => {
    const local = svc({ externalTrafficPolicy: 'Local' });
    expect(candidates(local, withL2('etpLocalGating', false))).toEqual(['n1', 'n2']);
    expect(candidates(local, withL2('etpLocalGating', true))).toEqual(['n1']);
  });

  it('etpLocalIgnoresNodelessBackends (C05): nodeless backends gate everyone out', () => {
    const local = svc({ externalTrafficPolicy: 'Local' });
    const gated = withL2('etpLocalGating', true);
    const nodeless = [ep({ nodeName: undefined, address: '192.192.192.192' })];
    expect(candidates(local, withL2('etpLocalIgnoresNodelessBackends', false, gated), ['10.0.0.1'], nodeless)).toEqual(['n1', 'n2']);
    expect(candidates(local, withL2('etpLocalIgnoresNodelessBackends', true, gated), ['10.0.0.1'], nodeless)).toEqual([]);
  });

  it('ipv6Ndp (§3.1, #39648): an IPv6 VIP is programmed only with NDP', () => {
    const announced = (profile: Profile) =>
      decideService(svc(), ['2001:db8::10'], nodes, [policy('p')], [], profile).perNode[0]?.announce.map((a) => a.ip);
    expect(announced(withL2('ipv6Ndp', false))).toEqual([]);
    expect(announced(withL2('ipv6Ndp', true))).toEqual(['2001:db8::10']);
  });

  it('optimisticRenew (§2.2, §4): leaders renew with PUT only, no GET', () => {
    const load = (optimisticRenew: boolean) =>
      estimateLeaseLoad({ services: [{ name: 's', candidateNodes: ['n1'] }], nodeCount: 1, retryPeriodMs: 2000, renewDeadlineMs: 5000, optimisticRenew });
    expect(load(true).byVerbPerS.get).toBeCloseTo(0);
    expect(load(false).byVerbPerS.get).toBeCloseTo(0.5);
  });

  it('releaseSetsOneSecond (§2.2): a released lease says 1 s, not the configured duration', () => {
    expect(releasedLeaseSpec(15, true)).toEqual({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(releasedLeaseSpec(15, false)).toEqual({ holderIdentity: '', leaseDurationSeconds: 15 });
  });

  it('releaseBoundedByRenewDeadline (§2.2, Decision 4): a leader cut off from the API stops leading within 2 × renewDeadline', () => {
    expect(releaseDeadlineMs(1_000, 5_000, true)).toBe(6_000);
    expect(releaseDeadlineMs(1_000, 5_000, false)).toBeUndefined();
    const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 };
    const stoppedAfterMs = (profile: Profile): number => {
      const w = new ElectionWorld({ seed: 1, nodes: ['n1'], services: ['default/web'], switches: profile.l2, timing });
      w.runUntil(10_000);
      w.server.partition('n1', 'drop');
      w.runUntil(60_000);
      return (w.history.ops().find((op) => op.f === 'lost-leader')?.tMs ?? Infinity) - 10_000;
    };
    expect(stoppedAfterMs(withL2('releaseBoundedByRenewDeadline', true))).toBeLessThanOrEqual(2 * timing.renewDeadlineMs + timing.retryPeriodMs);
    expect(stoppedAfterMs(withL2('releaseBoundedByRenewDeadline', false))).toBeGreaterThan(10_000);
  });

  it('leadThroughApiOutage (C12): a leader leads on while the API server refuses, and a candidate does not take over at the restore', () => {
    const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };
    const throughOutage = (profile: Profile): { lost: number; leaders: string[] } => {
      const w = new ElectionWorld({ seed: 1, nodes: ['n1', 'n2'], services: ['default/web'], switches: profile.l2, timing });
      w.runUntil(5_000);
      const holder = w.holderOf('default/web');
      w.server.setAvailable(false);
      w.runUntil(15_000);
      const lost = w.history.ops().filter((op) => op.f === 'lost-leader').length;
      w.server.setAvailable(true);
      w.runUntil(25_000);
      expect(holder).toBeDefined();
      return { lost, leaders: [...new Set(w.history.ops().filter((op) => op.f === 'became-leader').map((op) => op.process))] };
    };
    expect(throughOutage(withL2('leadThroughApiOutage', true, getProfile('reference')))).toEqual({ lost: 0, leaders: [expect.any(String)] });
    expect(throughOutage(withL2('leadThroughApiOutage', false, getProfile('reference'))).lost).toBe(1);
    // A partition (timeouts) still ends the term: the node may be cut off alone.
    const w = new ElectionWorld({ seed: 1, nodes: ['n1'], services: ['default/web'], switches: withL2('leadThroughApiOutage', true, getProfile('reference')).l2, timing });
    w.runUntil(5_000);
    w.server.partition('n1', 'drop');
    w.runUntil(15_000);
    expect(w.history.ops().some((op) => op.f === 'lost-leader')).toBe(true);
  });

  it('answerOwnNode (§3.1, C15): the holder answers a request its own node sent for the VIP', () => {
    const holderMac = '02:00:00:00:00:00';
    const map = new ResponderMap();
    map.insert({ ip: '198.18.0.240', interface: 'eth0' });
    map.stampLiveness(0);
    const fromHolder: ArpFrame = { ethDst: BROADCAST_MAC, ethSrc: holderMac, opcode: 1, senderMac: holderMac, senderIp: '198.18.0.10', targetMac: ZERO_MAC, targetIp: '198.18.0.240' };
    const answered = (profile: Profile): boolean =>
      decideArp(fromHolder, { arrivedOn: 'eth0', table: map, interfaceMacs: new Map([['eth0', holderMac]]), livenessAgeMs: 0, leaseDurationMs: 3_000, ...(profile.l2.answerOwnNode === true ? { answerOwnNode: true } : {}) }).action === 'reply';
    expect(answered(withL2('answerOwnNode', true))).toBe(true);
    expect(answered(withL2('answerOwnNode', false))).toBe(false);
    expect(answered(getProfile('reference'))).toBe(true);
  });

  it('pruneOnAgentStart (§3.2): a restarted agent drops the entries its previous life pinned before they answer again', () => {
    const pinnedAfterRestart = (profile: Profile): number => {
      const w = new ResponderWorld({ seed: 11, manifests: threeNodeCluster(), profile, timing: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 } });
      w.runUntil(5_000);
      const holder = w.holderOf('default/web') ?? '';
      w.killAgent(holder);
      w.runUntil(15_000);
      expect(w.holderOf('default/web')).not.toBe(holder);
      w.restartAgent(holder);
      w.runUntil(15_001);
      return w.node(holder).map.size;
    };
    expect(pinnedAfterRestart(withL2('pruneOnAgentStart', false))).toBe(1);
    expect(pinnedAfterRestart(withL2('pruneOnAgentStart', true))).toBe(0);
  });

  it('cancelCompletesLeaseRequest (§2.2): a Lease won by the attempt in flight when the elector is cancelled is released', () => {
    const holderAfterCancelMidCreate = (profile: Profile): string | undefined => {
      const w = new ElectionWorld({ seed: 1, nodes: ['n1'], services: ['default/web'], switches: profile.l2 });
      const createSent = () => w.history.ops().some((op) => op.f === 'lease-request' && (op.value as { verb?: string }).verb === 'create');
      for (let t = 0.1; !createSent() && t < 100; t += 0.1) w.runUntil(t);
      w.cancelElector('n1', 'default/web');
      w.runUntil(1_000);
      return w.holderOf('default/web');
    };
    expect(holderAfterCancelMidCreate(withL2('cancelCompletesLeaseRequest', false))).toBe('n1');
    expect(holderAfterCancelMidCreate(withL2('cancelCompletesLeaseRequest', true))).toBe('');
  });

  it('releaseRefreshesLease (§2.2, kubernetes#132849): a release after an aborted renewal the server applied still frees the Lease', () => {
    const holderAfterCancelMidRenew = (profile: Profile): string | undefined => {
      const w = new ElectionWorld({ seed: 7, nodes: ['n1'], services: ['default/web'], switches: profile.l2, timing: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 }, latency: { kind: 'fixed', ms: 2 } });
      w.runUntil(1_000);
      const renewing = () => w.history.ops().some((op) => op.tMs >= 1_000 && op.f === 'lease-request' && (op.value as { verb?: string }).verb === 'update');
      for (let t = 1_000.1; !renewing() && t < 2_000; t += 0.1) w.runUntil(t);
      w.cancelElector('n1', 'default/web');
      w.runUntil(5_000);
      return w.holderOf('default/web');
    };
    const base = withL2('cancelCompletesLeaseRequest', false);
    expect(holderAfterCancelMidRenew(withL2('releaseRefreshesLease', false, base))).toBe('n1');
    expect(holderAfterCancelMidRenew(withL2('releaseRefreshesLease', true, base))).toBe('');
  });

  it('garpOnLinkUp (§3.2, C16): the holder announces its IPs again when its link comes back up', () => {
    const garpsAfterLinkUp = (profile: Profile): number => {
      const w = new ResponderWorld({ seed: 11, manifests: threeNodeCluster(), profile, timing: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 } });
      w.runUntil(5_000);
      const holder = w.holderOf('default/web') ?? '';
      w.linkDown(holder, 'eth0');
      w.runUntil(5_500);
      w.linkUp(holder, 'eth0');
      w.runUntil(5_600);
      return w.history.ops().filter((op) => op.f === 'garp-sent' && op.process === holder && op.tMs >= 5_500).length;
    };
    expect(garpsAfterLinkUp(withL2('garpOnLinkUp', false))).toBe(0);
    expect(garpsAfterLinkUp(withL2('garpOnLinkUp', true))).toBe(1);
  });

  it('candidacyRequiresLinkUp (§1.2, C14): a holder whose link goes down gives its Lease up to a node with a link', () => {
    const holderAfterLinkDown = (profile: Profile): boolean => {
      const w = new ResponderWorld({ seed: 11, manifests: threeNodeCluster(), profile, timing: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 } });
      w.runUntil(5_000);
      const holder = w.holderOf('default/web') ?? '';
      w.linkDown(holder, 'eth0');
      w.runUntil(10_000);
      return w.holderOf('default/web') === holder;
    };
    const withDevices = withL2('candidacyRequiresDevice', true);
    expect(holderAfterLinkDown(withL2('candidacyRequiresLinkUp', false, withDevices))).toBe(true);
    expect(holderAfterLinkDown(withL2('candidacyRequiresLinkUp', true, withDevices))).toBe(false);
  });

  it('devicesFrozenAtAcquire (C10, #48626): a node that wins the Lease while its links are down never programs them', () => {
    const newHolderTable = (profile: Profile): { holder: string | undefined; entries: number } => {
      const w = new ResponderWorld({ seed: 11, manifests: threeNodeCluster(), profile, timing: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 } });
      w.runUntil(5_000);
      const first = w.holderOf('default/web') ?? '';
      for (const n of w.nodeNames) w.linkDown(n, 'eth0');
      w.killAgent(first);
      w.runUntil(10_000);
      for (const n of w.nodeNames) w.linkUp(n, 'eth0');
      w.runUntil(12_000);
      const holder = w.holderOf('default/web');
      return { holder: holder === first ? undefined : holder, entries: holder === undefined ? -1 : w.node(holder).agent.table.length };
    };
    const frozen = newHolderTable(withL2('devicesFrozenAtAcquire', true));
    const thawed = newHolderTable(withL2('devicesFrozenAtAcquire', false));
    expect(frozen.holder).toBeDefined();
    expect(frozen.entries).toBe(0);
    expect(thawed.entries).toBe(1);
  });

  it('deleteSharedEntryWithOrigin (C07, #32115): one of two services sharing an IP leaving drops the IP from the table', () => {
    const tableAfterDeselect = (profile: Profile): string[] => {
      const shared = { annotations: { 'lbipam.cilium.io/sharing-key': 'k' } };
      const set = manifests({ nodes: [simNode('n1')], policies: [l2Policy()], pools: [lbPool('pool', '192.168.10.0/24')], services: [lbService('a', shared), lbService('b', { ...shared, ports: [{ port: 81, protocol: 'TCP' }] })] });
      const w = new ResponderWorld({ seed: 11, manifests: set, profile, timing: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 } });
      w.runUntil(5_000);
      expect(w.node('n1').agent.table.map((e) => e.services.join(','))).toEqual(['default/a,default/b']);
      w.patchServiceSpec('default/b', { type: 'ClusterIP' });
      w.runUntil(8_000);
      return w.node('n1').agent.table.map((e) => e.services.join(','));
    };
    expect(tableAfterDeselect(withL2('deleteSharedEntryWithOrigin', false))).toEqual(['default/a']);
    expect(tableAfterDeselect(withL2('deleteSharedEntryWithOrigin', true))).toEqual([]);
  });

  it('garpOpcode (§3.2): reply form (opcode 2) or request form (opcode 1)', () => {
    expect(decideGarp('10.0.0.1', '02:00:00:00:00:01', withL2('garpOpcode', 'reply')).opcode).toBe(2);
    expect(decideGarp('10.0.0.1', '02:00:00:00:00:01', withL2('garpOpcode', 'request')).opcode).toBe(1);
  });

  const announcedSet = set({
    nodes: [node('n1')],
    policies: [policy('p')],
    pools: [pool('p', ['10.0.0.0/24'])],
    services: [ipamSvc('a', { annotations: { 'lbipam.cilium.io/sharing-key': 'k' } }), ipamSvc('b', { annotations: { 'lbipam.cilium.io/sharing-key': 'k' }, ports: [{ port: 81, protocol: 'TCP' }] })],
  });

  it('newIpWakesAnnouncer (#47579): check warns about unannounced new IPs only where it is false', () => {
    expect(findingCodes(withL2('newIpWakesAnnouncer', true), announcedSet)).not.toContain('new-ip-not-announced-until-event');
    expect(findingCodes(withL2('newIpWakesAnnouncer', false), announcedSet)).toContain('new-ip-not-announced-until-event');
  });

  it('sharedIpSeparateLeases (§1.3, #48419): services sharing one IP elect separately', () => {
    expect(findingCodes(withL2('sharedIpSeparateLeases', true), announcedSet)).toContain('shared-ip-separate-leases');
    expect(findingCodes(withL2('sharedIpSeparateLeases', false), announcedSet)).not.toContain('shared-ip-separate-leases');
  });

  it('candidacyRequiresDevice (§1.2 note, C14): a node whose policy selects none of its devices does not compete', () => {
    const pair = [node('n1', {}, ['eth0']), node('n2', {}, ['eth0', 'eth1'])];
    const onEth1 = (profile: Profile) => decideService(svc(), ['10.0.0.1'], pair, [policy('p', { interfaces: ['eth1'] })], [], profile).candidateNodes;
    expect(onEth1(withL2('candidacyRequiresDevice', false))).toEqual(['n1', 'n2']);
    expect(onEth1(withL2('candidacyRequiresDevice', true))).toEqual(['n2']);
  });

  it('candidacyRequiresEveryIp (§1.3 P1/P2): a node that would announce only some of the IPs does not compete', () => {
    const pair = [node('n1', { zone: 'a' }), node('n2')];
    const split = [policy('p1', { nodeSelector: { matchLabels: { zone: 'a' }, matchExpressions: [] } }), policy('p2', { loadBalancerIPs: false, externalIPs: true })];
    const onBoth = (profile: Profile) => decideService(svc({ externalIPs: ['192.0.2.7'] }), ['10.0.0.1'], pair, split, [], profile, { devices: ['eth0'] }).candidateNodes;
    expect(onBoth(withL2('candidacyRequiresEveryIp', false))).toEqual(['n1', 'n2']);
    expect(onBoth(withL2('candidacyRequiresEveryIp', true))).toEqual(['n1']);
  });

  it('reacquireAfterLoss (C02, #30340): throttled lease load is fatal when lost leases are never re-acquired', () => {
    const many = set({
      nodes: [node('n1')],
      policies: [policy('p')],
      pools: [pool('p', ['10.0.0.0/24'])],
      services: Array.from({ length: 40 }, (_, i) => ipamSvc(`s${i}`)),
    });
    const values = { k8sClientQps: 5, k8sClientBurst: 10, source: { file: 'v.yaml', line: 1 } };
    expect(findingCodes(withL2('reacquireAfterLoss', true), many, values)).not.toContain('lost-lease-never-reacquired');
    expect(findingCodes(withL2('reacquireAfterLoss', false), many, values)).toContain('lost-lease-never-reacquired');
  });
});

describe('every IPAM switch changes behaviour when flipped', () => {
  const one = [ipamSvc('a')];

  it('allocationOrder (§5.4): lowest free address vs a seeded random one', () => {
    const first = (profile: Profile) => ipam([pool('p', ['10.0.0.0/16'])], one, profile).services[0]?.ips[0]?.ip;
    expect(first(withIpam('allocationOrder', 'lowest-free'))).toBe('10.0.0.0');
    expect(first(withIpam('allocationOrder', 'random'))).not.toBe('10.0.0.0');
  });

  it('firstLastIPs (§5.1, C21): unset reserves network/broadcast only in the reserving modes', () => {
    const available = (profile: Profile) => ipam([pool('p', ['10.0.0.0/30'])], [], profile).pools[0]?.available;
    expect(available(withIpam('firstLastIPs', 'unset-allows'))).toBe(4n);
    expect(available(withIpam('firstLastIPs', 'unset-reserves'))).toBe(2n);
  });

  it('cidrRangeOffByOne (§5.1, C21 #29410): a /30 hands out its broadcast, or with Yes the address past the block', () => {
    const reserving = withIpam('firstLastIPs', 'unset-reserves');
    const ipsOf = (profile: Profile, allow?: 'Yes') =>
      ipam([pool('p', ['10.0.0.0/30'], allow === undefined ? {} : { allowFirstLastIPs: allow })], ['a', 'b', 'c', 'd', 'e'].map((n) => ipamSvc(n)), profile).services.flatMap((sv) => sv.ips.map((ip) => ip.ip));
    expect(ipsOf(reserving)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ipsOf(withIpam('cidrRangeOffByOne', true, reserving))).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(ipsOf(reserving, 'Yes')).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(ipsOf(withIpam('cidrRangeOffByOne', true, reserving), 'Yes')).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
    expect(getProfile('cilium-1.15-dev').ipam.cidrRangeOffByOne).toBe(true);
  });

  it('poolEditReallocates (§5.6, C19 #40358): widening a pool at the front moves every Service of it', () => {
    const before = pool('p', [{ start: '10.0.0.4', stop: '10.0.0.7' }]);
    const widened = pool('p', [{ start: '10.0.0.1', stop: '10.0.0.7' }]);
    const held = [ipamSvc('a', { ingressIPs: ['10.0.0.4'] }), ipamSvc('b', { ingressIPs: ['10.0.0.5'] })];
    const after = (profile: Profile) => ipam([widened], [...forgetEditedPoolIps(held, [widened], new Map([['p', before]]), profile.ipam)], profile).services.map((sv) => sv.ips.map((ip) => ip.ip).join());
    expect(after(withIpam('poolEditReallocates', true))).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(after(withIpam('poolEditReallocates', false))).toEqual(['10.0.0.4', '10.0.0.5']);
    expect(getProfile('cilium-1.18').ipam.poolEditReallocates).toBe(true);
    expect(getProfile('cilium-1.18.2').ipam.poolEditReallocates).toBe(false);
  });

  it('blocksField (§5.1, 1.15+): spec.blocks is served or rejected', () => {
    const rejected = (profile: Profile) => ipam([pool('p', ['10.0.0.0/30'])], [], profile).pools[0]?.rejectedFields.length;
    expect(rejected(withIpam('blocksField', true))).toBe(0);
    expect(rejected(withIpam('blocksField', false))).toBe(1);
  });

  it('cidrsField (§5.1, removed in 1.16): spec.cidrs is served or rejected', () => {
    const rejected = (profile: Profile) => ipam([pool('p', ['10.0.0.0/30'], { cidrsCount: 1 })], [], profile).pools[0]?.rejectedFields.length;
    expect(rejected(withIpam('cidrsField', true))).toBe(0);
    expect(rejected(withIpam('cidrsField', false))).toBe(1);
  });

  it('poolApiVersions (§5.1, v2 from 1.18): a cilium.io/v2 pool is served or rejected', () => {
    const v2 = pool('p', ['10.0.0.0/30'], { apiVersion: 'cilium.io/v2' });
    const rejected = (profile: Profile) => ipam([v2], [], profile).pools[0]?.rejectedFields.length;
    expect(rejected(withIpam('poolApiVersions', ['cilium.io/v2alpha1', 'cilium.io/v2']))).toBe(0);
    expect(rejected(withIpam('poolApiVersions', ['cilium.io/v2alpha1']))).toBe(1);
  });

  it('annotationPrefixes (§5.3, #30169): which IP-request annotation is read', () => {
    const requested = [ipamSvc('a', { annotations: { 'lbipam.cilium.io/ips': '10.0.0.7' } })];
    const ip = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], requested, profile).services[0]?.ips[0]?.ip;
    expect(ip(withIpam('annotationPrefixes', ['lbipam.cilium.io/', 'io.cilium/lb-ipam-']))).toBe('10.0.0.7');
    expect(ip(withIpam('annotationPrefixes', ['io.cilium/lb-ipam-']))).toBe('10.0.0.0');
  });

  it('sharingKey (§5.3, #28806): services with one key share an IP', () => {
    const keyed = [ipamSvc('a', { annotations: { 'lbipam.cilium.io/sharing-key': 'k' } }), ipamSvc('b', { annotations: { 'lbipam.cilium.io/sharing-key': 'k' }, ports: [{ port: 81, protocol: 'TCP' }] })];
    const ips = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], keyed, profile).services.map((s) => s.ips[0]?.ip);
    expect(ips(withIpam('sharingKey', true))).toEqual(['10.0.0.0', '10.0.0.0']);
    expect(ips(withIpam('sharingKey', false))).toEqual(['10.0.0.0', '10.0.0.1']);
  });

  it('sharingCrossNamespace (§5.3): mutual cross-namespace permission is honoured', () => {
    const annotations = { 'lbipam.cilium.io/sharing-key': 'k', 'lbipam.cilium.io/sharing-cross-namespace': '*' };
    const pair = [ipamSvc('a', { namespace: 'x', annotations }), ipamSvc('b', { namespace: 'y', annotations, ports: [{ port: 81, protocol: 'TCP' }] })];
    const ips = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], pair, profile).services.map((s) => s.ips[0]?.ip);
    expect(ips(withIpam('sharingCrossNamespace', true))).toEqual(['10.0.0.0', '10.0.0.0']);
    expect(ips(withIpam('sharingCrossNamespace', false))).toEqual(['10.0.0.0', '10.0.0.1']);
  });

  it('conditionNames (§5.5): io.cilium/* or cilium.io/* condition types', () => {
    const type = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], one, profile).services[0]?.condition?.type;
    expect(type(withIpam('conditionNames', 'cilium.io'))).toBe('cilium.io/IPAMRequestSatisfied');
    expect(type(withIpam('conditionNames', 'io.cilium'))).toBe('io.cilium/lb-ipam-request-satisfied');
  });

  it('incompatibleSharingReason (§5.5, C22): the reason for failed sharing rules', () => {
    const clash = [ipamSvc('a', { annotations: { 'lbipam.cilium.io/sharing-key': 'k', 'lbipam.cilium.io/ips': '10.0.0.5' } }), ipamSvc('b', { annotations: { 'lbipam.cilium.io/sharing-key': 'k', 'lbipam.cilium.io/ips': '10.0.0.5' } })];
    const reason = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], clash, profile).services[1]?.condition?.reason;
    expect(reason(withIpam('incompatibleSharingReason', 'already_allocated_incompatible_service'))).toBe('already_allocated_incompatible_service');
    expect(reason(withIpam('incompatibleSharingReason', 'already_allocated_different_sharing_key'))).toBe('already_allocated_different_sharing_key');
  });

  it('l2AnnouncerClassHandled (§5.2, 1.15+): the l2-announcer class gets IPs', () => {
    const classed = [ipamSvc('a', { loadBalancerClass: 'io.cilium/l2-announcer' })];
    const handled = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], classed, profile).services[0]?.handled;
    expect(handled(withIpam('l2AnnouncerClassHandled', true))).toBe(true);
    expect(handled(withIpam('l2AnnouncerClassHandled', false))).toBe(false);
  });

  it('defaultLbServiceIpamSetting (§5.2, #35074): defaultLBServiceIPAM=none is honoured from 1.17', () => {
    const handled = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], one, profile, { defaultLbServiceIpam: 'none' }).services[0]?.handled;
    expect(handled(withIpam('defaultLbServiceIpamSetting', false))).toBe(true);
    expect(handled(withIpam('defaultLbServiceIpamSetting', true))).toBe(false);
  });

  it('importBeforeAllocate (§5.4, #41147, C19): existing IPs are kept on operator restart', () => {
    // `a` is older and has no IP yet; `b` already holds 10.0.0.0 from before the restart.
    const restart = [ipamSvc('a', { creationTimestamp: '2026-01-01T00:00:00Z' }), ipamSvc('b', { creationTimestamp: '2026-01-02T00:00:00Z', ingressIPs: ['10.0.0.0'] })];
    const ipOfB = (profile: Profile) => ipam([pool('p', ['10.0.0.0/24'])], restart, profile).services[1]?.ips[0]?.ip;
    expect(ipOfB(withIpam('importBeforeAllocate', true))).toBe('10.0.0.0');
    expect(ipOfB(withIpam('importBeforeAllocate', false))).not.toBe('10.0.0.0');
  });
});

describe('the switch tables are complete', () => {
  it('every switch of the Profile type has a flip test above', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('./switches.test.ts', import.meta.url), 'utf8');
    const profile = getProfile('reference');
    for (const key of [...Object.keys(profile.l2), ...Object.keys(profile.ipam)]) {
      expect(source, `no flip test names switch ${key}`).toMatch(new RegExp(`it\\('${key} `));
    }
  });
});
