/**
 * Why this test? The elector must run unchanged in `lab` (real clock, real API server, promises)
 * and in `sim` (kernel-driven generators). Here the same elector runs both ways over the same
 * simulated API server: once on `SimTaskRunner`, once through the promise interpreter `runTask`
 * on the `Clock` and `ObjectStore` ports (SimClock, SimObjectStore, microtasks drained per event).
 * The histories must be byte-identical.
 */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../core/rng.ts';
import { runTask } from '../core/run-task.ts';
import { historyToJsonl } from '../history/jsonl.ts';
import { MemoryHistory } from '../history/memory-history.ts';
import { driveKernelAsync } from '../sim/async-drive.ts';
import { SimKernel } from '../sim/kernel.ts';
import { SimApiServer } from '../sim/sim-api-server.ts';
import { SimClock } from '../sim/sim-clock.ts';
import { SimObjectStore } from '../sim/sim-object-store.ts';
import { SimTaskRunner } from '../sim/sim-task-runner.ts';
import { ApiClient } from './api-client.ts';
import { Elector } from './elector.ts';

async function historyOf(mode: 'sim-runner' | 'promise-ports'): Promise<string> {
  const kernel = new SimKernel();
  const rng = new SeededRng(9);
  const server = new SimApiServer(kernel, { rng: rng.fork('api') });
  const history = new MemoryHistory(new SimClock(kernel));
  const runner = new SimTaskRunner(kernel, server);
  const pending: Promise<unknown>[] = [];
  const controllers = new Map<string, AbortController>();
  for (const node of ['n1', 'n2', 'n3']) {
    const clock = new SimClock(kernel);
    const client = new ApiClient({ identity: node, clock, history, rateLimit: { qps: 5, burst: 10 } });
    const elector = new Elector(
      { namespace: 'kube-system', leaseName: 'cilium-l2announce-default-web', identity: node, switches: { optimisticRenew: true, reacquireAfterLoss: true, releaseSetsOneSecond: true }, timing: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 } },
      { clock, rng: rng.fork(`elector/${node}`), history, client },
    );
    const controller = new AbortController();
    controllers.set(node, controller);
    if (mode === 'sim-runner') runner.spawn(node, elector.run(controller.signal));
    else pending.push(runTask(elector.run(controller.signal), { clock, store: new SimObjectStore(server, kernel) }));
  }
  // Faults as kernel events, so both modes see them at the same instants.
  kernel.at(4_000, () => server.partition('n1'));
  kernel.at(4_000, () => server.partition('n2'));
  kernel.at(9_000, () => server.heal());
  kernel.at(12_000, () => {
    for (const controller of controllers.values()) controller.abort();
  });
  if (mode === 'sim-runner') kernel.run({ untilMs: 30_000, maxEvents: 1_000_000 });
  else await driveKernelAsync(kernel, { untilMs: 30_000, maxEvents: 1_000_000 });
  await Promise.all(pending);
  return historyToJsonl(history.ops());
}

describe('one elector, two interpreters', () => {
  it('SimTaskRunner and runTask over the promise ports produce byte-identical histories', async () => {
    const viaRunner = await historyOf('sim-runner');
    const viaPromises = await historyOf('promise-ports');
    expect(viaRunner).toContain('"f":"became-leader"');
    expect(viaRunner).toContain('"f":"released-lease"');
    expect(viaPromises).toBe(viaRunner);
  });
});
