/**
 * Reads a lab process's history file (`<runDir>/proc/<name>.history.jsonl`, written by
 * `FileHistory` with one `writeSync` per op) after the run, tolerating what a SIGKILL leaves: a
 * last line cut mid-write, and — when the process was restarted and appended to the same file — a
 * cut line with the next incarnation's first op glued to it. Complete ops are kept; every damaged
 * line is reported as a problem (file and line number), never silently dropped.
 */
import { readFile } from 'node:fs/promises';
import type { HistoryOp } from '../../core/history.ts';
import { parseHistoryJsonl } from '../../history/jsonl.ts';

/** A line that was not (entirely) an op. */
export interface HistoryFileProblem {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly reason: string;
}

/** What a history file held. */
export interface HistoryFileContents {
  readonly ops: HistoryOp[];
  readonly problems: HistoryFileProblem[];
}

/** Every op line starts so (`opToJsonLine` writes `index` first). */
const OP_START = '{"index":';

/**
 * Reads `path` as jsonl ops.
 * @throws Error naming the path when the file cannot be read.
 */
export async function readHistoryJsonl(path: string): Promise<HistoryFileContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`reading the history file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parseHistoryFileText(text, path);
}

/** The pure part of {@link readHistoryJsonl}. */
export function parseHistoryFileText(text: string, path: string): HistoryFileContents {
  const ops: HistoryOp[] = [];
  const problems: HistoryFileProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const lineNumber = i + 1;
    const unterminated = i === lines.length - 1;
    const op = parseOne(line);
    if (op !== undefined) {
      ops.push(op);
      if (unterminated) problems.push({ path, line: lineNumber, reason: 'the last op has no newline (the writer stopped right after it); kept' });
      return;
    }
    const glued = line.lastIndexOf(OP_START);
    const recovered = glued > 0 ? parseOne(line.slice(glued)) : undefined;
    if (recovered !== undefined) {
      ops.push(recovered);
      problems.push({ path, line: lineNumber, reason: `a partial op (${glued} characters, cut mid-write) before a complete one; kept the complete one` });
    } else if (unterminated) {
      problems.push({ path, line: lineNumber, reason: `a partial last op (${line.length} characters, cut mid-write: SIGKILL?); dropped` });
    } else {
      problems.push({ path, line: lineNumber, reason: 'not an op; dropped' });
    }
  });
  return { ops, problems };
}

function parseOne(line: string): HistoryOp | undefined {
  try {
    return parseHistoryJsonl(line)[0];
  } catch {
    return undefined;
  }
}
