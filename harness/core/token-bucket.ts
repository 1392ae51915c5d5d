/**
 * client-go's client-side rate limiter (`flowcontrol.NewTokenBucketRateLimiter(qps, burst)`, over
 * golang.org/x/time/rate): the bucket starts full with `burst` tokens and refills at `qps` per
 * second. A request reserves one token; when none is left it *waits* (the wait shows up as request
 * latency — "Waited for 1.2s due to client-side throttling"), and when the wait would pass the
 * request's context deadline it fails at once without consuming a token. One bucket is shared by
 * every request of one agent's API client, which is how many per-service renewals starve each other
 * (C02). Pure: time comes in as arguments.
 */

/** A token bucket in x/time/rate semantics; times are monotonic ms. */
export class TokenBucket {
  /** Refill rate, tokens per second. */
  readonly qps: number;
  /** Capacity; also the initial number of tokens. */
  readonly burst: number;
  #tokens: number;
  #lastMs: number;

  /** @throws RangeError when qps is not positive and finite or burst is not an integer ≥ 1. */
  constructor(qps: number, burst: number, startMs = 0) {
    if (!Number.isFinite(qps) || qps <= 0) throw new RangeError(`creating a client rate limiter: qps must be positive and finite, got ${qps}`);
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`creating a client rate limiter: burst must be an integer ≥ 1, got ${burst}`);
    this.qps = qps;
    this.burst = burst;
    this.#tokens = burst;
    this.#lastMs = startMs;
  }

  /**
   * Reserves one token at `nowMs`. Returns how long the caller must wait before sending (0 when a
   * token is available), or `undefined` when that wait would exceed `maxWaitMs` — then nothing is
   * consumed (x/time/rate `reserveN` with a deadline).
   */
  reserve(nowMs: number, maxWaitMs = Number.POSITIVE_INFINITY): number | undefined {
    const elapsedMs = Math.max(0, nowMs - this.#lastMs);
    const tokens = Math.min(this.burst, this.#tokens + (elapsedMs * this.qps) / 1000) - 1;
    const waitMs = tokens < 0 ? (-tokens * 1000) / this.qps : 0;
    if (waitMs > maxWaitMs) return undefined;
    this.#tokens = tokens;
    this.#lastMs = Math.max(this.#lastMs, nowMs);
    return waitMs;
  }

  /** Tokens available at `nowMs` (negative while reservations are queued); does not reserve. */
  tokensAt(nowMs: number): number {
    const elapsedMs = Math.max(0, nowMs - this.#lastMs);
    return Math.min(this.burst, this.#tokens + (elapsedMs * this.qps) / 1000);
  }
}
