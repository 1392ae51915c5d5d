import { describe, expect, it } from 'vitest';
import type { Scenario, TopologyClient, TopologyNode } from '../../scenario/types.ts';
import { parseLabScenario } from './fixtures.test-helpers.ts';
import { LabPlanError, planNamespaces } from './lab-plan.ts';
import { MAX_LAB_NODES, planLab } from './plan-lab.ts';

const scenario = parseLabScenario();

function withTopology(edit: (t: Scenario['topology']) => Partial<Scenario['topology']>): Scenario {
  return { ...scenario, topology: { ...scenario.topology, ...edit(scenario.topology) } };
}

function withPoolBlocks(blocks: Scenario['manifests']['pools'][number]['blocks']): Scenario {
  const [pool] = scenario.manifests.pools;
  if (pool === undefined) throw new Error('fixture has no pool');
  return { ...scenario, manifests: { ...scenario.manifests, pools: [{ ...pool, blocks }] } };
}

describe('planLab', () => {
  const plan = planLab(scenario, 'abc123');

  it('names every namespace after the run, lab first', () => {
    expect(planNamespaces(plan)).toEqual(['l2l-abc123-lab', 'l2l-abc123-cp', 'l2l-abc123-n1', 'l2l-abc123-n2', 'l2l-abc123-n3', 'l2l-abc123-c1', 'l2l-abc123-c2']);
  });

  it('puts the lab at .254, the control plane at .1 and node k at .10+k of the management subnet', () => {
    expect(plan.mgmt).toEqual({ bridge: 'br-mgmt', subnet: '198.19.248.0/24', labIp: '198.19.248.254', prefixLength: 24 });
    expect(plan.controlPlane).toEqual({ netns: 'l2l-abc123-cp', iface: 'eth-m', ip: '198.19.248.1', peer: 'mcp' });
    expect(plan.nodes.map((n) => n.mgmt)).toEqual([
      { iface: 'eth-m', ip: '198.19.248.10', peer: 'm0' },
      { iface: 'eth-m', ip: '198.19.248.11', peer: 'm1' },
      { iface: 'eth-m', ip: '198.19.248.12', peer: 'm2' },
    ]);
  });

  it('gives each segment a bridge and each data interface the scenario address, MAC and a lab-side end on that bridge', () => {
    expect(plan.segments).toEqual([
      { name: 'lan', bridge: 'br-0', subnet: '198.18.0.0/24' },
      { name: 'storage', bridge: 'br-1', subnet: '198.18.1.0/24' },
    ]);
    const n2 = plan.nodes[1];
    expect(n2?.data).toEqual([
      { iface: 'eth0', segment: 'lan', bridge: 'br-0', mac: '02:00:00:00:01:00', ip: '198.18.0.11', prefixLength: 24, peer: 'd1.0' },
      { iface: 'eth1', segment: 'storage', bridge: 'br-1', mac: '02:00:00:00:01:01', ip: '198.18.1.11', prefixLength: 24, peer: 'd1.1' },
    ]);
  });

  it('refuses a client on a node (C15, sim only): the node routes the pool locally and would not ARP', () => {
    const onNode = withTopology((t) => ({ clients: t.clients.map((c, j) => (j === 0 ? { ...c, node: t.nodes[0]?.name ?? 'n1' } : c)) }));
    expect(() => planLab(onNode, 'abc123')).toThrow(LabPlanError);
    expect(() => planLab(onNode, 'abc123')).toThrow('runs in the sim world only');
  });

  it('puts clients on eth0 of their segment with their ARP settings', () => {
    const [c1, c2] = plan.clients;
    expect(c1).toMatchObject({ netns: 'l2l-abc123-c1', iface: 'eth0', bridge: 'br-0', ip: '198.18.0.200', prefixLength: 24, peer: 'c0', mac: '02:00:00:ff:00:01' });
    expect(c1?.arp.baseReachableTimeMs).toBe(5000);
    expect(c2).toMatchObject({ bridge: 'br-1', ip: '198.18.1.201', peer: 'c1' });
  });

  it('keeps every lab-side veth end within IFNAMSIZ and unique', () => {
    const peers = [plan.controlPlane.peer, ...plan.nodes.flatMap((n) => [n.mgmt.peer, ...n.data.map((d) => d.peer)]), ...plan.clients.map((c) => c.peer)];
    expect(new Set(peers).size).toBe(peers.length);
    for (const peer of peers) expect(peer.length).toBeLessThanOrEqual(15);
  });

  it('routes the pools as the exact minimal CIDR cover, skipping IPv6 blocks', () => {
    // lan: 240/29 + 248–250 merge into 240–250; storage: one address (and an IPv6 block).
    expect(plan.localRoutes).toEqual(['198.18.0.240/29', '198.18.0.248/31', '198.18.0.250/32', '198.18.1.100/32']);
  });

  it('also routes blocks that nemesis steps write into a pool', () => {
    const edited: Scenario = {
      ...scenario,
      nemesis: [
        {
          atMs: 10_000,
          action: 'edit',
          target: { kind: 'CiliumLoadBalancerIPPool', name: 'lan' },
          patch: { spec: { blocks: [{ start: '198.18.0.251', stop: '198.18.0.252' }] } },
          mayMoveIpsOf: [],
          source: scenario.source,
        },
      ],
    };
    expect(planLab(edited, 'abc123').localRoutes).toEqual(['198.18.0.240/29', '198.18.0.248/30', '198.18.0.252/32', '198.18.1.100/32']);
  });

  it('is pure: the same input gives the same plan', () => {
    expect(planLab(scenario, 'abc123')).toEqual(plan);
  });
});

describe('planLab errors', () => {
  const node = (name: string, iface: string, ip: string): TopologyNode => ({ name, labels: {}, interfaces: [{ name: iface, segment: 'lan', mac: '02:00:00:00:09:00', ip }], source: scenario.source });

  it.each([
    ['an interface name over 15 characters', withTopology((t) => ({ nodes: [...t.nodes, node('n9', 'eth-much-too-long0', '198.18.0.99')] })), /node n9 interface eth-much-too-long0: interface name 'eth-much-too-long0' is not a valid Linux name \(1–15 characters/],
    ['a namespace name over 64 characters', withTopology((t) => ({ nodes: [...t.nodes, node('n'.repeat(63), 'eth0', '198.18.0.99')] })), /node n{63}: netns name 'l2l-abc123-n{63}' is not valid.*at most 64 characters/],
    ['a node named like the lab namespace', withTopology((t) => ({ nodes: [...t.nodes, node('lab', 'eth0', '198.18.0.99')] })), /node lab: the name 'lab' is reserved for the lab namespace/],
    ['a client named like the control-plane namespace', withTopology((t) => ({ clients: [...t.clients, { ...(t.clients[0] as TopologyClient), name: 'cp', ip: '198.18.0.98' }] })), /client cp: the name 'cp' is reserved for the control-plane namespace/],
    ['a pool block overlapping the management subnet', withPoolBlocks([{ start: '198.19.248.100', stop: '198.19.248.101' }]), /pool lan block 198\.19\.248\.100-198\.19\.248\.101: overlaps the management subnet 198\.19\.248\.0\/24/],
    ['a pool block containing a node address', withPoolBlocks([{ cidr: '198.18.0.0/28' }]), /pool lan block 198\.18\.0\.0\/28: contains the address 198\.18\.0\.10 of node n1 interface eth0/],
    ['a pool block containing a client address', withPoolBlocks([{ start: '198.18.0.200' }]), /pool lan block 198\.18\.0\.200: contains the address 198\.18\.0\.200 of client c1/],
    ['a segment overlapping the management subnet', withTopology((t) => ({ segments: [...t.segments, { name: 'mgmt', subnet: '198.19.0.0/16', source: scenario.source }] })), /segment mgmt: subnet 198\.19\.0\.0\/16 overlaps the management subnet/],
  ])('rejects %s', (_what, input, message) => {
    expect(() => planLab(input, 'abc123')).toThrow(LabPlanError);
    expect(() => planLab(input, 'abc123')).toThrow(message);
  });

  it('rejects more nodes than the management subnet holds, naming the limit', () => {
    const many = withTopology(() => ({ nodes: Array.from({ length: MAX_LAB_NODES + 1 }, (_, k) => node(`n${k}`, 'eth0', `198.18.${Math.floor(k / 200) + 2}.${(k % 200) + 1}`)) }));
    expect(() => planLab(many, 'abc123')).toThrow(`topology has ${MAX_LAB_NODES + 1} nodes: the management subnet 198.19.248.0/24 holds at most ${MAX_LAB_NODES}`);
  });

  it('accepts exactly as many nodes as the management subnet holds', () => {
    const full = withTopology(() => ({ nodes: Array.from({ length: MAX_LAB_NODES }, (_, k) => node(`n${k}`, 'eth0', `198.18.${Math.floor(k / 200) + 2}.${(k % 200) + 1}`)), clients: [] }));
    const plan = planLab({ ...full, topology: { ...full.topology, segments: [{ name: 'lan', subnet: '198.18.0.0/16', source: scenario.source }] } }, 'abc123');
    expect(plan.nodes.at(-1)?.mgmt).toEqual({ iface: 'eth-m', ip: '198.19.248.253', peer: `m${MAX_LAB_NODES - 1}` });
  });

  it('rejects a run id that is not lowercase letters and digits', () => {
    expect(() => planLab(scenario, 'ABC-1')).toThrow("run id 'ABC-1': expected 1–12 lowercase letters or digits");
  });
});
