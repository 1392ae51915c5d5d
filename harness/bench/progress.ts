/**
 * Progress of a long benchmark on stderr: a cli-progress bar with the ETA when stderr is a
 * terminal, otherwise a plain line at most every `everyMs` (CI logs, pipes). Time comes from the
 * injected {@link Clock}.
 */
import { SingleBar } from 'cli-progress';
import type { Clock } from '../core/clock.ts';

/** A progress display. */
export interface Progress {
  /** `done` of the total are finished. */
  update(done: number): void;
  /** Removes the bar (prints a last line in plain mode). */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  readonly label: string;
  readonly unit: string;
  readonly total: number;
  readonly clock: Clock;
  /** stderr as a stream (TTY: the bar) or a line writer (plain). */
  readonly stream: NodeJS.WriteStream | undefined;
  readonly writeLine: (line: string) => void;
  /** Plain mode: at most one line per this interval. Default 5 s. */
  readonly everyMs?: number;
}

/** ETA text: `1 m 05 s`, `42 s`, `—` before any progress. */
export function formatEta(elapsedMs: number, done: number, total: number): string {
  if (done <= 0) return '—';
  const s = Math.max(0, Math.round(((total - done) * elapsedMs) / done / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** A bar on a TTY, periodic lines otherwise. */
export function createProgress(options: ProgressOptions): Progress {
  const { clock, total, label, unit } = options;
  const startMs = clock.monotonicMs();
  if (options.stream?.isTTY === true) {
    const bar = new SingleBar({ stream: options.stream, format: `${label} |{bar}| {value}/{total} ${unit} · {percentage}% · {duration_formatted} · ETA {eta_formatted}`, etaBuffer: 200, hideCursor: true, clearOnComplete: true, fps: 5 });
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  const everyMs = options.everyMs ?? 5_000;
  let lastMs = startMs;
  let lastDone = 0;
  let printed = -1;
  const line = (done: number): string => {
    const elapsedMs = clock.monotonicMs() - startMs;
    return `${label}: ${done}/${total} ${unit} (${total === 0 ? 100 : Math.floor((done * 100) / total)} %), ${Math.round(elapsedMs / 1000)} s elapsed, ETA ${formatEta(elapsedMs, done, total)}`;
  };
  return {
    update(done: number): void {
      lastDone = done;
      const now = clock.monotonicMs();
      if (now - lastMs < everyMs) return;
      lastMs = now;
      printed = done;
      options.writeLine(line(done));
    },
    stop(): void {
      if (printed !== lastDone) options.writeLine(line(lastDone));
    },
  };
}
