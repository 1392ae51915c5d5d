/**
 * Hostile input: any fixture with bytes overwritten, cut anywhere, read in chunks of any size,
 * must decode without throwing — problems are reported, never raised — and every packet handed
 * over must lie inside the bytes it came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createArpAnalyzer } from './arp-analyzer.ts';
import { CaptureDecoder } from './capture-decoder.ts';
import { decodeLinkPacket } from './link-layer.ts';

const FILES = ['takeover-us-le.pcap', 'takeover-ns-be.pcap', 'takeover-sll2.pcap', 'split-brain-be.pcapng', 'vlan.pcap', 'takeover-pb-spb.pcapng'].map((f) => readFileSync(join('fixtures/captures', f)));

describe('CaptureDecoder on mutated captures', () => {
  it('never throws; packets stay inside their buffer; problems carry offsets within the file', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: FILES.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 1, max: 97 }),
        (fileIndex, writes, cutAt, chunkBytes) => {
          const source = FILES[fileIndex] ?? Buffer.alloc(0);
          const bytes = Buffer.from(source.subarray(0, source.length - (cutAt % 64)));
          for (const [at, value] of writes) if (bytes.length > 0) bytes[at % bytes.length] = value;
          const analyzer = createArpAnalyzer();
          const decoder = new CaptureDecoder((packet) => {
            expect(packet.start + packet.capturedBytes).toBeLessThanOrEqual(packet.data.length);
            const event = decodeLinkPacket(packet);
            if (typeof event !== 'string') analyzer.push(event);
          });
          for (let at = 0; at < bytes.length; at += chunkBytes) decoder.write(bytes.subarray(at, at + chunkBytes));
          decoder.end();
          analyzer.finish();
          for (const problem of decoder.problems) expect(problem.offset).toBeLessThanOrEqual(bytes.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
