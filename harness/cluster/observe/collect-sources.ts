/**
 * The history sources a container world merges after its run (docker provider, kind/Talos/
 * kubeconfig): the orchestrator's own ops, each bridge capture read into `arp-observed` ops, the
 * clients' neighbour monitors, and every `*.history.jsonl` the processes wrote. Problems (a
 * tcpdump that had to be killed, an unreadable line) are collected, never thrown: a run is judged
 * on what was recorded, with the gaps named in its notes.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryOp } from '../../core/history.ts';
import { readArpObservations } from '../../lab/capture/arp-observations.ts';
import { readHistoryJsonl } from '../../lab/capture/history-file.ts';
import type { NeighMonitor } from '../../lab/capture/neigh-monitor.ts';
import type { CaptureHandle } from '../../lab/capture/tcpdump.ts';

/** One bridge capture of the run and the segment its frames are attributed to. */
export interface RunCapture {
  readonly capture: CaptureHandle;
  readonly path: string;
  readonly segment: string;
}

/** What {@link collectSources} reads. */
export interface SourcesInput {
  /** The orchestrator's ops (observer, nemesis). */
  readonly ops: readonly HistoryOp[];
  readonly captures: readonly RunCapture[];
  /** The run's clock epoch on the wall clock (pcap timestamps are wall time). */
  readonly epochWallUs: number;
  readonly monitors: readonly NeighMonitor[];
  readonly neighOps: readonly HistoryOp[];
  /** Directories holding the processes' `*.history.jsonl` files. */
  readonly historyDirs: readonly string[];
}

/** Stops the captures and monitors, reads every source; problems are appended to `problems`. */
export async function collectSources(input: SourcesInput, problems: string[]): Promise<HistoryOp[][]> {
  const sources: HistoryOp[][] = [[...input.ops]];
  for (const { capture, path, segment } of input.captures) {
    await capture.stop().catch((error: unknown) => void problems.push(`tcpdump: ${error instanceof Error ? error.message : String(error)}`));
    const read = await readArpObservations(path, { segment, epochWallUs: input.epochWallUs });
    sources.push(read.ops.map((op, index) => ({ index, ...op })));
    problems.push(...read.problems);
  }
  for (const monitor of input.monitors) problems.push(...(await monitor.stop()).problems);
  sources.push([...input.neighOps]);
  for (const dir of input.historyDirs) {
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.history.jsonl'))) {
      const read = await readHistoryJsonl(join(dir, file));
      sources.push([...read.ops]);
      problems.push(...read.problems.map((p) => `${p.path}:${p.line}: ${p.reason}`));
    }
  }
  return sources;
}
