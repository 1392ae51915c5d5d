/**
 * The lab processes' {@link History} adapter: every op is appended to a jsonl file with one
 * `writeSync` of one whole line, so a SIGKILL loses nothing that was recorded (the kernel holds the
 * page once `write` returned; no fsync is needed to survive a process death, only a host crash).
 * The orchestrator merges the per-process files by `tMs` into the run's `history.jsonl`;
 * `index` here is the op's position in this process's file only.
 *
 * Ops are not kept in memory (a long run would grow without bound): `ops()` is empty, and `size`
 * counts what was written.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Clock } from '../core/clock.ts';
import type { History, HistoryEntry, HistoryOp } from '../core/history.ts';
import { opToJsonLine } from '../history/jsonl.ts';

/** Appends ops to a jsonl file, one synchronous write per op. */
export class FileHistory implements History {
  readonly path: string;
  readonly #clock: Pick<Clock, 'monotonicMs'>;
  #fd: number | undefined;
  #size = 0;

  /**
   * Opens `path` for appending (created when missing; an existing file is continued: a restarted
   * agent appends to the same file).
   * @throws Error naming the path when it cannot be opened.
   */
  constructor(path: string, clock: Pick<Clock, 'monotonicMs'>) {
    this.path = path;
    this.#clock = clock;
    try {
      this.#fd = openSync(path, 'a', 0o644);
    } catch (error) {
      throw new Error(`opening the history file ${path} for appending: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /**
   * Writes the op as one line.
   * @throws Error when the history is closed or the write fails (an op must never vanish silently).
   */
  record(entry: HistoryEntry): HistoryOp {
    if (this.#fd === undefined) throw new Error(`recording ${entry.f} of ${entry.process}: the history file ${this.path} is closed`);
    const op: HistoryOp = { index: this.#size, tMs: entry.tMs ?? this.#clock.monotonicMs(), process: entry.process, type: entry.type, f: entry.f, value: entry.value };
    writeSync(this.#fd, `${opToJsonLine(op)}\n`);
    this.#size += 1;
    return op;
  }

  get size(): number {
    return this.#size;
  }

  /** Always empty: the file is the record (read it with `parseHistoryJsonl`). */
  ops(): readonly HistoryOp[] {
    return [];
  }

  /** Closes the file; idempotent. Later records throw. */
  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
