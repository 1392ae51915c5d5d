/**
 * L1: `FreeBlocks` agrees with a naive set-of-addresses model of Cilium's `ipalloc` (§5.4): the
 * same addresses are free after any sequence of specific takes and AllocAny calls, and AllocAny
 * returns the first address of the smallest free run (lowest address among equal sizes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../core/rng.ts';
import { FreeBlocks } from './free-blocks.ts';

type Op = { kind: 'take'; ip: number } | { kind: 'any' } | { kind: 'random' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: -2, max: 40 }).map((ip): Op => ({ kind: 'take', ip })),
  fc.constant<Op>({ kind: 'any' }),
  fc.constant<Op>({ kind: 'random' }),
);

/** Free runs of a naive model, in address order. */
function runs(free: ReadonlySet<number>, first: number, last: number): { from: number; size: number }[] {
  const result: { from: number; size: number }[] = [];
  for (let ip = first; ip <= last; ip += 1) {
    const current = result.at(-1);
    if (!free.has(ip)) continue;
    if (current !== undefined && current.from + current.size === ip) current.size += 1;
    else result.push({ from: ip, size: 1 });
  }
  return result;
}

describe('FreeBlocks (§5.4)', () => {
  it('§5.4 matches a naive model for take / lowest-of-smallest / random', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 30 }), fc.array(opArb, { maxLength: 40 }), fc.integer(), (first, width, ops, seed) => {
        const last = first + width;
        const blocks = new FreeBlocks(BigInt(first), BigInt(last));
        const free = new Set(Array.from({ length: width + 1 }, (_, i) => first + i));
        const rng = new SeededRng(seed);
        for (const op of ops) {
          if (op.kind === 'take') {
            expect(blocks.take(BigInt(op.ip))).toBe(free.delete(op.ip));
          } else if (op.kind === 'any') {
            const smallest = runs(free, first, last).reduce<{ from: number; size: number } | undefined>(
              (best, run) => (best === undefined || run.size < best.size ? run : best),
              undefined,
            );
            const got = blocks.takeLowestOfSmallest();
            expect(got).toBe(smallest === undefined ? undefined : BigInt(smallest.from));
            if (smallest !== undefined) free.delete(smallest.from);
          } else {
            const got = blocks.takeRandom(rng, BigInt(first), BigInt(last));
            if (free.size === 0) {
              expect(got).toBeUndefined();
            } else {
              expect(got).toBeDefined();
              expect(free.delete(Number(got))).toBe(true);
            }
          }
          expect(blocks.countFree()).toBe(BigInt(free.size));
        }
      }),
      { seed: 424242, numRuns: 400 },
    );
  });
});
