/**
 * The progress bar of `l2lab analyze` on a terminal (cli-progress): bytes read of the file and
 * MB/s on stderr, only when stderr is a TTY — nothing in pipes, CI logs or `--format json > file`.
 */
import cliProgress from 'cli-progress';

/** The `progress` port of `runAnalyze` when stderr is a TTY, else nothing. */
export function terminalProgress(): { progress?: (totalBytes: number) => { update: (bytesRead: number) => void; stop: () => void } } {
  if (process.stderr.isTTY !== true) return {};
  return {
    progress: (totalBytes) => {
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'reading {bar} {percentage}% | {readMb}/{totalMb} MB | {speed} MB/s | ETA {eta}s', hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      );
      const toMb = (bytes: number): string => (bytes / 1e6).toFixed(0);
      bar.start(totalBytes, 0, { readMb: '0', totalMb: toMb(totalBytes), speed: '0' });
      const startedAt = process.hrtime.bigint();
      return {
        update: (bytesRead) => {
          const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
          bar.update(bytesRead, { readMb: toMb(bytesRead), speed: seconds > 0 ? (bytesRead / 1e6 / seconds).toFixed(0) : '0' });
        },
        stop: () => bar.stop(),
      };
    },
  };
}
