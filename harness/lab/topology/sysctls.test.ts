import { describe, expect, it } from 'vitest';
import { LINUX_NEIGHBOUR_DEFAULTS } from '../../net/neighbour-config.ts';
import { parseLabScenario } from './fixtures.test-helpers.ts';
import { planLab } from './plan-lab.ts';
import { clientNeighbourSysctls, planLabSysctls, sysctlArgs } from './sysctls.ts';

const plan = planLab(parseLabScenario(), 'abc123');
const byNetns = new Map(planLabSysctls(plan).map((s) => [s.netns, s]));
const valueOf = (netns: string, key: string): number | undefined => byNetns.get(netns)?.settings.find((s) => s.key === key)?.value;

describe('planLabSysctls', () => {
  it('switches IPv6 off in every namespace (all + default)', () => {
    expect([...byNetns.keys()]).toHaveLength(7);
    for (const netns of byNetns.keys()) {
      expect(valueOf(netns, 'net/ipv6/conf/all/disable_ipv6')).toBe(1);
      expect(valueOf(netns, 'net/ipv6/conf/default/disable_ipv6')).toBe(1);
    }
  });

  it('sets arp_ignore=1 on node data interfaces only (not on the management link)', () => {
    expect(valueOf('l2l-abc123-n2', 'net/ipv4/conf/eth0/arp_ignore')).toBe(1);
    expect(valueOf('l2l-abc123-n2', 'net/ipv4/conf/eth1/arp_ignore')).toBe(1);
    expect(valueOf('l2l-abc123-n2', 'net/ipv4/conf/eth-m/arp_ignore')).toBeUndefined();
    expect(valueOf('l2l-abc123-c1', 'net/ipv4/conf/eth0/arp_ignore')).toBeUndefined();
  });

  it("maps the client's ARP settings to Linux's units, and says where it rounded", () => {
    // c1: baseReachableTime 5s, delayFirstProbeTime 1500ms (seconds in Linux), locktime 250ms (1/100 s), arpAccept 1.
    expect(valueOf('l2l-abc123-c1', 'net/ipv4/neigh/eth0/base_reachable_time_ms')).toBe(5000);
    expect(valueOf('l2l-abc123-c1', 'net/ipv4/neigh/eth0/delay_first_probe_time')).toBe(2);
    expect(valueOf('l2l-abc123-c1', 'net/ipv4/neigh/eth0/locktime')).toBe(25);
    expect(valueOf('l2l-abc123-c1', 'net/ipv4/neigh/eth0/gc_stale_time')).toBe(60);
    expect(valueOf('l2l-abc123-c1', 'net/ipv4/conf/eth0/arp_accept')).toBe(1);
    expect(byNetns.get('l2l-abc123-c1')?.notes).toEqual(['net/ipv4/neigh/eth0/delay_first_probe_time: 1500 ms rounded to 2000 ms (the sysctl counts seconds)']);
    expect(byNetns.get('l2l-abc123-c2')?.notes).toEqual([]);
  });

  it('notes that gcActive cannot be set per namespace', () => {
    const notes: string[] = [];
    const { prefixLength: _p, ...arp } = LINUX_NEIGHBOUR_DEFAULTS;
    const settings = clientNeighbourSysctls('eth0', { ...arp, gcActive: true, dropGratuitousArp: true }, notes);
    expect(notes).toEqual([expect.stringContaining('gcActive: not settable per namespace')]);
    expect(settings.find((s) => s.key === 'net/ipv4/conf/eth0/drop_gratuitous_arp')?.value).toBe(1);
  });

  it('renders sysctl -w arguments with /proc/sys paths (interface names may contain dots)', () => {
    expect(sysctlArgs([{ key: 'net/ipv4/conf/eth0.5/arp_ignore', value: 1 }])).toEqual(['-q', '-w', 'net/ipv4/conf/eth0.5/arp_ignore=1']);
  });
});
