/**
 * A watch on one collection that survives what the lab does to the API path:
 *
 * - The first connection has no resourceVersion ("get state and start at most recent"): the API
 *   server first sends an ADDED event per existing object, then changes. So nothing between the
 *   `watch()` call and the caller's own LIST can be lost, whichever is served first; an Informer
 *   applies an event only when it is newer than its cached object, so the extra ADDED events
 *   change nothing.
 * - A broken stream (API server killed or restarted, connection reset, a malformed line) or one
 *   silent for longer than `idleTimeoutMs` (a frozen API server, a partition that swallows the
 *   connection) is re-opened from the last resourceVersion seen (events and bookmarks), after a
 *   bounded exponential backoff; a clean end (the server's `timeoutSeconds`) re-opens at once.
 * - `410 Gone` (as an HTTP status or an ERROR event: the revision was compacted), or a break
 *   before any resourceVersion was seen, re-LISTs and delivers the difference between the LIST
 *   and what this watch delivered before (`resyncEvents`), then watches from the LIST's revision.
 *
 * Timers come from the injected Clock. `onEvent` is never called after `stop()`.
 */
import type { Clock, TimerHandle } from '../../core/clock.ts';
import type { KubeObject, WatchEvent, WatchHandle } from '../../core/object-store.ts';
import type { KubeHttp, StreamHandle } from './kube-http.ts';
import { laterResourceVersion, objectKey, parseWatchLine, resyncEvents, splitLines, watchBackoffMs } from './watch-stream.ts';

/** A LIST of the watched collection (objects normalised, and the collection's revision). */
export interface ListSnapshot {
  readonly items: readonly KubeObject[];
  readonly resourceVersion: string;
}

/** Tunables of {@link ResumingWatch}. */
export interface ResumingWatchOptions {
  /** Server-side watch timeout per connection (seconds). Default 300 (client-go: 5–10 min). */
  readonly timeoutSeconds?: number;
  /** A connection that delivers nothing (not even a bookmark) for this long is re-opened. Default timeoutSeconds + 15 s. */
  readonly idleTimeoutMs?: number;
  /** Bound on waiting for a response head. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** First backoff; doubles per consecutive failure. Default 200 ms. */
  readonly backoffStartMs?: number;
  /** Backoff cap. Default 5 s. */
  readonly backoffMaxMs?: number;
}

/** What happened to the watch (logs, tests). */
export type WatchNotice =
  | { readonly kind: 'connected'; readonly resourceVersion: string | undefined }
  | { readonly kind: 'broken'; readonly reason: string; readonly retryInMs: number }
  | { readonly kind: 'gone'; readonly reason: string }
  | { readonly kind: 'relisted'; readonly resourceVersion: string; readonly events: number }
  | { readonly kind: 'relist-failed'; readonly reason: string; readonly retryInMs: number };

/** Ports of {@link ResumingWatch}. */
export interface ResumingWatchPorts {
  readonly http: KubeHttp;
  readonly clock: Pick<Clock, 'setTimer' | 'monotonicMs'>;
  /** LISTs the collection; rejects with any error on failure. */
  readonly list: (signal: AbortSignal) => Promise<ListSnapshot>;
  /** Raw event object → port object (fills kind/apiVersion, namespace ''). */
  readonly normalise: (raw: Record<string, unknown>) => KubeObject;
  readonly onEvent: (event: WatchEvent) => void;
  readonly onNotice?: (notice: WatchNotice) => void;
}

/** One resuming watch; construct, then `start()`. */
export class ResumingWatch implements WatchHandle {
  /** The collection path (`/api/v1/services`). */
  readonly path: string;
  readonly #ports: ResumingWatchPorts;
  readonly #timeoutSeconds: number;
  readonly #idleTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #backoffStartMs: number;
  readonly #backoffMaxMs: number;
  /** What this watch delivered, by key (the base of a re-LIST's difference). */
  readonly #delivered = new Map<string, KubeObject>();
  #resourceVersion: string | undefined = undefined;
  #connected = false;
  #stopped = false;
  #attempt = 0;
  #stream: StreamHandle | undefined = undefined;
  #timer: TimerHandle | undefined = undefined;
  #idle: TimerHandle | undefined = undefined;
  #listAbort: AbortController | undefined = undefined;
  #pending = '';
  #openedAtMs = 0;

  constructor(path: string, ports: ResumingWatchPorts, options: ResumingWatchOptions = {}) {
    this.path = path;
    this.#ports = ports;
    this.#timeoutSeconds = options.timeoutSeconds ?? 300;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? this.#timeoutSeconds * 1000 + 15_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#backoffStartMs = options.backoffStartMs ?? 200;
    this.#backoffMaxMs = options.backoffMaxMs ?? 5_000;
  }

  /** The revision a re-open would resume from. */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** Opens the first connection. */
  start(): void {
    this.#open();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#closeStream();
    this.#timer?.cancel();
    this.#listAbort?.abort();
  }

  #open(): void {
    if (this.#stopped) return;
    // A break before any revision was seen cannot resume: only a LIST says what was missed.
    if (this.#connected && this.#resourceVersion === undefined) {
      this.#relist();
      return;
    }
    this.#connected = true;
    const query = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true', timeoutSeconds: String(this.#timeoutSeconds) });
    if (this.#resourceVersion !== undefined) query.set('resourceVersion', this.#resourceVersion);
    this.#pending = '';
    this.#openedAtMs = this.#ports.clock.monotonicMs();
    let status = 0;
    let errorBody = '';
    let gone = false;
    const stream = this.#ports.http.stream(`${this.path}?${query.toString()}`, this.#connectTimeoutMs, {
      onResponse: (code) => {
        status = code;
        if (code === 200) {
          this.#attempt = 0;
          this.#ports.onNotice?.({ kind: 'connected', resourceVersion: this.#resourceVersion });
        }
        this.#touch();
      },
      onData: (chunk) => {
        this.#touch();
        if (status !== 200) {
          errorBody += chunk;
          return;
        }
        const { lines, rest } = splitLines(this.#pending, chunk);
        this.#pending = rest;
        for (const line of lines) {
          if (this.#stopped || this.#stream !== stream) return;
          const outcome = this.#onLine(line);
          if (outcome === 'gone') gone = true;
          if (outcome !== 'ok') {
            this.#closeStream();
            if (outcome === 'gone') this.#relist();
            else this.#retry(outcome, this.#open);
            return;
          }
        }
      },
      onEnd: (error) => {
        if (this.#stopped || this.#stream !== stream || gone) return;
        this.#stream = undefined;
        this.#idle?.cancel();
        if (status === 410) {
          this.#ports.onNotice?.({ kind: 'gone', reason: `HTTP 410 on re-opening at ${this.#resourceVersion ?? '(none)'}` });
          this.#relist();
          return;
        }
        if (status !== 0 && status !== 200) {
          this.#retry(`HTTP ${status}: ${errorBody.slice(0, 200)}`, this.#open);
          return;
        }
        if (error !== undefined) {
          this.#retry(error.message, this.#open);
          return;
        }
        // The server's timeoutSeconds ended the watch: re-open at once, unless it ended so soon
        // that something is wrong (then back off like any failure).
        if (this.#ports.clock.monotonicMs() - this.#openedAtMs >= 1_000) this.#open();
        else this.#retry('the watch ended within 1 s of opening', this.#open);
      },
    });
    this.#stream = stream;
  }

  /** Handles one line; anything but 'ok' ends this connection. */
  #onLine(line: string): 'ok' | 'gone' | string {
    const parsed = parseWatchLine(line);
    switch (parsed.kind) {
      case 'bookmark':
        this.#resourceVersion = laterResourceVersion(this.#resourceVersion, parsed.resourceVersion);
        return 'ok';
      case 'error':
        if (parsed.code === 410) {
          this.#ports.onNotice?.({ kind: 'gone', reason: parsed.message });
          return 'gone';
        }
        return `ERROR event ${parsed.code ?? '?'}: ${parsed.message}`;
      case 'malformed':
        return `malformed watch line (${parsed.detail})`;
      case 'event': {
        const object = this.#ports.normalise(parsed.object);
        this.#resourceVersion = laterResourceVersion(this.#resourceVersion, object.metadata.resourceVersion);
        const key = objectKey(object);
        if (parsed.type === 'DELETED') {
          // A deletion of something never delivered is the replay of a resume point before it.
          if (!this.#delivered.delete(key)) return 'ok';
        } else {
          this.#delivered.set(key, object);
        }
        this.#ports.onEvent({ type: parsed.type, object });
        return 'ok';
      }
    }
  }

  #relist(): void {
    if (this.#stopped) return;
    const controller = new AbortController();
    this.#listAbort = controller;
    this.#ports.list(controller.signal).then(
      (snapshot) => {
        if (this.#stopped || controller.signal.aborted) return;
        const events = resyncEvents(this.#delivered, snapshot.items, snapshot.resourceVersion);
        for (const event of events) {
          if (this.#stopped) return;
          const key = objectKey(event.object);
          if (event.type === 'DELETED') this.#delivered.delete(key);
          else this.#delivered.set(key, event.object);
          this.#ports.onEvent(event);
        }
        this.#resourceVersion = snapshot.resourceVersion;
        this.#attempt = 0;
        this.#ports.onNotice?.({ kind: 'relisted', resourceVersion: snapshot.resourceVersion, events: events.length });
        this.#open();
      },
      (error: unknown) => {
        if (this.#stopped || controller.signal.aborted) return;
        const retryInMs = this.#nextBackoff();
        this.#ports.onNotice?.({ kind: 'relist-failed', reason: error instanceof Error ? error.message : String(error), retryInMs });
        this.#timer = this.#ports.clock.setTimer(retryInMs, () => this.#relist());
      },
    );
  }

  #retry(reason: string, next: () => void): void {
    if (this.#stopped) return;
    const retryInMs = this.#nextBackoff();
    this.#ports.onNotice?.({ kind: 'broken', reason, retryInMs });
    this.#timer = this.#ports.clock.setTimer(retryInMs, () => next.call(this));
  }

  #nextBackoff(): number {
    const ms = watchBackoffMs(this.#attempt, this.#backoffStartMs, this.#backoffMaxMs);
    this.#attempt += 1;
    return ms;
  }

  /** Re-arms the idle limit (any byte from the server proves the connection alive). */
  #touch(): void {
    this.#idle?.cancel();
    const stream = this.#stream;
    this.#idle = this.#ports.clock.setTimer(this.#idleTimeoutMs, () => {
      if (this.#stopped || this.#stream !== stream || stream === undefined) return;
      this.#closeStream();
      this.#retry(`no data for ${this.#idleTimeoutMs} ms`, this.#open);
    });
  }

  #closeStream(): void {
    this.#idle?.cancel();
    this.#stream?.close();
    this.#stream = undefined;
  }
}
