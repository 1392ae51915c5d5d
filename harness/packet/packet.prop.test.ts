import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIp } from '../core/ip.ts';
import { formatIpv4, parseIpv4 } from './addresses.ts';
import { decodeArp, encodeArp, type ArpPacket } from './arp.ts';
import { decodeArpFrame, encodeArpFrame, type ArpFrameInput } from './arp-frame.ts';
import { decodeEthernet, TPID_8021AD, TPID_8021Q, type VlanTag } from './ethernet.ts';

const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));
const ipArb = fc.nat({ max: 0xffffffff }).map(formatIpv4);
const arpArb: fc.Arbitrary<ArpPacket> = fc.record({ opcode: fc.nat({ max: 0xffff }), senderMac: macArb, senderIp: ipArb, targetMac: macArb, targetIp: ipArb });
const vlanArb: fc.Arbitrary<VlanTag> = fc.record({ tpid: fc.constantFrom(TPID_8021Q, TPID_8021AD), pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), vid: fc.integer({ min: 0, max: 4095 }) });
const frameArb: fc.Arbitrary<ArpFrameInput & { vlans: readonly VlanTag[] }> = fc.record({ ethDst: macArb, ethSrc: macArb, vlans: fc.array(vlanArb, { maxLength: 2 }), arp: arpArb });

describe('packet codec properties', () => {
  it('decodeArp(encodeArp(p)) = p', () => {
    fc.assert(
      fc.property(arpArb, (packet) => {
        expect(decodeArp(encodeArp(packet))).toEqual({ ok: true, value: packet });
      }),
    );
  });

  it('decodeArpFrame(encodeArpFrame(f)) = f, padded or not', () => {
    fc.assert(
      fc.property(frameArb, fc.boolean(), (frame, pad) => {
        expect(decodeArpFrame(encodeArpFrame(frame, { padToMinimum: pad }))).toEqual({ ok: true, value: frame });
      }),
    );
  });

  it('decoders never throw on arbitrary bytes, and failures carry a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        const frame = decodeArpFrame(bytes);
        const ethernet = decodeEthernet(bytes);
        const arp = decodeArp(bytes);
        for (const result of [frame, ethernet, arp]) if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decoding an ARP frame with a random tail after a valid header never throws and keeps the header', () => {
    fc.assert(
      fc.property(frameArb, fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 80 }), (frame, tail, cut) => {
        const bytes = encodeArpFrame(frame, { padToMinimum: false });
        const mutated = new Uint8Array(Math.min(cut, bytes.length) + tail.length);
        mutated.set(bytes.subarray(0, Math.min(cut, bytes.length)));
        mutated.set(tail, Math.min(cut, bytes.length));
        decodeArpFrame(mutated);
      }),
    );
  });

  it('parseIpv4 agrees with core/ip (Go netip rules) on IPv4-looking strings', () => {
    const part = fc.oneof(fc.nat({ max: 300 }).map(String), fc.constantFrom('00', '01', '007', '', '-1', '1a'));
    const text = fc.oneof(fc.array(part, { minLength: 1, maxLength: 6 }).map((p) => p.join('.')), fc.string({ maxLength: 16 }));
    fc.assert(
      fc.property(text, (candidate) => {
        const ours = parseIpv4(candidate);
        const theirs = parseIp(candidate);
        const theirsV4 = theirs?.family === 'IPv4' ? Number(theirs.value) : undefined;
        expect(ours).toBe(theirsV4);
      }),
      { numRuns: 3_000 },
    );
  });
});
