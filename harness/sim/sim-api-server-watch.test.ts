/**
 * Why this test? explore found reference-lease-scope-s2: a policy edit committed while the agent
 * was partitioned (drop, 1 s) never reached its informer — the watch events were dropped and the
 * cache stayed stale until the 5–10 min re-list, so the agent kept competing for a Lease the
 * policy no longer allowed. A real watch stream is held by TCP (or, reset, re-listed): the events
 * arrive after the heal.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject, WatchEvent } from '../core/object-store.ts';
import { SeededRng } from '../core/rng.ts';
import { SimKernel } from './kernel.ts';
import { SimApiServer } from './sim-api-server.ts';

const lease = (name: string, holder: string): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace: 'kube-system' },
  spec: { holderIdentity: holder },
});

function setup() {
  const kernel = new SimKernel();
  const server = new SimApiServer(kernel, { rng: new SeededRng(1), latency: { kind: 'fixed', ms: 10 } });
  const seen: { atMs: number; name: string; type: string }[] = [];
  const onEvent = (event: WatchEvent) => seen.push({ atMs: kernel.nowMs, name: event.object.metadata.name, type: event.type });
  return { kernel, server, seen, onEvent };
}

describe('SimApiServer: watch events of a partitioned watcher', () => {
  it('are held during the partition and delivered at the heal, in commit order', () => {
    const { kernel, server, seen, onEvent } = setup();
    server.watch('leases', '', 'n1', onEvent);
    server.partition('n1', 'drop');
    server.applyNow({ verb: 'create', resource: 'leases', object: lease('a', 'n2') });
    server.applyNow({ verb: 'create', resource: 'leases', object: lease('b', 'n2') });
    server.applyNow({ verb: 'delete', ref: { resource: 'leases', namespace: 'kube-system', name: 'a' } });
    kernel.run({ untilMs: 1_000, maxEvents: 100 });
    expect(seen).toEqual([]);
    expect(server.losses.watchEventsHeld).toBe(3);
    const healMs = kernel.nowMs;
    server.heal('n1');
    expect(seen).toEqual([
      { atMs: healMs, name: 'a', type: 'ADDED' },
      { atMs: healMs, name: 'b', type: 'ADDED' },
      { atMs: healMs, name: 'a', type: 'DELETED' },
    ]);
    // Later events flow as usual, after the held ones.
    server.applyNow({ verb: 'create', resource: 'leases', object: lease('c', 'n2') });
    kernel.run({ untilMs: 2_000, maxEvents: 100 });
    expect(seen.map((e) => e.name)).toEqual(['a', 'b', 'a', 'c']);
  });

  it('other watchers are not held; a watch stopped before the heal gets nothing', () => {
    const { kernel, server, seen, onEvent } = setup();
    const other: string[] = [];
    const handle = server.watch('leases', '', 'n1', onEvent);
    server.watch('leases', '', 'n2', (event) => other.push(event.object.metadata.name));
    server.partition('n1', 'reject');
    server.applyNow({ verb: 'create', resource: 'leases', object: lease('a', 'n2') });
    kernel.run({ untilMs: 1_000, maxEvents: 100 });
    expect(other).toEqual(['a']);
    handle.stop();
    server.heal();
    expect(seen).toEqual([]);
  });
});
