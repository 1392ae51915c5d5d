/**
 * The lab roles end to end on a real wire: two nodes and a client in their own namespaces, each
 * node with a management link (to the control plane's namespace, over a bridge in a lab
 * namespace) and a data link on a second bridge; a real kube-apiserver + etcd; per node one
 * `agent`, `datapath` and `echo` process, one `operator`, a `prober` in the client — all started
 * as `l2lab lab-proc <role>`.
 *
 * Shows: the operator gives the Service an IP through the real API server; a client's `arping`
 * to that VIP is answered with the MAC of the node whose agent holds the Lease; after SIGKILL of
 * that agent (its datapath keeps running) the other node takes the Lease over and its GARP is on
 * the wire (tcpdump in the client's namespace), and once the killed agent's liveness stamp is
 * older than the lease duration only the new holder answers; the client's UDP probes (`prober`
 * → `echo`) are answered by the holder, then by the new one; SIGTERM of the new holder's agent
 * releases its Lease and exits 0. Needs root, iproute2, arping,
 * tcpdump and the control-plane binaries; skips with a reason otherwise.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../control-plane/binaries.ts';
import { binariesForTests, tempRunDir } from '../../control-plane/cp-test-support.ts';
import { downControlPlane, tokenOf } from '../../control-plane/down.ts';
import { layoutFor } from '../../control-plane/layout.ts';
import { upControlPlane } from '../../control-plane/up.ts';
import { parseHistoryJsonl } from '../../history/jsonl.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../lab-clock.ts';
import { callInNetns } from './netns-call.ts';

const setup = await binariesForTests();
const tools = ['ip', 'arping', 'tcpdump'].every((tool) => spawnSync('which', [tool], { stdio: 'ignore' }).status === 0);
const canLab = process.getuid?.() === 0 && tools;
if (!canLab) process.stderr.write('failover lab test skipped: needs root, iproute2, arping and tcpdump\n');

const TEST_TIMEOUT_MS = 240_000;
const id = randomBytes(2).toString('hex');
const ns = (name: string): string => `l2lp-${id}-${name}`;
const NODES = [
  { name: 'n1', mgmt: '198.19.248.11', data: '198.18.0.11', mac: '02:00:00:00:01:01' },
  { name: 'n2', mgmt: '198.19.248.12', data: '198.18.0.12', mac: '02:00:00:00:02:01' },
] as const;
const CLIENT = { name: 'c1', data: '198.18.0.100', mac: '02:00:00:00:c1:01' };
const POOL = '198.18.0.240/29';
const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 };
const clock = new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The minimal lab: bridges in a lab namespace, veths into the control plane, node and client namespaces. */
function buildLab(): void {
  for (const name of ['lab', 'cp', ...NODES.map((n) => n.name), CLIENT.name]) {
    ip('netns', 'add', ns(name));
    ip('-n', ns(name), 'link', 'set', 'lo', 'up');
    execFileSync('ip', ['netns', 'exec', ns(name), 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
  }
  for (const bridge of ['br-m', 'br-d']) {
    ip('-n', ns('lab'), 'link', 'add', bridge, 'type', 'bridge');
    ip('-n', ns('lab'), 'link', 'set', bridge, 'up');
  }
  ip('-n', ns('lab'), 'addr', 'add', '198.19.248.254/24', 'dev', 'br-m');
  const link = (member: string, bridge: string, lanSide: string, inside: string, address: string, mac?: string): void => {
    ip('-n', ns('lab'), 'link', 'add', lanSide, 'type', 'veth', 'peer', 'name', inside, 'netns', ns(member));
    ip('-n', ns('lab'), 'link', 'set', lanSide, 'master', bridge, 'up');
    if (mac !== undefined) ip('-n', ns(member), 'link', 'set', inside, 'address', mac);
    ip('-n', ns(member), 'link', 'set', inside, 'up');
    ip('-n', ns(member), 'addr', 'add', address, 'dev', inside);
  };
  link('cp', 'br-m', 'm-cp', 'eth-m', '198.19.248.1/24');
  for (const node of NODES) {
    link(node.name, 'br-m', `m-${node.name}`, 'eth-m', `${node.mgmt}/24`);
    link(node.name, 'br-d', `d-${node.name}`, 'eth0', `${node.data}/24`, node.mac);
    // The kernel must not answer ARP for VIPs, yet delivers VIP traffic to the echo backend — as
    // the lab world sets a node up.
    execFileSync('ip', ['netns', 'exec', ns(node.name), 'sysctl', '-qw', 'net.ipv4.conf.eth0.arp_ignore=1']);
    ip('-n', ns(node.name), 'route', 'add', 'local', POOL, 'dev', 'lo');
  }
  link(CLIENT.name, 'br-d', `d-${CLIENT.name}`, 'eth0', `${CLIENT.data}/24`, CLIENT.mac);
}

interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

describe.skipIf(setup.binaries === undefined || !canLab)('lab roles: ARP answered by the Lease holder, GARP after its agent is killed', () => {
  let runDir = '';
  const started = new Map<string, Started>();
  let epochMonoNs = '';

  async function startRole(name: string, netnsName: string, role: string, config: Record<string, unknown>): Promise<void> {
    const configPath = join(runDir, 'proc', `${name}.json`);
    writeFileSync(configPath, JSON.stringify({ ...config, epochMonoNs, historyPath: join(runDir, 'proc', `${name}.history.jsonl`) }, null, 2));
    const logFd = openSync(join(runDir, 'proc', `${name}.log`), 'a');
    const child = spawn('ip', ['netns', 'exec', ns(netnsName), process.execPath, join(REPO_ROOT, 'bin/l2lab.mjs'), 'lab-proc', role, '--config', configPath], { stdio: ['ignore', 'pipe', logFd] });
    closeSync(logFd);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    started.set(name, { name, child, exited });
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      const timer = clock.setTimer(30_000, () => resolve(false));
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split('\n').includes('ready')) {
          timer.cancel();
          resolve(true);
        }
      });
      void exited.then(() => {
        timer.cancel();
        resolve(false);
      });
    });
    if (!ready) throw new Error(`starting ${role} ${name} in ${ns(netnsName)}: no 'ready' within 30 s; log:\n${readFileSync(join(runDir, 'proc', `${name}.log`), 'utf8').slice(-2000)}`);
  }

  function ops(name: string): ReturnType<typeof parseHistoryJsonl> {
    try {
      return parseHistoryJsonl(readFileSync(join(runDir, 'proc', `${name}.history.jsonl`), 'utf8'));
    } catch {
      return [];
    }
  }

  /** The node whose agent last became leader and has not lost it since, by the agents' histories. */
  function holder(): string | undefined {
    const transitions = NODES.flatMap((node) => ops(`${node.name}-agent`).filter((op) => op.f === 'became-leader' || op.f === 'lost-leader').map((op) => ({ node: node.name, f: op.f, tMs: op.tMs })));
    const last = transitions.sort((a, b) => a.tMs - b.tMs).at(-1);
    return last?.f === 'became-leader' ? last.node : undefined;
  }

  async function until<T>(what: string, probe: () => T | undefined, limitMs: number): Promise<T> {
    const deadline = clock.monotonicMs() + limitMs;
    // Bounded by the deadline.
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (clock.monotonicMs() > deadline) throw new Error(`waiting for ${what}: not within ${limitMs} ms (run dir ${runDir})`);
      await clock.sleep(100);
    }
  }

  function arpingMacs(vip: string): string[] {
    const result = spawnSync('ip', ['netns', 'exec', ns(CLIENT.name), 'arping', '-c', '2', '-w', '3', '-i', 'eth0', vip], { encoding: 'utf8' });
    return [...result.stdout.matchAll(/from ([0-9a-f:]{17}) \(/g)].map((m) => m[1] ?? '');
  }

  beforeAll(async () => {
    buildLab();
    runDir = await tempRunDir('lab-failover');
    mkdirSync(join(runDir, 'proc'), { recursive: true });
    epochMonoNs = labEpochNow().epochMonoNs;
    await upControlPlane({ runDir: join(runDir, 'cp'), nodeNames: NODES.map((n) => n.name), netns: ns('cp'), address: '198.19.248.1', ports: { apiserverPort: 0 }, ...(setup.binaries === undefined ? {} : { binaries: setup.binaries }) });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    for (const role of [...started.values()].reverse()) {
      role.child.kill('SIGKILL');
      await Promise.race([role.exited, clock.sleep(5000)]);
    }
    if (runDir) await downControlPlane(join(runDir, 'cp')).catch(() => undefined);
    for (const name of ['c1', ...NODES.map((n) => n.name), 'cp', 'lab']) spawnSync('ip', ['netns', 'del', ns(name)], { stdio: 'ignore' });
    if (runDir) await rm(runDir, { recursive: true, force: true });
  }, TEST_TIMEOUT_MS);

  it('the holder answers ARP for the VIP; after SIGKILL of its agent the other node GARPs and takes over', async () => {
    const layout = layoutFor(join(runDir, 'cp'));
    const tokens = await readFile(layout.tokenFilePath, 'utf8');
    const caPem = await readFile(layout.caCertPath, 'utf8');
    const api = (username: string): Record<string, string> => ({ serverUrl: (JSON.parse(readFileSync(layout.recordPath, 'utf8')) as { serverUrl: string }).serverUrl, caPath: layout.caCertPath, token: tokenOf(tokens, username) });
    const seeded = await callInNetns<string[]>(ns('lab'), new URL('./failover.lab-steps.ts', import.meta.url).href, 'seedObjects', { serverUrl: api('l2lab-admin')['serverUrl'], caPem, adminToken: tokenOf(tokens, 'l2lab-admin'), nodes: NODES.map((n) => n.name), poolCidr: POOL }, 60_000);
    expect(seeded).toContain('services/web');

    await startRole('operator', 'cp', 'operator', { profile: 'cilium-1.20.2', seed: 1, api: api('l2lab-lbipam-operator') });
    for (const [index, node] of NODES.entries()) {
      const mapPath = join(runDir, 'node', node.name, 'responder-map.json');
      await startRole(`${node.name}-echo`, node.name, 'echo', { node: node.name, ports: [7] });
      await startRole(`${node.name}-datapath`, node.name, 'datapath', { node: node.name, interfaces: [{ name: 'eth0', mac: node.mac }], mapPath, leaseDurationMs: TIMING.leaseDurationMs });
      await startRole(`${node.name}-agent`, node.name, 'agent', {
        node: node.name, profile: 'cilium-1.20.2', timing: TIMING, leaseNamespace: 'kube-system', devices: ['eth0'], interfaceMacs: { eth0: node.mac },
        api: api(`system:node:${node.name}`), mapPath, seed: 10 + index,
      });
    }

    // The operator's status patch went through the real API server; the holder GARPed the VIP.
    const first = await until('a Lease holder', holder, 60_000);
    const garp = await until(`${first}'s GARP`, () => ops(`${first}-agent`).find((op) => op.f === 'garp-sent'), 10_000);
    const vip = (garp.value as { ip: string }).ip;
    expect(vip).toMatch(/^198\.18\.0\.24[0-7]$/);
    expect(ops('operator').some((op) => op.f === 'api-request' && op.type === 'ok' && (op.value as { verb: string }).verb === 'patch')).toBe(true);
    const firstNode = NODES.find((n) => n.name === first);
    const other = NODES.find((n) => n.name !== first);
    if (firstNode === undefined || other === undefined) throw new Error('two nodes expected');
    expect(arpingMacs(vip)).toEqual([firstNode.mac, firstNode.mac]);
    // The client's probes reach the holder's echo backend.
    const vipsPath = join(runDir, 'vips.json');
    writeFileSync(vipsPath, JSON.stringify({ 'default/web': [vip] }));
    await startRole('c1-prober', CLIENT.name, 'prober', { client: CLIENT.name, services: [{ service: 'default/web', port: 7 }], ratePerSecond: 10, timeoutMs: 500, vipsPath });
    const answeredBy = (): (string | undefined)[] => ops('c1-prober').filter((op) => op.f === 'probe' && op.type === 'ok').map((op) => (op.value as { answeredBy?: string }).answeredBy);
    await until('a probe answered', () => (answeredBy().length > 0 ? true : undefined), 10_000);
    expect(new Set(answeredBy())).toEqual(new Set([first]));

    // Watch the client's wire, then crash the holder's agent (its datapath stays up).
    const tcpdump = spawn('ip', ['netns', 'exec', ns(CLIENT.name), 'tcpdump', '-l', '-n', '-e', '-i', 'eth0', 'arp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.set('tcpdump', { name: 'tcpdump', child: tcpdump, exited: new Promise((resolve) => tcpdump.once('exit', () => resolve())) });
    const lines: string[] = [];
    let listening = false;
    tcpdump.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
    tcpdump.stderr.on('data', (chunk: Buffer) => (listening ||= chunk.toString().includes('listening on')));
    await until('tcpdump to listen', () => (listening ? true : undefined), 10_000);
    const killedAtMs = clock.monotonicMs();
    started.get(`${first}-agent`)?.child.kill('SIGKILL');

    const takeover = await until(`a GARP for ${vip} from ${other.name} (${other.mac})`, () => lines.find((l) => l.includes(`${other.mac} > ff:ff:ff:ff:ff:ff`) && l.includes(vip)), 30_000);
    const v = vip.replace(/\./g, '\\.');
    expect(takeover).toMatch(new RegExp(`(who-has ${v} (\\(ff:ff:ff:ff:ff:ff\\) )?tell ${v}|${v} is-at ${other.mac})`));
    expect(holder()).toBe(other.name);
    expect(started.get(`${first}-datapath`)?.child.exitCode).toBeNull();

    // Once the dead agent's liveness stamp is older than the lease duration, its datapath is silent.
    const quietAtMs = killedAtMs + TIMING.leaseDurationMs + 500;
    if (clock.monotonicMs() < quietAtMs) await clock.sleep(quietAtMs - clock.monotonicMs());
    expect(arpingMacs(vip)).toEqual([other.mac, other.mac]);
    await until(`a probe answered by ${other.name}`, () => (answeredBy().includes(other.name) ? true : undefined), 20_000);

    // SIGTERM is a graceful stop: the new holder releases its Lease (as Cilium's agent does) and exits 0.
    const survivor = started.get(`${other.name}-agent`);
    const exitCode = new Promise<number | null>((resolve) => survivor?.child.once('exit', (code) => resolve(code)));
    survivor?.child.kill('SIGTERM');
    expect(await exitCode).toBe(0);
    expect(ops(`${other.name}-agent`).filter((op) => op.f === 'released-lease' || op.f === 'lost-leader').map((op) => op.f)).toEqual(['released-lease', 'lost-leader']);
  }, TEST_TIMEOUT_MS);
});
