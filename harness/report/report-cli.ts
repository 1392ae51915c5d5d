/**
 * `l2lab report <run-dir>` behind the command line: re-judges `history.jsonl` against `run.json`
 * with the current checkers, rewrites every derived file (`results.json`, `summary.md`,
 * `timeline.txt`, `junit.xml`, the plots), prints the summary and exits as `l2lab run` would
 * have. Loaded lazily by `cli/report-command.ts`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UserError } from '../cli/user-error.ts';
import type { HistoryOp } from '../core/history.ts';
import { parseHistoryJsonl } from '../history/jsonl.ts';
import { EXIT_OF } from '../run/run-cli.ts';
import { renderRunText } from './render-text.ts';
import { writeDerivedFiles } from './report.ts';
import { RUN_INFO_VERSION, type RunInfo } from './run-info.ts';

/** Re-renders a report directory; returns the exit code. @throws UserError for an unreadable directory. */
export async function rerenderReport(dir: string, options: { readonly format: 'text' | 'json' }, stdout: (text: string) => void): Promise<number> {
  const { info, ops } = await readRunDir(dir);
  const { results } = await writeDerivedFiles(dir, info, ops);
  const exitCode = info.end === 'interrupted' ? EXIT.interrupted : EXIT_OF[results.outcome];
  if (options.format === 'json') stdout(`${JSON.stringify({ report: dir, end: info.end, exitCode, results }, null, 2)}\n`);
  else stdout(renderRunText(info, results, dir));
  return exitCode;
}

/** A run directory's run.json and history. @throws UserError for a missing or corrupt file. */
export async function readRunDir(dir: string): Promise<{ readonly info: RunInfo; readonly ops: HistoryOp[]; readonly historyText: string }> {
  const info = parseRunInfo(await readText(join(dir, 'run.json')), join(dir, 'run.json'));
  const historyText = await readText(join(dir, 'history.jsonl'));
  try {
    return { info, ops: parseHistoryJsonl(historyText), historyText };
  } catch (error) {
    throw new UserError(`${join(dir, 'history.jsonl')}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : '';
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'no such file (is this an l2lab run directory?)' : error instanceof Error ? error.message : String(error)}`);
  }
}

/** run.json, checked for the fields the renderers read. */
function parseRunInfo(text: string, path: string): RunInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${path}: not JSON`);
  }
  const info = value as Partial<RunInfo> | null;
  if (typeof info !== 'object' || info === null || info.version !== RUN_INFO_VERSION) throw new UserError(`${path}: expected run.json version ${RUN_INFO_VERSION}`);
  for (const key of ['scenario', 'judge', 'steps', 'timing', 'topology', 'sim', 'invocation'] as const) {
    if (typeof info[key] !== 'object' || info[key] === null) throw new UserError(`${path}: missing ${key}`);
  }
  return info as RunInfo;
}
