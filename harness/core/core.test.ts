import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './merge-patch.ts';
import { formatMicroTime } from './micro-time.ts';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket (x/time/rate semantics)', () => {
  it('starts full: burst requests go without waiting, then each waits 1/qps more', () => {
    const bucket = new TokenBucket(5, 2);
    expect(bucket.reserve(0)).toBe(0);
    expect(bucket.reserve(0)).toBe(0);
    expect(bucket.reserve(0)).toBeCloseTo(200);
    expect(bucket.reserve(0)).toBeCloseTo(400);
  });

  it('refills at qps up to burst', () => {
    const bucket = new TokenBucket(10, 3);
    for (let i = 0; i < 3; i += 1) bucket.reserve(0);
    expect(bucket.tokensAt(150)).toBeCloseTo(1.5);
    expect(bucket.tokensAt(10_000)).toBe(3);
  });

  it('refuses, without consuming, a reservation whose wait would pass the deadline', () => {
    const bucket = new TokenBucket(1, 1);
    expect(bucket.reserve(0)).toBe(0);
    expect(bucket.reserve(0, 500)).toBeUndefined();
    expect(bucket.reserve(0, 1000)).toBeCloseTo(1000);
  });

  it('validates its configuration with a precise message', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(/qps must be positive/);
    expect(() => new TokenBucket(1, 0.5)).toThrow(/burst must be an integer/);
  });
});

describe('formatMicroTime', () => {
  // Why 2^41 ms (year 2039): beyond it a double holding epoch ms cannot resolve microseconds.
  it('matches Date#toISOString with microseconds for any instant 1970–2039', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 41 }), fc.integer({ min: 0, max: 999 }), (ms, us) => {
        const iso = new Date(ms).toISOString(); // tests may use Date; sim code may not
        expect(formatMicroTime(ms + us / 1000)).toBe(`${iso.slice(0, 23)}${String(us).padStart(3, '0')}Z`);
      }),
    );
  });
});

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects, deletes on null, replaces arrays and scalars, leaves inputs untouched', () => {
    const target = { a: 1, b: { c: 2, d: 3 }, e: [1, 2] };
    const result = applyMergePatch(target, { a: null, b: { c: 9 }, e: [3], f: 'x' });
    expect(result).toEqual({ b: { c: 9, d: 3 }, e: [3], f: 'x' });
    expect(target).toEqual({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] });
  });
});
