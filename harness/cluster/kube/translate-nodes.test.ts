import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/history.ts';
import type { KubeObject } from '../../core/object-store.ts';
import { clusterNamedStore, eventInScenarioNames, opInScenarioNames, renameNodes } from './translate-nodes.ts';

const names = { 'kind-worker': 'n1', 'kind-worker2': 'n2' };

describe('node name translation', () => {
  it('renames an op’s process and every node name in its value (strings, arrays, keys)', () => {
    const op: HistoryOp = { index: 3, tMs: 10, process: 'kind-worker', type: 'info', f: 'announce-expected', value: { service: 'default/web', eligibleNodes: ['kind-worker', 'kind-worker2', 'kind-worker3'], ifaces: { 'kind-worker': ['eth0'] } } };
    expect(opInScenarioNames(op, names)).toEqual({ ...op, process: 'n1', value: { service: 'default/web', eligibleNodes: ['n1', 'n2', 'kind-worker3'], ifaces: { n1: ['eth0'] } } });
    expect(op.process).toBe('kind-worker'); // not mutated
  });

  it('leaves strings that only contain a node name alone', () => {
    expect(renameNodes({ process: 'kind-worker-agent', note: 'on kind-worker' }, names)).toEqual({ process: 'kind-worker-agent', note: 'on kind-worker' });
  });

  it('renames Lease holders and Node names in watch events, and keeps unmapped Nodes from the observer', () => {
    const lease: KubeObject = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'cilium-l2announce-default-web', namespace: 'kube-system' }, spec: { holderIdentity: 'kind-worker2' } };
    expect(eventInScenarioNames('leases', { type: 'MODIFIED', object: lease }, names)?.object.spec).toEqual({ holderIdentity: 'n2' });
    const nodeObject = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, namespace: '', labels: { 'kubernetes.io/hostname': name } } });
    expect(eventInScenarioNames('nodes', { type: 'ADDED', object: nodeObject('kind-worker') }, names)?.object.metadata).toEqual({ name: 'n1', namespace: '', labels: { 'kubernetes.io/hostname': 'n1' } });
    expect(eventInScenarioNames('nodes', { type: 'ADDED', object: nodeObject('kind-control-plane') }, names)).toBeUndefined();
  });
});

describe('clusterNamedStore', () => {
  it('sends scenario-named Node edits and Lease holders to the cluster names', async () => {
    const seen: unknown[] = [];
    const store = clusterNamedStore({
      get: (r) => (seen.push(['get', r]), Promise.resolve({ apiVersion: 'v1', kind: 'Node', metadata: { name: r.name, namespace: '' } })),
      list: () => Promise.resolve([]),
      create: (_r, o) => (seen.push(['create', o]), Promise.resolve(o)),
      replace: (_r, o) => Promise.resolve(o),
      patch: (r, p) => (seen.push(['patch', r, p]), Promise.resolve({ apiVersion: 'v1', kind: 'Node', metadata: { name: r.name, namespace: '' } })),
      delete: (r) => (seen.push(['delete', r]), Promise.resolve()),
      watch: () => ({ stop: () => undefined }),
    }, { n1: 'kind-worker', n2: 'kind-worker2' });
    await store.patch({ resource: 'nodes', namespace: '', name: 'n1' }, { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }, { identity: 'harness' });
    await store.patch({ resource: 'leases', namespace: 'kube-system', name: 'cilium-l2announce-default-web' }, { spec: { holderIdentity: 'n2' } }, { identity: 'harness' });
    expect(seen).toEqual([
      ['patch', { resource: 'nodes', namespace: '', name: 'kind-worker' }, { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }],
      ['patch', { resource: 'leases', namespace: 'kube-system', name: 'cilium-l2announce-default-web' }, { spec: { holderIdentity: 'kind-worker2' } }],
    ]);
  });
});
