/**
 * The in-memory object table behind `SimApiServer`: Kubernetes write semantics without time,
 * latency or faults. One global, strictly increasing resourceVersion (as etcd's revision) is
 * stamped on every write; a write carrying a resourceVersion is a compare-and-swap; an update that
 * changes nothing keeps the old resourceVersion and emits no watch event (as the real API server).
 * Stored objects are deep-frozen and returned by reference, so no client can mutate them.
 *
 * Objects sit in maps by resource, then namespace, then name: a lookup hashes strings the caller
 * already holds (V8 caches a string's hash), where one composite key per request built and hashed
 * a new string each time.
 */
import { applyMergePatch } from '../core/merge-patch.ts';
import { describeRef, type KubeObject, type ObjectRef, type StoreRequest, type StoreResponse, type WatchEvent } from '../core/object-store.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from '../core/store-errors.ts';

/** Result of applying one request: the response and the change it caused, if any. */
export interface AppliedRequest {
  readonly response: StoreResponse;
  readonly change: (WatchEvent & { readonly resource: string }) | undefined;
}

/** name → object, of one resource in one namespace. */
type Names = Map<string, KubeObject>;

/** Objects by resource, namespace and name, with a global resourceVersion counter. */
export class ObjectTable {
  /** resource → namespace → name → object. */
  readonly #objects = new Map<string, Map<string, Names>>();
  #revision = 0;
  #uids = 0;

  /** The last resourceVersion handed out (0 before any write). */
  get revision(): number {
    return this.#revision;
  }

  /** Reads an object without a request (harness inspection, not accounted). */
  peek(ref: ObjectRef): KubeObject | undefined {
    return this.#objects.get(ref.resource)?.get(ref.namespace)?.get(ref.name);
  }

  /**
   * Objects of a resource in a namespace, sorted by name. `namespace` '' means every namespace
   * (client-go `metav1.NamespaceAll`; cluster-scoped objects live in '' anyway), sorted by
   * namespace, then name.
   */
  listOf(resource: string, namespace: string): KubeObject[] {
    const namespaces = this.#objects.get(resource);
    const items: KubeObject[] = [];
    if (namespaces === undefined) return items;
    if (namespace !== '') {
      for (const object of namespaces.get(namespace)?.values() ?? []) items.push(object);
      return items.sort((a, b) => compareText(a.metadata.name, b.metadata.name));
    }
    for (const names of namespaces.values()) for (const object of names.values()) items.push(object);
    return items.sort((a, b) => compareText(a.metadata.namespace, b.metadata.namespace) || compareText(a.metadata.name, b.metadata.name));
  }

  /** Applies `request`; failures are returned as data, never thrown. */
  apply(request: StoreRequest): AppliedRequest {
    switch (request.verb) {
      case 'get': {
        const object = this.peek(request.ref);
        return object === undefined ? failed(new NotFoundError(`getting ${describeRef(request.ref)}: not found`)) : done(object);
      }
      case 'list':
        return { response: { ok: true, object: undefined, items: this.listOf(request.resource, request.namespace) }, change: undefined };
      case 'create':
        return this.#create(request.resource, request.object);
      case 'update':
        return this.#update(request.resource, request.object);
      case 'patch':
        return this.#patch(request.ref, request.patch, request.resourceVersion);
      case 'delete':
        return this.#delete(request.ref, request.resourceVersion);
    }
  }

  #create(resource: string, object: KubeObject): AppliedRequest {
    const { namespace, name } = object.metadata;
    if (name === '') return failed(new InvalidRequestError(`creating ${resource} in ${namespace}: metadata.name is required`));
    if (object.metadata.resourceVersion !== undefined && object.metadata.resourceVersion !== '') {
      return failed(new InvalidRequestError(`creating ${describeRef(refOf(resource, object))}: resourceVersion must not be set on create`));
    }
    const names = this.#names(resource, namespace);
    if (names.has(name)) return failed(new ConflictError(`creating ${describeRef(refOf(resource, object))}: already exists`, 'already-exists'));
    this.#uids += 1;
    const stored = this.#store(names, name, { ...object, metadata: { ...object.metadata, uid: `sim-uid-${this.#uids}` } });
    return { response: { ok: true, object: stored, items: undefined }, change: { resource, type: 'ADDED', object: stored } };
  }

  #update(resource: string, object: KubeObject): AppliedRequest {
    const { namespace, name } = object.metadata;
    const names = this.#objects.get(resource)?.get(namespace);
    const current = names?.get(name);
    if (names === undefined || current === undefined) return failed(new NotFoundError(`updating ${describeRef(refOf(resource, object))}: not found`));
    const wanted = object.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) {
      return failed(new ConflictError(`updating ${describeRef(refOf(resource, object))}: resourceVersion ${wanted} is stale (current ${current.metadata.resourceVersion ?? '?'})`, 'resource-version'));
    }
    return this.#write(resource, names, name, current, { ...object, metadata: { ...object.metadata, uid: current.metadata.uid } });
  }

  #patch(ref: ObjectRef, patch: Readonly<Record<string, unknown>>, resourceVersion: string | undefined): AppliedRequest {
    const names = this.#objects.get(ref.resource)?.get(ref.namespace);
    const current = names?.get(ref.name);
    if (names === undefined || current === undefined) return failed(new NotFoundError(`patching ${describeRef(ref)}: not found`));
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      return failed(new ConflictError(`patching ${describeRef(ref)}: resourceVersion ${resourceVersion} is stale (current ${current.metadata.resourceVersion ?? '?'})`, 'resource-version'));
    }
    const patched = applyMergePatch(current, patch) as KubeObject;
    // Identity fields are immutable, whatever the patch says.
    const metadata = { ...patched.metadata, name: current.metadata.name, namespace: current.metadata.namespace, uid: current.metadata.uid };
    return this.#write(ref.resource, names, ref.name, current, { ...patched, metadata });
  }

  #delete(ref: ObjectRef, resourceVersion: string | undefined): AppliedRequest {
    const names = this.#objects.get(ref.resource)?.get(ref.namespace);
    const current = names?.get(ref.name);
    if (names === undefined || current === undefined) return failed(new NotFoundError(`deleting ${describeRef(ref)}: not found`));
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      return failed(new ConflictError(`deleting ${describeRef(ref)}: resourceVersion ${resourceVersion} is stale (current ${current.metadata.resourceVersion ?? '?'})`, 'resource-version'));
    }
    names.delete(ref.name);
    // The DELETED event carries the object at a new revision, as the API server reports it.
    this.#revision += 1;
    const gone = deepFreeze({ ...current, metadata: { ...current.metadata, resourceVersion: String(this.#revision) } });
    return { response: { ok: true, object: undefined, items: undefined }, change: { resource: ref.resource, type: 'DELETED', object: gone } };
  }

  #write(resource: string, names: Names, name: string, current: KubeObject, next: KubeObject): AppliedRequest {
    const unchanged = deepEqualIgnoringVersion(current, next);
    if (unchanged) return done(current);
    const stored = this.#store(names, name, next);
    return { response: { ok: true, object: stored, items: undefined }, change: { resource, type: 'MODIFIED', object: stored } };
  }

  /** The name map of a resource in a namespace, created on first use. */
  #names(resource: string, namespace: string): Names {
    let namespaces = this.#objects.get(resource);
    if (namespaces === undefined) this.#objects.set(resource, (namespaces = new Map()));
    let names = namespaces.get(namespace);
    if (names === undefined) namespaces.set(namespace, (names = new Map()));
    return names;
  }

  /** Stores `object`, which every caller built fresh (top level and metadata): stamped in place, then frozen. */
  #store(names: Names, name: string, object: KubeObject): KubeObject {
    this.#revision += 1;
    // In place, not a third copy: the key lands where a spread would put it (kept if present, else last).
    (object.metadata as { resourceVersion?: string }).resourceVersion = String(this.#revision);
    const stored = deepFreeze(object);
    names.set(name, stored);
    return stored;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function refOf(resource: string, object: KubeObject): ObjectRef {
  return { resource, namespace: object.metadata.namespace, name: object.metadata.name };
}

function done(object: KubeObject): AppliedRequest {
  return { response: { ok: true, object, items: undefined }, change: undefined };
}

function failed(error: ConflictError | NotFoundError | InvalidRequestError): AppliedRequest {
  return { response: { ok: false, error }, change: undefined };
}

/**
 * Freezes `value` and every object under it not frozen yet. Walked with an index loop (arrays) and
 * for-in (records), not `Object.values`: no array per object on every write (a Lease renewal
 * freezes three fresh objects), ~4 % of a small trial's instructions.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    if (Array.isArray(value)) {
      for (const child of value as unknown[]) if (typeof child === 'object' && child !== null) deepFreeze(child);
    } else {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const child = record[key];
        if (typeof child === 'object' && child !== null) deepFreeze(child);
      }
    }
    Object.freeze(value);
  }
  return value;
}

/** Structural equality of two objects, ignoring `metadata.resourceVersion` (no-op write detection). */
function deepEqualIgnoringVersion(a: KubeObject, b: KubeObject): boolean {
  // Spec first: for Leases that is where a renewal differs, so the common case exits at once.
  return deepEqual(a.spec, b.spec) && deepEqual(a.status, b.status) && a.apiVersion === b.apiVersion && a.kind === b.kind && sameKeysExcept(a, b, TOP_LEVEL_COMPARED) && sameKeysExcept(a.metadata, b.metadata, VERSION_KEY);
}

const TOP_LEVEL_COMPARED: ReadonlySet<string> = new Set(['spec', 'status', 'apiVersion', 'kind', 'metadata']);
const VERSION_KEY: ReadonlySet<string> = new Set(['resourceVersion', 'metadata']);

/** Equal values for every key of either object that is not in `skip` (metadata compared separately). */
function sameKeysExcept(a: object, b: object, skip: ReadonlySet<string>): boolean {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key in ra) if (!skip.has(key) && !deepEqual(ra[key], rb[key])) return false;
  for (const key in rb) if (!skip.has(key) && !(key in ra) && rb[key] !== undefined) return false;
  return true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key in ra) if (!deepEqual(ra[key], rb[key])) return false;
  for (const key in rb) if (!(key in ra) && rb[key] !== undefined) return false;
  return true;
}
