/**
 * NeighMonitor's start failure without a namespace to watch (the real monitor runs in
 * capture.lab.test.ts): the error names the namespace and carries `ip`'s own message, and the
 * process reported to the caller is gone.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../core/system-clock.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { NeighMonitor } from './neigh-monitor.ts';
import type { SpawnedProcess } from './tracked-child.ts';

const hasIp = spawnSync('ip', ['-V'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasIp)('NeighMonitor.start', () => {
  it('fails naming the namespace, with ip\'s stderr, when the namespace does not exist', async () => {
    const clock = new SystemClock();
    const spawned: SpawnedProcess[] = [];
    const netns = 'l2lcap-no-such-netns';
    const error = await NeighMonitor.start({ netns, client: 'c1', clock, history: new MemoryHistory(clock), onSpawn: (p) => void spawned.push(p) }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`^starting ip monitor neigh in netns ${netns}: exited \\(code \\d+\\) before subscribing; stderr: .*${netns}`));
    expect(spawned.map((p) => p.argv.join(' '))).toEqual([`ip -n ${netns} monitor neigh`]);
    expect(() => process.kill(spawned[0]?.pid as number, 0)).toThrow();
  });
});
