import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../core/object-store.ts';
import { ElectionWorld } from '../sim/election-world.ts';
import { leasesToCollect } from './lease-gc.ts';

const item = (name: string, holder?: string): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace: 'kube-system' },
  spec: holder === undefined ? {} : { holderIdentity: holder },
});

describe('leasesToCollect', () => {
  it('selects announce leases with an absent or empty holder, nothing else', () => {
    const refs = leasesToCollect([item('cilium-l2announce-a-b', ''), item('cilium-l2announce-a-c'), item('cilium-l2announce-a-d', 'n1'), item('kube-scheduler', '')]);
    expect(refs.map((r) => r.name)).toEqual(['cilium-l2announce-a-b', 'cilium-l2announce-a-c']);
  });
});

describe('lease GC in the sim', () => {
  it('every agent LISTs once a minute; a released lease nobody took is deleted at the next pass', () => {
    const w = new ElectionWorld({ seed: 1, nodes: ['n1', 'n2'], services: ['default/web'], switches: { optimisticRenew: true, reacquireAfterLoss: true, releaseSetsOneSecond: true } });
    w.runUntil(10_000);
    for (const node of ['n1', 'n2']) w.cancelElector(node, 'default/web');
    w.runUntil(30_000);
    expect(w.holderOf('default/web')).toBe('');
    w.runUntil(61_000);
    expect(w.holderOf('default/web')).toBeUndefined();
    expect(w.server.accounting.total({ verb: 'list' })).toBe(2);
    expect(w.server.accounting.total({ verb: 'delete' })).toBeGreaterThanOrEqual(1);
  });
});
