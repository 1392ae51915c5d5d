import { describe, expect, it } from 'vitest';
import type { StoreResponse } from '../core/object-store.ts';
import { SeededRng } from '../core/rng.ts';
import { runTask } from '../core/run-task.ts';
import { sendRequest, sleep, type Task } from '../core/task.ts';
import { driveKernelAsync } from './async-drive.ts';
import { SimKernel } from './kernel.ts';
import { SimApiServer } from './sim-api-server.ts';
import { SimClock } from './sim-clock.ts';
import { SimObjectStore } from './sim-object-store.ts';
import { FreezeGate } from './freeze.ts';
import { SimTaskRunner } from './sim-task-runner.ts';

function world(latencyMs = 10) {
  const kernel = new SimKernel();
  const server = new SimApiServer(kernel, { rng: new SeededRng(3), latency: { kind: 'fixed', ms: latencyMs } });
  return { kernel, server, runner: new SimTaskRunner(kernel, server), clock: new SimClock(kernel), store: new SimObjectStore(server, kernel) };
}

const get = { verb: 'get', ref: { resource: 'leases', namespace: 'ns', name: 'x' } } as const;
const outcome = (r: StoreResponse): string => (r.ok ? 'ok' : r.error.code);

describe('SimTaskRunner', () => {
  it('resumes a task at the virtual time its effects complete', () => {
    const { kernel, runner } = world(10);
    const trace: string[] = [];
    function* task(): Task<string> {
      trace.push(`start@${kernel.nowMs}`);
      yield* sleep(100);
      trace.push(`slept@${kernel.nowMs}`);
      const response = yield* sendRequest(get, { identity: 'n1', timeoutMs: 1000 });
      trace.push(`${outcome(response)}@${kernel.nowMs}`);
      return 'finished';
    }
    const handle = runner.spawn('t', task());
    kernel.run({ untilMs: 10_000, maxEvents: 100 });
    expect(trace).toEqual(['start@0', 'slept@100', 'store-not-found@110']);
    expect([handle.state, handle.result]).toEqual(['done', 'finished']);
  });

  it('holds a task spawned with a frozen gate until the thaw, then resumes it with the held result', () => {
    const { kernel, runner } = world(10);
    const gate = new FreezeGate();
    const trace: string[] = [];
    function* task(): Task<void> {
      trace.push(`start@${kernel.nowMs}`);
      const slept = yield* sleep(100);
      trace.push(`${slept}@${kernel.nowMs}`);
      const response = yield* sendRequest(get, { identity: 'n1', timeoutMs: 1000 });
      trace.push(`${outcome(response)}@${kernel.nowMs}`);
    }
    runner.spawn('t', task(), gate);
    kernel.run({ untilMs: 50, maxEvents: 100 });
    gate.freeze();
    kernel.run({ untilMs: 500, maxEvents: 100 });
    expect(trace).toEqual(['start@0']);
    gate.thaw();
    kernel.run({ untilMs: 10_000, maxEvents: 100 });
    // The sleep completed at 100 while frozen; the task sees it at the thaw (500), as a stopped process.
    expect(trace).toEqual(['start@0', 'elapsed@500', 'store-not-found@510']);
  });

  it('times out a request that gets no answer (outcome unknown) and ignores the late response', () => {
    const { kernel, server, runner } = world(10);
    server.partition('n1');
    let result: StoreResponse | undefined;
    runner.spawn('t', (function* () {
      result = yield* sendRequest(get, { identity: 'n1', timeoutMs: 50 });
    })());
    kernel.run({ untilMs: 1000, maxEvents: 100 });
    expect(kernel.nowMs).toBe(50);
    expect(result?.ok === false && [result.error.code, result.error.outcomeKnown]).toEqual(['store-timeout', false]);
  });

  it('a response dropped mid-flight (request applied) still times out at the deadline; a response that beats it never does', () => {
    const { kernel, server, runner } = world(10);
    const results: string[] = [];
    const send = (timeoutMs: number) => runner.spawn(`t${timeoutMs}`, (function* () {
      const response = yield* sendRequest({ verb: 'create', resource: 'leases', object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `l${timeoutMs}`, namespace: 'ns' }, spec: {} } }, { identity: 'n1', timeoutMs });
      results.push(`${timeoutMs}:${outcome(response)}@${kernel.nowMs}`);
    })());
    send(50);
    send(8); // shorter than the round trip: times out first, as before
    kernel.run({ untilMs: 7, maxEvents: 100 }); // both creates applied at 5
    server.partition('n1');
    kernel.run({ untilMs: 1_000, maxEvents: 100 });
    expect(results).toEqual(['8:store-timeout@8', '50:store-timeout@50']);
    expect(server.peek({ resource: 'leases', namespace: 'ns', name: 'l50' })).toBeDefined();
    server.heal();
    send(60);
    kernel.run({ untilMs: 2_000, maxEvents: 100 });
    expect(results[2]).toBe('60:ok@60');
    // No cancelled timeout left behind: the one of the answered request was never scheduled.
    expect(kernel.pendingEvents).toBe(0);
  });

  it('an abort ends a sleep early, at the abort instant', () => {
    const { kernel, runner } = world();
    const controller = new AbortController();
    let woke = '';
    runner.spawn('t', (function* () {
      const how = yield* sleep(10_000, controller.signal);
      woke = `${how}@${kernel.nowMs}`;
    })());
    kernel.at(30, () => controller.abort());
    kernel.run({ untilMs: 100_000, maxEvents: 100 });
    expect(woke).toBe('aborted@30');
  });

  it('kill() stops a task for good and skips its finally blocks (a crash, not a shutdown)', () => {
    const { kernel, runner } = world();
    const trace: string[] = [];
    const handle = runner.spawn('t', (function* () {
      try {
        for (let i = 0; i < 100; i += 1) {
          yield* sleep(10);
          trace.push(`tick${i}`);
        }
      } finally {
        trace.push('finally');
      }
    })());
    kernel.at(25, () => handle.kill());
    kernel.run({ untilMs: 10_000, maxEvents: 1000 });
    expect(trace).toEqual(['tick0', 'tick1']);
    expect(handle.state).toBe('killed');
  });

  it('a task that throws fails the kernel run with its name', () => {
    const { kernel, runner } = world();
    runner.spawn('exploder', (function* () {
      yield* sleep(1);
      throw new Error('bug');
    })());
    expect(() => kernel.run({ untilMs: 100, maxEvents: 100 })).toThrow(/sim task exploder threw: bug/);
  });
});

describe('runTask on promise ports (the lab path) over the sim', () => {
  it('performs the same effects at the same virtual times as SimTaskRunner', async () => {
    const traceOf = async (mode: 'runner' | 'promises'): Promise<string[]> => {
      const { kernel, runner, clock, store, server } = world(10);
      const trace: string[] = [];
      function* task(): Task<void> {
        const created = yield* sendRequest({ verb: 'create', resource: 'leases', object: { apiVersion: 'v1', kind: 'Lease', metadata: { name: 'x', namespace: 'ns' } } }, { identity: 'n1', timeoutMs: 100 });
        trace.push(`create ${outcome(created)}@${clock.monotonicMs()}`);
        yield* sleep(40);
        server.partition('n1');
        const lost = yield* sendRequest(get, { identity: 'n1', timeoutMs: 25 });
        trace.push(`get ${outcome(lost)}@${clock.monotonicMs()}`);
      }
      if (mode === 'runner') {
        runner.spawn('t', task());
        kernel.run({ untilMs: 10_000, maxEvents: 100 });
      } else {
        const done = runTask(task(), { clock, store });
        await driveKernelAsync(kernel, { untilMs: 10_000, maxEvents: 100 });
        await done;
      }
      return trace;
    };
    const viaRunner = await traceOf('runner');
    expect(viaRunner).toEqual(['create ok@10', 'get store-timeout@75']);
    expect(await traceOf('promises')).toEqual(viaRunner);
  });
});
