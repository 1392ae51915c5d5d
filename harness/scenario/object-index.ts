/**
 * The objects a scenario starts with, by `Kind/namespace/name`, so nemesis edits can be checked
 * against what they edit (does it exist, is the patched object still valid).
 */
import { NAMESPACED_KINDS } from './nemesis-types.ts';
import type { Topology } from './types.ts';

/** `Kind/namespace/name` (namespace empty for cluster-scoped kinds). */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${NAMESPACED_KINDS.has(kind) ? (namespace ?? 'default') : ''}/${name}`;
}

/** Raw objects by key: the manifests (List items flattened) and one Node per topology node. */
export function indexObjects(objects: readonly unknown[], topology: Topology): Map<string, Record<string, unknown>> {
  const index = new Map<string, Record<string, unknown>>();
  const add = (value: unknown, depth: number): void => {
    if (!isRecord(value) || typeof value.kind !== 'string') return;
    if (value.kind.endsWith('List') && Array.isArray(value.items) && depth < 4) {
      for (const item of value.items) add(item, depth + 1);
      return;
    }
    const meta = isRecord(value.metadata) ? value.metadata : {};
    if (typeof meta.name !== 'string') return;
    index.set(objectKey(value.kind, typeof meta.namespace === 'string' ? meta.namespace : undefined, meta.name), value);
  };
  for (const object of objects) add(object, 0);
  for (const node of topology.nodes) {
    index.set(objectKey('Node', undefined, node.name), { apiVersion: 'v1', kind: 'Node', metadata: { name: node.name, labels: { ...node.labels } } });
  }
  return index;
}

/** `namespace/name` of every Service among `objects` (raw). */
export function serviceKeys(index: ReadonlyMap<string, Record<string, unknown>>): Set<string> {
  const out = new Set<string>();
  for (const key of index.keys()) {
    const [kind, namespace, name] = key.split('/');
    if (kind === 'Service') out.add(`${namespace}/${name}`);
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
