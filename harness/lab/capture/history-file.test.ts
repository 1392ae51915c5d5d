/** Process history files after a SIGKILL: complete ops kept, damaged lines reported. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/history.ts';
import { opToJsonLine } from '../../history/jsonl.ts';
import { parseHistoryFileText, readHistoryJsonl } from './history-file.ts';

const scratch = await mkdtemp(join(tmpdir(), 'l2lab-hfile-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const op = (index: number, tMs: number, f: string): HistoryOp => ({ index, tMs, process: 'node-1', type: 'info', f, value: { lease: 'l' } });
const line = (o: HistoryOp): string => `${opToJsonLine(o)}\n`;

describe('readHistoryJsonl', () => {
  it('reads a clean file', async () => {
    const path = join(scratch, 'clean.history.jsonl');
    await writeFile(path, line(op(0, 1, 'a')) + line(op(1, 2, 'b')));
    expect(await readHistoryJsonl(path)).toEqual({ ops: [op(0, 1, 'a'), op(1, 2, 'b')], problems: [] });
  });

  it('keeps the complete lines of a file cut mid-op and reports the partial one', () => {
    const text = line(op(0, 1, 'a')) + line(op(1, 2, 'b')) + line(op(2, 3, 'c')).slice(0, 30);
    const result = parseHistoryFileText(text, 'agent.history.jsonl');
    expect(result.ops.map((o) => o.f)).toEqual(['a', 'b']);
    expect(result.problems).toEqual([{ path: 'agent.history.jsonl', line: 3, reason: 'a partial last op (30 characters, cut mid-write: SIGKILL?); dropped' }]);
  });

  it('recovers the next incarnation\'s op glued to a cut line (a restarted process appends to the same file)', () => {
    const text = line(op(0, 1, 'a')) + line(op(1, 2, 'cut')).slice(0, 25) + line(op(0, 9, 'restarted')) + line(op(1, 10, 'later'));
    const result = parseHistoryFileText(text, 'f');
    expect(result.ops.map((o) => o.f)).toEqual(['a', 'restarted', 'later']);
    expect(result.problems).toEqual([{ path: 'f', line: 2, reason: 'a partial op (25 characters, cut mid-write) before a complete one; kept the complete one' }]);
  });

  it('keeps a complete last op that lacks only its newline, and reports a line that is no op', () => {
    const text = `${line(op(0, 1, 'a'))}garbage\n${opToJsonLine(op(1, 2, 'b'))}`;
    const result = parseHistoryFileText(text, 'f');
    expect(result.ops.map((o) => o.f)).toEqual(['a', 'b']);
    expect(result.problems.map((p) => [p.line, p.reason])).toEqual([
      [2, 'not an op; dropped'],
      [3, 'the last op has no newline (the writer stopped right after it); kept'],
    ]);
  });

  it('names the file it cannot read', async () => {
    await expect(readHistoryJsonl(join(scratch, 'none.jsonl'))).rejects.toThrow(/reading the history file .*none\.jsonl: ENOENT/);
  });
});
