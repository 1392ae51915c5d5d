/**
 * `applyLab` and `teardownLab` on the real kernel: a 2-node/1-client lab is built, its links,
 * addresses, aliases, bridges, sysctls and local routes are read back with `ip -n`, traffic flows
 * where it should (client → node data address, node → control plane) and not where it must not (the
 * kernel does not answer ARP for a VIP routed on lo: arp_ignore=1); then teardown twice leaves no
 * namespace with the run id. Needs root; skips otherwise. Traffic stays inside the lab namespaces.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teardownLab } from '../manifest/teardown.ts';
import { inNetns, LAB_READY, namespacesOfRun, pingFails, pingOk, runCommand, startTestLab, type TestLab } from './lab-run.test-helpers.ts';

if (!LAB_READY) process.stderr.write('topology lab test skipped: needs root, iproute2, nft and ping\n');

interface IpLink {
  readonly ifname: string;
  readonly address?: string;
  readonly ifalias?: string;
  readonly operstate?: string;
  readonly master?: string;
  readonly linkinfo?: { readonly info_kind?: string; readonly info_data?: { readonly stp_state?: number; readonly forward_delay?: number } };
}
interface IpAddr {
  readonly ifname: string;
  readonly addr_info: readonly { readonly family: string; readonly local: string; readonly prefixlen: number }[];
}

async function ipJson<T>(netns: string, args: readonly string[]): Promise<T> {
  const { code, stdout, stderr } = await runCommand('ip', ['-n', netns, '-j', ...args]);
  if (code !== 0) throw new Error(`ip -n ${netns} ${args.join(' ')}: ${stderr}`);
  return JSON.parse(stdout) as T;
}

describe.skipIf(!LAB_READY)('applyLab on the kernel', () => {
  let lab: TestLab;
  const progress: string[] = [];

  beforeAll(async () => {
    lab = await startTestLab(undefined, (line) => progress.push(line));
    process.stderr.write(`${progress.join('\n')}\n`);
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  it('creates the bridges without STP, every link aliased with the run id, every port on its bridge and up', async () => {
    const links = await ipJson<IpLink[]>(lab.plan.labNetns, ['-d', 'link', 'show']);
    const alias = `l2lab:${lab.plan.runId}`;
    const byName = new Map(links.map((l) => [l.ifname, l]));
    for (const bridge of ['br-mgmt', 'br-0']) {
      expect(byName.get(bridge)?.linkinfo?.info_kind).toBe('bridge');
      expect(byName.get(bridge)?.linkinfo?.info_data?.stp_state).toBe(0);
      expect(byName.get(bridge)?.ifalias).toBe(alias);
    }
    for (const [port, bridge] of [['mcp', 'br-mgmt'], ['m0', 'br-mgmt'], ['m1', 'br-mgmt'], ['d0.0', 'br-0'], ['d1.0', 'br-0'], ['c0', 'br-0']]) {
      expect(byName.get(port ?? '')).toMatchObject({ master: bridge, ifalias: alias, operstate: 'UP' });
    }
    expect(byName.get('lo')?.ifalias).toBe(`${alias} owner=${lab.manifest.owner.pid}:${lab.manifest.owner.startTimeTicks} manifest=${lab.manifest.path}`);
  });

  it('gives node and client interfaces their scenario MAC, address and alias; mgmt addresses on eth-m', async () => {
    for (const node of lab.plan.nodes) {
      const links = await ipJson<IpLink[]>(node.netns, ['link', 'show']);
      const addrs = await ipJson<IpAddr[]>(node.netns, ['addr', 'show']);
      const data = node.data[0];
      expect(links.find((l) => l.ifname === 'eth0')).toMatchObject({ address: data?.mac, ifalias: `l2lab:${lab.plan.runId}`, operstate: 'UP' });
      expect(addrs.find((a) => a.ifname === 'eth0')?.addr_info.map((i) => `${i.local}/${i.prefixlen}`)).toEqual([`${data?.ip}/24`]);
      expect(addrs.find((a) => a.ifname === 'eth-m')?.addr_info.map((i) => `${i.local}/${i.prefixlen}`)).toEqual([`${node.mgmt.ip}/24`]);
      // IPv6 is off: no family inet6 address anywhere (not even link-local or ::1).
      expect(addrs.flatMap((a) => a.addr_info).filter((i) => i.family === 'inet6')).toEqual([]);
    }
    const client = lab.plan.clients[0];
    const clientLinks = await ipJson<IpLink[]>(client?.netns ?? '', ['link', 'show']);
    expect(clientLinks.find((l) => l.ifname === 'eth0')?.address).toBe(client?.mac);
  });

  it('routes the pool locally on the nodes and sets the sysctls inside each namespace', async () => {
    const n1 = lab.plan.nodes[0]?.netns ?? '';
    const { stdout } = await runCommand('ip', ['-n', n1, 'route', 'show', 'table', 'local', 'type', 'local', 'dev', 'lo']);
    expect(stdout).toContain('local 198.18.0.240/28');
    expect((await inNetns(n1, ['cat', '/proc/sys/net/ipv4/conf/eth0/arp_ignore'])).stdout.trim()).toBe('1');
    expect((await inNetns(n1, ['cat', '/proc/sys/net/ipv4/conf/eth-m/arp_ignore'])).stdout.trim()).toBe('0');
    const c1 = lab.plan.clients[0]?.netns ?? '';
    expect((await inNetns(c1, ['cat', '/proc/sys/net/ipv4/neigh/eth0/base_reachable_time_ms'])).stdout.trim()).toBe('30000');
  });

  it('carries traffic client → node data address and node → control plane, but the kernel does not answer ARP for a VIP', async () => {
    const c1 = lab.plan.clients[0]?.netns ?? '';
    const n1 = lab.plan.nodes[0];
    expect(await pingOk(c1, n1?.data[0]?.ip ?? '')).toBe(true);
    expect(await pingOk(n1?.netns ?? '', lab.plan.controlPlane.ip)).toBe(true);
    expect(await pingOk(lab.plan.labNetns, n1?.mgmt.ip ?? '')).toBe(true);
    // 198.18.0.241 is routed `local` on lo in every node, yet arp_ignore=1 keeps the kernels silent: the responder's job.
    expect(await pingFails(c1, '198.18.0.241')).toBe(true);
  });

  it('records every namespace in the manifest before teardown, and two teardowns leave nothing of the run', async () => {
    const recorded = lab.manifest.resources.filter((r) => r.kind === 'netns').map((r) => (r.kind === 'netns' ? r.name : ''));
    expect([...recorded].sort()).toEqual([...(await namespacesOfRun(lab.plan.runId))].sort());
    expect(recorded).toHaveLength(5);
    const first = await teardownLab(lab.manifest);
    expect(first.namespaces).toEqual([...recorded].reverse());
    const second = await teardownLab(lab.manifest);
    expect(second.namespaces).toEqual([]);
    expect(await namespacesOfRun(lab.plan.runId)).toEqual([]);
    await expect(readFile(lab.manifest.path)).rejects.toThrow(/ENOENT/);
  });
});
