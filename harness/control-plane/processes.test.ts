import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, parseProcStat, startDetached, stopProcess } from './processes.ts';

describe('parseProcStat', () => {
  it('reads state and start time even when the name has spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    fields[19] = '123456';
    expect(parseProcStat(`42 (kube (api) server) ${fields.join(' ')}`)).toEqual({ state: 'S', startTimeTicks: 123456 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});

describe('startDetached / stopProcess', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts a detached process, sees it running, stops it by PID, leaves nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'l2lab-proc-'));
    const record = await startDetached('sleeper', ['sleep', '30'], join(dir, 'sleep.log'));
    expect(await isRunning(record)).toBe(true);
    expect(await isRunning({ ...record, startTimeTicks: record.startTimeTicks + 1 })).toBe(false); // PID reuse guard
    expect(await stopProcess(record)).toBe('terminated');
    expect(await isRunning(record)).toBe(false);
    expect(await stopProcess(record)).toBe('not-running');
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const record = await startDetached('stubborn', ['bash', '-c', 'trap "" TERM; for i in $(seq 300); do sleep 0.1; done'], join(dir, 'stubborn.log'));
    await new Promise((r) => setTimeout(r, 200)); // let bash install the trap
    expect(await stopProcess(record, 300)).toBe('killed');
  });

  it('names a binary that cannot start', async () => {
    await expect(startDetached('nothing', ['/nonexistent/bin'], join(dir, 'n.log'))).rejects.toThrow(/starting nothing \(\/nonexistent\/bin\)/);
  });
});
