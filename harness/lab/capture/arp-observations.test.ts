/**
 * pcap → `arp-observed`: the real capture of fixtures/pcap/arp-kinds.pcap gives one op per ARP
 * frame with the docs/history.md "Wire" shape, which the unchanged checker reader accepts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/history.ts';
import { isAnswer, readArpObserved } from '../../checker/vocabulary.ts';
import { readArpObservations } from './arp-observations.ts';
import { readPcapFile, recordRelativeUs, type PcapRecord } from './pcap-reader.ts';

const FIXTURES = new URL('../../../fixtures/pcap/', import.meta.url).pathname;
const MICRO = join(FIXTURES, 'arp-kinds.pcap');
const NANO = join(FIXTURES, 'arp-kinds-nano.pcap');
const scratch = await mkdtemp(join(tmpdir(), 'l2lab-arp-obs-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const N1 = '02:00:00:00:00:01';
const N2 = '02:00:00:00:00:02';
const N3 = '02:00:00:00:00:03';
const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO = '00:00:00:00:00:00';

async function firstRecord(path: string): Promise<PcapRecord> {
  return (await readPcapFile(path)).records[0] as PcapRecord;
}

describe('readArpObservations', () => {
  it('turns each ARP frame into an arp-observed op and skips the ICMP frames', async () => {
    const first = await firstRecord(MICRO);
    const epochWallUs = first.seconds * 1_000_000 + first.fractionNs / 1000 - 1500;
    const result = await readArpObservations(MICRO, { segment: 'lan', epochWallUs });
    expect(result.frames).toBe(12);
    expect(result.problems).toEqual([]);
    expect(result.ops).toHaveLength(10);
    expect(result.ops[0]).toEqual({
      process: 'wire',
      type: 'info',
      f: 'arp-observed',
      tMs: 1.5,
      value: { segment: 'lan', tUs: 1500, opcode: 1, kind: 'request', ethSrc: N1, ethDst: BROADCAST, senderMac: N1, senderIp: '198.18.0.1', targetMac: ZERO, targetIp: '198.18.0.2' },
    });
    const summary = result.ops.map((op) => {
      const v = op.value as Record<string, unknown>;
      return [v['kind'], v['senderMac'], v['senderIp'], v['targetIp'], v['ethDst']];
    });
    expect(summary).toEqual([
      ['request', N1, '198.18.0.1', '198.18.0.2', BROADCAST],
      ['reply', N2, '198.18.0.2', '198.18.0.1', N1],
      ['gratuitous-request', N3, '198.18.0.100', '198.18.0.100', BROADCAST], // arping -U
      ['gratuitous-reply', N3, '198.18.0.100', '198.18.0.100', BROADCAST], // arping -U -P
      ['probe', N2, '0.0.0.0', '198.18.0.77', BROADCAST], // arping -0
      ['request', N2, '198.18.0.2', '198.18.0.3', BROADCAST], // arping -V 42
      ['request', N2, '198.18.0.2', '198.18.0.3', N3], // arping -t: unicast
      ['reply', N3, '198.18.0.3', '198.18.0.2', N2],
      ['request', N2, '198.18.0.2', '198.18.0.1', N1], // the kernel's unicast PROBE-state check
      ['reply', N1, '198.18.0.1', '198.18.0.2', N2],
    ]);
    expect((result.ops[5]?.value as Record<string, unknown>)['vlanIds']).toEqual([42]);
    expect((result.ops[4]?.value as Record<string, unknown>)['vlanIds']).toBeUndefined();
  });

  it('writes ops the checkers read back unchanged, at the capture time relative to the epoch', async () => {
    const records = (await readPcapFile(MICRO)).records;
    const epochWallUs = (records[0] as PcapRecord).seconds * 1_000_000;
    const { ops } = await readArpObservations(MICRO, { segment: 'lan', epochWallUs });
    const arpRecords = records.filter((r) => r.data[12] === 0x08 && r.data[13] === 0x06 || r.data[12] === 0x81);
    const asOps: HistoryOp[] = ops.map((entry, index) => ({ ...entry, index }));
    const read = asOps.map(readArpObserved);
    expect(read.map((r) => r.tMs)).toEqual(arpRecords.map((r) => recordRelativeUs(r, epochWallUs) / 1000));
    expect(read.map((r) => r.tMs)).toEqual(ops.map((op) => op.tMs));
    expect(read.filter(isAnswer).map((r) => r.kind)).toEqual(['reply', 'gratuitous-request', 'gratuitous-reply', 'reply', 'reply']);
    expect(new Set(read.map((r) => r.segment))).toEqual(new Set(['lan']));
  });

  it('keeps sub-µs digits of a nanosecond capture', async () => {
    const first = await firstRecord(NANO);
    const { ops, frames } = await readArpObservations(NANO, { segment: 's', epochWallUs: first.seconds * 1_000_000 });
    expect(frames).toBe(5);
    expect(ops.map((op) => (op.value as Record<string, unknown>)['kind'])).toEqual(['request', 'reply', 'gratuitous-request']);
    expect((ops[0]?.value as Record<string, unknown>)['tUs']).toBe(first.fractionNs / 1000);
    expect(ops.some((op) => !Number.isInteger((op.value as Record<string, unknown>)['tUs']))).toBe(true);
  });

  it('reports an ARP frame that does not decode and keeps the others', async () => {
    const bytes = Buffer.from(await readFile(MICRO));
    bytes[24 + 16 + 14 + 1] = 6; // first frame: ARP hardware type 1 → 6
    const path = join(scratch, 'bad-htype.pcap');
    await writeFile(path, bytes);
    const result = await readArpObservations(path, { segment: 'lan', epochWallUs: 0 });
    expect(result.ops).toHaveLength(9);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/bad-htype\.pcap: frame 0 at \d+ µs is not decodable ARP \(bad-htype: hardware type 6\)/);
  });

  it('keeps what precedes a truncated last record and reports it', async () => {
    const bytes = await readFile(MICRO);
    const path = join(scratch, 'cut.pcap');
    await writeFile(path, bytes.subarray(0, bytes.length - 20));
    const result = await readArpObservations(path, { segment: 'lan', epochWallUs: 0 });
    expect(result.frames).toBe(11);
    expect(result.ops).toHaveLength(9);
    expect(result.problems).toEqual([expect.stringMatching(/the last record is truncated/)]);
  });

  it('refuses a capture that is not Ethernet (e.g. tcpdump -i any)', async () => {
    const bytes = Buffer.from(await readFile(MICRO));
    bytes.writeUInt32LE(113, 20); // LINKTYPE_LINUX_SLL
    const path = join(scratch, 'sll.pcap');
    await writeFile(path, bytes);
    await expect(readArpObservations(path, { segment: 'lan', epochWallUs: 0 })).rejects.toThrow(`reading ARP from ${path}: link type 113, expected 1 (Ethernet: capture on the bridge, not on 'any')`);
  });
});
