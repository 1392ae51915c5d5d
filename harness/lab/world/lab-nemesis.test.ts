import { describe, expect, it } from 'vitest';
import type { Clock, SleepOutcome, TimerHandle } from '../../core/clock.ts';
import type { Grudge, LinkShape } from '../../core/net.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import type { ObjectStore } from '../../core/object-store.ts';
import type { StepRecord } from '../../run/nemesis-driver.ts';
import { nemesisTimeline } from '../../scenario/timeline.ts';
import { parseLabScenario } from '../topology/fixtures.test-helpers.ts';
import { runLabNemesis, type NemesisWorld } from './lab-nemesis.ts';

/** A clock whose sleeps end at once, moving time forward. */
class StepClock implements Clock {
  #nowMs = 0;
  monotonicMs(): number {
    return this.#nowMs;
  }
  wallMs(): number {
    return this.#nowMs;
  }
  setTimer(): TimerHandle {
    return { cancel: () => undefined };
  }
  sleep(delayMs: number): Promise<SleepOutcome> {
    this.#nowMs += delayMs;
    return Promise.resolve('elapsed');
  }
}

/** Every call a world receives, as `name(args)`; n2 holds every service. */
function recordingWorld(): { world: NemesisWorld; calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string) => (...args: unknown[]): Promise<void> => {
    calls.push(`${name}(${args.map((a) => (a === undefined ? 'undefined' : a instanceof Map ? [...a].map(([k, v]: [string, Set<string>]) => `${k}>${[...v].join('+')}`).join(' ') : JSON.stringify(a))).join(', ')})`);
    return Promise.resolve();
  };
  const world: NemesisWorld = {
    holderOf: () => Promise.resolve('n2'),
    killNode: rec('killNode'), restartNode: rec('restartNode'), killAgent: rec('killAgent'), restartAgent: rec('restartAgent'),
    freeze: rec('freeze'), thaw: rec('thaw'), partitionApi: rec('partitionApi'), healApi: rec('healApi'),
    linkDown: rec('linkDown'), linkUp: rec('linkUp'), apiOutage: rec('apiOutage'), restartOperator: rec('restartOperator'),
    netem: rec('netem') as (target: { node?: string; client?: string }, iface: string, shape: LinkShape | undefined) => Promise<void>,
    partitionNodes: rec('partitionNodes') as (grudge: Grudge) => Promise<void>, healNodes: rec('healNodes'),
  };
  return { world, calls };
}

const NEMESIS = `nemesis:
  - at: 1s
    action: partition-api
    node: n2
    for: 1s
  - at: 3s
    action: segment-down
    segment: storage
    for: 1s
  - at: 5s
    action: partition-nodes
    groups: [[n1], [n2, n3]]
    for: 1s
  - at: 7s
    action: netem
    client: c1
    loss: 10
    for: 1s
  - at: 9s
    action: api-outage
    for: 1s
  - at: 11s
    action: restart-operator
  - at: 12s
    action: freeze
    node: n3
`;

describe('runLabNemesis over any NemesisWorld (the lab, the docker provider)', () => {
  it('drives every fault kind through the world in timeline order, and logs each step', async () => {
    const { LAB_SCENARIO } = await import('../topology/fixtures.test-helpers.ts');
    const scenario = parseLabScenario(`${LAB_SCENARIO.replace('manifests: |', `${NEMESIS}manifests: |`)}`);
    const { world, calls } = recordingWorld();
    const clock = new StepClock();
    const log: StepRecord[] = [];
    await runLabNemesis(scenario, nemesisTimeline(scenario), { world, clock, history: new MemoryHistory(clock), adminStore: {} as ObjectStore, leaseNamespace: 'kube-system' }, log);
    expect(calls).toEqual([
      'partitionApi("n2")', 'healApi("n2")',
      // A segment is its member node interfaces: n2's eth1 is the only one on storage.
      'linkDown("n2", "eth1")', 'linkUp("n2", "eth1")',
      'partitionNodes(n1>n2+n3 n2>n1 n3>n1)', 'healNodes()',
      'netem({"client":"c1"}, "eth0", {"lossPercent":10})', 'netem({"client":"c1"}, "eth0", undefined)',
      'apiOutage(true)', 'apiOutage(false)',
      'restartOperator()',
      'freeze("n3")',
    ]);
    expect(log.map((s) => `${s.action}:${s.outcome}${s.node === undefined ? '' : `:${s.node}`}`)).toEqual([
      'partition-api:done:n2', 'heal-api:done:n2', 'segment-down:done', 'segment-up:done', 'partition-nodes:done', 'heal-nodes:done',
      'netem:done', 'netem-clear:done', 'api-outage:done', 'api-restore:done', 'restart-operator:done', 'freeze:done:n3',
    ]);
  });

  it('reports a fault the world refuses as skipped with its reason, and goes on', async () => {
    const { LAB_SCENARIO } = await import('../topology/fixtures.test-helpers.ts');
    const scenario = parseLabScenario(`${LAB_SCENARIO.replace('manifests: |', `${NEMESIS}manifests: |`)}`);
    const { world, calls } = recordingWorld();
    world.netem = () => Promise.reject(new Error('netem delay 100 ms on eth0: this kernel has no sch_netem'));
    const clock = new StepClock();
    const log: StepRecord[] = [];
    await runLabNemesis(scenario, nemesisTimeline(scenario), { world, clock, history: new MemoryHistory(clock), adminStore: {} as ObjectStore, leaseNamespace: 'kube-system' }, log);
    expect(log.find((s) => s.action === 'netem')).toMatchObject({ outcome: 'skipped', reason: 'failed: netem delay 100 ms on eth0: this kernel has no sch_netem' });
    expect(calls.at(-1)).toBe('freeze("n3")');
  });
});
