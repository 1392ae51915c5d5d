/**
 * kube-vip ARP mode at the decision level: Lease names and the common lease (K01, #1201), the GARP
 * schedule of each release (K04, `pkg/arp/arp.go`), the kernel's answers for an address on the
 * interface (K02), the release default timings (PR #1429), and one row per kube-vip switch showing
 * that flipping it changes something (dead switches are dead data).
 */
import { describe, expect, it } from 'vitest';
import { electionLease, serviceLeaseName } from '../../agent/lease-group.ts';
import { decideArp, type ArpContext } from '../../datapath/decide-arp.ts';
import { BROADCAST_MAC, ZERO_MAC, type ArpFrame } from '../../datapath/frame-port.ts';
import { ResponderMap } from '../../datapath/responder-map.ts';
import type { Service } from '../../model/types.ts';
import { effectiveArpRateMs, type KubeVipSwitches } from '../../profiles/kube-vip-switches.ts';
import type { Profile } from '../../profiles/profile.ts';
import { getProfile, PROFILES } from '../../profiles/profiles.ts';
import { ARP_REPLY, ARP_REQUEST } from '../../responder/decide-garp.ts';
import { lbService } from '../../sim/responder-world.fixtures.ts';
import { implementationTiming } from './default-timing.ts';
import { garpOpcodeFor, initialGarpState, planGarps, type GarpScheduleState } from './garp-schedule.ts';
import { KubeVipGarpRounds } from './garp-rounds.ts';
import { kubeVipLeaseName } from './lease-name.ts';

const arp = getProfile('kube-vip-arp');
const kv = (profile: Profile): KubeVipSwitches => {
  if (profile.kubeVip === undefined) throw new Error(`${profile.name} has no kube-vip switches`);
  return profile.kubeVip;
};
const withIps = (name: string, ips: string[], namespace = 'default'): Service => lbService(name, { namespace, ingressIPs: ips });

describe('kube-vip Lease names (pkg/lease ServiceName, K01 / #1201)', () => {
  it('names a service Lease kubevip-<name>, namespace-qualified from 1.0.1', () => {
    expect(kubeVipLeaseName('default', 'web', 'service-name')).toBe('kubevip-web');
    expect(kubeVipLeaseName('default', 'web', 'namespace-qualified')).toBe('kubevip-default-web');
    expect(serviceLeaseName('default', 'web', getProfile('kube-vip-1.0.0'))).toBe('kubevip-web');
    expect(serviceLeaseName('default', 'web', arp)).toBe('kubevip-default-web');
    // Cilium keeps its own naming.
    expect(serviceLeaseName('default', 'web', getProfile('cilium-1.16'))).toBe('cilium-l2announce-default-web');
  });

  // Why this test? #1201: up to 1.0.0 the key is the name alone, so two namespaces' `web` fight
  // over one Lease; 1.0.1's namespace-qualified keys keep them apart.
  it('makes same-named services of two namespaces share a Lease only before 1.0.1', () => {
    const a = withIps('web', ['198.18.0.240'], 'team-a');
    const b = withIps('web', ['198.18.0.241'], 'team-b');
    const lease = (profile: Profile, s: Service): string => electionLease(s, [a, b], profile);
    expect(lease(getProfile('kube-vip-1.0.0'), a)).toBe(lease(getProfile('kube-vip-1.0.0'), b));
    expect(lease(arp, a)).not.toBe(lease(arp, b));
  });

  it('puts services sharing an IP on one common Lease from 1.0.1, on their own before (K01)', () => {
    const a = withIps('web-a', ['198.18.0.240']);
    const b = withIps('web-b', ['198.18.0.240']);
    const other = withIps('dns', ['198.18.0.241']);
    const all = [a, b, other];
    expect([a, b, other].map((s) => electionLease(s, all, getProfile('kube-vip-1.0.0')))).toEqual(['kubevip-web-a', 'kubevip-web-b', 'kubevip-dns']);
    expect([a, b, other].map((s) => electionLease(s, all, arp))).toEqual(['kubevip-default-web-a', 'kubevip-default-web-a', 'kubevip-default-dns']);
  });
});

describe('kube-vip GARP schedule (K04, pkg/arp/arp.go)', () => {
  const pair = { ip: '198.18.0.240', interface: 'eth0' };
  const second = { ip: '198.18.0.241', interface: 'eth0' };
  const run = (garp: KubeVipSwitches['garp'], turns: readonly { atMs: number; led: (typeof pair)[] }[], arpRateMs = 3_000): { atMs: number; sent: string[]; nextDueMs: number | undefined }[] => {
    let state: GarpScheduleState = initialGarpState(0);
    return turns.map(({ atMs, led }) => {
      const plan = planGarps(state, led, atMs, { garp, arpRateMs });
      state = plan.state;
      return { atMs, sent: plan.send.map((k) => k.ip), nextDueMs: plan.nextDueMs };
    });
  };

  it('sends nothing periodic before 0.4.3: the one GARP is the takeover\'s', () => {
    expect(run('once', [{ atMs: 0, led: [] }, { atMs: 1_000, led: [pair] }, { atMs: 60_000, led: [pair] }])).toEqual([
      { atMs: 0, sent: [], nextDueMs: undefined },
      { atMs: 1_000, sent: [], nextDueMs: undefined },
      { atMs: 60_000, sent: [], nextDueMs: undefined },
    ]);
  });

  // Why this test? In 1.x a new VIP is only registered with the manager loop, which turns every
  // arpRate from the process start: a takeover at 1 s is first announced at 3 s, not at once.
  it('v1.x: one loop from the agent start, every arpRate, for every led pair; a takeover waits for the next turn', () => {
    expect(run('periodic-manager', [{ atMs: 0, led: [] }, { atMs: 1_000, led: [pair] }, { atMs: 3_000, led: [pair, second] }, { atMs: 6_000, led: [second] }])).toEqual([
      { atMs: 0, sent: [], nextDueMs: 3_000 },
      { atMs: 1_000, sent: [], nextDueMs: 3_000 },
      { atMs: 3_000, sent: ['198.18.0.240', '198.18.0.241'], nextDueMs: 6_000 },
      { atMs: 6_000, sent: ['198.18.0.241'], nextDueMs: 9_000 },
    ]);
  });

  it('0.4.3–0.x: each VIP every arpRate from its own takeover (its first GARP is sent when the address is added)', () => {
    expect(run('periodic-per-vip', [{ atMs: 1_000, led: [pair] }, { atMs: 2_500, led: [pair, second] }, { atMs: 4_000, led: [pair, second] }, { atMs: 5_500, led: [second] }])).toEqual([
      { atMs: 1_000, sent: [], nextDueMs: 4_000 },
      { atMs: 2_500, sent: [], nextDueMs: 4_000 },
      { atMs: 4_000, sent: ['198.18.0.240'], nextDueMs: 5_500 },
      { atMs: 5_500, sent: ['198.18.0.241'], nextDueMs: 8_500 },
    ]);
  });

  it('resets an arpRate below 500 ms to 3000 ms, as kube-vip does', () => {
    expect([effectiveArpRateMs(499), effectiveArpRateMs(500), effectiveArpRateMs(1_000), effectiveArpRateMs(Number.NaN)]).toEqual([3_000, 500, 1_000, 3_000]);
    expect(run('periodic-manager', [{ atMs: 0, led: [pair] }], 100)[0]?.nextDueMs).toBe(3_000);
  });

  it('alternates reply and request on every send (pkg/vip/arp.go), or keeps the fixed opcode', () => {
    expect([0, 1, 2, 3].map((i) => garpOpcodeFor(i, true, 'reply'))).toEqual([ARP_REPLY, ARP_REQUEST, ARP_REPLY, ARP_REQUEST]);
    expect([0, 1].map((i) => garpOpcodeFor(i, false, 'request'))).toEqual([ARP_REQUEST, ARP_REQUEST]);
  });

  it('drives the rounds through the injected sender with alternating opcodes', () => {
    const sent: string[] = [];
    const rounds = new KubeVipGarpRounds(kv(arp), 'reply', 0, (key, opcode) => sent.push(`${key.ip}:${opcode}`));
    const table = [{ ip: pair.ip, interface: 'eth0', services: ['default/web'] }];
    expect(rounds.turn(0, table)).toBe(3_000);
    expect(rounds.turn(3_000, table)).toBe(6_000);
    expect(sent).toEqual([`${pair.ip}:${ARP_REPLY}`, `${pair.ip}:${ARP_REQUEST}`]);
    expect(rounds.sends).toBe(2);
  });
});

describe('the kernel answers for an address on the interface (K02, arp_ignore=0)', () => {
  const VIP = '198.18.0.240';
  const ETH0 = '02:00:00:00:01:00';
  const ETH1 = '02:00:00:00:01:01';
  const CLIENT = '02:00:00:00:ff:01';
  const request = (over: Partial<ArpFrame> = {}): ArpFrame => ({ ethDst: BROADCAST_MAC, ethSrc: CLIENT, opcode: 1, senderMac: CLIENT, senderIp: '198.18.0.7', targetMac: ZERO_MAC, targetIp: VIP, ...over });
  const context = (over: Partial<ArpContext> = {}): ArpContext => {
    const map = new ResponderMap();
    map.insert({ ip: VIP, interface: 'eth0' });
    return { arrivedOn: 'eth0', table: map, interfaceMacs: new Map([['eth0', ETH0], ['eth1', ETH1]]), livenessAgeMs: 500, leaseDurationMs: 15_000, kernelAnswers: true, ...over };
  };

  it('answers on another interface than the address is on, with that interface\'s MAC', () => {
    const decision = decideArp(request(), context({ arrivedOn: 'eth1' }));
    expect(decision).toMatchObject({ action: 'reply', interface: 'eth1', frame: { senderMac: ETH1, senderIp: VIP } });
    // The eBPF responder (Cilium) refuses the same request.
    expect(decideArp(request(), context({ arrivedOn: 'eth1', kernelAnswers: false }))).toEqual({ action: 'drop', reason: 'wrong-interface' });
  });

  // Why this test? A crashed kube-vip leaves the address behind: the kernel has no liveness cutoff,
  // so the ex-holder keeps answering after another node took over (K02).
  it('answers however old the agent liveness stamp is', () => {
    expect(decideArp(request(), context({ livenessAgeMs: undefined })).action).toBe('reply');
    expect(decideArp(request(), context({ livenessAgeMs: 60_000 })).action).toBe('reply');
    expect(decideArp(request(), context({ livenessAgeMs: 60_000, kernelAnswers: false }))).toEqual({ action: 'drop', reason: 'agent-liveness-expired' });
  });

  it('does not answer another node\'s gratuitous request for the same address (martian source)', () => {
    expect(decideArp(request({ senderIp: VIP, senderMac: '02:00:00:00:02:00', ethSrc: '02:00:00:00:02:00' }), context())).toEqual({ action: 'drop', reason: 'locally-originated' });
  });

  it('stays silent for an address it does not have', () => {
    expect(decideArp(request({ targetIp: '198.18.0.241' }), context())).toEqual({ action: 'drop', reason: 'not-programmed' });
  });
});

describe('kube-vip lease defaults (K08, PR #1429)', () => {
  it('runs the cilium-default preset with the release\'s own defaults: 15/10/2 s from 1.1.0, 5/3/1 s before', () => {
    const cilium = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 };
    expect(implementationTiming(arp, cilium, 'cilium-default').timing).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(implementationTiming(getProfile('kube-vip-1.0.4'), cilium, 'cilium-default').timing).toEqual({ leaseDurationMs: 5_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000 });
    expect(implementationTiming(arp, cilium, 'cilium-default').note).toContain('kube-vip 1.2.3');
  });

  it('keeps a scenario\'s own timings, and Cilium profiles\' defaults', () => {
    const fast = { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };
    expect(implementationTiming(arp, fast, 'fast')).toEqual({ timing: fast });
    expect(implementationTiming(arp, fast, undefined)).toEqual({ timing: fast });
    expect(implementationTiming(getProfile('cilium-1.16'), fast, 'cilium-default')).toEqual({ timing: fast });
  });
});

describe('the kube-vip profiles', () => {
  const kubeVipProfiles = [...PROFILES.values()].filter((p) => p.implementation === 'kube-vip');

  it('ship kube-vip-arp (1.2.3) and the releases the K-bugs need, each with its switches', () => {
    expect(kubeVipProfiles.map((p) => `${p.name}@${kv(p).version}`)).toEqual(['kube-vip-0.4.2@0.4.2', 'kube-vip-0.5@0.5.0', 'kube-vip-1.0.0@1.0.0', 'kube-vip-1.0.3@1.0.3', 'kube-vip-1.0.4@1.0.4', 'kube-vip-arp@1.2.3']);
    for (const p of kubeVipProfiles) expect(kv(p).kernelAnswersArp).toBe(true);
  });

  it('have K01 (separate leases) up to 1.0.0, K04 (one GARP) in 0.4.2, K05 (no re-election) in 1.0.1–1.0.3 only', () => {
    const row = (p: Profile): string => `${p.name}: separate=${p.l2.sharedIpSeparateLeases} garp=${kv(p).garp} reacquire=${p.l2.reacquireAfterLoss}`;
    expect(kubeVipProfiles.map(row)).toEqual([
      'kube-vip-0.4.2: separate=true garp=once reacquire=true',
      'kube-vip-0.5: separate=true garp=periodic-per-vip reacquire=true',
      'kube-vip-1.0.0: separate=true garp=periodic-manager reacquire=true',
      'kube-vip-1.0.3: separate=false garp=periodic-manager reacquire=false',
      'kube-vip-1.0.4: separate=false garp=periodic-manager reacquire=true',
      'kube-vip-arp: separate=false garp=periodic-manager reacquire=true',
    ]);
  });
});
