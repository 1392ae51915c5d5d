import { describe, expect, it } from 'vitest';
import { LabClock, labEpochNow, parseEpochMonoNs } from './lab-clock.ts';

describe('LabClock', () => {
  it('two clocks on one epoch read the same monotonic time (as processes of one run do)', () => {
    const epoch = parseEpochMonoNs(labEpochNow().epochMonoNs);
    const a = new LabClock(epoch);
    const b = new LabClock(epoch);
    const first = a.monotonicMs();
    const second = b.monotonicMs();
    const third = a.monotonicMs();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThanOrEqual(first);
    expect(third).toBeGreaterThanOrEqual(second);
  });

  it('an earlier epoch reads later times', () => {
    const now = parseEpochMonoNs(labEpochNow().epochMonoNs);
    expect(new LabClock(now - 5_000_000_000n).monotonicMs()).toBeGreaterThanOrEqual(5000);
  });

  it('sleeps until aborted, and refuses bad delays and epochs', async () => {
    const clock = new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort();
    expect(await sleeping).toBe('aborted');
    expect(await clock.sleep(1)).toBe('elapsed');
    expect(() => clock.setTimer(-1, () => undefined)).toThrow(RangeError);
    expect(() => parseEpochMonoNs('12.5')).toThrow(/epochMonoNs/);
    // µs resolution (pcap timestamps are µs), and the same wall clock as Date.now().
    const { epochWallUs } = labEpochNow();
    expect(Number.isInteger(epochWallUs)).toBe(true);
    expect(Math.abs(epochWallUs / 1000 - Date.now())).toBeLessThan(1_000);
  });
});
