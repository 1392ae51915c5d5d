/**
 * `up` inside a network namespace on a given address (the lab's control-plane netns), through
 * `ip netns exec`: the test makes its own namespace with 198.18.0.2 (benchmark range) on its
 * loopback, starts the control plane there, checks readiness from inside, stops it from the host
 * by PID, and deletes the namespace. Needs root and iproute2; skips with a printed reason otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './binaries.ts';
import { binariesForTests, CP_TEST_TIMEOUT_MS, tempRunDir } from './cp-test-support.ts';
import { controlPlaneStatus, downControlPlane } from './down.ts';
import { isRunning } from './processes.ts';
import { upControlPlane } from './up.ts';

const setup = await binariesForTests();
const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync('ip', ['-V'], { stdio: 'ignore' }).status === 0;
const canNetns = isRoot && hasIp && spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
if (setup.binaries !== undefined && !canNetns) process.stderr.write('control-plane netns test skipped: needs root and iproute2 (ip netns)\n');

describe.skipIf(setup.binaries === undefined || !canNetns)('control plane inside a network namespace', () => {
  const netns = `l2cp-${randomBytes(3).toString('hex')}`;
  const address = '198.18.0.2';
  let runDir = '';

  afterAll(async () => {
    if (runDir) await downControlPlane(runDir).catch(() => undefined);
    spawnSync('ip', ['netns', 'del', netns], { stdio: 'ignore' });
  }, CP_TEST_TIMEOUT_MS);

  it('starts on the namespace address, is ready from inside, stops from the host', async () => {
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['-n', netns, 'addr', 'add', `${address}/32`, 'dev', 'lo']);
    runDir = await tempRunDir('cp-netns');
    const record = await upControlPlane({ runDir, nodeNames: ['node-1'], netns, address, ports: { apiserverPort: 0 } });
    expect(record).toMatchObject({ state: 'ready', netns, address });
    expect(record.serverUrl).toMatch(/^https:\/\/198\.18\.0\.2:\d+$/);

    const fromHost = await controlPlaneStatus(runDir);
    expect(fromHost.ready).toBe('unknown');
    expect(fromHost.processes.every((p) => p.running)).toBe(true);
    const inside = spawnSync('ip', ['netns', 'exec', netns, process.execPath, join(REPO_ROOT, 'bin/l2lab.mjs'), 'control-plane', 'status', '--run-dir', runDir], { encoding: 'utf8', timeout: 60_000 });
    expect(inside.stdout).toContain('ready=true');
    expect(inside.status).toBe(0);

    await downControlPlane(runDir);
    for (const p of record.processes) expect(await isRunning(p)).toBe(false);
    runDir = '';
  }, CP_TEST_TIMEOUT_MS);
});
