/**
 * `l2lab analyze`'s action: options → {@link readCapture} → text or JSON on stdout, problems on
 * stderr, and the exit code (docs/analyze.md "Exit codes"):
 * - 0: the analysis was printed — also a partial one (a capture cut mid-record is what a killed
 *   tcpdump leaves; its frames before the cut are good), flagged `partial: true` with a warning;
 * - 2: nothing could be analysed — missing file, not a capture, nothing readable, bad options;
 * - 5: interrupted (Ctrl-C): what was read so far is printed, flagged partial.
 */
import { EXIT, UserError } from '../cli/user-error.ts';
import { parseDurationUs, parseVipFilter } from './analyze-options.ts';
import { CaptureOpenError, readCapture } from './read-capture.ts';
import { analysisJson } from './render-json.ts';
import { renderAnalysisText } from './render-text.ts';

/** The command line's options, as commander hands them over. */
export interface AnalyzeCliOptions {
  readonly vip: readonly string[];
  readonly format: 'text' | 'json';
  readonly replyTimeout: string;
  readonly splitWindow: string;
  readonly maxListed: string;
  readonly maxRows: string;
}

/** Where output goes; progress is optional (a TTY only). */
export interface AnalyzeCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Starts a progress display; returns the update and stop functions. */
  readonly progress?: (totalBytes: number) => { update: (bytesRead: number) => void; stop: () => void };
  readonly signal?: AbortSignal;
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UserError(`${option}: expected a positive whole number, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Runs the analysis and returns the exit code.
 * @throws UserError for bad options and unreadable captures (exit 2).
 */
export async function runAnalyze(path: string, options: AnalyzeCliOptions, io: AnalyzeCliIo): Promise<number> {
  const vips = parseVipFilter(options.vip);
  if (!vips.ok) throw new UserError(vips.message);
  const replyTimeoutUs = parseDurationUs(options.replyTimeout, '--reply-timeout');
  if (!replyTimeoutUs.ok) throw new UserError(replyTimeoutUs.message);
  const splitWindowUs = parseDurationUs(options.splitWindow, '--split-window');
  if (!splitWindowUs.ok) throw new UserError(splitWindowUs.message);
  const maxListedPerIp = positiveInteger(options.maxListed, '--max-listed');
  const maxRows = positiveInteger(options.maxRows, '--max-rows');

  let progress: ReturnType<NonNullable<AnalyzeCliIo['progress']>> | undefined;
  let report;
  try {
    report = await readCapture(path, {
      analysis: { replyTimeoutUs: replyTimeoutUs.value, splitWindowUs: splitWindowUs.value, maxListedPerIp, ...(vips.value === undefined ? {} : { ipFilter: vips.value }) },
      onProgress: (bytesRead, totalBytes) => {
        progress ??= io.progress?.(totalBytes);
        progress?.update(bytesRead);
      },
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    });
  } catch (error) {
    if (error instanceof CaptureOpenError) throw new UserError(error.message);
    throw error;
  } finally {
    progress?.stop();
  }
  const { capture } = report;
  if (capture.arpPackets === 0 && capture.packets > 0 && capture.skipped['unknown-link-type'] === capture.packets) {
    throw new UserError(`reading capture ${path}: nothing could be analysed`, capture.problems.map((p) => p.message));
  }
  io.stdout(options.format === 'json' ? `${JSON.stringify(analysisJson(report, { vips: options.vip }), null, 2)}\n` : renderAnalysisText(report, { maxRows }));
  for (const problem of capture.problems) io.stderr(`l2lab analyze: ${problem.fatal ? 'error' : 'warning'}: ${path}: ${problem.message}\n`);
  if (capture.partial) io.stderr(`l2lab analyze: partial results for ${path} (flagged "partial": true in --format json)\n`);
  return capture.interrupted ? EXIT.interrupted : EXIT.ok;
}
