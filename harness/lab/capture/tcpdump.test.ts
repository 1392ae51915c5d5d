/**
 * startCapture's process handling without root: a stand-in `tcpdump` script that prints what
 * tcpdump prints (recorded from tcpdump 4.99.3), one that fails, and one that never listens.
 * The real tcpdump runs in capture.lab.test.ts.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTcpdumpStats, startCapture, tcpdumpArgv } from './tcpdump.ts';
import type { SpawnedProcess } from './tracked-child.ts';

const scratch = await mkdtemp(join(tmpdir(), 'l2lab-tcpdump-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function fakeTcpdump(name: string, body: string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

const RECORDED_STDERR = [
  'tcpdump: listening on br0, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
  '15 packets captured',
  '16 packets received by filter',
  '1 packet dropped by kernel',
  '',
].join('\n');

describe('tcpdumpArgv', () => {
  it('runs tcpdump in the bridge namespace with the lab flags', () => {
    expect(tcpdumpArgv({ netns: 'l2l-abc123-lab', iface: 'br-0', pcapPath: '/run/x/lan.pcap' })).toEqual([
      'ip', 'netns', 'exec', 'l2l-abc123-lab',
      'tcpdump', '-i', 'br-0', '-U', '-w', '/run/x/lan.pcap', '--immediate-mode', '-s', '262144', '-n', '-Z', 'root',
    ]);
    expect(tcpdumpArgv({ netns: undefined, iface: 'br-1', pcapPath: 'p', snaplenBytes: 128 }).slice(0, 3)).toEqual(['tcpdump', '-i', 'br-1']);
    expect(() => tcpdumpArgv({ netns: undefined, iface: 'br-1', pcapPath: 'p', snaplenBytes: 0 })).toThrow('capturing on br-1: snaplenBytes must be a positive integer, got 0');
  });
});

describe('parseTcpdumpStats', () => {
  it('reads the closing counters (singular and plural)', () => {
    expect(parseTcpdumpStats(RECORDED_STDERR)).toEqual({ packets: 15, receivedByFilter: 16, droppedByKernel: 1 });
    expect(parseTcpdumpStats('tcpdump: listening on br0\n3 packets captured\n')).toBeUndefined();
  });
});

describe('startCapture', () => {
  it('reports the process before it listens, resolves on "listening on", and stops with SIGINT returning the counters', async () => {
    const script = await fakeTcpdump('ok-tcpdump', [
      `trap 'printf "%s\\n" "3 packets captured" "3 packets received by filter" "0 packets dropped by kernel" >&2; exit 0' INT`,
      'echo "tcpdump: listening on $2, link-type EN10MB (Ethernet), snapshot length 262144 bytes" >&2',
      'while :; do sleep 0.05; done',
    ].join('\n'));
    const spawned: SpawnedProcess[] = [];
    const capture = await startCapture({ netns: undefined, iface: 'br-0', pcapPath: join(scratch, 'x.pcap'), tcpdumpPath: script, onSpawn: (p) => void spawned.push(p) });
    expect(spawned).toHaveLength(1);
    expect(spawned[0]?.pid).toBe(capture.process.pid);
    expect(spawned[0]?.startTimeTicks).toBeGreaterThan(0);
    expect(capture.exitStatus()).toBeUndefined();
    const first = capture.stop();
    expect(capture.stop()).toBe(first);
    expect(await first).toEqual({ packets: 3, receivedByFilter: 3, droppedByKernel: 0 });
    expect(capture.exitStatus()).toEqual({ code: 0, signal: null });
  });

  it('fails with tcpdump\'s stderr when it exits before listening', async () => {
    const script = await fakeTcpdump('bad-tcpdump', 'echo "tcpdump: br-9: No such device exists" >&2; exit 1');
    await expect(startCapture({ netns: undefined, iface: 'br-9', pcapPath: join(scratch, 'y.pcap'), tcpdumpPath: script })).rejects.toThrow(
      "starting tcpdump on br-9 in netns (current): exited (code 1) before listening; stderr: tcpdump: br-9: No such device exists",
    );
  });

  it('fails naming the limit when tcpdump never listens, and stops it', async () => {
    const script = await fakeTcpdump('silent-tcpdump', 'echo "tcpdump: warming up" >&2; exec sleep 30');
    const spawned: SpawnedProcess[] = [];
    await expect(startCapture({ netns: undefined, iface: 'br-0', pcapPath: join(scratch, 'z.pcap'), tcpdumpPath: script, timeoutMs: 300, onSpawn: (p) => void spawned.push(p) })).rejects.toThrow(
      "starting tcpdump on br-0 in netns (current): no 'listening on' within 300 ms; stderr: tcpdump: warming up",
    );
    const pid = spawned[0]?.pid as number;
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('kills tcpdump when the caller cannot record it (a process nobody knows about would never be stopped)', async () => {
    const script = await fakeTcpdump('unrecorded-tcpdump', 'echo "tcpdump: listening on $2" >&2; exec sleep 30');
    let pid = 0;
    const onSpawn = (p: SpawnedProcess): void => {
      pid = p.pid;
      throw new Error('manifest is read-only');
    };
    await expect(startCapture({ netns: undefined, iface: 'br-0', pcapPath: join(scratch, 'v.pcap'), tcpdumpPath: script, onSpawn })).rejects.toThrow('manifest is read-only');
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('fails to stop with the reason when tcpdump prints no counters', async () => {
    const script = await fakeTcpdump('mute-tcpdump', `trap 'exit 3' INT\necho "tcpdump: listening on $2" >&2\nwhile :; do sleep 0.05; done`);
    const capture = await startCapture({ netns: undefined, iface: 'br-0', pcapPath: join(scratch, 'w.pcap'), tcpdumpPath: script });
    await expect(capture.stop()).rejects.toThrow(/stopping tcpdump on br-0 in netns \(current\): exited \(code 3\) without its packet counters; stderr: tcpdump: listening on br-0/);
  });
});
