/**
 * The in-memory {@link History} adapter: ops in an array, stamped with the run's clock. Used by
 * every world during a run; `jsonl.ts` writes it out.
 */
import type { Clock } from '../core/clock.ts';
import type { History, HistoryEntry, HistoryOp } from '../core/history.ts';

/** Append-only ops in memory; `tMs` from `clock.monotonicMs()` unless the entry carries one. */
export class MemoryHistory implements History {
  readonly #ops: HistoryOp[] = [];
  readonly #clock: Pick<Clock, 'monotonicMs'>;

  constructor(clock: Pick<Clock, 'monotonicMs'>) {
    this.#clock = clock;
  }

  record(entry: HistoryEntry): HistoryOp {
    const op: HistoryOp = {
      index: this.#ops.length,
      tMs: entry.tMs ?? this.#clock.monotonicMs(),
      process: entry.process,
      type: entry.type,
      f: entry.f,
      value: entry.value,
    };
    this.#ops.push(op);
    return op;
  }

  get size(): number {
    return this.#ops.length;
  }

  ops(): readonly HistoryOp[] {
    return this.#ops;
  }
}
