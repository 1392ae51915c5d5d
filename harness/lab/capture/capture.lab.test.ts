/**
 * The capture layer on a real wire: a throwaway bridge in its own namespace with a client and two
 * "nodes" (198.18.0.0/24 only), tcpdump on the bridge and `ip monitor neigh` in the client. The
 * client resolves a VIP held by n1, then n2 sends a gratuitous ARP for it; the client (arp_accept=1)
 * moves its entry to n2's MAC. The pcap must give the request, the reply and the GARP as
 * `arp-observed`, and the monitor a `neigh-changed` from n1's MAC to n2's; an entry left alone goes
 * REACHABLE→STALE on the kernel's timer, which the monitor sees too. Needs root, iproute2,
 * tcpdump and (Habets) arping; skips with a printed reason otherwise.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readArpObserved, readNeighChanged } from '../../checker/vocabulary.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { readArpObservations } from './arp-observations.ts';
import { mergeHistories } from './merge-histories.ts';
import { NeighMonitor } from './neigh-monitor.ts';
import { startCapture, type CaptureHandle } from './tcpdump.ts';
import type { SpawnedProcess } from './tracked-child.ts';

const run = promisify(execFile);
const has = (file: string, args: string[]): boolean => spawnSync(file, args, { stdio: 'ignore' }).error === undefined;
const isRoot = process.getuid?.() === 0;
const ready = isRoot && has('ip', ['-V']) && has('tcpdump', ['--version']) && has('arping', ['--help']);
if (!ready) process.stderr.write('capture lab test skipped: needs root, iproute2, tcpdump and arping\n');

const TEST_TIMEOUT_MS = 60_000;
const VIP = '198.18.0.100';
const N1_IP = '198.18.0.2';
const MAC = { c1: '02:00:00:00:01:01', n1: '02:00:00:00:01:02', n2: '02:00:00:00:01:03' } as const;

describe.skipIf(!ready)('capture on a real bridge', () => {
  const prefix = `l2lcap-${randomBytes(3).toString('hex')}`;
  const ns = (name: string): string => `${prefix}-${name}`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let scratch = '';
  let capture: CaptureHandle | undefined;
  let monitor: NeighMonitor | undefined;

  afterAll(async () => {
    await capture?.stop().catch(() => undefined);
    await monitor?.stop().catch(() => undefined);
    for (const name of ['c1', 'n1', 'n2', 'lan']) spawnSync('ip', ['netns', 'del', ns(name)], { stdio: 'ignore' });
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, TEST_TIMEOUT_MS);

  it('records the resolution and the GARP from the pcap, and the client\'s MAC change from ip monitor', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'l2lab-capture-lab-'));
    ip('netns', 'add', ns('lan'));
    ip('-n', ns('lan'), 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns('lan'), 'link', 'set', 'br0', 'up');
    for (const [i, name] of (['c1', 'n1', 'n2'] as const).entries()) {
      ip('netns', 'add', ns(name));
      execFileSync('ip', ['netns', 'exec', ns(name), 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
      ip('-n', ns('lan'), 'link', 'add', `v-${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(name));
      ip('-n', ns('lan'), 'link', 'set', `v-${name}`, 'master', 'br0', 'up');
      ip('-n', ns(name), 'link', 'set', 'eth0', 'address', MAC[name]);
      ip('-n', ns(name), 'addr', 'add', `198.18.0.${i + 1}/24`, 'dev', 'eth0');
      ip('-n', ns(name), 'link', 'set', 'eth0', 'up');
    }
    ip('-n', ns('n1'), 'addr', 'add', `${VIP}/32`, 'dev', 'eth0');
    execFileSync('ip', ['netns', 'exec', ns('c1'), 'sysctl', '-qw', 'net.ipv4.conf.eth0.arp_accept=1']);

    const clock = new SystemClock();
    const epochWallUs = clock.wallMs() * 1000;
    const spawned: SpawnedProcess[] = [];
    const pcapPath = join(scratch, 'lan.pcap');
    capture = await startCapture({ netns: ns('lan'), iface: 'br0', pcapPath, clock, onSpawn: (p) => void spawned.push(p) });
    const history = new MemoryHistory(clock);
    monitor = await NeighMonitor.start({ netns: ns('c1'), client: 'c1', iface: 'eth0', clock, history, onSpawn: (p) => void spawned.push(p) });
    expect(spawned.map((p) => p.argv.join(' '))).toEqual([expect.stringMatching(`^ip netns exec ${ns('lan')} tcpdump -i br0 -U -w `), `ip -n ${ns('c1')} monitor neigh dev eth0`]);
    expect(spawned.every((p) => p.pid > 0 && (p.startTimeTicks ?? 0) > 0)).toBe(true);

    // Asynchronous, so the event loop reads (and stamps) the monitor's lines as they come.
    await run('ip', ['netns', 'exec', ns('c1'), 'ping', '-c1', '-W2', VIP]);
    await run('ip', ['netns', 'exec', ns('n2'), 'arping', '-q', '-U', '-c1', '-i', 'eth0', '-S', VIP, VIP]).catch(() => undefined); // exit 1: no reply, as expected
    for (let poll = 0; poll < 200 && monitor.known().get(VIP)?.mac !== MAC.n2; poll += 1) await clock.sleep(25);
    // The timer-driven REACHABLE→STALE is notified too (REACHABLE→DELAY and STALE→DELAY are not).
    // delay_first_probe_time=0: an expired REACHABLE entry goes STALE at once instead of via DELAY/PROBE.
    execFileSync('ip', ['netns', 'exec', ns('c1'), 'sysctl', '-qw', 'net.ipv4.neigh.eth0.base_reachable_time_ms=500', 'net.ipv4.neigh.eth0.delay_first_probe_time=0']);
    await run('ip', ['netns', 'exec', ns('c1'), 'ping', '-c1', '-W2', N1_IP]);
    for (let poll = 0; poll < 400 && monitor.known().get(N1_IP)?.state !== 'STALE'; poll += 1) await clock.sleep(25);

    const neighSummary = await monitor.stop();
    const stats = await capture.stop();
    const wire = await readArpObservations(pcapPath, { segment: 'lan', epochWallUs });

    expect(wire.problems).toEqual([]);
    expect(stats.packets).toBe(wire.frames);
    const observed = mergeHistories([wire.ops]).map(readArpObserved);
    const vipFrames = observed.filter((o) => o.targetIp === VIP).map((o) => [o.kind, o.senderMac, o.ethDst]);
    expect(vipFrames).toEqual([
      ['request', MAC.c1, 'ff:ff:ff:ff:ff:ff'],
      ['gratuitous-request', MAC.n2, 'ff:ff:ff:ff:ff:ff'],
    ]);
    expect(observed.filter((o) => o.senderIp === VIP && o.kind === 'reply').map((o) => o.senderMac)).toEqual([MAC.n1]);

    expect(neighSummary.problems).toEqual([]);
    const changes = history.ops().map(readNeighChanged);
    const vipValues = history.ops().filter((op) => readNeighChanged(op).ip === VIP).map((op) => op.value);
    expect(vipValues.slice(0, 2)).toEqual([
      { client: 'c1', ip: VIP, mac: MAC.n1, state: 'REACHABLE', fromState: 'NONE', fromMac: null },
      { client: 'c1', ip: VIP, mac: MAC.n2, state: 'STALE', fromState: 'REACHABLE', fromMac: MAC.n1 },
    ]);
    expect(changes.every((c) => c.client === 'c1')).toBe(true);
    const n1Values = history.ops().filter((op) => readNeighChanged(op).ip === N1_IP).map((op) => op.value);
    expect(n1Values[0]).toEqual({ client: 'c1', ip: N1_IP, mac: MAC.n1, state: 'REACHABLE', fromState: 'NONE', fromMac: null });
    expect(n1Values.at(-1)).toEqual({ client: 'c1', ip: N1_IP, mac: MAC.n1, state: 'STALE', fromState: 'REACHABLE', fromMac: MAC.n1 });

    // Measurements for the report (not asserted: timing depends on the host).
    const garp = observed.find((o) => o.kind === 'gratuitous-request');
    const moved = changes.find((c) => c.mac === MAC.n2);
    process.stderr.write(`capture lab: tcpdump listening after ${capture.startLatencyMs.toFixed(1)} ms; GARP on the wire → neigh-changed read ${garp && moved ? (moved.tMs - garp.tMs).toFixed(3) : '?'} ms (includes the ±1 ms of a ms-precision wall epoch)\n`);
  }, TEST_TIMEOUT_MS);
});
