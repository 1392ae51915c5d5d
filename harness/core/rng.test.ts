import { describe, expect, it } from 'vitest';
import { SeededRng } from './rng.ts';

describe('SeededRng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const seqA = Array.from({ length: 20 }, () => a.intBetween(0, 1000));
    const seqB = Array.from({ length: 20 }, () => b.intBetween(0, 1000));
    expect(seqA).toEqual(seqB);
  });

  it('forks streams that differ by label and do not disturb the parent', () => {
    const parent = new SeededRng(7);
    const x = parent.fork('ipam').intBetween(0, 1e9);
    const y = parent.fork('net').intBetween(0, 1e9);
    expect(x).not.toEqual(y);
    expect(new SeededRng(7).fork('ipam').intBetween(0, 1e9)).toEqual(x);
  });

  it('stays inside the bounds, also for bigints', () => {
    const rng = new SeededRng(1);
    for (let i = 0; i < 200; i += 1) {
      const v = rng.intBetween(3, 5);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(5);
      const b = rng.bigIntBetween(2n ** 100n, 2n ** 100n + 3n);
      expect(b >= 2n ** 100n && b <= 2n ** 100n + 3n).toBe(true);
      const f = rng.float();
      expect(f >= 0 && f < 1).toBe(true);
    }
  });
});
