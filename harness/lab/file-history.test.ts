import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHistoryJsonl } from '../history/jsonl.ts';
import { FileHistory } from './file-history.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'l2lab-history-'));
  dirs.push(dir);
  return dir;
}

describe('FileHistory', () => {
  it('appends one jsonl line per op, continuing an existing file', () => {
    const path = join(tempDir(), 'n1-agent.history.jsonl');
    let now = 5;
    const first = new FileHistory(path, { monotonicMs: () => now });
    first.record({ process: 'n1', type: 'info', f: 'became-leader', value: { lease: 'l' } });
    first.close();
    now = 9;
    const second = new FileHistory(path, { monotonicMs: () => now });
    second.record({ process: 'n1', type: 'info', f: 'lost-leader', value: { lease: 'l', reason: 'cancelled' }, tMs: 8.5 });
    second.close();
    expect(() => second.record({ process: 'n1', type: 'info', f: 'x', value: null })).toThrow(/closed/);
    const ops = parseHistoryJsonl(readFileSync(path, 'utf8'));
    expect(ops.map((op) => [op.tMs, op.f])).toEqual([[5, 'became-leader'], [8.5, 'lost-leader']]);
  });

  it('loses nothing recorded before a SIGKILL', async () => {
    const path = join(tempDir(), 'killed.history.jsonl');
    // The child records ops as fast as it can and reports each count; the parent kills it mid-way.
    const script = `
      const { FileHistory } = await import(${JSON.stringify(new URL('./file-history.ts', import.meta.url).href)});
      const history = new FileHistory(${JSON.stringify(path)}, { monotonicMs: () => 1 });
      for (let i = 0; ; i += 1) {
        history.record({ process: 'n1', type: 'info', f: 'tick', value: { i } });
        if (i % 100 === 99) process.stdout.write(String(i + 1) + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reported = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const counts = chunk.toString().trim().split('\n').map(Number);
        reported = Math.max(reported, ...counts);
        if (reported >= 2000) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    const exit = await new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    expect(exit).toBe('SIGKILL');
    const ops = parseHistoryJsonl(readFileSync(path, 'utf8'));
    expect(ops.length).toBeGreaterThanOrEqual(reported);
    expect(ops.map((op) => (op.value as { i: number }).i)).toEqual(ops.map((_, i) => i));
  });
});
