/**
 * The history port (Jepsen's model): every observation of a run — elector transitions, API
 * requests, nemesis actions, later GARPs and probe results — becomes one op in a single
 * append-only log. Checkers and reports read only the history, never live state (style anchors §9
 * rule 8). A client operation is an `invoke` followed by its completion: `ok` (happened), `fail`
 * (definitely did not happen) or `info` (unknown — e.g. a timed-out write). Observations that are
 * not client operations (a node became leader) are single `info` ops.
 *
 * Adapters live in `harness/history/` (`MemoryHistory`, jsonl serialisation).
 */

/** Op types: `invoke` starts an operation, `ok`/`fail`/`info` complete it; `info` alone is an observation. */
export type HistoryOpType = 'invoke' | 'ok' | 'fail' | 'info';

/** JSON-safe values (no `undefined` inside arrays, no functions, no bigint). */
export type HistoryValue =
  | null
  | boolean
  | number
  | string
  | readonly HistoryValue[]
  | { readonly [key: string]: HistoryValue | undefined };

/** One recorded op. `index` is its position in the history; `tMs` the run's monotonic time. */
export interface HistoryOp {
  readonly index: number;
  readonly tMs: number;
  /** Who did it: a node name, `nemesis`, `harness`, a client id. */
  readonly process: string;
  readonly type: HistoryOpType;
  /** The operation or observation name (`became-leader`, `lease-request`, …). */
  readonly f: string;
  readonly value: HistoryValue;
}

/** What a caller hands to {@link History.record}; `tMs` defaults to the history's clock. */
export interface HistoryEntry {
  readonly process: string;
  readonly type: HistoryOpType;
  readonly f: string;
  readonly value: HistoryValue;
  /** Explicit time (merging timestamped observations such as pcap frames); else "now". */
  readonly tMs?: number;
}

/** Append-only op log. */
export interface History {
  /** Appends an op, assigning `index` (and `tMs` unless given); returns the stored op. */
  record(entry: HistoryEntry): HistoryOp;
  /** Number of ops recorded. */
  readonly size: number;
  /** The ops so far, in order (a read-only view; do not hold it across records if copying matters). */
  ops(): readonly HistoryOp[];
}

/** A history that keeps nothing (for benchmarks of code paths that must not pay for recording). */
export class NoopHistory implements History {
  #size = 0;

  record(entry: HistoryEntry): HistoryOp {
    const op: HistoryOp = { index: this.#size, tMs: entry.tMs ?? 0, process: entry.process, type: entry.type, f: entry.f, value: entry.value };
    this.#size += 1;
    return op;
  }

  get size(): number {
    return this.#size;
  }

  ops(): readonly HistoryOp[] {
    return [];
  }
}
