import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type QueuedEvent } from './event-queue.ts';
import { SimKernel } from './kernel.ts';

describe('EventQueue', () => {
  it('pops in (atMs, seq) order for any insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const queue = new EventQueue();
        times.forEach((atMs, seq) => queue.push({ atMs, seq, cancelled: false }));
        const popped: QueuedEvent[] = [];
        for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e);
        expect(popped).toHaveLength(times.length);
        for (let i = 1; i < popped.length; i += 1) {
          const [a, b] = [popped[i - 1] as QueuedEvent, popped[i] as QueuedEvent];
          expect(a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq)).toBe(true);
        }
      }),
    );
  });
});

describe('SimKernel', () => {
  it('runs events in time order and breaks ties by scheduling order', () => {
    const kernel = new SimKernel();
    const seen: string[] = [];
    kernel.at(5, () => seen.push('b@5'));
    kernel.at(1, () => seen.push('a@1'));
    kernel.at(5, () => seen.push('c@5'));
    kernel.at(5, () => {
      seen.push('d@5');
      kernel.after(0, () => seen.push('e@5 (scheduled during d)'));
    });
    const result = kernel.run({ untilMs: 100, maxEvents: 100 });
    expect(seen).toEqual(['a@1', 'b@5', 'c@5', 'd@5', 'e@5 (scheduled during d)']);
    expect(result).toEqual({ stoppedBy: 'idle', events: 5, nowMs: 5 });
  });

  it('an event scheduled with a reserved sequence runs where it would have run if scheduled at reservation', () => {
    const kernel = new SimKernel();
    const seen: string[] = [];
    kernel.at(5, () => seen.push('a'));
    const seq = kernel.reserveSeq();
    kernel.at(5, () => seen.push('c'));
    kernel.at(1, () => kernel.atReserved(5, seq, () => seen.push('b (reserved before c, scheduled at 1)')));
    kernel.run({ untilMs: 100, maxEvents: 100 });
    expect(seen).toEqual(['a', 'b (reserved before c, scheduled at 1)', 'c']);
    expect(() => kernel.atReserved(200, kernel.reserveSeq() + 1, () => undefined)).toThrow('was not reserved');
    expect(() => kernel.atReserved(1, seq, () => undefined)).toThrow('must be finite and ≥ now');
  });

  it('target events take the same (atMs, seq) slots as closures, also when a target schedules itself again, and cancel like them', () => {
    const kernel = new SimKernel();
    const seen: string[] = [];
    /** Its first event schedules a second one 5 ms later (a request's arrival and response). */
    const twoPhase = {
      eventLabel: 'two-phase',
      onKernelEvent(token: number): void {
        seen.push(`target ${token}@${kernel.nowMs}`);
        if (token === 1) kernel.schedule(kernel.nowMs + 5, twoPhase, 2);
      },
    };
    kernel.at(5, () => seen.push('a@5'));
    kernel.schedule(5, twoPhase, 1);
    kernel.at(5, () => seen.push('b@5'));
    kernel.at(10, () => seen.push('c@10 (before the second phase: scheduled earlier)'));
    const cancelled = kernel.schedule(7, twoPhase, 99);
    cancelled.cancel();
    cancelled.cancel();
    expect(kernel.run({ untilMs: 100, maxEvents: 100 })).toEqual({ stoppedBy: 'idle', events: 5, nowMs: 10 });
    expect(seen).toEqual(['a@5', 'target 1@5', 'b@5', 'c@10 (before the second phase: scheduled earlier)', 'target 2@10']);
    expect(() => kernel.schedule(3, twoPhase, 3)).toThrow('scheduling sim event two-phase at 3ms: must be finite and ≥ now (10ms)');
  });

  it('skips cancelled events without counting them, and cancel after firing is a no-op', () => {
    const kernel = new SimKernel();
    const seen: number[] = [];
    const a = kernel.at(1, () => seen.push(1));
    kernel.at(2, () => seen.push(2)).cancel();
    expect(kernel.run({ untilMs: 10, maxEvents: 10 }).events).toBe(1);
    a.cancel();
    expect(seen).toEqual([1]);
  });

  it('stops at the time limit with time standing at the limit, and resumes later', () => {
    const kernel = new SimKernel();
    const seen: number[] = [];
    for (const t of [10, 20, 30]) kernel.at(t, () => seen.push(t));
    expect(kernel.run({ untilMs: 25, maxEvents: 100 })).toEqual({ stoppedBy: 'time-limit', events: 2, nowMs: 25 });
    expect(kernel.run({ untilMs: 100, maxEvents: 100 })).toEqual({ stoppedBy: 'idle', events: 1, nowMs: 30 });
    expect(seen).toEqual([10, 20, 30]);
  });

  it('stops at the event budget even when events keep scheduling events', () => {
    const kernel = new SimKernel();
    const tick = (): void => {
      kernel.after(1, tick);
    };
    kernel.after(0, tick);
    expect(kernel.run({ untilMs: Number.POSITIVE_INFINITY, maxEvents: 1000 })).toEqual({ stoppedBy: 'event-budget', events: 1000, nowMs: 999 });
  });

  it('rejects scheduling in the past, bad delays and nested runs', () => {
    const kernel = new SimKernel();
    kernel.at(10, () => {
      expect(() => kernel.at(5, () => {})).toThrow(/≥ now \(10ms\)/);
      expect(() => kernel.run({ untilMs: 20, maxEvents: 1 })).toThrow(/already running/);
    });
    expect(() => kernel.after(-1, () => {})).toThrow(RangeError);
    expect(() => kernel.after(Number.NaN, () => {})).toThrow(RangeError);
    kernel.run({ untilMs: 20, maxEvents: 10 });
  });

  it('wraps an event failure with its time and label', () => {
    const kernel = new SimKernel();
    kernel.at(7, () => {
      throw new Error('boom');
    }, 'exploding');
    expect(() => kernel.run({ untilMs: 10, maxEvents: 10 })).toThrow('sim event exploding at 7ms threw: boom');
  });

  it('is deterministic: the same schedule gives the same trace', () => {
    const trace = (): string[] => {
      const kernel = new SimKernel();
      const out: string[] = [];
      for (let i = 0; i < 50; i += 1) kernel.at(i % 7, () => out.push(`${i}@${kernel.nowMs}`));
      kernel.run({ untilMs: 100, maxEvents: 100 });
      return out;
    };
    expect(trace()).toEqual(trace());
  });
});
