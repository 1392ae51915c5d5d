import { describe, expect, it } from 'vitest';
import { parseLabScenario } from './fixtures.test-helpers.ts';
import { planIpBatches, quoted } from './ip-batches.ts';
import { planLab } from './plan-lab.ts';

const plan = planLab(parseLabScenario(), 'abc123');
const batches = planIpBatches(plan, 'l2lab:abc123 owner=1:2 manifest=/run/l2lab/runs/abc123.json');
const linesOf = (netns: string): readonly string[] => batches.perNetns.find((b) => b.netns === netns)?.lines ?? [];

describe('planIpBatches', () => {
  it('adds every namespace, lab first', () => {
    expect(batches.netns).toEqual(['netns add l2l-abc123-lab', 'netns add l2l-abc123-cp', 'netns add l2l-abc123-n1', 'netns add l2l-abc123-n2', 'netns add l2l-abc123-n3', 'netns add l2l-abc123-c1', 'netns add l2l-abc123-c2']);
  });

  it('creates bridges without STP, then veth pairs whose far end is born in its namespace with its name and MAC', () => {
    expect(batches.labLinks[0]).toBe('link set lo alias "l2lab:abc123 owner=1:2 manifest=/run/l2lab/runs/abc123.json"');
    expect(batches.labLinks).toContain('link add br-mgmt type bridge stp_state 0 forward_delay 0 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0');
    expect(batches.labLinks).toContain('link add mcp type veth peer name eth-m netns l2l-abc123-cp');
    expect(batches.labLinks).toContain('link add d1.1 type veth peer name eth1 address 02:00:00:00:01:01 netns l2l-abc123-n2');
    expect(batches.labLinks).toContain('link add c0 type veth peer name eth0 address 02:00:00:ff:00:01 netns l2l-abc123-c1');
    expect(batches.labLinks).toContain('link set d1.1 master br-1 alias "l2lab:abc123"');
    expect(batches.labLinks).toContain('link set br-1 alias "l2lab:abc123"');
    // Nothing goes up before the sysctls (IPv6 off) of the namespace.
    expect(batches.labLinks.filter((l) => l.endsWith(' up'))).toEqual([]);
    const firstVeth = batches.labLinks.findIndex((l) => l.includes('type veth'));
    const lastBridge = batches.labLinks.findLastIndex((l) => l.includes('type bridge'));
    expect(lastBridge).toBeLessThan(firstVeth);
  });

  it('aliases, addresses and raises each node link, and routes the pools locally on lo', () => {
    expect(linesOf('l2l-abc123-n2')).toEqual([
      'link set lo up',
      'link set eth-m alias "l2lab:abc123" up',
      'addr replace 198.19.248.11/24 dev eth-m',
      'link set eth0 alias "l2lab:abc123" up',
      'addr replace 198.18.0.11/24 dev eth0',
      'link set eth1 alias "l2lab:abc123" up',
      'addr replace 198.18.1.11/24 dev eth1',
      'route replace local 198.18.0.240/29 dev lo',
      'route replace local 198.18.0.248/31 dev lo',
      'route replace local 198.18.0.250/32 dev lo',
      'route replace local 198.18.1.100/32 dev lo',
    ]);
    expect(linesOf('l2l-abc123-c1')).toEqual(['link set lo up', 'link set eth0 alias "l2lab:abc123" up', 'addr replace 198.18.0.200/24 dev eth0']);
    expect(linesOf('l2l-abc123-lab')).toContain('addr replace 198.19.248.254/24 dev br-mgmt');
    expect(linesOf('l2l-abc123-lab')).toContain('link set d2.0 up');
  });

  it('refuses an alias it cannot quote', () => {
    expect(() => quoted('a"b')).toThrow(RangeError);
  });
});
