import { describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.ts';
import { createProgress, formatEta } from './progress.ts';

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    monotonicMs: () => now,
    wallMs: () => now,
    setTimer: () => ({ cancel: () => undefined }),
    sleep: () => Promise.resolve('elapsed' as const),
    advance: (ms: number) => void (now += ms),
  };
}

describe('progress', () => {
  it('ETA from the rate so far', () => {
    expect(formatEta(10_000, 0, 100)).toBe('—');
    expect(formatEta(10_000, 25, 100)).toBe('30 s');
    expect(formatEta(65_000, 50, 100)).toBe('1 m 05 s');
  });

  it('without a terminal: a plain line at most every interval, and a last one at stop', () => {
    const clock = manualClock();
    const lines: string[] = [];
    const progress = createProgress({ label: 'bench failover', unit: 'trials', total: 100, clock, stream: undefined, writeLine: (l) => lines.push(l), everyMs: 5_000 });
    clock.advance(1_000);
    progress.update(10);
    expect(lines).toEqual([]);
    clock.advance(4_000);
    progress.update(25);
    expect(lines).toEqual(['bench failover: 25/100 trials (25 %), 5 s elapsed, ETA 15 s']);
    clock.advance(1_000);
    progress.update(30);
    progress.stop();
    expect(lines.at(-1)).toBe('bench failover: 30/100 trials (30 %), 6 s elapsed, ETA 14 s');
    expect(lines).toHaveLength(2);
  });
});
