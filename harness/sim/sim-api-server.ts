/**
 * The simulated Kubernetes API server: an {@link ObjectTable} (resourceVersion CAS, watch events)
 * behind virtual-time request latency, with exact per-identity accounting and the faults scenarios
 * need — a full outage (requests refused) and per-identity partitions (requests and responses
 * silently dropped, or refused at once; watch events held back and delivered at the heal).
 *
 * A request submitted at t with a drawn round trip L reaches the server at t + L/2 (where it is
 * applied and counted) and its response reaches the client at t + L. So, as with a real server, a
 * partition that starts mid-flight can lose a response to a write that was applied — the client
 * then times out with an unknown outcome.
 *
 * netem on an identity's API path ({@link SimApiServer.shape}) shapes its requests on the way in
 * (the node's egress): extra delay and TCP retransmissions for lost transmissions
 * ({@link drawTcpDelayMs}), drawn from the server's own `netem` fork so the latency draws of
 * everyone else stay as they were.
 */
import type { ObjectRef, KubeObject, StoreRequest, StoreResponse, WatchEvent, WatchHandle } from '../core/object-store.ts';
import { requestResource } from '../core/object-store.ts';
import type { Rng } from '../core/rng.ts';
import { UnavailableError } from '../core/store-errors.ts';
import type { KernelEventTarget, SimKernel } from './kernel.ts';
import { DEFAULT_LATENCY, drawLatencyMs, validateLatencyModel, type LatencyModel } from './latency.ts';
import { drawTcpDelayMs, type NetemShape } from './netem.ts';
import { ObjectTable } from './object-table.ts';
import { RequestAccounting, type AccountingRow } from './request-accounting.ts';

/** How a partitioned identity's traffic fails: silently dropped (timeouts) or refused at once. */
export type PartitionMode = 'drop' | 'reject';

/** Options of {@link SimApiServer}. */
export interface SimApiServerOptions {
  /** Latency draws; give the server its own fork (`rng.fork('api')`). */
  readonly rng: Rng;
  /** Round-trip latency. Default {@link DEFAULT_LATENCY}. */
  readonly latency?: LatencyModel;
}

/** Counters of traffic that never reached the server or never came back. */
export interface LossCounters {
  /** Requests dropped on the way in by a `drop` partition. */
  requestsDropped: number;
  /** Responses dropped on the way out by a `drop` partition (the request was applied). */
  responsesDropped: number;
  /** Requests refused by an outage or a `reject` partition. */
  requestsRefused: number;
  /** Watch events held back while the watcher was partitioned (delivered, in order, at the heal). */
  watchEventsHeld: number;
  /** Requests netem lost on every TCP transmission (never reached the server). */
  requestsShapedLost: number;
}

/**
 * Who waits for a response (the task runner's process): told the response, or that none will ever
 * come. `token` is the waiter's own tag of the request, handed back as is.
 */
export interface ResponseWaiter {
  /** The response to request `token` reached the client. */
  onResponse(token: number, response: StoreResponse): void;
  /** Request `token` or its response was dropped by a partition: no response will come. */
  onLost(token: number): void;
}

interface Watcher {
  readonly resource: string;
  readonly namespace: string;
  readonly identity: string;
  readonly onEvent: (event: WatchEvent) => void;
  lastDeliveryAtMs: number;
  stopped: boolean;
  /** Events due while the watcher's identity was partitioned, delivered at its heal. */
  held: WatchEvent[];
}

/** In-memory API server on virtual time. */
export class SimApiServer {
  /** Requests that reached the server, per identity × verb × resource. */
  readonly accounting = new RequestAccounting();
  readonly losses: LossCounters = { requestsDropped: 0, responsesDropped: 0, requestsRefused: 0, watchEventsHeld: 0, requestsShapedLost: 0 };
  readonly #kernel: SimKernel;
  readonly #rng: Rng;
  readonly #latency: LatencyModel;
  readonly #table = new ObjectTable();
  readonly #partitions = new Map<string, PartitionMode>();
  readonly #shapes = new Map<string, NetemShape>();
  #netemRng: Rng | undefined = undefined;
  /** Watchers by resource, each list in the order the watches opened (a commit visits only its resource's). */
  readonly #watchers = new Map<string, Watcher[]>();
  readonly #commitListeners: ((resource: string, event: WatchEvent) => void)[] = [];
  #available = true;

  constructor(kernel: SimKernel, options: SimApiServerOptions) {
    this.#kernel = kernel;
    this.#rng = options.rng;
    this.#latency = validateLatencyModel(options.latency ?? DEFAULT_LATENCY);
  }

  /** The last resourceVersion handed out. */
  get revision(): number {
    return this.#table.revision;
  }

  /**
   * Sends `request` as `identity`; `onResponse` is called from a later kernel event, or never when
   * a partition drops the request or its response.
   */
  submit(request: StoreRequest, identity: string, onResponse: (response: StoreResponse) => void): void {
    this.send(request, identity, { onResponse: (_token, response) => onResponse(response), onLost: () => undefined }, 0);
  }

  /**
   * {@link submit} for a {@link ResponseWaiter}. Returns the virtual instant the response will
   * reach the client unless a partition drops the request or the response on the way — then
   * `waiter.onLost(token)` is called at the drop, before that instant — or undefined when netem
   * lost the request at once (nothing follows).
   */
  send(request: StoreRequest, identity: string, waiter: ResponseWaiter, token: number): number | undefined {
    const sentAtMs = this.#kernel.nowMs;
    const halfMs = drawLatencyMs(this.#latency, this.#rng) / 2;
    let inMs = halfMs;
    if (this.#shapes.size > 0) {
      const shape = this.#shapes.get(identity);
      const extraMs = shape === undefined ? 0 : drawTcpDelayMs(shape, (this.#netemRng ??= this.#rng.fork('netem')));
      if (extraMs === undefined) {
        this.losses.requestsShapedLost += 1;
        return undefined;
      }
      inMs += extraMs;
    }
    // One object is the target of the request's arrival and of its response (no closure per phase).
    this.#kernel.schedule(sentAtMs + inMs, new RequestInFlight(this, request, identity, sentAtMs, halfMs, waiter, token), 0);
    // The same sums the kernel makes for the two events (float addition is not associative).
    return sentAtMs + inMs + halfMs;
  }

  /**
   * Starts a watch as `identity` (namespace '' = all namespaces); events after this call are
   * delivered in order, one way latency later.
   */
  watch(resource: string, namespace: string, identity: string, onEvent: (event: WatchEvent) => void): WatchHandle {
    const watcher: Watcher = { resource, namespace, identity, onEvent, lastDeliveryAtMs: 0, stopped: false, held: [] };
    let watchers = this.#watchers.get(resource);
    if (watchers === undefined) this.#watchers.set(resource, (watchers = []));
    watchers.push(watcher);
    this.accounting.countArrival(identity, 'watch', resource, 'ok');
    return {
      stop: () => {
        watcher.stopped = true;
        const list = this.#watchers.get(resource) ?? [];
        const at = list.indexOf(watcher);
        if (at >= 0) list.splice(at, 1);
      },
    };
  }

  /**
   * Calls `listener` synchronously for every committed change, at the instant it is applied (no
   * latency, no accounting, blind to partitions): the harness's own view of the store, for the
   * world's observer ops — not a client watch.
   */
  onCommit(listener: (resource: string, event: WatchEvent) => void): void {
    this.#commitListeners.push(listener);
  }

  /** Applies a request immediately, unaccounted and fault-free (scenario setup, tests). Emits watch events. */
  applyNow(request: StoreRequest): StoreResponse {
    const applied = this.#table.apply(request);
    if (applied.change !== undefined) this.#notify(applied.change.resource, applied.change);
    return applied.response;
  }

  /** Reads an object without a request (harness inspection, not accounted). */
  peek(ref: ObjectRef): KubeObject | undefined {
    return this.#table.peek(ref);
  }

  /** Lists without a request (harness inspection), sorted by name. */
  peekList(resource: string, namespace: string): KubeObject[] {
    return this.#table.listOf(resource, namespace);
  }

  /** Outage on (`false`: every request is refused with 503) or off. */
  setAvailable(available: boolean): void {
    this.#available = available;
  }

  /** Cuts `identity` off from the server until {@link heal}. */
  partition(identity: string, mode: PartitionMode = 'drop'): void {
    this.#partitions.set(identity, mode);
  }

  /**
   * netem on `identity`'s API path from now on (undefined clears it): its requests reach the server
   * late, or — every TCP transmission lost — never. Requests already on their way keep their draw.
   */
  shape(identity: string, shape: NetemShape | undefined): void {
    if (shape === undefined) this.#shapes.delete(identity);
    else this.#shapes.set(identity, shape);
  }

  /** Heals one identity, or every partition when called without one. */
  heal(identity?: string): void {
    if (identity === undefined) this.#partitions.clear();
    else this.#partitions.delete(identity);
    for (const watchers of this.#watchers.values()) {
      for (const watcher of watchers) {
        if (watcher.held.length === 0 || this.#partitions.has(watcher.identity)) continue;
        const held = watcher.held;
        watcher.held = [];
        for (const event of held) watcher.onEvent(event);
      }
    }
  }

  /**
   * The request reaches the server (its first kernel event): applied and counted, or dropped or
   * refused. Internal: called by the request's own kernel events only (not private so that they can).
   */
  arrive(flight: RequestInFlight): void {
    const { request, identity } = flight;
    const partition = this.#partitions.get(identity);
    if (partition === 'drop') {
      this.losses.requestsDropped += 1;
      flight.waiter.onLost(flight.token);
      return;
    }
    let response: StoreResponse;
    let row: AccountingRow | undefined;
    if (partition === 'reject' || !this.#available) {
      this.losses.requestsRefused += 1;
      const why = partition === 'reject' ? `${identity} is partitioned from the API server` : 'the API server is unavailable';
      response = { ok: false, error: new UnavailableError(`${request.verb} ${requestResource(request)} as ${identity}: ${why}`, partition === 'reject' ? undefined : 503) };
    } else {
      const applied = this.#table.apply(request);
      response = applied.response;
      row = this.accounting.countArrival(identity, request.verb, requestResource(request), response.ok ? 'ok' : response.error.code);
      if (applied.change !== undefined) this.#notify(applied.change.resource, applied.change);
    }
    // The round trip is counted in the arrival's row (a partitioned or refused request's is not).
    flight.counted = partition === undefined && this.#available ? row : undefined;
    flight.response = response;
    this.#kernel.schedule(this.#kernel.nowMs + flight.halfMs, flight, 0);
  }

  /** The response reaches the client (the request's second kernel event) unless a partition drops it. Internal, as {@link arrive}. */
  deliver(flight: RequestInFlight): void {
    if (this.#partitions.get(flight.identity) === 'drop') {
      this.losses.responsesDropped += 1;
      flight.waiter.onLost(flight.token);
      return;
    }
    if (flight.counted !== undefined) this.accounting.countResponseIn(flight.counted, this.#kernel.nowMs - flight.sentAtMs);
    flight.waiter.onResponse(flight.token, flight.response as StoreResponse);
  }

  #notify(resource: string, event: WatchEvent): void {
    for (const listener of this.#commitListeners) listener(resource, event);
    const watchers = this.#watchers.get(resource);
    if (watchers === undefined) return;
    // One event object for every watcher (the change's own carries `resource`); events are read-only.
    const delivered: WatchEvent = { type: event.type, object: event.object };
    for (const watcher of watchers) {
      // A watch on namespace '' sees every namespace (client-go NamespaceAll).
      if (watcher.namespace !== '' && watcher.namespace !== event.object.metadata.namespace) continue;
      // Per-watcher FIFO: a later event never overtakes an earlier one, whatever the draws.
      const atMs = Math.max(this.#kernel.nowMs + drawLatencyMs(this.#latency, this.#rng) / 2, watcher.lastDeliveryAtMs);
      watcher.lastDeliveryAtMs = atMs;
      this.#kernel.at(atMs, () => this.#deliverWatch(watcher, delivered), 'watch-event');
    }
  }

  #deliverWatch(watcher: Watcher, event: WatchEvent): void {
    if (watcher.stopped) return;
    if (this.#partitions.has(watcher.identity)) {
      // The watch stream is held, not lost: TCP retransmits once the path heals (a reset
      // connection would re-list to the same state). Dropped events had left informers stale
      // until their 5–10 min re-list (explore: reference-lease-scope-s2).
      this.losses.watchEventsHeld += 1;
      watcher.held.push(event);
      return;
    }
    watcher.onEvent(event);
  }
}

/**
 * One request on its way: the target of the kernel events of its arrival at the server and of its
 * response reaching the client (`response` set: the second phase).
 */
class RequestInFlight implements KernelEventTarget {
  readonly server: SimApiServer;
  readonly request: StoreRequest;
  readonly identity: string;
  readonly sentAtMs: number;
  /** Half the drawn round trip: the way in (before netem's extra) and the way back. */
  readonly halfMs: number;
  readonly waiter: ResponseWaiter;
  readonly token: number;
  response: StoreResponse | undefined = undefined;
  counted: AccountingRow | undefined = undefined;

  constructor(server: SimApiServer, request: StoreRequest, identity: string, sentAtMs: number, halfMs: number, waiter: ResponseWaiter, token: number) {
    this.server = server;
    this.request = request;
    this.identity = identity;
    this.sentAtMs = sentAtMs;
    this.halfMs = halfMs;
    this.waiter = waiter;
    this.token = token;
  }

  onKernelEvent(): void {
    if (this.response === undefined) this.server.arrive(this);
    else this.server.deliver(this);
  }

  get eventLabel(): string {
    return this.response === undefined ? 'api-arrive' : 'api-respond';
  }
}
