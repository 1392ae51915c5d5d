import { describe, expect, it } from 'vitest';
import type { Rng } from '../core/rng.ts';
import { SeededRng } from '../core/rng.ts';
import { drawFrameDelayMs, drawTcpDelayMs, netemDraws, netemShape, TCP_MAX_RETRANSMISSIONS } from './netem.ts';

/** An rng that returns `floats` in order (then throws: a test must know every draw). */
function scripted(floats: readonly number[]): Rng & { readonly drawn: number } {
  let at = 0;
  return {
    get drawn() {
      return at;
    },
    float: () => {
      const next = floats[at];
      if (next === undefined) throw new Error(`scripted rng: draw ${at + 1} not scripted`);
      at += 1;
      return next;
    },
    intBetween: () => {
      throw new Error('not used');
    },
    bigIntBetween: () => {
      throw new Error('not used');
    },
    fork: () => {
      throw new Error('not used');
    },
  };
}

describe('netemShape', () => {
  it('fills the defaults and turns percent into a rate', () => {
    expect(netemShape('n1/eth0', { delayMs: 50 })).toEqual({ delayMs: 50, jitterMs: 0, lossRate: 0 });
    expect(netemShape('n1/eth0', { lossPercent: 100 })).toEqual({ delayMs: 0, jitterMs: 0, lossRate: 1 });
  });

  it('refuses bad values, naming the target', () => {
    expect(() => netemShape('n1/eth0', { delayMs: -1 })).toThrow('netem on n1/eth0: delayMs must be finite and ≥ 0, got -1');
    expect(() => netemShape('c1', { jitterMs: Number.NaN })).toThrow('netem on c1: jitterMs');
    expect(() => netemShape('n2', { lossPercent: 101 })).toThrow('netem on n2: lossPercent must be in [0, 100], got 101');
  });

  it('draws only for loss or jitter', () => {
    expect(netemDraws(netemShape('x', { delayMs: 10 }))).toBe(false);
    expect(netemDraws(netemShape('x', { delayMs: 10, jitterMs: 1 }))).toBe(true);
    expect(netemDraws(netemShape('x', { lossPercent: 1 }))).toBe(true);
  });
});

describe('drawFrameDelayMs (egress of a data interface)', () => {
  it('a fixed delay draws nothing', () => {
    const rng = scripted([]);
    expect(drawFrameDelayMs(netemShape('x', { delayMs: 30 }), rng)).toBe(30);
    expect(rng.drawn).toBe(0);
  });

  it('loss first, then jitter uniform in delay ± jitter, floored at 0', () => {
    const shape = netemShape('x', { delayMs: 10, jitterMs: 20, lossPercent: 50 });
    expect(drawFrameDelayMs(shape, scripted([0.4]))).toBeUndefined();
    expect(drawFrameDelayMs(shape, scripted([0.6, 0.75]))).toBe(20);
    expect(drawFrameDelayMs(shape, scripted([0.6, 0]))).toBe(0);
  });

  it('over many frames the loss rate and the jitter range are what was asked', () => {
    const rng = new SeededRng(7);
    const shape = netemShape('x', { delayMs: 100, jitterMs: 10, lossPercent: 20 });
    const draws = Array.from({ length: 10_000 }, () => drawFrameDelayMs(shape, rng));
    const kept = draws.filter((d): d is number => d !== undefined);
    expect(draws.length - kept.length).toBeGreaterThan(1_800);
    expect(draws.length - kept.length).toBeLessThan(2_200);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...kept)).toBeLessThan(110);
  });
});

describe('drawTcpDelayMs (the API path: TCP retransmits)', () => {
  it('a lost transmission costs the retransmission timeout, doubling: 200 + 400 ms, then the delay', () => {
    expect(drawTcpDelayMs(netemShape('x', { delayMs: 5, lossPercent: 50 }), scripted([0.1, 0.2, 0.9]))).toBe(605);
  });

  it('no loss: just the delay; every transmission lost: the request is gone', () => {
    expect(drawTcpDelayMs(netemShape('x', { delayMs: 5 }), scripted([]))).toBe(5);
    const rng = scripted(Array.from({ length: TCP_MAX_RETRANSMISSIONS + 1 }, () => 0.5));
    expect(drawTcpDelayMs(netemShape('x', { lossPercent: 100 }), rng)).toBeUndefined();
    expect(rng.drawn).toBe(TCP_MAX_RETRANSMISSIONS + 1);
  });
});
