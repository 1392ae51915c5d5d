/**
 * Exact request accounting of the simulated API server, per identity × verb × resource: what the
 * real server's audit log would show (requests that reached it), with outcomes and the round-trip
 * latency clients saw. The lease-load checker compares these counts with the model
 * (`harness/l2/lease-load.ts`), so nothing here is sampled or approximated.
 */
import type { StoreVerb } from '../core/object-store.ts';

/** One row: all requests of one identity, verb and resource. */
export interface AccountingRow {
  readonly identity: string;
  readonly verb: StoreVerb;
  readonly resource: string;
  /** Requests that reached the server. */
  count: number;
  /** Of those, how many succeeded; failures by error code. */
  ok: number;
  readonly failures: Record<string, number>;
  /** Responses delivered to the client (lost responses are not), with their round trip. */
  responses: number;
  latencyMsSum: number;
  latencyMsMax: number;
}

/** A filter for {@link RequestAccounting.total}; omitted fields match everything. */
export interface AccountingFilter {
  readonly identity?: string;
  readonly verb?: StoreVerb;
  readonly resource?: string;
}

/** Counters keyed by identity × verb × resource. */
export class RequestAccounting {
  /** identity → verb → resource → row: nested maps, no key strings built per request. */
  readonly #index = new Map<string, Map<StoreVerb, Map<string, AccountingRow>>>();
  readonly #rows: AccountingRow[] = [];

  /**
   * Counts a request that reached the server, with its outcome (`'ok'` or an error code). Returns
   * its row, for {@link countResponseIn} when the response is delivered (no second lookup).
   */
  countArrival(identity: string, verb: StoreVerb, resource: string, outcome: string): AccountingRow {
    const row = this.#row(identity, verb, resource);
    row.count += 1;
    if (outcome === 'ok') row.ok += 1;
    else row.failures[outcome] = (row.failures[outcome] ?? 0) + 1;
    return row;
  }

  /** Records the round trip of a delivered response. */
  countResponse(identity: string, verb: StoreVerb, resource: string, latencyMs: number): void {
    this.countResponseIn(this.#row(identity, verb, resource), latencyMs);
  }

  /** {@link countResponse} in a row {@link countArrival} returned. */
  countResponseIn(row: AccountingRow, latencyMs: number): void {
    row.responses += 1;
    row.latencyMsSum += latencyMs;
    if (latencyMs > row.latencyMsMax) row.latencyMsMax = latencyMs;
  }

  /** Requests that reached the server and match `filter`. */
  total(filter: AccountingFilter = {}): number {
    let sum = 0;
    for (const row of this.#rows) {
      if (filter.identity !== undefined && row.identity !== filter.identity) continue;
      if (filter.verb !== undefined && row.verb !== filter.verb) continue;
      if (filter.resource !== undefined && row.resource !== filter.resource) continue;
      sum += row.count;
    }
    return sum;
  }

  /** Copies of all rows, sorted by identity, verb, resource (stable for reports). */
  rows(): AccountingRow[] {
    return this.#rows
      .map((row) => ({ ...row, failures: { ...row.failures } }))
      .sort((a, b) => compare(a.identity, b.identity) || compare(a.verb, b.verb) || compare(a.resource, b.resource));
  }

  #row(identity: string, verb: StoreVerb, resource: string): AccountingRow {
    let byVerb = this.#index.get(identity);
    if (byVerb === undefined) {
      byVerb = new Map();
      this.#index.set(identity, byVerb);
    }
    let byResource = byVerb.get(verb);
    if (byResource === undefined) {
      byResource = new Map();
      byVerb.set(verb, byResource);
    }
    let row = byResource.get(resource);
    if (row === undefined) {
      row = { identity, verb, resource, count: 0, ok: 0, failures: {}, responses: 0, latencyMsSum: 0, latencyMsMax: 0 };
      byResource.set(resource, row);
      this.#rows.push(row);
    }
    return row;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
