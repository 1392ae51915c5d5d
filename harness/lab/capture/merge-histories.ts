/**
 * The run's one history from many recorders: each lab process's own file, the orchestrator's ops,
 * the pcap observations and the neighbour monitors. All carry `tMs` on the run's shared monotonic
 * clock (pcap times converted through the epoch's wall time), so merging is a sort by time.
 */
import type { HistoryEntry, HistoryOp } from '../../core/history.ts';

/** A history entry that carries its own time (everything merged after the run). */
export type HistoryEntryWithTime = HistoryEntry & { readonly tMs: number };

/**
 * Merges `sources` into one history ordered by `tMs`, re-indexed from 0. The order is stable:
 * equal times keep source order (earlier source first), then each source's own order, so an
 * `invoke` and its completion recorded at the same ms stay in order. A source need not be sorted
 * (a restarted process's file, a capture with reordered timestamps): every op is placed by time.
 * Input `index` fields are ignored.
 * @throws RangeError naming the source and position of an op whose `tMs` is not finite.
 */
export function mergeHistories(sources: readonly (readonly HistoryEntryWithTime[])[]): HistoryOp[] {
  const keyed: { readonly entry: HistoryEntryWithTime; readonly source: number; readonly position: number }[] = [];
  sources.forEach((entries, source) => {
    entries.forEach((entry, position) => {
      if (!Number.isFinite(entry.tMs)) throw new RangeError(`merging histories: op ${position} of source ${source} (${entry.process} ${entry.f}) has tMs ${entry.tMs}, not a finite number`);
      keyed.push({ entry, source, position });
    });
  });
  keyed.sort((a, b) => a.entry.tMs - b.entry.tMs || a.source - b.source || a.position - b.position);
  return keyed.map(({ entry }, index) => ({ index, tMs: entry.tMs, process: entry.process, type: entry.type, f: entry.f, value: entry.value }));
}
