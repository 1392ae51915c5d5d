/**
 * Calls an exported async function of a module inside a network namespace and returns its JSON
 * result: `ip netns exec <ns> node -e "import(module)[name](args)"`. For code that must reach
 * addresses only a namespace has (an API server on a lab bridge or a namespace's loopback) from
 * a process that lives elsewhere — the lab tests and the ARP benchmark. The function's result is
 * printed after a marker line, so its own logging on stdout cannot be mistaken for it; a throw or
 * the limit rejects naming the function, the namespace and the child's last stderr lines.
 */
import { spawn } from 'node:child_process';
import type { Clock } from '../../core/clock.ts';
import { SystemClock } from '../../core/system-clock.ts';

const MARKER = '@@l2lab-netns-call-result ';

/** Calls `exportName(args)` of `moduleUrl` inside `netns`. @throws Error naming what failed and the limit. */
export function callInNetns<T>(netns: string, moduleUrl: string, exportName: string, args: unknown, timeoutMs: number, clock: Pick<Clock, 'setTimer'> = new SystemClock()): Promise<T> {
  const script = `
    const args = JSON.parse(process.env.L2LAB_NETNS_CALL_ARGS ?? 'null');
    const module_ = await import(${JSON.stringify(moduleUrl)});
    const result = await module_[${JSON.stringify(exportName)}](args);
    process.stdout.write('\\n${MARKER}' + JSON.stringify(result ?? null) + '\\n');
    process.exit(0);`;
  const what = `${exportName} of ${moduleUrl} in netns ${netns}`;
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '--input-type=module', '-e', script], {
      env: { ...process.env, L2LAB_NETNS_CALL_ARGS: JSON.stringify(args) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    const timer = clock.setTimer(timeoutMs, () => child.kill('SIGKILL'));
    child.once('error', (error) => {
      timer.cancel();
      reject(new Error(`calling ${what}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      timer.cancel();
      const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
      if (code === 0 && line !== undefined) {
        resolve(JSON.parse(line.slice(MARKER.length)) as T);
        return;
      }
      const why = signal === 'SIGKILL' ? `no result within ${timeoutMs} ms` : `exited ${code ?? signal}`;
      reject(new Error(`calling ${what}: ${why}; stderr:\n${stderr.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}
