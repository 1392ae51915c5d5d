/**
 * Lifecycle of a real control plane on loopback: up on free ports, /version, status, down, and
 * nothing left behind (no process, no listening port, no run directory); `up` on a port that is
 * already taken fails with a message naming the port and changes nothing.
 */
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { apiGet } from './api-http.ts';
import { binariesForTests, CP_TEST_TIMEOUT_MS, tempRunDir } from './cp-test-support.ts';
import { controlPlaneStatus, downControlPlane, tokenOf } from './down.ts';
import { findFreePort, PortInUseError } from './ports.ts';
import { isRunning } from './processes.ts';
import type { RunRecord } from './run-record.ts';
import { upControlPlane } from './up.ts';

const setup = await binariesForTests();

async function portAcceptsConnections(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

describe.skipIf(setup.binaries === undefined)('control plane lifecycle (real kube-apiserver + etcd)', () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const dir of cleanup) await downControlPlane(dir).catch(() => undefined);
  }, CP_TEST_TIMEOUT_MS);

  it('starts on free loopback ports, reports the pinned version, stops with nothing left behind', async () => {
    const runDir = await tempRunDir('cp-life');
    cleanup.push(runDir);
    const record: RunRecord = await upControlPlane({ runDir, nodeNames: ['node-1'], ports: { apiserverPort: 0 }, binaries: setup.binaries });
    expect(record.state).toBe('ready');
    expect(record.processes.map((p) => p.name)).toEqual(['etcd', 'kube-apiserver']);

    const token = tokenOf(await readFile(`${runDir}/pki/tokens.csv`, 'utf8'), 'l2lab-admin');
    const version = await apiGet({ serverUrl: record.serverUrl, caPem: await readFile(record.paths.caCert, 'utf8'), token }, '/version', 5000);
    expect(JSON.parse(version.body)).toMatchObject({ gitVersion: setup.binaries?.versions.kubeVersion, major: '1' });

    const status = await controlPlaneStatus(runDir);
    expect(status.ready).toBe(true);
    expect(status.processes.every((p) => p.running)).toBe(true);

    const report = await downControlPlane(runDir);
    expect(report.stopped.map((s) => [s.name, s.how])).toEqual([['kube-apiserver', 'terminated'], ['etcd', 'terminated']]);
    for (const p of record.processes) expect(await isRunning(p)).toBe(false);
    for (const port of Object.values(record.ports)) expect(await portAcceptsConnections(port)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  }, CP_TEST_TIMEOUT_MS);

  it('refuses a port that is already in use, naming it, and starts nothing', async () => {
    const port = await findFreePort('127.0.0.1');
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    try {
      const runDir = await tempRunDir('cp-busy');
      const error = await upControlPlane({ runDir, nodeNames: [], ports: { apiserverPort: port }, binaries: setup.binaries }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toMatch(new RegExp(`^starting kube-apiserver on 127\\.0\\.0\\.1:${port}: the port is already in use by `));
      expect(existsSync(`${runDir}/control-plane.json`)).toBe(false);
      await rm(runDir, { recursive: true, force: true });
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  }, CP_TEST_TIMEOUT_MS);
});
