/**
 * L1 properties of the elector in the sim: determinism (one seed → one byte-identical history),
 * and lease safety under random kills and cancellations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../core/object-store.ts';
import { historyToJsonl } from '../history/jsonl.ts';
import { ElectionWorld } from '../sim/election-world.ts';
import { isLeaseObject, LEASES } from './lease-record.ts';

const SWITCHES = { optimisticRenew: true, reacquireAfterLoss: true, releaseSetsOneSecond: true };
const TIMING = { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

function scriptedRun(seed: number): ElectionWorld {
  const w = new ElectionWorld({ seed, nodes: ['n1', 'n2', 'n3'], services: ['default/a', 'default/b', 'kube-system/c'], switches: SWITCHES, timing: TIMING });
  w.runUntil(5_000);
  w.killNode(w.holderOf('default/a') as string);
  w.runUntil(9_000);
  w.server.partition('n2');
  w.runUntil(15_000);
  w.server.heal();
  w.cancelElector('n3', 'default/b');
  w.runUntil(70_000);
  return w;
}

describe('determinism', () => {
  it('the same seed gives a byte-identical history.jsonl; another seed a different one', () => {
    const first = historyToJsonl(scriptedRun(42).history.ops());
    const second = historyToJsonl(scriptedRun(42).history.ops());
    expect(first.length).toBeGreaterThan(10_000);
    expect(second).toBe(first);
    expect(historyToJsonl(scriptedRun(43).history.ops())).not.toBe(first);
  });
});

/** One fault: at `atMs`, kill a node or cancel one node's elector for one service. */
const faultArb = fc.record({
  atMs: fc.integer({ min: 0, max: 30_000 }),
  kind: fc.constantFrom('kill' as const, 'cancel' as const),
  node: fc.constantFrom('n1', 'n2', 'n3'),
  service: fc.constantFrom('default/a', 'default/b'),
});

describe('lease safety under kills and cancellations', () => {
  it('property: at most one live elector leads a lease; a holder is replaced only after the lease duration or a release; RVs increase', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(faultArb, { maxLength: 4 }), (seed, faults) => {
        const w = new ElectionWorld({ seed, nodes: ['n1', 'n2', 'n3'], services: ['default/a', 'default/b'], switches: SWITCHES, timing: TIMING, latency: { kind: 'fixed', ms: 2 } });
        const versions: { atMs: number; object: KubeObject; type: string }[] = [];
        w.server.watch(LEASES, w.leaseNamespace, 'checker', (event) => versions.push({ atMs: w.kernel.nowMs, object: event.object, type: event.type }));
        const done = new Set<string>();
        for (const f of [...faults].sort((a, b) => a.atMs - b.atMs)) {
          w.kernel.at(f.atMs, () => {
            if (done.has(f.node)) return;
            if (f.kind === 'kill') {
              done.add(f.node);
              w.killNode(f.node);
            } else if (w.electorTask(f.node, f.service).state === 'running') w.cancelElector(f.node, f.service);
          });
        }
        // Sample leadership every 50 ms of virtual time.
        for (let t = 50; t <= 40_000; t += 50) {
          w.runUntil(t);
          for (const service of ['default/a', 'default/b']) expect(w.leadersOf(service).length).toBeLessThanOrEqual(1);
        }
        checkStoreHistory(versions, TIMING.leaseDurationMs);
      }),
      { numRuns: 25 },
    );
  });
});

/**
 * Over the watch stream of every Lease: resourceVersions strictly increase, and a non-empty holder
 * is replaced by another non-empty holder only once the lease duration has passed since the old
 * holder's last write (a takeover never cuts a live term short).
 */
function checkStoreHistory(versions: readonly { atMs: number; object: KubeObject; type: string }[], leaseDurationMs: number): void {
  let lastRv = 0;
  const lastWrite = new Map<string, { holder: string; atMs: number }>();
  for (const v of versions) {
    const rv = Number(v.object.metadata.resourceVersion);
    expect(rv).toBeGreaterThan(lastRv);
    lastRv = rv;
    if (!isLeaseObject(v.object)) continue;
    const name = v.object.metadata.name;
    const holder = v.type === 'DELETED' ? '' : (v.object.spec.holderIdentity ?? '');
    const previous = lastWrite.get(name);
    if (previous !== undefined && previous.holder !== '' && holder !== '' && holder !== previous.holder) {
      expect(v.atMs - previous.atMs).toBeGreaterThanOrEqual(leaseDurationMs);
    }
    lastWrite.set(name, { holder, atMs: v.atMs });
  }
}
