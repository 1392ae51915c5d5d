/**
 * One agent's API client, as client-go's rest client behaves: every request first takes a token
 * from the agent-wide client-side rate limiter (QPS/burst, `flowcontrol` semantics — it *waits*,
 * and that wait is part of the request's latency), fails at once when the wait would pass the
 * caller's deadline, and gives up on the response after the HTTP timeout or the deadline. Every
 * request becomes an `invoke` + `ok`/`fail`/`info` pair in the history (`lease-request` for Leases).
 *
 * Requests are task effects, so the same client runs in `sim` and `lab`.
 */
import type { Clock, SleepOutcome } from '../core/clock.ts';
import type { History, HistoryValue } from '../core/history.ts';
import type { StoreRequest, StoreResponse } from '../core/object-store.ts';
import { requestName, requestResource } from '../core/object-store.ts';
import { ThrottledError, TimeoutError } from '../core/store-errors.ts';
import { sleepEffect, type RequestEffect, type Task } from '../core/task.ts';
import { TokenBucket } from '../core/token-bucket.ts';

/** client-go QPS/burst (`k8sClientRateLimit.qps/burst`). */
export interface RateLimit {
  readonly qps: number;
  readonly burst: number;
}

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** The agent's identity (node name): the audit user and the history process. */
  readonly identity: string;
  readonly clock: Clock;
  readonly history: History;
  /** Client-side limit; undefined = unlimited. */
  readonly rateLimit?: RateLimit;
  /** HTTP timeout of one request in ms. Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  readonly requestTimeoutMs?: number;
}

/** Per-call context: client-go's `ctx` (deadline, cancellation). */
export interface CallContext {
  /** Monotonic ms after which the call fails (rate-limiter wait and response alike). */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
}

/** Default HTTP timeout: an assumption (Cilium's client sets none; TCP gives up eventually). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Totals of client-side throttling (for reports and the lease-load checker). */
export interface ThrottleStats {
  /** Requests that had to wait for a token. */
  waited: number;
  waitMsTotal: number;
  waitMsMax: number;
  /** Requests refused because the wait would pass their deadline. */
  refused: number;
}

/** Rate-limited, history-recording API client of one agent. */
export class ApiClient {
  readonly identity: string;
  readonly throttle: ThrottleStats = { waited: 0, waitMsTotal: 0, waitMsMax: 0, refused: 0 };
  readonly #clock: Clock;
  readonly #history: History;
  readonly #bucket: TokenBucket | undefined;
  readonly #requestTimeoutMs: number;

  /** @throws RangeError for a bad rate limit or timeout. */
  constructor(options: ApiClientOptions) {
    this.identity = options.identity;
    this.#clock = options.clock;
    this.#history = options.history;
    this.#bucket = options.rateLimit === undefined ? undefined : new TokenBucket(options.rateLimit.qps, options.rateLimit.burst, options.clock.monotonicMs());
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(this.#requestTimeoutMs > 0)) throw new RangeError(`creating the API client of ${this.identity}: requestTimeoutMs must be > 0, got ${this.#requestTimeoutMs}`);
  }

  /** Sends `request` through the rate limiter; API failures come back as data. */
  *call(request: StoreRequest, context: CallContext = {}): Task<StoreResponse> {
    const f = requestResource(request) === 'leases' ? 'lease-request' : 'api-request';
    const subject = describe(request);
    const startMs = this.#clock.monotonicMs();
    this.#history.record({ process: this.identity, type: 'invoke', f, value: subject });
    const deadlineMs = context.deadlineMs ?? Number.POSITIVE_INFINITY;
    let waitedMs = 0;
    if (this.#bucket !== undefined) {
      const waitMs = this.#bucket.reserve(startMs, deadlineMs - startMs);
      if (waitMs === undefined) {
        this.throttle.refused += 1;
        const error = new ThrottledError(`${request.verb} ${subject.name ?? subject.namespace} as ${this.identity}: client rate limiter wait would exceed the context deadline`);
        return this.#complete(f, subject, startMs, 0, { ok: false, error }, 'fail');
      }
      if (waitMs > 0) {
        this.#countWait(waitMs);
        waitedMs = waitMs;
        if (((yield sleepEffect(waitMs, context.signal)) as SleepOutcome) === 'aborted') {
          const error = new TimeoutError(`${request.verb} as ${this.identity}: aborted while waiting for the client rate limiter`, 'aborted');
          return this.#complete(f, subject, startMs, waitedMs, { ok: false, error }, 'fail');
        }
      }
    }
    const timeoutMs = Math.min(this.#requestTimeoutMs, deadlineMs - this.#clock.monotonicMs());
    if (!(timeoutMs > 0)) {
      const error = new TimeoutError(`${request.verb} as ${this.identity}: context deadline passed before sending`, 'deadline');
      return this.#complete(f, subject, startMs, waitedMs, { ok: false, error }, 'fail');
    }
    // The effect sendRequest() would yield, yielded here (timeoutMs > 0 checked above): one generator less per request.
    const effect: RequestEffect = { kind: 'request', request, identity: this.identity, timeoutMs, signal: context.signal };
    const response = (yield effect) as StoreResponse;
    return this.#complete(f, subject, startMs, waitedMs, response, response.ok ? 'ok' : response.error.outcomeKnown ? 'fail' : 'info');
  }

  #countWait(waitMs: number): void {
    this.throttle.waited += 1;
    this.throttle.waitMsTotal += waitMs;
    if (waitMs > this.throttle.waitMsMax) this.throttle.waitMsMax = waitMs;
  }

  #complete(f: string, subject: Subject, startMs: number, waitedMs: number, response: StoreResponse, type: 'ok' | 'fail' | 'info'): StoreResponse {
    const outcome = response.ok ? 'ok' : response.error.code;
    const latencyMs = this.#clock.monotonicMs() - startMs;
    // The subject's keys, then outcome and latency (what `{ ...subject, … }` gave, without the copy).
    const value: { [key: string]: HistoryValue | undefined } =
      subject.name !== undefined ? { verb: subject.verb, name: subject.name, outcome, latencyMs } : { verb: subject.verb, namespace: subject.namespace, outcome, latencyMs };
    if (waitedMs > 0) value['throttleWaitMs'] = waitedMs;
    this.#history.record({ process: this.identity, type, f, value });
    return response;
  }
}

interface Subject {
  readonly verb: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly [key: string]: HistoryValue | undefined;
}

function describe(request: StoreRequest): Subject {
  const name = requestName(request);
  if (name !== undefined) return { verb: request.verb, name };
  return { verb: request.verb, namespace: request.verb === 'list' ? request.namespace : '' };
}
