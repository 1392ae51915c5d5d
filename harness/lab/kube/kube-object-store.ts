/**
 * The {@link ObjectStore} port against a real kube-apiserver: Kubernetes objects as the API
 * server stores them (the agent's model encoding is `model-object-store.ts`, on top of this).
 *
 * - Resources by plural name (`resources.ts`); namespace '' = cluster-scoped, or all namespaces
 *   for list/watch. Returned objects always carry `kind`, `apiVersion` and `metadata.namespace`
 *   ('' when cluster-scoped) — list items come back from the server without the first two.
 * - `status` goes through the `/status` subresource where the resource has one: a merge patch
 *   that touches only `status` is sent there (a patch mixing `status` with other fields is
 *   refused — two requests would not be atomic); `create` of an object carrying a `status` writes
 *   it with a second request (the server drops status on create), so a seeded object looks as in
 *   the sim store; `replace` is the main resource only (status changes in a PUT are dropped by
 *   the server, as for any client). Status writes give conditions without a `lastTransitionTime`
 *   the write's wall time (`condition-times.ts`: the server requires one, the model has none).
 * - A write carrying a resourceVersion is a compare-and-swap (PUT body, merge patch
 *   `metadata.resourceVersion`, DELETE preconditions); errors are typed (`kube-errors.ts`).
 * - `CallOptions.signal` aborts the request (`TimeoutError('aborted')`); a call without a signal
 *   is bounded by `requestTimeoutMs` (`TimeoutError('deadline')`).
 * - One keep-alive connection pool per store; watches stream on their own connections and
 *   resume (`resuming-watch.ts`).
 * - `identity` in CallOptions names the caller in error messages only: the bearer token decides
 *   who the server sees (and what its audit log counts).
 *
 * Why `node:https` and not `@kubernetes/client-node`: see `kube-http.ts`.
 */
import type { Clock } from '../../core/clock.ts';
import type { CallOptions, KubeObject, MergePatch, ObjectRef, ObjectStore, WatchEvent, WatchHandle } from '../../core/object-store.ts';
import { InvalidRequestError, TimeoutError } from '../../core/store-errors.ts';
import { rfc3339Seconds, withConditionTimes } from './condition-times.ts';
import { describeCall, storeErrorFromNetwork, storeErrorFromStatus, type CallDescription } from './kube-errors.ts';
import { KubeHttp, type HttpCall, type KubeEndpoint } from './kube-http.ts';
import { apiVersionOf, kubeResource, resourcePath, UnknownResourceError, type KubeResource } from './resources.ts';
import { ResumingWatch, type ListSnapshot, type ResumingWatchOptions, type WatchNotice } from './resuming-watch.ts';

/** Configuration of {@link KubeObjectStore}. */
export interface KubeObjectStoreConfig extends KubeEndpoint {
  /** Bound on a call that brings no signal of its own. Default 30 s. */
  readonly requestTimeoutMs?: number;
  readonly watch?: ResumingWatchOptions;
  /** Told about every watch's connection changes (logs). */
  readonly onWatchNotice?: (resource: string, notice: WatchNotice) => void;
}

/** Default bound on a call without a signal. */
export const DEFAULT_KUBE_REQUEST_TIMEOUT_MS = 30_000;

const MERGE_PATCH = 'application/merge-patch+json';

/** Objects of a real API server; see the module note. */
export class KubeObjectStore implements ObjectStore {
  readonly #config: KubeObjectStoreConfig;
  readonly #clock: Pick<Clock, 'setTimer' | 'monotonicMs' | 'wallMs'>;
  readonly #http: KubeHttp;
  readonly #watches = new Set<ResumingWatch>();

  /** @throws Error naming the URL when it is not http(s). */
  constructor(config: KubeObjectStoreConfig, clock: Pick<Clock, 'setTimer' | 'monotonicMs' | 'wallMs'>) {
    this.#config = config;
    this.#clock = clock;
    this.#http = new KubeHttp(config, clock);
  }

  async get(ref: ObjectRef, options: CallOptions): Promise<KubeObject> {
    const call: CallDescription = { verb: 'get', ...ref, identity: options.identity };
    const resource = this.#resource(ref.resource, call);
    return this.#object(call, resource, { method: 'GET', path: resourcePath(resource, ref.namespace, ref.name) }, options);
  }

  async list(resource: string, namespace: string, options: CallOptions): Promise<readonly KubeObject[]> {
    return (await this.#list(resource, namespace, options)).items;
  }

  async create(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject> {
    const call: CallDescription = { verb: 'create', resource, namespace: object.metadata.namespace, name: object.metadata.name, identity: options.identity };
    const kube = servedAs(this.#resource(resource, call), object.apiVersion);
    this.#requireNamespace(kube, object.metadata.namespace, call);
    const { status, ...rest } = object;
    const withStatus = status !== undefined && kube.statusSubresource;
    const body = withStatus ? rest : object;
    const created = await this.#object(call, kube, { method: 'POST', path: resourcePath(kube, object.metadata.namespace), body: JSON.stringify(this.#outgoing(kube, body)) }, options);
    if (!withStatus) return created;
    const statusCall: CallDescription = { ...call, verb: 'patch' };
    return this.#object(statusCall, kube, { method: 'PATCH', path: resourcePath(kube, object.metadata.namespace, object.metadata.name, 'status'), body: JSON.stringify(this.#stamped({ status })), contentType: MERGE_PATCH }, options);
  }

  async replace(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject> {
    const call: CallDescription = { verb: 'update', resource, namespace: object.metadata.namespace, name: object.metadata.name, identity: options.identity };
    const kube = servedAs(this.#resource(resource, call), object.apiVersion);
    this.#requireNamespace(kube, object.metadata.namespace, call);
    return this.#object(call, kube, { method: 'PUT', path: resourcePath(kube, object.metadata.namespace, object.metadata.name), body: JSON.stringify(this.#outgoing(kube, object)) }, options);
  }

  async patch(ref: ObjectRef, patch: MergePatch, options: CallOptions & { readonly resourceVersion?: string }): Promise<KubeObject> {
    const call: CallDescription = { verb: 'patch', ...ref, identity: options.identity };
    const kube = this.#resource(ref.resource, call);
    const keys = Object.keys(patch);
    const statusOnly = keys.length > 0 && keys.every((key) => key === 'status');
    if (kube.statusSubresource && keys.includes('status') && !statusOnly) {
      throw new InvalidRequestError(`${describeCall(call)}: a patch of ${ref.resource} may change status or the rest, not both (status goes through the /status subresource; send two patches)`);
    }
    const subresource = kube.statusSubresource && statusOnly ? 'status' : undefined;
    const stamped = subresource === 'status' ? this.#stamped(patch) : patch;
    const body = options.resourceVersion === undefined ? stamped : withResourceVersion(stamped, options.resourceVersion);
    return this.#object(call, kube, { method: 'PATCH', path: resourcePath(kube, ref.namespace, ref.name, subresource), body: JSON.stringify(body), contentType: MERGE_PATCH }, options);
  }

  /** `gracePeriodSeconds` (pods): 0 kills at once, as `kubectl delete --grace-period=0 --force`. */
  async delete(ref: ObjectRef, options: CallOptions & { readonly resourceVersion?: string; readonly gracePeriodSeconds?: number }): Promise<void> {
    const call: CallDescription = { verb: 'delete', ...ref, identity: options.identity };
    const kube = this.#resource(ref.resource, call);
    const deleteOptions = {
      ...(options.resourceVersion === undefined ? {} : { preconditions: { resourceVersion: options.resourceVersion } }),
      ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }),
    };
    const body = Object.keys(deleteOptions).length === 0 ? undefined : JSON.stringify({ apiVersion: 'v1', kind: 'DeleteOptions', ...deleteOptions });
    await this.#send(call, { method: 'DELETE', path: resourcePath(kube, ref.namespace, ref.name), ...(body === undefined ? {} : { body }) }, options);
  }

  /**
   * A resuming watch (see `resuming-watch.ts`): the first connection starts with ADDED events for
   * the objects that exist, then streams changes.
   * @throws UnknownResourceError synchronously for a resource the lab does not know.
   */
  watch(resource: string, namespace: string, onEvent: (event: WatchEvent) => void, options: CallOptions): WatchHandle {
    const kube = kubeResource(resource);
    const watch = new ResumingWatch(
      resourcePath(kube, namespace),
      {
        http: this.#http,
        clock: this.#clock,
        list: (signal) => this.#list(resource, namespace, { identity: options.identity, signal }),
        normalise: (raw) => normalise(kube, raw),
        onEvent,
        ...(this.#config.onWatchNotice === undefined ? {} : { onNotice: (notice: WatchNotice) => this.#config.onWatchNotice?.(resource, notice) }),
      },
      this.#config.watch,
    );
    this.#watches.add(watch);
    watch.start();
    return {
      stop: () => {
        watch.stop();
        this.#watches.delete(watch);
      },
    };
  }

  /** Stops every watch and closes pooled connections (the process is stopping). */
  close(): void {
    for (const watch of this.#watches) watch.stop();
    this.#watches.clear();
    this.#http.close();
  }

  #stamped(body: { readonly [key: string]: unknown }): { readonly [key: string]: unknown } {
    return withConditionTimes(body, rfc3339Seconds(this.#clock.wallMs()));
  }

  async #list(resource: string, namespace: string, options: CallOptions): Promise<ListSnapshot> {
    const call: CallDescription = { verb: 'list', resource, namespace, identity: options.identity };
    const kube = this.#resource(resource, call);
    const body = await this.#send(call, { method: 'GET', path: resourcePath(kube, namespace) }, options);
    const parsed = parseJson(body, call) as { readonly items?: unknown; readonly metadata?: { readonly resourceVersion?: unknown } };
    if (!Array.isArray(parsed.items)) throw new InvalidRequestError(`${describeCall(call)}: the answer has no items list`);
    const items = (parsed.items as Record<string, unknown>[]).map((item) => normalise(kube, item));
    items.sort((a, b) => compareKeys(a, b));
    const rv = typeof parsed.metadata?.resourceVersion === 'string' ? parsed.metadata.resourceVersion : '';
    return { items, resourceVersion: rv };
  }

  async #object(call: CallDescription, kube: KubeResource, request: Omit<HttpCall, 'timeoutMs' | 'signal'>, options: CallOptions): Promise<KubeObject> {
    const body = await this.#send(call, request, options);
    const parsed = parseJson(body, call);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidRequestError(`${describeCall(call)}: the answer is not an object`);
    return normalise(kube, parsed as Record<string, unknown>);
  }

  /** Sends a request; resolves with the body of a 2xx answer, rejects with a StoreError. */
  async #send(call: CallDescription, request: Omit<HttpCall, 'timeoutMs' | 'signal'>, options: CallOptions): Promise<string> {
    const timeoutMs = this.#config.requestTimeoutMs ?? DEFAULT_KUBE_REQUEST_TIMEOUT_MS;
    const outcome = await this.#http.request({ ...request, signal: options.signal, timeoutMs });
    switch (outcome.kind) {
      case 'aborted':
        throw new TimeoutError(`${describeCall(call)}: aborted by the caller`, 'aborted');
      case 'deadline':
        throw new TimeoutError(`${describeCall(call)}: no answer from ${this.#config.serverUrl} within ${timeoutMs} ms`, 'deadline');
      case 'network':
        throw storeErrorFromNetwork(outcome.error, call, this.#config.serverUrl);
      case 'response': {
        if (outcome.status >= 200 && outcome.status < 300) return outcome.body;
        const retryAfter = outcome.headers['retry-after'];
        throw storeErrorFromStatus(outcome.status, outcome.body, call, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      }
    }
  }

  #resource(plural: string, call: CallDescription): KubeResource {
    try {
      return kubeResource(plural);
    } catch (error) {
      if (error instanceof UnknownResourceError) throw new InvalidRequestError(`${describeCall(call)}: ${error.message}`);
      throw error;
    }
  }

  #requireNamespace(kube: KubeResource, namespace: string, call: CallDescription): void {
    if (kube.namespaced && namespace === '') throw new InvalidRequestError(`${describeCall(call)}: ${kube.plural} are namespaced; the object has no namespace`);
  }

  /** The body sent: cluster-scoped objects without the port's '' namespace. */
  #outgoing(kube: KubeResource, object: Omit<KubeObject, 'status'> & { readonly status?: unknown }): unknown {
    const { namespace, ...metadata } = object.metadata;
    return { ...object, apiVersion: object.apiVersion || apiVersionOf(kube), kind: object.kind || kube.kind, metadata: kube.namespaced ? { ...metadata, namespace } : metadata };
  }
}

/**
 * The resource at the version an object is written in (`cilium.io/v2` pools next to the default
 * `v2alpha1`): the API server refuses a body whose apiVersion differs from the URL's, and converts
 * between served versions itself. Another group, or no apiVersion, keeps the default.
 */
export function servedAs(kube: KubeResource, apiVersion: string | undefined): KubeResource {
  if (apiVersion === undefined || apiVersion === '') return kube;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return group === kube.group && version !== kube.version ? { ...kube, version } : kube;
}

/** A server object as the port returns it: kind, apiVersion and a namespace ('' when cluster-scoped). */
export function normalise(kube: KubeResource, raw: Record<string, unknown>): KubeObject {
  const metadata = (typeof raw['metadata'] === 'object' && raw['metadata'] !== null ? raw['metadata'] : {}) as Record<string, unknown>;
  return {
    ...raw,
    apiVersion: typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : apiVersionOf(kube),
    kind: typeof raw['kind'] === 'string' ? raw['kind'] : kube.kind,
    metadata: { ...metadata, name: typeof metadata['name'] === 'string' ? metadata['name'] : '', namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '' },
  } as KubeObject;
}

function withResourceVersion(patch: MergePatch, resourceVersion: string): MergePatch {
  const metadata = typeof patch['metadata'] === 'object' && patch['metadata'] !== null ? (patch['metadata'] as Record<string, unknown>) : {};
  return { ...patch, metadata: { ...metadata, resourceVersion } };
}

function parseJson(body: string, call: CallDescription): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new InvalidRequestError(`${describeCall(call)}: the answer is not JSON: ${body.slice(0, 120)}`);
  }
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
