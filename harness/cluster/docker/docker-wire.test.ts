import { describe, expect, it } from 'vitest';
import { fakeExec, type ExecCall } from '../../lab/net/fake-exec.test-helpers.ts';
import { parseLabScenario, TWO_NODE_SCENARIO } from '../../lab/topology/fixtures.test-helpers.ts';
import { planDockerWorld } from './docker-plan.ts';
import { DockerWire } from './docker-wire.ts';


const plan = planDockerWorld(parseLabScenario(TWO_NODE_SCENARIO), 'r1');
const bridgeOfIface = (netns: string, iface: string): string => (iface === 'eth1' ? plan.mgmt.bridge : (plan.networks[0]?.bridge ?? ''));

/**
 * A Docker-shaped kernel: in container netns k, eth0 is ifindex 2 and eth1 ifindex 3, their peers
 * in l2l-docker `veth<generation><k><0|1>` (generation bumps when a node restarts).
 */
function dockerKernel(): { exec: ReturnType<typeof fakeExec>['exec']; calls: ExecCall[]; restart(netns: string): void } {
  const generation = new Map<string, number>();
  const names = [...plan.nodes.map((n) => n.netns), ...plan.clients.map((c) => c.netns)];
  const peerIndex = (k: number, i: number): number => 100 + 10 * k + i;
  const { exec, calls } = fakeExec((call) => {
    if (call.args[0] === 'netns' && call.args[1] === 'identify') return '';
    if (call.args[0] !== '-j') return undefined;
    const netns = call.args[2] ?? '';
    if (netns === 'l2l-docker') {
      return JSON.stringify(names.flatMap((ns, k) => [0, 1].map((i) => ({ ifindex: peerIndex(k, i), link_index: 2 + i, ifname: `veth${generation.get(ns) ?? 0}${k}${i}`, master: bridgeOfIface(ns, `eth${i}`) }))));
    }
    const k = names.indexOf(netns);
    const i = call.args.at(-1) === 'eth1' ? 1 : 0;
    return JSON.stringify([{ ifindex: 2 + i, link_index: peerIndex(k, i), ifname: `eth${i}` }]);
  });
  return { exec, calls, restart: (netns) => void generation.set(netns, (generation.get(netns) ?? 0) + 1) };
}

describe('DockerWire', () => {
  it('attaches each container by its pid, sets the lab sysctls and local routes, and faults through LabNet on the bridge side', async () => {
    const kernel = dockerKernel();
    const pids = new Map([...plan.nodes, ...plan.clients].map((c, k) => [c.container, 1000 + k]));
    const wire = new DockerWire({ plan, pidOf: (c) => Promise.resolve(pids.get(c) ?? 0), exec: kernel.exec });
    for (const name of ['n1', 'n2', 'c1']) await wire.attach(name);
    await wire.applyNetwork('n1');
    const net = await wire.resolve();
    expect(wire.attached).toEqual(['l2d-r1-n1', 'l2d-r1-n2', 'l2d-r1-c1']);
    const setup = kernel.calls.map((c) => c.args.join(' '));
    expect(setup.slice(0, 3)).toEqual(['netns attach l2d-r1-n1 1000', 'netns attach l2d-r1-n2 1001', 'netns attach l2d-r1-c1 1002']);
    expect(setup).toContain('netns exec l2d-r1-n1 sysctl -q -w net/ipv6/conf/all/disable_ipv6=1 net/ipv6/conf/default/disable_ipv6=1 net/ipv4/conf/eth0/arp_ignore=1');
    expect(setup).toContain('-n l2d-r1-n1 route replace local 198.18.0.240/28 dev lo');

    kernel.calls.length = 0;
    await net.linkDown('n2', 'eth0');
    await net.partitionApi('n1');
    await net.segmentDown('lan');
    expect(kernel.calls.map((c) => [c.args.join(' '), c.input])).toEqual([
      ['-n l2l-docker -batch -', 'link set veth010 down\n'],
      ['netns exec l2d-r1-n1 nft -f -', expect.stringContaining('hook ingress device "eth1" priority 0; policy accept; ip saddr 198.19.248.1 drop;')],
      ['-n l2l-docker -batch -', 'link set veth000 down\nlink set veth010 down\nlink set veth020 down\n'],
    ]);
  });

  it('rewires a restarted node: a fresh attach, its settings again, and LabNet on its new veths', async () => {
    const kernel = dockerKernel();
    let pid = 1000;
    const wire = new DockerWire({ plan, pidOf: () => Promise.resolve(pid++), exec: kernel.exec });
    for (const name of ['n1', 'n2', 'c1']) await wire.attach(name);
    await wire.resolve();
    kernel.restart('l2d-r1-n2');
    kernel.calls.length = 0;
    await wire.rewire('n2');
    const calls = kernel.calls.map((c) => c.args.join(' '));
    expect(calls.slice(0, 2)).toEqual(['netns delete l2d-r1-n2', 'netns attach l2d-r1-n2 1003']);
    expect(calls).toContain('-n l2d-r1-n2 route replace local 198.18.0.240/28 dev lo');
    expect(wire.net.plan.nodes.find((n) => n.name === 'n2')?.data[0]?.peer).toBe('veth110');
    expect(wire.net.plan.nodes.find((n) => n.name === 'n1')?.mgmt.peer).toBe('veth001');
  });

  it('refuses faults before the wire is resolved, and a port on the wrong bridge', async () => {
    const kernel = dockerKernel();
    const wire = new DockerWire({ plan, pidOf: () => Promise.resolve(7), exec: kernel.exec, bridgeNetns: 'l2l-docker' });
    expect(() => wire.net).toThrow('docker run r1: the wire is not resolved yet');
    const swapped = planDockerWorld(parseLabScenario(TWO_NODE_SCENARIO), 'r1');
    const wrong = new DockerWire({ plan: { ...swapped, mgmt: { ...swapped.mgmt, bridge: 'elsewhere' } }, pidOf: () => Promise.resolve(7), exec: kernel.exec });
    await expect(wrong.resolve()).rejects.toThrow(`node n1 eth1 is on bridge ${plan.mgmt.bridge}, not on its network's elsewhere`);
  });

  it('detaches everything it attached, idempotently', async () => {
    const kernel = dockerKernel();
    const wire = new DockerWire({ plan, pidOf: () => Promise.resolve(7), exec: kernel.exec });
    await wire.attach('n1');
    await wire.attach('c1');
    expect(await wire.detachAll()).toEqual([]);
    expect(await wire.detachAll()).toEqual([]);
    expect(wire.attached).toEqual([]);
    expect(kernel.calls.filter((c) => c.args[1] === 'delete').map((c) => c.args[2])).toEqual(['l2d-r1-n1', 'l2d-r1-c1']);
  });
});
