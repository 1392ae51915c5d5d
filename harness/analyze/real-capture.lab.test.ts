/**
 * `l2lab analyze` on a capture a real tcpdump took: a throwaway bridge in its own namespace with a
 * client and two "nodes" (198.18.0.0/24 only, namespaces named with a random run id and deleted
 * afterwards), `tcpdump -i any` in the client (Linux cooked SLL2, as users capture). The client
 * resolves a VIP held by n1; n1 loses it and two requests go unanswered; n2 announces it with a
 * GARP request and a GARP reply (Habets arping -U, -U -P) and answers the next request. The ground
 * truth is tcpdump's own decoding of the same file (`tcpdump -r -tt -e`), not l2lab's.
 * Needs root, iproute2, tcpdump and (Habets) arping; skips with a printed reason otherwise.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from './read-capture.ts';

const has = (file: string, args: string[]): boolean => spawnSync(file, args, { stdio: 'ignore' }).error === undefined;
const ready = process.getuid?.() === 0 && has('ip', ['-V']) && has('tcpdump', ['--version']) && has('arping', ['--help']);
if (!ready) process.stderr.write('real-capture lab test skipped: needs root, iproute2, tcpdump and arping\n');

const VIP = '198.18.0.100';
const MAC = { c1: '02:00:00:00:02:01', n1: '02:00:00:00:02:02', n2: '02:00:00:00:02:03' } as const;
const STEP_TIMEOUT_MS = 10_000;

interface Line {
  readonly tUs: number;
  readonly text: string;
}

/** tcpdump's own reading of the file: `<sec>.<usec> <rest>` per frame. */
function tcpdumpLines(pcapPath: string): Line[] {
  const out = execFileSync('tcpdump', ['-r', pcapPath, '-n', '-tt', '-e'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l !== '').map((l) => {
    const match = /^(\d+)\.(\d{6}) (.*)$/.exec(l);
    if (match === null) throw new Error(`unexpected tcpdump line: ${l}`);
    return { tUs: Number(match[1]) * 1_000_000 + Number(match[2]), text: match[3] ?? '' };
  });
}

describe.skipIf(!ready)('analyze a real tcpdump -i any capture', () => {
  const prefix = `l2lana-${randomBytes(3).toString('hex')}`;
  const ns = (name: string): string => `${prefix}-${name}`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: STEP_TIMEOUT_MS });
  const inNs = (name: string, ...args: string[]): void => void spawnSync('ip', ['netns', 'exec', ns(name), ...args], { stdio: 'ignore', timeout: STEP_TIMEOUT_MS });
  let scratch = '';
  let tcpdumpPid: number | undefined;

  afterAll(async () => {
    if (tcpdumpPid !== undefined) {
      try {
        process.kill(tcpdumpPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const name of ['c1', 'n1', 'n2', 'lan']) spawnSync('ip', ['netns', 'del', ns(name)], { stdio: 'ignore' });
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('finds the takeover, its gap, the GARP forms and the unanswered requests tcpdump shows', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'l2lab-analyze-lab-'));
    ip('netns', 'add', ns('lan'));
    ip('-n', ns('lan'), 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns('lan'), 'link', 'set', 'br0', 'up');
    for (const [i, name] of (['c1', 'n1', 'n2'] as const).entries()) {
      ip('netns', 'add', ns(name));
      inNs(name, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
      ip('-n', ns('lan'), 'link', 'add', `v-${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(name));
      ip('-n', ns('lan'), 'link', 'set', `v-${name}`, 'master', 'br0', 'up');
      ip('-n', ns(name), 'link', 'set', 'eth0', 'address', MAC[name]);
      ip('-n', ns(name), 'addr', 'add', `198.18.0.${i + 1}/24`, 'dev', 'eth0');
      ip('-n', ns(name), 'link', 'set', 'eth0', 'up');
    }
    ip('-n', ns('n1'), 'addr', 'add', `${VIP}/32`, 'dev', 'eth0');

    const pcapPath = join(scratch, 'client.pcap');
    const tcpdump = spawn('ip', ['netns', 'exec', ns('c1'), 'tcpdump', '-i', 'any', '-U', '-w', pcapPath, 'arp'], { stdio: ['ignore', 'ignore', 'pipe'] });
    tcpdumpPid = tcpdump.pid;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`starting tcpdump -i any in netns ${ns('c1')}: no 'listening on' within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      tcpdump.stderr.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });

    inNs('c1', 'arping', '-c', '2', '-w', '3', '-i', 'eth0', VIP); // answered by n1
    ip('-n', ns('n1'), 'addr', 'del', `${VIP}/32`, 'dev', 'eth0');
    inNs('c1', 'arping', '-c', '2', '-w', '3', '-i', 'eth0', VIP); // nobody answers
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    ip('-n', ns('n2'), 'addr', 'add', `${VIP}/32`, 'dev', 'eth0');
    // -S: arping would otherwise send from eth0's primary address, which would not be gratuitous.
    inNs('n2', 'arping', '-U', '-S', VIP, '-c', '1', '-w', '1', '-i', 'eth0', VIP); // GARP, request form
    inNs('n2', 'arping', '-U', '-P', '-S', VIP, '-c', '1', '-w', '1', '-i', 'eth0', VIP); // GARP, reply form
    inNs('c1', 'arping', '-c', '1', '-w', '2', '-i', 'eth0', VIP); // answered by n2
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise((resolve) => tcpdump.once('exit', resolve));
    tcpdump.kill('SIGINT');
    await exited;
    tcpdumpPid = undefined;

    // Ground truth from tcpdump's decoding.
    const lines = tcpdumpLines(pcapPath);
    const vip = VIP.replaceAll('.', '\\.');
    // tcpdump prints a GARP request as "who-has VIP (target MAC) tell VIP" (or "Announcement VIP").
    const garpRequest = new RegExp(`who-has ${vip}( \\([0-9a-f:]+\\))? tell ${vip},|Announcement ${vip},`);
    const claims = lines.filter((l) => l.text.includes(`Reply ${VIP} is-at`) || garpRequest.test(l.text));
    const byN1 = claims.filter((l) => l.text.includes(MAC.n1));
    const byN2 = claims.filter((l) => l.text.includes(MAC.n2));
    const requests = lines.filter((l) => l.text.includes(`who-has ${VIP} tell 198.18.0.1`));
    const unanswered = requests.filter((r) => !claims.some((c) => c.tUs >= r.tUs && c.tUs - r.tUs <= 1_000_000));
    expect(byN1.length).toBeGreaterThan(0);
    expect(byN2.length).toBeGreaterThanOrEqual(3);
    expect(unanswered.length).toBeGreaterThanOrEqual(1);

    const { capture, analysis } = await readCapture(pcapPath, { analysis: { ipFilter: (a) => a === VIP } });
    expect(capture).toMatchObject({ linkTypes: [276], partial: false, packets: lines.length });
    const found = analysis.ips[0];
    expect(found?.owners.map((o) => o.mac)).toEqual([MAC.n1, MAC.n2]);
    const lastN1 = byN1.at(-1)?.tUs ?? 0;
    const firstN2 = byN2[0]?.tUs ?? 0;
    expect(found?.macChanges).toMatchObject([{ fromMac: MAC.n1, toMac: MAC.n2, via: 'garp-request', atUs: firstN2, oldLastClaimUs: lastN1, gapUs: firstN2 - lastN1 }]);
    expect(found?.garps.map((g) => [g.mac, g.form])).toEqual([[MAC.n2, 'request'], [MAC.n2, 'reply']]);
    expect(found?.unanswered.map((u) => u.atUs)).toEqual(unanswered.map((u) => u.tUs));
    expect(found?.unanswered.every((u) => u.requesterMac === MAC.c1)).toBe(true);
    expect(found?.splitBrain).toEqual([]);
  });
});
