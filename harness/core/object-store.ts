/**
 * The API-server port: Kubernetes-like objects with resourceVersion compare-and-swap and watch.
 * Adapters: `SimApiServer` (in-memory, virtual time, accounting, faults) now; `KubeObjectStore`
 * over `@kubernetes/client-node` with the lab world.
 *
 * Requests also exist as plain data ({@link StoreRequest}): the elector yields them as effects
 * (see `task.ts`), the simulator accounts and delays them, and {@link performRequest} maps one
 * onto this port. Verbs are the audit-log verbs (`update` is HTTP PUT, the port's `replace`), so
 * sim accounting and a real API server's audit log count the same things.
 */
import { StoreError } from './store-errors.ts';

/** The part of `metadata` the store understands; other fields pass through untouched. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  /** Set by the store on every write; a write carrying one is a compare-and-swap. */
  readonly resourceVersion?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A namespaced Kubernetes-like object (Lease, Service, …). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** Names one object: plural resource (`leases`), namespace and name. */
export interface ObjectRef {
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

/** A JSON merge patch (RFC 7386): `null` deletes a field, objects merge, anything else replaces. */
export type MergePatch = { readonly [key: string]: unknown };

/** Audit-log verbs. */
export type StoreVerb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'watch';

/** One API call as data (everything but `watch`, which is a stream). */
export type StoreRequest =
  | { readonly verb: 'get'; readonly ref: ObjectRef }
  | { readonly verb: 'list'; readonly resource: string; readonly namespace: string }
  | { readonly verb: 'create'; readonly resource: string; readonly object: KubeObject }
  /** CAS when `object.metadata.resourceVersion` is set (as client-go always does); else unconditional. */
  | { readonly verb: 'update'; readonly resource: string; readonly object: KubeObject }
  | { readonly verb: 'patch'; readonly ref: ObjectRef; readonly patch: MergePatch; readonly resourceVersion?: string }
  | { readonly verb: 'delete'; readonly ref: ObjectRef; readonly resourceVersion?: string };

/** A successful response: `object` for single-object verbs, `items` for `list`, neither for `delete`. */
export interface StoreOk {
  readonly ok: true;
  readonly object: KubeObject | undefined;
  readonly items: readonly KubeObject[] | undefined;
}

/** A failed response. */
export interface StoreFailure {
  readonly ok: false;
  readonly error: StoreError;
}

/** Outcome of one {@link StoreRequest}. */
export type StoreResponse = StoreOk | StoreFailure;

/** The resource a request addresses (for accounting). */
export function requestResource(request: StoreRequest): string {
  return 'ref' in request ? request.ref.resource : request.resource;
}

/** The object name a request addresses, if any (`list` has none). */
export function requestName(request: StoreRequest): string | undefined {
  if ('ref' in request) return request.ref.name;
  if ('object' in request) return request.object.metadata.name;
  return undefined;
}

/** Every call names its caller (a node, the operator, the harness) — the audit `user`. */
export interface CallOptions {
  readonly identity: string;
  /** Aborting gives up waiting: the call rejects with a `TimeoutError` (outcome unknown). */
  readonly signal?: AbortSignal;
}

/** A watch event, as the API server streams them. */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
}

/** A running watch; `stop()` is idempotent. */
export interface WatchHandle {
  stop(): void;
}

/**
 * Object CRUD with resourceVersion compare-and-swap. Every method rejects only with a
 * {@link StoreError}: `ConflictError` (stale resourceVersion, or create of an existing name),
 * `NotFoundError`, `UnavailableError`, `ThrottledError`, `TimeoutError` (aborted/deadline — the
 * outcome is unknown), `InvalidRequestError`.
 */
export interface ObjectStore {
  get(ref: ObjectRef, options: CallOptions): Promise<KubeObject>;
  /** Objects of `resource` in `namespace`, sorted by name. */
  list(resource: string, namespace: string, options: CallOptions): Promise<readonly KubeObject[]>;
  create(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject>;
  /** HTTP PUT (audit verb `update`). */
  replace(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject>;
  patch(ref: ObjectRef, patch: MergePatch, options: CallOptions & { readonly resourceVersion?: string }): Promise<KubeObject>;
  delete(ref: ObjectRef, options: CallOptions & { readonly resourceVersion?: string }): Promise<void>;
  /** Streams changes after the call; `onEvent` is never called after `stop()`. */
  watch(resource: string, namespace: string, onEvent: (event: WatchEvent) => void, options: CallOptions): WatchHandle;
}

/**
 * Performs a {@link StoreRequest} on an {@link ObjectStore}, turning the rejection into a
 * {@link StoreFailure}. A non-StoreError rejection (a bug in an adapter) is re-thrown.
 */
export async function performRequest(store: ObjectStore, request: StoreRequest, options: CallOptions): Promise<StoreResponse> {
  try {
    switch (request.verb) {
      case 'get':
        return ok(await store.get(request.ref, options));
      case 'list':
        return { ok: true, object: undefined, items: await store.list(request.resource, request.namespace, options) };
      case 'create':
        return ok(await store.create(request.resource, request.object, options));
      case 'update':
        return ok(await store.replace(request.resource, request.object, options));
      case 'patch':
        return ok(await store.patch(request.ref, request.patch, { ...options, resourceVersion: request.resourceVersion }));
      case 'delete':
        await store.delete(request.ref, { ...options, resourceVersion: request.resourceVersion });
        return { ok: true, object: undefined, items: undefined };
    }
  } catch (error) {
    if (error instanceof StoreError) return { ok: false, error };
    throw error;
  }
}

function ok(object: KubeObject): StoreOk {
  return { ok: true, object, items: undefined };
}

/** `ns/name` of a ref, for messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.resource} ${ref.namespace}/${ref.name}`;
}

