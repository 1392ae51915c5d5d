import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureDecoder, type CapturedPacket } from './capture-decoder.ts';

interface Seen {
  offset: number;
  number: number;
  linkType: number;
  tUs: number;
  bytes: string;
  ifIndex: number | undefined;
}

function decode(bytes: Buffer, chunkBytes: number): { packets: Seen[]; decoder: CaptureDecoder } {
  const packets: Seen[] = [];
  const decoder = new CaptureDecoder((p: CapturedPacket) => {
    packets.push({ offset: p.offset, number: p.number, linkType: p.linkType, tUs: p.tUs, bytes: p.data.subarray(p.start, p.start + p.capturedBytes).toString('hex'), ifIndex: p.ifIndex });
  });
  for (let at = 0; at < bytes.length; at += chunkBytes) decoder.write(bytes.subarray(at, at + chunkBytes));
  decoder.end();
  return { packets, decoder };
}

describe('CaptureDecoder', () => {
  it.each(['takeover-us-le.pcap', 'takeover-ns-be.pcap', 'split-brain-le.pcapng', 'split-brain-be.pcapng', 'takeover-truncated.pcapng'])('%s: the same packets and problems whatever the chunk size', (file) => {
    const bytes = readFileSync(join('fixtures/captures', file));
    const whole = decode(bytes, bytes.length);
    expect(whole.packets.length).toBeGreaterThan(10);
    for (const chunk of [1, 3, 7, 64]) {
      const chunked = decode(bytes, chunk);
      expect(chunked.packets).toEqual(whole.packets);
      expect(chunked.decoder.problems).toEqual(whole.decoder.problems);
    }
  });

  it('converts pcapng timestamps exactly at every decimal resolution and at 2^-n', () => {
    const tUs = 1_763_700_004_312_345;
    for (const [resolution, units] of [[6, BigInt(tUs)], [9, BigInt(tUs) * 1000n + 999n], [3, BigInt(Math.floor(tUs / 1000))], [0x80 | 20, (BigInt(tUs) << 20n) / 1_000_000n + 1n]] as const) {
      const idb = Buffer.alloc(32);
      idb.writeUInt32LE(1, 0);
      idb.writeUInt32LE(32, 4);
      idb.writeUInt16LE(1, 8);
      idb.writeUInt32LE(0, 12);
      idb.writeUInt16LE(9, 16); // if_tsresol
      idb.writeUInt16LE(1, 18);
      idb[20] = resolution;
      idb.writeUInt32LE(32, 28);
      const epb = Buffer.alloc(32);
      epb.writeUInt32LE(6, 0);
      epb.writeUInt32LE(32, 4);
      epb.writeUInt32LE(Number(units >> 32n), 12);
      epb.writeUInt32LE(Number(units & 0xffffffffn), 16);
      epb.writeUInt32LE(32, 28);
      const shb = Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex');
      const { packets, decoder } = decode(Buffer.concat([shb, idb, epb]), 1 << 20);
      expect(decoder.problems).toEqual([]);
      const expectedUs = resolution === 3 ? Math.floor(tUs / 1000) * 1000 : tUs;
      expect([resolution, packets[0]?.tUs]).toEqual([resolution, expectedUs]);
    }
  });

  it('an empty file and a lone header are problems at offset 0 and at the end', () => {
    expect(decode(Buffer.alloc(0), 1).decoder.problems).toEqual([{ offset: 0, fatal: true, message: 'the file is empty: expected a pcap or pcapng header' }]);
    const header = readFileSync('fixtures/captures/takeover-us-le.pcap').subarray(0, 30);
    expect(decode(header, 4).decoder.problems).toEqual([{ offset: 24, fatal: true, message: 'the capture ends mid-record: 6 bytes left at offset 24, a 16-byte pcap record header expected' }]);
  });
});
