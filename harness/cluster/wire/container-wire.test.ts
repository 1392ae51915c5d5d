import { describe, expect, it } from 'vitest';
import { API_SERVER, isolateFromApiServer } from '../../core/net.ts';
import { execFailure, fakeExec } from '../../lab/net/fake-exec.test-helpers.ts';
import { LabNet } from '../../lab/net/lab-net.ts';
import { apiPartitionScript } from '../../lab/net/nft-rules.ts';
import { parseLabScenario } from '../../lab/topology/fixtures.test-helpers.ts';
import { planLab } from '../../lab/topology/plan-lab.ts';
import { bridgePortOf } from './bridge-port.ts';
import { attachContainerNetns, detachNetns } from './container-netns.ts';
import { containerWirePlan, type ContainerWire } from './container-wire-plan.ts';

const base = planLab(parseLabScenario(), 'abc123');

/** A Docker-like wire for the fixture: mgmt `eth9`, veth names as Docker makes them, bridges per segment. */
const wire: ContainerWire = {
  labNetns: 'l2l-docker',
  mgmtBridge: 'l2dabc123-m',
  controlPlane: { ip: '198.19.248.1', netns: 'l2l-docker', iface: 'l2dabc123-m', peer: 'l2dabc123-m' },
  nodes: base.nodes.map((n, k) => ({
    name: n.name,
    netns: `l2d-abc123-${n.name}`,
    mgmt: { iface: 'eth9', peer: `vethm${k}` },
    data: n.data.map((d) => ({ iface: d.iface, peer: `veth${k}${d.iface}`, bridge: d.segment === 'lan' ? 'l2dabc123-0' : 'l2dabc123-1' })),
  })),
  clients: base.clients.map((c, j) => ({ name: c.name, netns: `l2d-abc123-${c.name}`, peer: `vethc${j}`, bridge: c.segment === 'lan' ? 'l2dabc123-0' : 'l2dabc123-1' })),
};

describe('attachContainerNetns / detachNetns', () => {
  it('attaches by pid, and accepts a name already bound to that same namespace', async () => {
    const { exec, calls } = fakeExec((call) => {
      if (call.args[1] === 'attach') throw execFailure('Error: File exists\n');
      return call.args[1] === 'identify' ? 'l2d-r-n1\n' : undefined;
    });
    await attachContainerNetns('l2d-r-n1', 4242, exec, 'l2lab-r-n1');
    expect(calls.map((c) => c.args.join(' '))).toEqual(['netns attach l2d-r-n1 4242', 'netns identify 4242']);
  });

  it('refuses a name bound to another namespace and a stopped container, naming container and pid', async () => {
    const { exec } = fakeExec((call) => {
      if (call.args[1] === 'attach') throw execFailure('Error: File exists\n');
      return 'other\n';
    });
    await expect(attachContainerNetns('l2d-r-n1', 4242, exec, 'l2lab-r-n1')).rejects.toThrow('attaching the network namespace of l2lab-r-n1 (pid 4242) as l2d-r-n1: l2d-r-n1 is already attached to another namespace');
    await expect(attachContainerNetns('l2d-r-n1', 0, fakeExec().exec, 'l2lab-r-n1')).rejects.toThrow('l2lab-r-n1 (pid 0) as l2d-r-n1: the container is not running');
  });

  it('detaches idempotently, but reports other failures', async () => {
    await detachNetns('gone', fakeExec(() => { throw execFailure('Cannot remove namespace file "/run/netns/gone": No such file or directory\n'); }).exec);
    await expect(detachNetns('busy', fakeExec(() => { throw execFailure('Device or resource busy\n'); }).exec)).rejects.toThrow('detaching netns busy');
  });
});

describe('bridgePortOf', () => {
  const containerEnd = JSON.stringify([{ ifindex: 12, link_index: 13, ifname: 'eth1', link_netnsid: 0 }]);
  const bridgeSide = (master: string | undefined, back = 12): string => JSON.stringify([{ ifindex: 1, ifname: 'lo' }, { ifindex: 13, link_index: back, ifname: 'veth1a2b3c4', ...(master === undefined ? {} : { master }) }]);

  it('follows the veth peer into the bridge namespace and reads its master', async () => {
    const { exec, calls } = fakeExec((call) => (call.args.includes('l2d-r-n1') ? containerEnd : bridgeSide('l2dr-m')));
    expect(await bridgePortOf('l2d-r-n1', 'eth1', 'l2l-docker', exec)).toEqual({ peer: 'veth1a2b3c4', bridge: 'l2dr-m' });
    expect(calls.map((c) => c.args.join(' '))).toEqual(['-j -n l2d-r-n1 link show dev eth1', '-j -n l2l-docker link show']);
  });

  it('names the netns and interface when it is no veth on a bridge there', async () => {
    const noPeer = fakeExec((call) => (call.args.includes('l2d-r-n1') ? JSON.stringify([{ ifindex: 1, ifname: 'lo' }]) : '[]'));
    await expect(bridgePortOf('l2d-r-n1', 'lo', 'l2l-docker', noPeer.exec)).rejects.toThrow('finding the bridge port of lo in netns l2d-r-n1 (bridges in l2l-docker): lo is not a veth');
    const unbridged = fakeExec((call) => (call.args.includes('l2d-r-n1') ? containerEnd : bridgeSide(undefined)));
    await expect(bridgePortOf('l2d-r-n1', 'eth1', 'l2l-docker', unbridged.exec)).rejects.toThrow('its peer veth1a2b3c4 in l2l-docker is not on a bridge');
    // Index 13 exists there but belongs to another pair: not this interface's peer.
    const elsewhere = fakeExec((call) => (call.args.includes('l2d-r-n1') ? containerEnd : bridgeSide('l2dr-m', 99)));
    await expect(bridgePortOf('l2d-r-n1', 'eth1', 'l2l-docker', elsewhere.exec)).rejects.toThrow('its peer (ifindex 13) is not in l2l-docker');
    const missing = fakeExec(() => { throw execFailure('Device "eth7" does not exist.\n'); });
    await expect(bridgePortOf('l2d-r-n1', 'eth7', 'l2l-docker', missing.exec)).rejects.toThrow('finding the bridge port of eth7 in netns l2d-r-n1');
  });
});

describe('containerWirePlan', () => {
  const plan = containerWirePlan(base, wire);

  it('keeps the scenario (names, addresses, MACs) and takes the containers’ netns, ports and bridges', () => {
    const n2 = plan.nodes.find((n) => n.name === 'n2');
    expect(n2?.netns).toBe('l2d-abc123-n2');
    expect(n2?.mgmt).toEqual({ iface: 'eth9', ip: base.nodes[1]?.mgmt.ip, peer: 'vethm1' });
    expect(n2?.data.map((d) => [d.iface, d.peer, d.bridge, d.ip, d.mac])).toEqual(base.nodes[1]?.data.map((d) => [d.iface, `veth1${d.iface}`, d.segment === 'lan' ? 'l2dabc123-0' : 'l2dabc123-1', d.ip, d.mac]));
    expect(plan.segments.map((s) => [s.name, s.bridge, s.subnet])).toEqual(base.segments.map((s) => [s.name, s.name === 'lan' ? 'l2dabc123-0' : 'l2dabc123-1', s.subnet]));
    expect(plan.clients.map((c) => [c.name, c.netns, c.peer, c.ip])).toEqual(base.clients.map((c, j) => [c.name, `l2d-abc123-${c.name}`, `vethc${j}`, c.ip]));
    expect([plan.labNetns, plan.mgmt.bridge, plan.controlPlane.peer]).toEqual(['l2l-docker', 'l2dabc123-m', 'l2dabc123-m']);
  });

  it('refuses a wire that does not match the plan, naming what', () => {
    expect(() => containerWirePlan(base, { ...wire, nodes: wire.nodes.slice(1) })).toThrow('node n1 was not discovered');
    expect(() => containerWirePlan(base, { ...wire, clients: [...wire.clients, { name: 'c9', netns: 'x', peer: 'y', bridge: 'z' }] })).toThrow('client(s) c9 not in the run');
    expect(() => containerWirePlan(base, { ...wire, nodes: wire.nodes.map((n) => ({ ...n, mgmt: { ...n.mgmt, iface: 'eth1' } })) })).toThrow("node n2's management interface eth1 is also a data interface");
    expect(() => containerWirePlan(base, { ...wire, clients: wire.clients.map((c) => ({ ...c, bridge: 'other' })) })).toThrow('segment lan spans bridges');
  });

  it('lets LabNet fault containers: cables on the bridge side, the API partition on the container’s own mgmt name', async () => {
    const { exec, calls } = fakeExec();
    const net = new LabNet(plan, { exec });
    await net.linkDown('n1', 'mgmt');
    await net.linkUp('n1', 'eth9');
    await net.segmentDown('storage');
    await net.partitionApi('n3');
    expect(calls.map((c) => [c.args.join(' '), c.input])).toEqual([
      ['-n l2l-docker -batch -', 'link set vethm0 down\n'],
      ['-n l2l-docker -batch -', 'link set vethm0 up\n'],
      ['-n l2l-docker -batch -', 'link set veth1eth1 down\nlink set vethc1 down\n'],
      ['netns exec l2d-abc123-n3 nft -f -', apiPartitionScript('eth9', '198.19.248.1')],
    ]);
  });

  it('partitions a node from a control plane that is the bridge’s own address in the input and output hooks', async () => {
    const { exec, calls } = fakeExec();
    const net = new LabNet(plan, { exec });
    await net.partitionNodes(isolateFromApiServer('n3'));
    const script = calls[0]?.input ?? '';
    expect(script).toContain('chain input {\n    type filter hook input priority 0; policy accept;\n    iifname "vethm2" drop\n  }');
    expect(script).toContain('chain output {\n    type filter hook output priority 0; policy accept;\n    oifname "vethm2" drop\n  }');
    expect(script).not.toContain('chain forward');
    expect(net.portDrops(new Map([['n1', new Set([API_SERVER])]]))).toEqual([{ fromPorts: ['l2dabc123-m'], toPorts: ['vethm0'] }]);
  });
});
