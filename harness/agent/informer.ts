/**
 * An informer in the client-go reflector's shape, reduced to what the agent and the operator need:
 * a cache of one resource (all namespaces), filled by LIST and kept current by WATCH, and a change
 * callback. The watch opens before the first LIST; events arriving while a LIST is in flight are
 * held and replayed over the listed objects, applying an event only when its resourceVersion is
 * newer than the cached object's — so nothing between "list sent" and "list answered" is lost.
 *
 * The simulated API server holds a partitioned client's watch events and delivers them at the heal
 * (TCP holds the stream; a real watch reset by a long cut re-lists to the same state). The
 * reflector's periodic watch restart is modelled as a re-LIST every U(5, 10) min (client-go's
 * watch timeout); a failed LIST is retried with
 * backoff 0.8 s doubling to 30 s (client-go's reflector backoff). resourceVersions are compared as
 * numbers: they are the sim store's global revision (a lab adapter would resume watches instead).
 */
import type { KubeObject, WatchEvent, WatchHandle, ObjectStore } from '../core/object-store.ts';
import type { Rng } from '../core/rng.ts';
import { sleep, type Task } from '../core/task.ts';
import type { ApiClient } from '../election/api-client.ts';

/** What the informer needs to open a watch (the {@link ObjectStore} method). */
export type WatchPort = Pick<ObjectStore, 'watch'>;

/** A change the informer applied to its cache. */
export interface InformerChange {
  readonly type: 'upsert' | 'delete';
  /** `namespace/name`. */
  readonly key: string;
  readonly previous: KubeObject | undefined;
  readonly current: KubeObject | undefined;
}

/** Re-LIST period bounds (client-go reflector watch timeout: 5–10 min). */
export const RELIST_MIN_MS = 5 * 60_000;
export const RELIST_MAX_MS = 10 * 60_000;
/** Backoff after a failed LIST. */
export const LIST_BACKOFF_START_MS = 800;
export const LIST_BACKOFF_MAX_MS = 30_000;

/** A LIST + WATCH cache of one resource across all namespaces. */
export class Informer {
  readonly resource: string;
  readonly #identity: string;
  readonly #onChange: (change: InformerChange) => void;
  readonly #cache = new Map<string, KubeObject>();
  #held: WatchEvent[] | undefined = undefined;
  #watch: WatchHandle | undefined = undefined;
  #synced = false;
  #version = 0;

  readonly #onSynced: () => void;

  /**
   * `onSynced` runs once, when the first LIST has been applied: a LIST that returns nothing calls
   * no `onChange`, and the owner must still learn that its cache is now complete.
   */
  constructor(resource: string, identity: string, onChange: (change: InformerChange) => void, onSynced: () => void = () => {}) {
    this.resource = resource;
    this.#identity = identity;
    this.#onChange = onChange;
    this.#onSynced = onSynced;
  }

  /** True once the first LIST was applied. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Bumped on every cache change: callers rebuild derived arrays only when it moved. */
  get version(): number {
    return this.#version;
  }

  /** The cached object at `namespace/name`. */
  get(key: string): KubeObject | undefined {
    return this.#cache.get(key);
  }

  /** Keys (`namespace/name`) of the cached objects, unsorted. */
  keys(): IterableIterator<string> {
    return this.#cache.keys();
  }

  /** Cached objects sorted by key (`namespace/name`). */
  list(): KubeObject[] {
    return [...this.#cache.keys()].sort().flatMap((key) => this.#cache.get(key) ?? []);
  }

  /** Opens the watch (idempotent). Events are held until a LIST completes. */
  open(watch: WatchPort): void {
    if (this.#watch !== undefined) return;
    this.#held = [];
    this.#watch = watch.watch(this.resource, '', (event) => this.#onEvent(event), { identity: this.#identity });
  }

  /** Closes the watch (process death or shutdown). */
  close(): void {
    this.#watch?.stop();
    this.#watch = undefined;
  }

  /** One LIST; replaces the cache and replays held events. Returns false when the LIST failed. */
  *relist(client: ApiClient, signal?: AbortSignal): Task<boolean> {
    this.#held ??= [];
    const response = yield* client.call({ verb: 'list', resource: this.resource, namespace: '' }, { signal });
    const held = this.#held;
    this.#held = undefined;
    if (!response.ok) {
      // Keep the watch's events: the cache stays as it was, plus what the watch delivered.
      for (const event of held) this.#apply(event);
      return false;
    }
    const listed = new Map((response.items ?? []).map((object) => [keyOf(object), object]));
    for (const [key, previous] of [...this.#cache.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!listed.has(key)) this.#set(key, previous, undefined);
    }
    for (const [key, object] of [...listed.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const previous = this.#cache.get(key);
      if (previous === undefined || rv(previous) !== rv(object)) this.#set(key, previous, object);
    }
    for (const event of held) this.#apply(event);
    if (!this.#synced) {
      this.#synced = true;
      this.#onSynced();
    }
    return true;
  }

  /** LIST until it succeeds, then re-LIST every U(5, 10) min, until `signal` aborts. */
  *run(client: ApiClient, rng: Rng, signal: AbortSignal): Task<void> {
    let backoffMs = LIST_BACKOFF_START_MS;
    // Bounded by the signal (lab) and the kernel's limits (sim).
    for (;;) {
      const ok = yield* this.relist(client, signal);
      if (signal.aborted) return;
      const waitMs = ok ? RELIST_MIN_MS + rng.float() * (RELIST_MAX_MS - RELIST_MIN_MS) : backoffMs;
      backoffMs = ok ? LIST_BACKOFF_START_MS : Math.min(LIST_BACKOFF_MAX_MS, backoffMs * 2);
      if ((yield* sleep(waitMs, signal)) === 'aborted') return;
    }
  }

  #onEvent(event: WatchEvent): void {
    if (this.#held !== undefined) this.#held.push(event);
    else this.#apply(event);
  }

  #apply(event: WatchEvent): void {
    const key = keyOf(event.object);
    const previous = this.#cache.get(key);
    if (previous !== undefined && rv(previous) >= rv(event.object)) return;
    if (event.type === 'DELETED') {
      if (previous !== undefined) this.#set(key, previous, undefined);
      return;
    }
    this.#set(key, previous, event.object);
  }

  #set(key: string, previous: KubeObject | undefined, current: KubeObject | undefined): void {
    if (current === undefined) this.#cache.delete(key);
    else this.#cache.set(key, current);
    this.#version += 1;
    this.#onChange({ type: current === undefined ? 'delete' : 'upsert', key, previous, current });
  }
}

/** `namespace/name` of an object ('' namespace for cluster-scoped kinds: `/name`). */
export function keyOf(object: KubeObject): string {
  // Memoised per object: one watch event's object reaches every informer of the resource.
  let key = keys.get(object);
  if (key === undefined) {
    key = `${object.metadata.namespace}/${object.metadata.name}`;
    keys.set(object, key);
  }
  return key;
}

const keys = new WeakMap<KubeObject, string>();

function rv(object: KubeObject): number {
  return Number(object.metadata.resourceVersion ?? 0);
}
