/**
 * The pcap reader on real tcpdump captures (fixtures/pcap, see its README): µs and ns files,
 * big-endian, a capture cut mid-record, and files that are not pcaps at all.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePcapBytes, PcapFormatError, readPcapFile, recordRelativeUs, type PcapRecord } from './pcap-reader.ts';

const FIXTURES = new URL('../../../fixtures/pcap/', import.meta.url).pathname;
const MICRO = join(FIXTURES, 'arp-kinds.pcap');
const NANO = join(FIXTURES, 'arp-kinds-nano.pcap');
const scratch = await mkdtemp(join(tmpdir(), 'l2lab-pcap-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** The same capture with every header field byte-swapped (a pcap written on a big-endian host). */
function toBigEndian(little: Buffer): Buffer {
  const big = Buffer.from(little);
  for (const at of [0, 8, 12, 16, 20]) big.writeUInt32BE(little.readUInt32LE(at), at);
  big.writeUInt16BE(little.readUInt16LE(4), 4);
  big.writeUInt16BE(little.readUInt16LE(6), 6);
  for (let at = 24; at + 16 <= little.length; ) {
    for (let field = 0; field < 16; field += 4) big.writeUInt32BE(little.readUInt32LE(at + field), at + field);
    at += 16 + little.readUInt32LE(at + 8);
  }
  return big;
}

function times(records: readonly PcapRecord[]): [number, number][] {
  return records.map((r) => [r.seconds, r.fractionNs]);
}

describe('readPcapFile', () => {
  it('reads every record of a µs capture with its timestamp, lengths and bytes', async () => {
    const file = await readPcapFile(MICRO);
    expect(file).toMatchObject({ precision: 'us', linkType: 1, snaplenBytes: 262_144, problems: [] });
    expect(file.records).toHaveLength(12);
    const first = file.records[0] as PcapRecord;
    expect(first).toMatchObject({ index: 0, capturedBytes: 42, originalBytes: 42 });
    expect(first.data).toHaveLength(42);
    expect([...first.data.subarray(0, 6)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(file.records.every((r) => r.fractionNs % 1000 === 0 && r.fractionNs < 1e9)).toBe(true);
    const ordered = file.records.map((r) => recordRelativeUs(r, 0));
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
  });

  it('reads a nanosecond capture (pcap-parser knows only the µs magic) keeping the ns digits', async () => {
    const file = await readPcapFile(NANO);
    expect(file).toMatchObject({ precision: 'ns', linkType: 1, problems: [] });
    expect(file.records).toHaveLength(5);
    expect(file.records.some((r) => r.fractionNs % 1000 !== 0)).toBe(true);
    const first = file.records[0] as PcapRecord;
    const epochWallUs = first.seconds * 1_000_000;
    expect(recordRelativeUs(first, epochWallUs)).toBe(first.fractionNs / 1000);
  });

  it('reads a big-endian capture to the same records', async () => {
    const little = await readPcapFile(MICRO);
    const big = await parsePcapBytes(toBigEndian(await readFile(MICRO)), 'big.pcap');
    expect(big.problems).toEqual([]);
    expect(times(big.records)).toEqual(times(little.records));
    expect(big.records.map((r) => [...r.data])).toEqual(little.records.map((r) => [...r.data]));
  });

  it('keeps the complete records of a capture cut in the middle of its last record and reports the cut', async () => {
    const bytes = await readFile(MICRO);
    for (const cut of [10, 42, 57]) { // the last record is 16 + 42 bytes
      const path = join(scratch, `cut-${cut}.pcap`);
      await writeFile(path, bytes.subarray(0, bytes.length - cut));
      const file = await readPcapFile(path);
      expect(file.records).toHaveLength(11);
      expect(file.problems).toHaveLength(1);
      expect(file.problems[0]).toMatch(new RegExp(`${path}: the last record is truncated .*kept the 11 complete records`));
    }
  });

  it('reports an empty or header-only file as a problem, not an error', async () => {
    const empty = await parsePcapBytes(Buffer.alloc(0), 'empty.pcap');
    expect(empty.records).toEqual([]);
    expect(empty.problems[0]).toMatch(/empty\.pcap is empty/);
    const header = await parsePcapBytes((await readFile(MICRO)).subarray(0, 12), 'half.pcap');
    expect(header.problems[0]).toMatch(/half\.pcap has 12 bytes: a truncated pcap header/);
    const headerOnly = await parsePcapBytes((await readFile(MICRO)).subarray(0, 24), 'header.pcap');
    expect(headerOnly).toMatchObject({ records: [], problems: [] });
  });

  it('refuses a file that is not a pcap, naming it and what was expected', async () => {
    const path = join(scratch, 'notes.txt');
    await writeFile(path, 'these are not packets\n');
    const error = await readPcapFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PcapFormatError);
    expect((error as Error).message).toBe(`reading the capture ${path}: magic 0x74686573 is not a pcap; expected a libpcap file (magic a1b2c3d4 or a1b23c4d, either byte order) as \`tcpdump -w\` writes`);
    await expect(parsePcapBytes(Buffer.from('0a0d0d0a1c000000', 'hex'), 'x.pcapng')).rejects.toThrow(/x\.pcapng: it is pcapng; expected a libpcap file/);
    await expect(parsePcapBytes(Buffer.from('zz'), 'two.bin')).rejects.toThrow(/two\.bin: 2 bytes that start no pcap header/);
    await expect(readPcapFile(join(scratch, 'missing.pcap'))).rejects.toThrow(/reading the capture .*missing\.pcap: ENOENT/);
  });
});
