/** The agent loop's coalescing wake-up: a pending notification skips the sleep; one sleep per wait otherwise. */
import { describe, expect, it } from 'vitest';
import { WakeSignal } from '../core/task.ts';
import { Wakeup } from './wakeup.ts';

describe('Wakeup', () => {
  it('sleepFor: the sleep to yield when nothing is pending, watching a re-armed signal', () => {
    const wakeup = new Wakeup();
    const effect = wakeup.sleepFor(250);
    expect(effect).toMatchObject({ kind: 'sleep', delayMs: 250 });
    expect(effect?.signal).toBeInstanceOf(WakeSignal);
    expect(effect?.signal?.aborted).toBe(false);
    wakeup.notify();
    expect(effect?.signal?.aborted).toBe(true);
    expect(wakeup.pending).toBe(true);
  });

  it('sleepFor: no sleep while a notification is pending; consume clears it, and the next turn sleeps again', () => {
    const wakeup = new Wakeup();
    wakeup.notify();
    wakeup.notify();
    expect(wakeup.sleepFor(1_000)).toBeUndefined();
    wakeup.consume();
    expect(wakeup.pending).toBe(false);
    expect(wakeup.sleepFor(1_000)?.signal?.aborted).toBe(false);
  });

  it('wait: yields the same sleep as sleepFor, or nothing when notified first, and consumes', () => {
    const wakeup = new Wakeup();
    const waiting = wakeup.wait(500);
    expect(waiting.next().value).toMatchObject({ kind: 'sleep', delayMs: 500 });
    wakeup.notify();
    expect(waiting.next().done).toBe(true);
    expect(wakeup.pending).toBe(false);
    wakeup.notify();
    expect(wakeup.wait(500).next().done).toBe(true);
    expect(wakeup.pending).toBe(false);
  });
});
