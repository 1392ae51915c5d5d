/**
 * ARP reply latency (issue 5 "Numbers"): the lab responder (`lab-proc datapath`: Node.js + libpcap,
 * immediate mode) against the kernel answering for an address it owns, measured in the same run
 * from the same client.
 *
 * A throwaway pair of network namespaces joined by one veth: the "node" has 198.18.7.1 on eth0
 * (the kernel answers for it; `arp_ignore=1` as the lab sets it) and runs the datapath process
 * with 198.18.7.240 programmed in its pinned map (this process stamps the agent liveness); the
 * "client" sends `arping` requests to each address in turn. Latency is taken from tcpdump's
 * kernel timestamps on the client's interface (request out → reply in), not from arping's own
 * print-out. The datapath runs as shipped (SCHED_FIFO, `datapath-role.ts`); `--no-fifo` measures
 * it as a normal process. Numbers, not pass/fail. Goals: responder p50 < 100 µs, p99 < 500 µs.
 *
 *   node bench/arp-latency-bench.ts [--count 200] [--interval-ms 10] [--warmup 20] [--no-fifo]     (root)
 *
 * Writes reports/bench/arp-latency.json.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../harness/control-plane/binaries.ts';
import { nearestRank } from '../harness/control-plane/audit-log.ts';
import { startCapture } from '../harness/lab/capture/tcpdump.ts';
import { readPcapFile } from '../harness/lab/capture/pcap-reader.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../harness/lab/lab-clock.ts';
import { PinnedMapWriter } from '../harness/lab/pinned-map.ts';
import { decodeArpFrame } from '../harness/packet/arp-frame.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, 'interval-ms': { type: 'string', default: '10' }, warmup: { type: 'string', default: '20' }, 'no-fifo': { type: 'boolean', default: false } } });
const count = Number(values.count);
const intervalMs = Number(values['interval-ms']);
const warmup = Number(values.warmup);
const say = (line: string): void => void process.stdout.write(`bench arp-latency: ${line}\n`);

if (process.getuid?.() !== 0) {
  process.stderr.write('bench arp-latency: needs root (network namespaces, libpcap)\n');
  process.exit(2);
}
for (const tool of ['ip', 'arping', 'tcpdump']) {
  if (spawnSync('which', [tool], { stdio: 'ignore' }).status !== 0) {
    process.stderr.write(`bench arp-latency: '${tool}' not found (make setup installs it)\n`);
    process.exit(2);
  }
}

const id = randomBytes(2).toString('hex');
const NODE_NS = `l2lb-${id}-n`;
const CLIENT_NS = `l2lb-${id}-c`;
const NODE = { ip: '198.18.7.1', mac: '02:00:00:00:07:01' };
const CLIENT = { ip: '198.18.7.100', mac: '02:00:00:00:07:64' };
const VIP = '198.18.7.240';
const epoch = labEpochNow();
const clock = new LabClock(parseEpochMonoNs(epoch.epochMonoNs));
const dir = mkdtempSync(join(tmpdir(), 'l2lab-arp-bench-'));

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function buildPair(): void {
  for (const ns of [NODE_NS, CLIENT_NS]) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
  }
  ip('-n', NODE_NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', CLIENT_NS);
  for (const [ns, end] of [[NODE_NS, NODE], [CLIENT_NS, CLIENT]] as const) {
    ip('-n', ns, 'link', 'set', 'eth0', 'address', end.mac);
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'addr', 'add', `${end.ip}/24`, 'dev', 'eth0');
  }
  execFileSync('ip', ['netns', 'exec', NODE_NS, 'sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.eth0.arp_ignore=1']);
}

/** Starts the datapath role in the node namespace and waits for `ready`. */
async function startDatapath(mapPath: string): Promise<ReturnType<typeof spawn>> {
  const configPath = join(dir, 'datapath.json');
  writeFileSync(configPath, JSON.stringify({ node: 'n1', interfaces: [{ name: 'eth0', mac: NODE.mac }], mapPath, leaseDurationMs: 15_000, epochMonoNs: epoch.epochMonoNs, historyPath: join(dir, 'datapath.history.jsonl'), ...(values['no-fifo'] ? { schedFifoPriority: 0 } : {}) }));
  const logFd = openSync(join(dir, 'datapath.log'), 'a');
  const child = spawn('ip', ['netns', 'exec', NODE_NS, process.execPath, join(REPO_ROOT, 'bin/l2lab.mjs'), 'lab-proc', 'datapath', '--config', configPath], { stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  const ready = await new Promise<boolean>((resolve) => {
    const timer = clock.setTimer(20_000, () => resolve(false));
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes('ready')) {
        timer.cancel();
        resolve(true);
      }
    });
    child.once('exit', () => resolve(false));
  });
  if (!ready) throw new Error(`starting the datapath in ${NODE_NS}: no 'ready' within 20 s; log:\n${readFileSync(join(dir, 'datapath.log'), 'utf8').slice(-1500)}`);
  return child;
}

/**
 * Sends `n` requests to `target` from the client. arping's own printed times are not used: its
 * clock gave 4–5 µs for replies the wire shows 150+ µs after the request.
 */
function arping(target: string, n: number): void {
  spawnSync('ip', ['netns', 'exec', CLIENT_NS, 'arping', '-q', '-c', String(n), '-W', String(intervalMs / 1000), '-w', String(Math.ceil((n * intervalMs) / 1000) + 5), '-i', 'eth0', target], { stdio: 'ignore' });
}

/** Request → reply latencies (µs) per target, from the client-side pcap. */
async function pcapLatencies(pcapPath: string): Promise<Map<string, number[]>> {
  const pcap = await readPcapFile(pcapPath);
  const pending = new Map<string, number>();
  const out = new Map<string, number[]>();
  for (const record of pcap.records) {
    const decoded = decodeArpFrame(record.data);
    if (!decoded.ok) continue;
    const { arp } = decoded.value;
    const tUs = record.seconds * 1e6 + record.fractionNs / 1000;
    if (arp.opcode === 1 && arp.senderMac === CLIENT.mac) pending.set(arp.targetIp, tUs);
    else if (arp.opcode === 2 && arp.targetMac === CLIENT.mac) {
      const sentUs = pending.get(arp.senderIp);
      if (sentUs === undefined) continue;
      pending.delete(arp.senderIp);
      out.set(arp.senderIp, [...(out.get(arp.senderIp) ?? []), tUs - sentUs]);
    }
  }
  return out;
}

function summary(samples: readonly number[]): { n: number; p50Us: number; p99Us: number; maxUs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { n: sorted.length, p50Us: round(nearestRank(sorted, 0.5)), p99Us: round(nearestRank(sorted, 0.99)), maxUs: round(sorted.at(-1) ?? Number.NaN) };
}

let datapath: ReturnType<typeof spawn> | undefined;
let stamping = true;
try {
  buildPair();
  const mapPath = join(dir, 'node', 'responder-map.json');
  const map = new PinnedMapWriter(mapPath);
  map.insert({ ip: VIP, interface: 'eth0' });
  const stamp = (): void => {
    if (!stamping) return;
    map.stampLiveness(clock.monotonicMs());
    clock.setTimer(500, stamp);
  };
  stamp();
  datapath = await startDatapath(mapPath);
  say(`node ${NODE_NS} (kernel ${NODE.ip}, responder ${VIP}) ← client ${CLIENT_NS}; ${count} requests each every ${intervalMs} ms after ${warmup} warm-up requests; datapath ${values['no-fifo'] ? 'SCHED_OTHER' : 'SCHED_FIFO'}; ${cpus().length} cores, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  for (const target of [NODE.ip, VIP]) arping(target, warmup);
  const pcapPath = join(dir, 'client.pcap');
  const capture = await startCapture({ netns: CLIENT_NS, iface: 'eth0', pcapPath, clock });
  // Interleaved in blocks so that both targets see the same machine load.
  const blocks = 4;
  for (let block = 0; block < blocks; block += 1) {
    for (const target of [NODE.ip, VIP]) arping(target, Math.ceil(count / blocks));
  }
  await capture.stop();
  const wire = await pcapLatencies(pcapPath);
  const kernel = summary(wire.get(NODE.ip) ?? []);
  const responder = summary(wire.get(VIP) ?? []);
  const result = {
    machine: { cores: cpus().length, node: process.version, loadavg: readFileSync('/proc/loadavg', 'utf8').trim() },
    requests: count, intervalMs, datapathSchedFifo: !values['no-fifo'],
    wire: { kernel, responder, ratioP50: Math.round((responder.p50Us / kernel.p50Us) * 10) / 10, ratioP99: Math.round((responder.p99Us / kernel.p99Us) * 10) / 10 },
    goals: { responderP50Us: 100, responderP99Us: 500 },
  };
  say('reply latency, client-side pcap timestamps (request out → reply in):');
  say(`  kernel    (${NODE.ip})   n=${kernel.n}  p50 ${kernel.p50Us} µs  p99 ${kernel.p99Us} µs  max ${kernel.maxUs} µs`);
  say(`  responder (${VIP}) n=${responder.n}  p50 ${responder.p50Us} µs  p99 ${responder.p99Us} µs  max ${responder.maxUs} µs  (goal p50 < 100, p99 < 500)`);
  say(`  ratio responder/kernel: p50 ${result.wire.ratioP50}×, p99 ${result.wire.ratioP99}×`);
  mkdirSync(join(REPO_ROOT, 'reports', 'bench'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'reports', 'bench', 'arp-latency.json'), `${JSON.stringify(result, null, 2)}\n`);
  say('wrote reports/bench/arp-latency.json');
} finally {
  stamping = false;
  datapath?.kill('SIGKILL');
  for (const ns of [CLIENT_NS, NODE_NS]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
