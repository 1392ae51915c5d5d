import { describe, expect, it } from 'vitest';
import { driveKernelAsync } from './async-drive.ts';
import { SimKernel } from './kernel.ts';
import { SIM_WALL_START_MS, SimClock } from './sim-clock.ts';

describe('SimClock', () => {
  it('monotonic time is the kernel time; wall time adds the start and the node offset', () => {
    const kernel = new SimKernel();
    const skewed = new SimClock(kernel, { wallOffsetMs: -250 });
    kernel.at(1000, () => {});
    kernel.run({ untilMs: 5000, maxEvents: 10 });
    expect(skewed.monotonicMs()).toBe(1000);
    expect(skewed.wallMs()).toBe(SIM_WALL_START_MS + 750);
    skewed.setWallOffsetMs(60_000);
    expect(skewed.monotonicMs()).toBe(1000);
  });

  it('timers fire at their virtual instant and can be cancelled', () => {
    const kernel = new SimKernel();
    const clock = new SimClock(kernel);
    const fired: number[] = [];
    clock.setTimer(30, () => fired.push(kernel.nowMs));
    clock.setTimer(10, () => fired.push(kernel.nowMs)).cancel();
    kernel.run({ untilMs: 100, maxEvents: 10 });
    expect(fired).toEqual([30]);
    expect(() => clock.setTimer(-1, () => {})).toThrow(/SimClock.setTimer: delay must be/);
  });

  it('sleep resolves on virtual time, or early with "aborted"', async () => {
    const kernel = new SimKernel();
    const clock = new SimClock(kernel);
    const controller = new AbortController();
    const log: string[] = [];
    void clock.sleep(100).then((how) => log.push(`${how}@${kernel.nowMs}`));
    void clock.sleep(1000, controller.signal).then((how) => log.push(`${how}@${kernel.nowMs}`));
    kernel.at(40, () => controller.abort());
    await driveKernelAsync(kernel, { untilMs: 10_000, maxEvents: 100 });
    expect(log).toEqual(['aborted@40', 'elapsed@100']);
    expect(await clock.sleep(5, controller.signal)).toBe('aborted');
  });
});
