/**
 * The one place where cluster node names become the scenario's (`kind-worker2` → `n2`), so the
 * sim's checkers judge a cluster run unchanged: every string equal to a mapped cluster node name,
 * as a value or as an object key, anywhere in a history op (its `process` too) or a watch event's
 * object (Node names, Lease holders, `kubernetes.io/hostname`). Names outside the map stay as they
 * are. Pure.
 */
import type { HistoryOp } from '../../core/history.ts';
import type { ObjectRef, ObjectStore, WatchEvent } from '../../core/object-store.ts';

/** Cluster node name → scenario node name. */
export type NodeNameMap = Readonly<Record<string, string>>;

/** `value` with every mapped node name replaced (strings, array items, object keys; deep). */
export function renameNodes<T>(value: T, names: NodeNameMap): T {
  return rename(value, names) as T;
}

function rename(value: unknown, names: NodeNameMap): unknown {
  if (typeof value === 'string') return Object.hasOwn(names, value) ? names[value] : value;
  if (Array.isArray(value)) return value.map((item) => rename(item, names));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [Object.hasOwn(names, key) ? (names[key] ?? key) : key, rename(item, names)]));
  }
  return value;
}

/** A history op as the scenario names its nodes. */
export function opInScenarioNames(op: HistoryOp, names: NodeNameMap): HistoryOp {
  return { ...op, process: renameNodes(op.process, names), value: renameNodes(op.value, names) };
}

/**
 * A watch event as the observer should see it: Nodes outside the map are left out (undefined) —
 * the scenario has no such node, so the checkers must not see it eligible — the rest renamed.
 */
export function eventInScenarioNames(resource: string, event: WatchEvent, names: NodeNameMap): WatchEvent | undefined {
  if (resource === 'nodes' && !Object.hasOwn(names, event.object.metadata.name)) return undefined;
  return { type: event.type, object: renameNodes(event.object, names) };
}

/**
 * `store` as the scenario's edits see it: Node refs and every node name in written bodies go to
 * the cluster's names (`toCluster`: scenario → cluster), so an `edit` of Node `n1` taints
 * `kind-worker` and a `patch-lease` holder `n2` writes `kind-worker2`. Reads are passed through.
 */
export function clusterNamedStore(store: ObjectStore, toCluster: NodeNameMap): ObjectStore {
  const ref = (r: ObjectRef): ObjectRef => ({ ...r, name: renameNodes(r.name, toCluster) });
  return {
    get: (r, options) => store.get(ref(r), options),
    list: (resource, namespace, options) => store.list(resource, namespace, options),
    create: (resource, object, options) => store.create(resource, renameNodes(object, toCluster), options),
    replace: (resource, object, options) => store.replace(resource, renameNodes(object, toCluster), options),
    patch: (r, patch, options) => store.patch(ref(r), renameNodes(patch, toCluster), options),
    delete: (r, options) => store.delete(ref(r), options),
    watch: (resource, namespace, onEvent, options) => store.watch(resource, namespace, onEvent, options),
  };
}
