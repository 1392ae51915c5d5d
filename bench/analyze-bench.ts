/**
 * `l2lab analyze` throughput (issue 6 "Analyze: MB/s on a large synthetic capture"), reported, not
 * pass/fail. Writes a synthetic pcap (default 1 GB) into .cache/: 256 VIPs (198.18.1.0/24) asked
 * by 64 clients (a request and its reply every 100 µs), each VIP changing owner once a virtual
 * minute (staggered, with one GARP), every 5th frame non-ARP (an IPv4 frame of 200 bytes); then analyses it in a child process — the same path as
 * `l2lab analyze` (reader, link decoder, analyzer, JSON rendering) — and reports MB/s, frames/s
 * and the child's peak RSS. The file is deleted afterwards unless `--keep`.
 *
 * Usage: `node bench/analyze-bench.ts [--size-mb N] [--keep] [--file PATH]`
 * (`--file` analyses an existing capture instead of generating one).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../harness/analyze/read-capture.ts';
import { analysisJson } from '../harness/analyze/render-json.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

const T0_S = 1_763_700_000;
const VIPS = 256;
const CLIENTS = 64;
const ARP_FRAME_BYTES = 60;
const NOISE_FRAME_BYTES = 200;

/** Writes the synthetic capture; returns the frames written. */
function generate(path: string, sizeBytes: number): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  let used = 0;
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262_144, 16);
  header.writeUInt32LE(1, 20);
  header.copy(chunk, 0);
  used = 24;
  let written = 24;
  let frames = 0;
  let tUs = 0;
  const record = (bytes: number): number => {
    if (used + 16 + bytes > chunk.length) {
      writeSync(fd, chunk, 0, used);
      used = 0;
    }
    const sec = T0_S + Math.floor(tUs / 1_000_000);
    chunk.writeUInt32LE(sec, used);
    chunk.writeUInt32LE(tUs % 1_000_000, used + 4);
    chunk.writeUInt32LE(bytes, used + 8);
    chunk.writeUInt32LE(bytes, used + 12);
    const at = used + 16;
    chunk.fill(0, at, at + bytes);
    used = at + bytes;
    written += 16 + bytes;
    frames += 1;
    tUs += 100;
    return at;
  };
  const arp = (at: number, op: number, senderMac: number, senderIp: number, targetMac: number, targetIp: number, dstMac: number): void => {
    chunk.writeUIntBE(dstMac, at, 6);
    chunk.writeUIntBE(senderMac, at + 6, 6);
    chunk.writeUInt16BE(0x0806, at + 12);
    chunk.writeUInt32BE(0x00010800, at + 14);
    chunk.writeUInt16BE(0x0604, at + 18);
    chunk.writeUInt16BE(op, at + 20);
    chunk.writeUIntBE(senderMac, at + 22, 6);
    chunk.writeUInt32BE(senderIp >>> 0, at + 28);
    chunk.writeUIntBE(targetMac, at + 32, 6);
    chunk.writeUInt32BE(targetIp >>> 0, at + 38);
  };
  const vipBase = (198 << 24) | (18 << 16) | (1 << 8);
  const clientBase = (198 << 24) | (18 << 16) | (2 << 8);
  const macBase = 0x0200_0000_0000;
  const ownerMinute = new Int32Array(VIPS).fill(-1);
  let i = 0;
  while (written < sizeBytes) {
    const vip = i % VIPS;
    const client = (i >> 8) % CLIENTS;
    const minute = Math.floor((tUs + vip * 200_000) / 60_000_000);
    const owner = macBase + 0x1_0000 + vip * 2 + (minute % 2);
    if (ownerMinute[vip] !== minute) {
      // The new owner announces itself once, as Cilium does after a takeover.
      ownerMinute[vip] = minute;
      arp(record(ARP_FRAME_BYTES), 1, owner, vipBase + vip, 0, vipBase + vip, 0xffff_ffff_ffff);
    }
    const clientMac = macBase + 0x2_0000 + client;
    arp(record(ARP_FRAME_BYTES), 1, clientMac, clientBase + client, 0, vipBase + vip, 0xffff_ffff_ffff);
    arp(record(ARP_FRAME_BYTES), 2, owner, vipBase + vip, clientMac, clientBase + client, clientMac);
    if (i % 2 === 0) {
      const at = record(NOISE_FRAME_BYTES);
      chunk.writeUInt16BE(0x0800, at + 12);
      chunk[at + 14] = 0x45;
    }
    i += 1;
  }
  writeSync(fd, chunk, 0, used);
  closeSync(fd);
  return frames;
}

/** Child mode: analyse and print one JSON line of numbers. */
async function measure(path: string): Promise<void> {
  const startMs = nowMs();
  const startCpu = process.cpuUsage();
  const report = await readCapture(path);
  const readRssMb = process.resourceUsage().maxRSS / 1024;
  const json = JSON.stringify(analysisJson(report, { vips: [] }));
  const seconds = (nowMs() - startMs) / 1000;
  const cpu = process.cpuUsage(startCpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const macChanges = report.analysis.ips.reduce((sum, ip) => sum + ip.counts.macChanges, 0);
  process.stdout.write(
    `${JSON.stringify({ seconds, packets: report.capture.packets, arpPackets: report.capture.arpPackets, bytes: report.capture.fileBytes, ips: report.analysis.ips.length, macChanges, jsonBytes: json.length, cpuSeconds, readRssMb, partial: report.capture.partial, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

async function main(): Promise<void> {
  if (args[0] === '--measure') return measure(args[1] ?? '');
  const given = flag('--file');
  const sizeMb = Number(flag('--size-mb') ?? '1024');
  const path = given ?? 'bench-analyze-synthetic.pcap';
  const fullPath = given ?? `.cache/${path}`;
  if (given === undefined) {
    mkdirSync('.cache', { recursive: true });
    const startMs = nowMs();
    const frames = generate(fullPath, sizeMb * 1024 * 1024);
    process.stdout.write(`generated ${fullPath}: ${(statSync(fullPath).size / 1e6).toFixed(0)} MB, ${frames} frames in ${((nowMs() - startMs) / 1000).toFixed(1)} s\n`);
  }
  try {
    const child = spawnSync(process.execPath, ['--max-semi-space-size=4', fileURLToPath(import.meta.url), '--measure', fullPath], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`analysing ${fullPath} in a child process: exit ${child.status}: ${child.stderr}`);
    const r = JSON.parse(child.stdout) as { seconds: number; cpuSeconds: number; readRssMb: number; packets: number; arpPackets: number; bytes: number; ips: number; macChanges: number; partial: boolean; peakRssMb: number };
    process.stdout.write(
      `analyze: ${(r.bytes / 1e6).toFixed(0)} MB, ${r.packets} frames (${r.arpPackets} ARP) in ${r.seconds.toFixed(2)} s — ` +
        `${(r.bytes / 1e6 / r.seconds).toFixed(0)} MB/s, ${(r.packets / r.seconds / 1e6).toFixed(2)} M frames/s; ` +
        `per CPU second (${r.cpuSeconds.toFixed(2)} s): ${(r.bytes / 1e6 / r.cpuSeconds).toFixed(0)} MB/s, ${(r.packets / r.cpuSeconds / 1e6).toFixed(2)} M frames/s; ` +
        `peak RSS ${r.readRssMb.toFixed(0)} MB after reading, ${r.peakRssMb.toFixed(0)} MB with the JSON report ` +
        `(${r.ips} IPs, ${r.macChanges} MAC changes, partial ${r.partial})\n`,
    );
  } finally {
    if (given === undefined && !args.includes('--keep')) rmSync(fullPath, { force: true });
  }
}

await main();
