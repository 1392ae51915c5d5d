/**
 * The wire primitives on the kernel, without Docker: a Docker-shaped wire built by hand — a
 * "daemon" namespace holding a data bridge and a management bridge whose own address is the
 * control plane (a Docker network's gateway), and "containers" that are processes in namespaces
 * of their own (`unshare --net`), plugged in by veths with Docker-like random names (eth0 data,
 * eth1 management). The test attaches each container's namespace by pid, finds its bridge ports,
 * builds the plan and lets the lab's `LabNet` fault it: a pulled cable, the API partition on eth1,
 * and a node partition from a control plane on the bridge itself (input/output hooks). Needs root;
 * skips otherwise. Traffic stays inside the test's namespaces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateFromApiServer } from '../../core/net.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { LabNet } from '../../lab/net/lab-net.ts';
import { parseLabScenario } from '../../lab/topology/fixtures.test-helpers.ts';
import { LAB_READY, pingFails, pingOk, runCommand, TWO_NODE_SCENARIO } from '../../lab/topology/lab-run.test-helpers.ts';
import { planLab } from '../../lab/topology/plan-lab.ts';
import { bridgePortOf } from './bridge-port.ts';
import { attachContainerNetns, detachNetns } from './container-netns.ts';
import { containerWirePlan } from './container-wire-plan.ts';

if (!LAB_READY) process.stderr.write('container wire lab test skipped: needs root, iproute2, nft and ping\n');

const id = randomBytes(3).toString('hex');
const daemon = `l2l-${id}-dk`;
const dataBridge = `l2d${id}-0`;
const mgmtBridge = `l2d${id}-m`;
const base = planLab(parseLabScenario(TWO_NODE_SCENARIO), id);
const CP_IP = base.controlPlane.ip;
const clock = new SystemClock();

async function ip(args: string[]): Promise<void> {
  const { code, stderr } = await runCommand('ip', args);
  if (code !== 0) throw new Error(`ip ${args.join(' ')}: ${stderr}`);
}

describe.skipIf(!LAB_READY)('container wire on the kernel (Docker-shaped, no Docker)', () => {
  const holders: ChildProcess[] = [];
  const attached: string[] = [];
  let net: LabNet;
  const netnsOf = (name: string): string => `l2d-${id}-${name}`;

  /** A "container": a process in a namespace of its own, attached by pid, plugged into `bridge` as `iface`. */
  async function container(name: string, plugs: readonly { iface: string; bridge: string; cidr: string; mac?: string }[]): Promise<void> {
    const holder = spawn('unshare', ['--net', '--', 'sleep', '600'], { stdio: 'ignore' });
    holders.push(holder);
    // unshare execs sleep in its fresh namespace: wait until the pid's namespace differs from ours.
    for (let i = 0; i < 100; i++) {
      const same = await runCommand('bash', ['-c', `[ "$(readlink /proc/${holder.pid}/ns/net)" = "$(readlink /proc/self/ns/net)" ]`]);
      if (same.code !== 0) break;
      await clock.sleep(20);
    }
    await attachContainerNetns(netnsOf(name), holder.pid ?? 0, undefined, `test-${name}`);
    attached.push(netnsOf(name));
    await attachContainerNetns(netnsOf(name), holder.pid ?? 0, undefined, `test-${name}`); // idempotent
    for (const plug of plugs) {
      const peer = `veth${randomBytes(3).toString('hex')}`;
      await ip(['-n', daemon, 'link', 'add', peer, 'type', 'veth', 'peer', 'name', plug.iface, 'netns', netnsOf(name)]);
      await ip(['-n', daemon, 'link', 'set', peer, 'master', plug.bridge, 'up']);
      if (plug.mac !== undefined) await ip(['-n', netnsOf(name), 'link', 'set', plug.iface, 'address', plug.mac]);
      await ip(['-n', netnsOf(name), 'addr', 'add', plug.cidr, 'dev', plug.iface]);
      await ip(['-n', netnsOf(name), 'link', 'set', plug.iface, 'up']);
    }
  }

  beforeAll(async () => {
    await ip(['netns', 'add', daemon]);
    await ip(['-n', daemon, 'link', 'add', dataBridge, 'type', 'bridge']);
    await ip(['-n', daemon, 'link', 'add', mgmtBridge, 'type', 'bridge']);
    await ip(['-n', daemon, 'addr', 'add', `${CP_IP}/24`, 'dev', mgmtBridge]);
    for (const b of [dataBridge, mgmtBridge, 'lo']) await ip(['-n', daemon, 'link', 'set', b, 'up']);
    for (const node of base.nodes) {
      const data = node.data[0];
      if (data === undefined) throw new Error(`fixture node ${node.name} has no data interface`);
      await container(node.name, [{ iface: 'eth0', bridge: dataBridge, cidr: `${data.ip}/${data.prefixLength}`, mac: data.mac }, { iface: 'eth1', bridge: mgmtBridge, cidr: `${node.mgmt.ip}/24` }]);
    }
    for (const client of base.clients) await container(client.name, [{ iface: 'eth0', bridge: dataBridge, cidr: `${client.ip}/${client.prefixLength}`, mac: client.mac }]);
    const port = (name: string, iface: string): ReturnType<typeof bridgePortOf> => bridgePortOf(netnsOf(name), iface, daemon);
    const plan = containerWirePlan(base, {
      labNetns: daemon,
      mgmtBridge,
      controlPlane: { ip: CP_IP, netns: daemon, iface: mgmtBridge, peer: mgmtBridge },
      nodes: await Promise.all(base.nodes.map(async (n) => ({ name: n.name, netns: netnsOf(n.name), mgmt: { iface: 'eth1', peer: (await port(n.name, 'eth1')).peer }, data: [{ iface: 'eth0', ...(await port(n.name, 'eth0')) }] }))),
      clients: await Promise.all(base.clients.map(async (c) => ({ name: c.name, netns: netnsOf(c.name), ...(await port(c.name, 'eth0')) }))),
    });
    net = new LabNet(plan);
  }, 60_000);

  afterAll(async () => {
    for (const holder of holders) holder.kill('SIGKILL');
    for (const netns of attached) await detachNetns(netns);
    await runCommand('ip', ['netns', 'delete', daemon]);
  });

  it('finds each container interface’s bridge-side veth and bridge', () => {
    expect(net.plan.segments.map((s) => s.bridge)).toEqual([dataBridge]);
    for (const node of net.plan.nodes) expect(node.mgmt.peer).toMatch(/^veth[0-9a-f]{6}$/);
    expect(net.localPorts).toEqual([mgmtBridge]);
  });

  it('pulls a container’s cable on the bridge side and plugs it back', async () => {
    const [n1, c1] = [net.plan.nodes[0], net.plan.clients[0]];
    if (n1 === undefined || c1 === undefined) throw new Error('fixture: n1 and c1 expected');
    const n1Ip = n1.data[0]?.ip ?? '';
    expect(await pingOk(c1.netns, n1Ip)).toBe(true);
    await net.linkDown('n1', 'eth0');
    expect(await pingFails(c1.netns, n1Ip)).toBe(true);
    await net.linkUp('n1', 'eth0');
    expect(await pingOk(c1.netns, n1Ip)).toBe(true);
  });

  it('partitions a node from the API server with nftables on its eth1, and heals it', async () => {
    const [n1, n2] = net.plan.nodes;
    if (n1 === undefined || n2 === undefined) throw new Error('fixture: n1 and n2 expected');
    await net.partitionApi('n1');
    expect(await pingFails(n1.netns, CP_IP)).toBe(true);
    expect(await pingOk(n2.netns, CP_IP)).toBe(true);
    await net.healApi('n1');
    expect(await pingOk(n1.netns, CP_IP)).toBe(true);
  });

  it('cuts a node from a control plane that is the bridge’s own address, both ways, and heals it', async () => {
    const [n1, n2] = net.plan.nodes;
    if (n1 === undefined || n2 === undefined) throw new Error('fixture: n1 and n2 expected');
    await net.partitionNodes(isolateFromApiServer('n1'));
    expect(await pingFails(n1.netns, CP_IP)).toBe(true);
    expect(await pingFails(daemon, n1.mgmt.ip)).toBe(true);
    expect(await pingOk(n2.netns, CP_IP)).toBe(true);
    await net.healNodes();
    expect(await pingOk(n1.netns, CP_IP)).toBe(true);
  });
});
