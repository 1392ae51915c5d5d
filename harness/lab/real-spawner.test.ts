import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../core/object-store.ts';
import { sleep, type Task } from '../core/task.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from './lab-clock.ts';
import { RealSpawner, type TaskFailedError } from './real-spawner.ts';

const clock = new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));
const store = {} as ObjectStore;

describe('RealSpawner', () => {
  it('runs a task to completion on real time, starting it after the caller returns', async () => {
    const steps: string[] = [];
    function* task(): Task<number> {
      steps.push('start');
      yield* sleep(5);
      steps.push('end');
      return 3;
    }
    const spawner = new RealSpawner({ ports: { clock, store }, onError: () => undefined });
    const handle = spawner.spawn('t', task());
    steps.push('spawned');
    // Bounded: the task sleeps 5 ms.
    while (handle.state === 'running') await clock.sleep(5);
    expect(steps).toEqual(['spawned', 'start', 'end']);
    expect(handle.state).toBe('done');
    expect(spawner.running).toBe(0);
  });

  it('kill() is a crash: the task is never resumed and its finally does not run', async () => {
    const steps: string[] = [];
    function* task(): Task<void> {
      try {
        steps.push('start');
        yield* sleep(20);
        steps.push('after sleep');
      } finally {
        steps.push('finally');
      }
    }
    const spawner = new RealSpawner({ ports: { clock, store }, onError: () => undefined });
    const handle = spawner.spawn('t', task());
    await clock.sleep(5);
    handle.kill();
    await clock.sleep(40);
    expect(steps).toEqual(['start']);
    expect(handle.state).toBe('killed');
  });

  it('reports a task that throws, with its name', async () => {
    const errors: TaskFailedError[] = [];
    function* task(): Task<void> {
      yield* sleep(1);
      throw new Error('boom');
    }
    new RealSpawner({ ports: { clock, store }, onError: (error) => errors.push(error) }).spawn('n1/agent', task());
    await clock.sleep(30);
    expect(errors.map((e) => e.message)).toEqual(['task n1/agent threw: boom']);
  });
});
