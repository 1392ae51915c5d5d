import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp } from '../../core/ip.ts';
import { cidrCover, mergeRanges, type Ipv4Range } from './cidr-cover.ts';

const ip = (text: string): bigint => parseIp(text)?.value ?? -1n;
const range = (first: string, last: string): Ipv4Range => ({ first: ip(first), last: ip(last) });

describe('cidrCover', () => {
  it.each([
    ['one aligned block', [range('198.18.0.240', '198.18.0.255')], ['198.18.0.240/28']],
    ['a single address', [range('198.18.0.7', '198.18.0.7')], ['198.18.0.7/32']],
    ['an unaligned range', [range('198.18.0.241', '198.18.0.246')], ['198.18.0.241/32', '198.18.0.242/31', '198.18.0.244/31', '198.18.0.246/32']],
    ['overlapping and adjacent ranges merged first', [range('198.18.0.248', '198.18.0.250'), range('198.18.0.240', '198.18.0.247'), range('198.18.0.244', '198.18.0.249')], ['198.18.0.240/29', '198.18.0.248/31', '198.18.0.250/32']],
    ['the whole address space', [range('0.0.0.0', '255.255.255.255')], ['0.0.0.0/0']],
    ['nothing', [], []],
  ])('covers %s', (_what, ranges, expected) => {
    expect(cidrCover(ranges)).toEqual(expected);
  });

  const arbRange = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.bigInt({ min: 0n, max: 4096n })).map(([first, span]) => ({ first, last: first + span > 2n ** 32n - 1n ? 2n ** 32n - 1n : first + span }));

  it('covers exactly the union of the ranges, with disjoint blocks that no merge could reduce', () => {
    fc.assert(
      fc.property(fc.array(arbRange, { maxLength: 6 }), (ranges) => {
        const blocks = cidrCover(ranges).map((c) => parseCidr(c)).map((c) => ({ first: c?.first ?? -1n, last: c?.last ?? -1n, prefixLength: c?.prefixLength ?? -1 }));
        // Exact: the blocks merged are the ranges merged.
        expect(mergeRanges(blocks)).toEqual(mergeRanges(ranges));
        for (let i = 1; i < blocks.length; i += 1) {
          const a = blocks[i - 1];
          const b = blocks[i];
          if (a === undefined || b === undefined) continue;
          expect(b.first).toBeGreaterThan(a.last);
          // Minimal: two neighbouring equal blocks that form an aligned block of twice the size would be one.
          const sameSize = a.prefixLength === b.prefixLength && a.last + 1n === b.first;
          const size = a.last - a.first + 1n;
          expect(sameSize && a.first % (2n * size) === 0n).toBe(false);
        }
      }),
    );
  });
});
