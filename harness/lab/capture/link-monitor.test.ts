/**
 * LinkMonitor on this process's own namespace, read only (`lo` is always there and up; nothing is
 * changed): the initial read, a missing interface as a problem, and the bounded restart of a
 * monitor killed under it. Cable pulls are in harness/lab/link-watch.lab.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../core/system-clock.ts';
import { LinkMonitor } from './link-monitor.ts';
import type { SpawnedProcess } from './tracked-child.ts';

const hasIp = spawnSync('ip', ['-V'], { stdio: 'ignore' }).status === 0;
const clock = new SystemClock();

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (condition()) return;
    await clock.sleep(20);
  }
  throw new Error(`waiting for ${what}: not within 10000 ms`);
}

describe.skipIf(!hasIp)('LinkMonitor', () => {
  it('reads the initial state, reports a missing interface, restarts a killed monitor and gives up after the bound', async () => {
    const problems: string[] = [];
    const spawned: SpawnedProcess[] = [];
    const transitions: string[] = [];
    const monitor = await LinkMonitor.start({
      ifaces: ['lo', 'l2l-no-such-if'],
      clock,
      maxRestarts: 1,
      onTransition: (iface, t) => void transitions.push(`${iface} ${t}`),
      onProblem: (m) => void problems.push(m),
      onSpawn: (p) => void spawned.push(p),
    });
    try {
      expect(monitor.known().get('lo')).toBe(true);
      expect(transitions).toEqual([]);
      expect(problems.filter((p) => p.startsWith('link state'))).toEqual(['link state in this netns: no interface l2l-no-such-if']);
      const exits = (): string[] => problems.filter((p) => p.includes('exited on its own'));
      expect(spawned.map((p) => p.argv.join(' '))).toEqual(['setpriv --pdeathsig TERM ip -o monitor link']);

      process.kill(spawned[0]?.pid as number, 'SIGKILL');
      await until(() => spawned.length === 2 && exits().length === 1, 'the restart');
      // stderr: whatever ip printed about other namespaces' links (this is the host's namespace).
      expect(exits()[0]).toMatch(/^ip monitor link in this netns exited on its own \(SIGKILL; stderr: [\s\S]*\); restarting it \(1 of at most 1\)$/);
      expect(monitor.restarts).toBe(1);

      process.kill(spawned[1]?.pid as number, 'SIGKILL');
      await until(() => problems.some((p) => p.includes('gave up')), 'giving up');
      // The second monitor may die before or after it subscribed: either way the bound is reached.
      expect(problems.find((p) => p.includes('gave up'))).toMatch(/gave up after 1 restarts: link changes are no longer seen$/);
      expect(spawned).toHaveLength(2);
    } finally {
      await monitor.stop();
    }
    for (const p of spawned) expect(() => process.kill(p.pid, 0)).toThrow();
  });

  it('stops its monitor', async () => {
    const spawned: SpawnedProcess[] = [];
    const monitor = await LinkMonitor.start({ ifaces: ['lo'], clock, onTransition: () => undefined, onProblem: () => undefined, onSpawn: (p) => void spawned.push(p) });
    await monitor.stop();
    await monitor.stop();
    expect(() => process.kill(spawned[0]?.pid as number, 0)).toThrow();
  });

  it('ends with the process that started it, also when that one is SIGKILLed (setpriv --pdeathsig)', async () => {
    const here = import.meta.dirname;
    const script = `import { LinkMonitor } from ${JSON.stringify(join(here, 'link-monitor.ts'))};
import { SystemClock } from ${JSON.stringify(join(here, '../../core/system-clock.ts'))};
await LinkMonitor.start({ ifaces: ['lo'], clock: new SystemClock(), onTransition: () => {}, onProblem: () => {}, onSpawn: (p) => void process.stdout.write(p.pid + '\\n') });
setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    const firstLine = await new Promise<string>((resolve) => createInterface({ input: parent.stdout }).once('line', resolve));
    const monitorPid = Number(firstLine);
    expect(Number.isInteger(monitorPid)).toBe(true);
    parent.kill('SIGKILL');
    await exited;
    // Gone, or a zombie waiting for init: either way no longer running.
    const running = (): boolean => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${monitorPid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await until(() => !running(), 'the monitor to end after its parent');
    expect(running()).toBe(false);
  });
});
