/**
 * TCP port checks before start-up, so that "port already in use" is reported up front with the
 * owner's name instead of as a dead process and a log line.
 */
import { createServer } from 'node:net';
import type { Exec } from './exec.ts';

/** A port the control plane wants is taken. */
export class PortInUseError extends Error {
  readonly code = 'port-in-use';
}

function tryListen(address: string, port: number): Promise<number | NodeJS.ErrnoException> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolvePromise(error));
    server.listen({ host: address, port, exclusive: true }, () => {
      const bound = server.address();
      const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
      server.close(() => resolvePromise(boundPort));
    });
  });
}

/** A port the OS reports free on `address` right now (it may be taken again before use). */
export async function findFreePort(address: string): Promise<number> {
  const result = await tryListen(address, 0);
  if (typeof result !== 'number') throw new Error(`finding a free TCP port on ${address}: ${result.message}`, { cause: result });
  return result;
}

/** Distinct free ports; retries collisions a bounded number of times. */
export async function findFreePorts(address: string, count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count; attempt++) {
    if (attempt > count * 10) throw new Error(`finding ${count} free TCP ports on ${address}: gave up after ${attempt} attempts`);
    ports.add(await findFreePort(address));
  }
  return [...ports];
}

/** Reads `ss -ltnpH` output and names the process listening on `port`, if ss can tell. Pure. */
export function listenerFromSs(ssOutput: string, port: number): string | undefined {
  for (const line of ssOutput.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[3] ?? '';
    if (!local.endsWith(`:${port}`)) continue;
    const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    return m ? `${m[1] ?? '?'} (pid ${m[2] ?? '?'})` : 'another process';
  }
  return undefined;
}

/**
 * Checks that each `what: port` pair can be bound on `address`.
 * @throws PortInUseError naming the component, the address:port and, when `ss` can tell, the owner.
 */
export async function assertPortsFree(exec: Exec, address: string, ports: Readonly<Record<string, number>>): Promise<void> {
  for (const [what, port] of Object.entries(ports)) {
    const result = await tryListen(address, port);
    if (typeof result === 'number') continue;
    if (result.code !== 'EADDRINUSE') {
      throw new PortInUseError(`starting ${what} on ${address}:${port}: cannot bind (${result.code ?? result.message})`, { cause: result });
    }
    const ss = await exec('ss', ['-ltnpH'], { timeoutMs: 5000 }).then((r) => r.stdout, () => '');
    const owner = listenerFromSs(ss, port) ?? 'another process';
    throw new PortInUseError(`starting ${what} on ${address}:${port}: the port is already in use by ${owner}; choose another port or stop it`);
  }
}
