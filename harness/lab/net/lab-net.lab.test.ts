/**
 * Every `LabNet` fault on a real 2-node/1-client lab, observed from inside the namespaces: a fault
 * must stop the traffic it targets and leave the rest flowing, applying it twice must be harmless,
 * and healing must bring the traffic back. The API partition must make a TCP connect to the
 * control plane *time out* (a real partition), not fail at once. Needs root; skips otherwise.
 * Traffic stays inside the lab namespaces.
 */
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate } from '../../core/net.ts';
import { inNetns, LAB_READY, pingFails, pingOk, startTestLab, type TestLab } from '../topology/lab-run.test-helpers.ts';
import { LabNet, LabNetError } from './lab-net.ts';

if (!LAB_READY) process.stderr.write('LabNet lab test skipped: needs root, iproute2, nft and ping\n');

const API_PORT = 6443;
/** How long a connect attempt may take before it counts as timed out (a refused connect returns in well under 1 ms). */
const CONNECT_WAIT_S = 2;

/** Connects to the control plane from `netns`: 'connected', 'refused' (or another fast error), or 'timeout'. */
async function tcpConnect(netns: string, ip: string): Promise<'connected' | 'failed' | 'timeout'> {
  const { code } = await inNetns(netns, ['timeout', String(CONNECT_WAIT_S), 'bash', '-c', `exec 3<>/dev/tcp/${ip}/${API_PORT}`]);
  return code === 0 ? 'connected' : code === 124 ? 'timeout' : 'failed';
}

describe.skipIf(!LAB_READY)('LabNet on the kernel', () => {
  let lab: TestLab;
  let net: LabNet;
  const ip = { n1: '', n2: '', n1m: '', cp: '' };
  let c1 = '';
  let n1 = '';
  let n2 = '';

  beforeAll(async () => {
    lab = await startTestLab();
    net = new LabNet(lab.plan);
    [n1, n2] = lab.plan.nodes.map((n) => n.netns) as [string, string];
    c1 = lab.plan.clients[0]?.netns ?? '';
    ip.n1 = lab.plan.nodes[0]?.data[0]?.ip ?? '';
    ip.n2 = lab.plan.nodes[1]?.data[0]?.ip ?? '';
    ip.n1m = lab.plan.nodes[0]?.mgmt.ip ?? '';
    ip.cp = lab.plan.controlPlane.ip;
    // A stand-in API server: a TCP listener in the control-plane netns, recorded so teardown stops it.
    const server = spawn('ip', ['netns', 'exec', lab.plan.controlPlane.netns, process.execPath, '-e', `require('node:net').createServer((s) => s.end()).listen(${API_PORT}, '${ip.cp}', () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await lab.manifest.recordProcess({ name: 'fake-apiserver', pid: server.pid ?? -1 }, lab.plan.controlPlane.netns);
    await new Promise<void>((resolve, reject) => {
      server.stdout.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`fake API server exited with ${code}`)));
    });
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  it('link down stops a node data link, link up restores it', async () => {
    expect(await pingOk(c1, ip.n1)).toBe(true);
    await net.linkDown('n1', 'eth0');
    await net.linkDown('n1', 'eth0');
    // A pulled cable: the node's interface stays administratively UP and loses carrier.
    const shown = execFileSync('ip', ['-n', n1, 'link', 'show', 'eth0'], { encoding: 'utf8' });
    expect(shown).toMatch(/NO-CARRIER.*UP|UP.*NO-CARRIER/);
    expect(await pingFails(c1, ip.n1)).toBe(true);
    expect(await pingOk(c1, ip.n2)).toBe(true);
    await net.linkUp('n1', 'eth0');
    await net.linkUp('n1', 'eth0');
    expect(await pingOk(c1, ip.n1)).toBe(true);
  });

  it('partitionApi makes connects to the API server time out (not fail fast); healApi ends it; other nodes unaffected', async () => {
    expect(await tcpConnect(n1, ip.cp)).toBe('connected');
    await net.partitionApi('n1');
    await net.partitionApi('n1');
    expect(await tcpConnect(n1, ip.cp)).toBe('timeout');
    expect(await tcpConnect(n2, ip.cp)).toBe('connected');
    // The node still answers on its data link.
    expect(await pingOk(c1, ip.n1)).toBe(true);
    await net.healApi('n1');
    await net.healApi('n1');
    expect(await tcpConnect(n1, ip.cp)).toBe('connected');
  });

  it('partitionNodes cuts n1 from n2 on the data bridge only; healNodes restores it', async () => {
    expect(await pingOk(n1, ip.n2)).toBe(true);
    await net.partitionNodes(isolate('n1', ['n1', 'n2']));
    await net.partitionNodes(isolate('n1', ['n1', 'n2']));
    expect(await pingFails(n1, ip.n2)).toBe(true);
    expect(await pingOk(c1, ip.n1)).toBe(true);
    expect(await pingOk(c1, ip.n2)).toBe(true);
    expect(await tcpConnect(n1, ip.cp)).toBe('connected');
    await net.healNodes();
    await net.healNodes();
    expect(await pingOk(n1, ip.n2)).toBe(true);
  });

  it('killNodeLinks takes the data and management links down; restoreNodeLinks brings both back', async () => {
    await net.killNodeLinks('n2');
    await net.killNodeLinks('n2');
    expect(await pingFails(c1, ip.n2)).toBe(true);
    expect(await pingFails(lab.plan.labNetns, lab.plan.nodes[1]?.mgmt.ip ?? '')).toBe(true);
    expect(await pingOk(c1, ip.n1)).toBe(true);
    await net.restoreNodeLinks('n2');
    expect(await pingOk(c1, ip.n2)).toBe(true);
    expect(await pingOk(lab.plan.labNetns, lab.plan.nodes[1]?.mgmt.ip ?? '')).toBe(true);
  });

  it('segmentDown cuts everything on the segment; segmentUp restores it', async () => {
    await net.segmentDown('lan');
    expect(await pingFails(c1, ip.n1)).toBe(true);
    expect(await pingOk(lab.plan.labNetns, ip.n1m)).toBe(true);
    await net.segmentUp('lan');
    expect(await pingOk(c1, ip.n1)).toBe(true);
  });

  it('netem loss 100 % drops what the interface sends; clearNetem restores it', async () => {
    await net.netem(c1, 'eth0', { lossPercent: 100 });
    await net.netem(c1, 'eth0', { lossPercent: 100 });
    expect(await pingFails(c1, ip.n1)).toBe(true);
    await net.clearNetem(c1, 'eth0');
    await net.clearNetem(c1, 'eth0');
    expect(await pingOk(c1, ip.n1)).toBe(true);
  });

  it('netem delay either shapes the link or says the kernel lacks sch_netem', async () => {
    const outcome = await net.netem(n1, 'eth0', { delayMs: 20 }).then(
      () => 'applied',
      (error: unknown) => error,
    );
    if (outcome === 'applied') {
      const { stdout } = await inNetns(n1, ['tc', 'qdisc', 'show', 'dev', 'eth0']);
      expect(stdout).toMatch(/netem .*delay 20ms/);
    } else {
      expect(outcome).toBeInstanceOf(LabNetError);
      expect((outcome as Error).message).toContain('this kernel has no sch_netem');
    }
    await net.clearNetem(n1, 'eth0');
    expect(await pingOk(c1, ip.n1)).toBe(true);
  });

  it('teardown stops the recorded API server stand-in', async () => {
    const before = lab.manifest.resources.find((r) => r.kind === 'process');
    expect(before?.kind).toBe('process');
    await lab.dispose();
    const pid = before?.kind === 'process' ? before.pid : -1;
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
