/**
 * How a real API server's answers become the port's typed {@link StoreError}s. Pure: the HTTP
 * status, the `Status` body and the socket error code go in, an error naming the verb, the object
 * and the identity comes out.
 *
 * | answer | error |
 * |---|---|
 * | 409 (`reason: AlreadyExists` → `already-exists`, else `resource-version`) | ConflictError |
 * | 404 | NotFoundError |
 * | 429 (server-side: API Priority and Fairness, max-inflight) | ThrottledError (`waitMs` from Retry-After) |
 * | 5xx; connection refused/reset/unreachable, TLS or socket failures | UnavailableError |
 * | 400, 422, 401, 403 and other 4xx | InvalidRequestError (the request as sent cannot succeed) |
 */
import type { StoreVerb } from '../../core/object-store.ts';
import { ConflictError, InvalidRequestError, NotFoundError, type StoreError, ThrottledError, UnavailableError } from '../../core/store-errors.ts';

/** What a request was, for messages. */
export interface CallDescription {
  readonly verb: StoreVerb;
  readonly resource: string;
  readonly namespace: string;
  /** Undefined for collection calls (list, watch, create before it has a name). */
  readonly name?: string | undefined;
  readonly identity: string;
}

/** `update leases kube-system/cilium-l2announce-default-a as n1` (cluster-scoped: `/name`). */
export function describeCall(call: CallDescription): string {
  const target = call.name === undefined ? (call.namespace === '' ? '(all namespaces)' : call.namespace) : `${call.namespace}/${call.name}`;
  return `${call.verb} ${call.resource} ${target} as ${call.identity}`;
}

/** The parts of a Kubernetes `Status` body the messages use. */
interface StatusBody {
  readonly reason?: string;
  readonly message?: string;
}

function statusBody(body: string): StatusBody {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const record = parsed as Record<string, unknown>;
    return {
      ...(typeof record['reason'] === 'string' ? { reason: record['reason'] } : {}),
      ...(typeof record['message'] === 'string' ? { message: record['message'] } : {}),
    };
  } catch {
    return {};
  }
}

/** Retry-After in ms (seconds form only, as the API server sends it). */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/**
 * The error of a non-2xx answer.
 * @param body the response body (a `Status` object, or anything).
 */
export function storeErrorFromStatus(httpStatus: number, body: string, call: CallDescription, retryAfter?: string): StoreError {
  const status = statusBody(body);
  const detail = status.message ?? (body.trim().slice(0, 200) || '(empty body)');
  const message = `${describeCall(call)}: HTTP ${httpStatus}${status.reason === undefined ? '' : ` ${status.reason}`}: ${detail}`;
  if (httpStatus === 409) return new ConflictError(message, status.reason === 'AlreadyExists' ? 'already-exists' : 'resource-version');
  if (httpStatus === 404) return new NotFoundError(message);
  if (httpStatus === 429) return new ThrottledError(message, retryAfterMs(retryAfter), 429);
  if (httpStatus >= 500) return new UnavailableError(message, httpStatus);
  return new InvalidRequestError(message);
}

/** Socket error codes that mean "the API server cannot be reached now". */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EPIPE', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'ECONNABORTED', 'EAI_AGAIN',
]);

/**
 * The error of a request that got no HTTP answer (the socket failed). Every transport failure is
 * `UnavailableError`, the socket's `code` kept in the message. Caveat, as in client-go: a write
 * whose connection reset after the request was sent may have been applied; the error class cannot
 * say so (connection refused/unreachable, the common cases in an outage or partition, are exact).
 */
export function storeErrorFromNetwork(error: unknown, call: CallDescription, serverUrl: string): StoreError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const kind = code !== undefined && UNREACHABLE_CODES.has(code) ? code : `transport error${code === undefined ? '' : ` ${code}`}`;
  // ECONNREFUSED: the host answered that nothing listens — the API server process is down (C12).
  return new UnavailableError(`${describeCall(call)}: ${serverUrl} unreachable (${kind}): ${text}`, undefined, code === 'ECONNREFUSED');
}
