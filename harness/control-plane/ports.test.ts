import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Exec } from './exec.ts';
import { assertPortsFree, findFreePorts, listenerFromSs, PortInUseError } from './ports.ts';

const ssOutput = [
  'LISTEN 0      4096       127.0.0.1:23790      0.0.0.0:*    users:(("etcd",pid=4242,fd=7))',
  'LISTEN 0      511        127.0.0.1:16443      0.0.0.0:*',
].join('\n');

describe('listenerFromSs', () => {
  it('names the owner when ss shows it', () => {
    expect(listenerFromSs(ssOutput, 23790)).toBe('etcd (pid 4242)');
    expect(listenerFromSs(ssOutput, 16443)).toBe('another process');
    expect(listenerFromSs(ssOutput, 1)).toBeUndefined();
  });
});

describe('assertPortsFree', () => {
  let server: Server | undefined;
  afterAll(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  it('passes free ports and names a taken one', async () => {
    const [free, taken] = await findFreePorts('127.0.0.1', 2);
    if (free === undefined || taken === undefined) throw new Error('no ports');
    server = createServer();
    await new Promise<void>((done) => server?.listen(taken, '127.0.0.1', done));
    const fakeSs: Exec = async () => ({ stdout: `LISTEN 0 511 127.0.0.1:${taken} 0.0.0.0:* users:(("node",pid=7,fd=3))`, stderr: '' });
    await expect(assertPortsFree(fakeSs, '127.0.0.1', { 'kube-apiserver': free })).resolves.toBeUndefined();
    const error = await assertPortsFree(fakeSs, '127.0.0.1', { 'kube-apiserver': taken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`starting kube-apiserver on 127.0.0.1:${taken}: the port is already in use by node (pid 7); choose another port or stop it`);
  });
});
