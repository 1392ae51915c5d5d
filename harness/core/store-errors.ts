/**
 * Typed failures of the {@link ObjectStore} port, one class per way a Kubernetes API call fails as
 * seen by a client: each has a stable `code` (for history ops, checkers and tests) and says whether
 * the outcome is known. A timed-out or aborted write may or may not have been applied, so it is
 * recorded as `info`, never guessed as `ok`/`fail` (style anchors §9 rule 4).
 */

/** Stable codes of {@link StoreError}s. */
export type StoreErrorCode =
  | 'store-conflict'
  | 'store-not-found'
  | 'store-unavailable'
  | 'store-throttled'
  | 'store-timeout'
  | 'store-invalid';

/** Base class: a failed store call. `outcomeKnown` is false when the server may have applied it. */
export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
  /** HTTP status the real API server (or client-go) reports, when there is one. */
  abstract readonly httpStatus: number | undefined;
  /** False for timeouts and aborts: the request may have reached the server. */
  readonly outcomeKnown: boolean;

  constructor(message: string, outcomeKnown: boolean, options?: ErrorOptions) {
    // These are protocol outcomes (409s, timeouts), not bugs, and the simulator creates thousands
    // per second: a captured stack costs microseconds and says nothing the message and `cause`
    // do not. So none is captured (stackTraceLimit is restored before anything else runs).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
    this.outcomeKnown = outcomeKnown;
  }
}

/** 409: a resourceVersion precondition failed, or CREATE found the name taken (`reason`). */
export class ConflictError extends StoreError {
  readonly code = 'store-conflict' as const;
  readonly httpStatus = 409;
  readonly reason: 'resource-version' | 'already-exists';

  constructor(message: string, reason: 'resource-version' | 'already-exists') {
    super(message, true);
    this.reason = reason;
  }
}

/** 404: the object does not exist. */
export class NotFoundError extends StoreError {
  readonly code = 'store-not-found' as const;
  readonly httpStatus = 404;

  constructor(message: string) {
    super(message, true);
  }
}

/** The API server refused or could not be reached (outage, 503, connection refused). */
export class UnavailableError extends StoreError {
  readonly code = 'store-unavailable' as const;
  readonly httpStatus: number | undefined;
  /**
   * The server itself said it is down — HTTP 503, or a connection refused by its host — rather
   * than the path to it failing (timeouts, unreachable networks). `leadThroughApiOutage` (C12)
   * keeps leading on this alone.
   */
  readonly serverDown: boolean;

  constructor(message: string, httpStatus?: number, serverDown: boolean = httpStatus === 503) {
    super(message, true);
    this.httpStatus = httpStatus;
    this.serverDown = serverDown;
  }
}

/**
 * The request was not sent: the client-side rate limiter would have made it wait past its
 * deadline (client-go: "rate: Wait(n=1) would exceed context deadline"), or the server said 429.
 */
export class ThrottledError extends StoreError {
  readonly code = 'store-throttled' as const;
  readonly httpStatus: number | undefined;
  /** How long the limiter would have made the request wait, when known. */
  readonly waitMs: number | undefined;

  constructor(message: string, waitMs?: number, httpStatus?: number) {
    super(message, true);
    this.waitMs = waitMs;
    this.httpStatus = httpStatus;
  }
}

/** No response before the deadline or the caller aborted: the outcome is unknown. */
export class TimeoutError extends StoreError {
  readonly code = 'store-timeout' as const;
  readonly httpStatus = undefined;
  /** What ended the wait: the request's deadline (timeout) or its caller's abort signal. */
  readonly trigger: 'deadline' | 'aborted';

  constructor(message: string, trigger: 'deadline' | 'aborted') {
    super(message, false);
    this.trigger = trigger;
  }
}

/** 400/422: the request itself is malformed (missing name, wrong namespace, bad patch). */
export class InvalidRequestError extends StoreError {
  readonly code = 'store-invalid' as const;
  readonly httpStatus = 422;

  constructor(message: string) {
    super(message, true);
  }
}

/** Narrowing helper for catch blocks. */
export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}
