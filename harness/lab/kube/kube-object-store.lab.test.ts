/**
 * KubeObjectStore against a real kube-apiserver + etcd, started with `upControlPlane` on the
 * loopback of a namespace this test creates (198.18.0.2). The store runs inside that namespace
 * (`callInNetns`, `kube-store.lab-steps.ts`): CAS conflicts, NotFound and AlreadyExists, DELETE
 * and PATCH preconditions, the Service status subresource (conditions get their required
 * lastTransitionTime), RBAC refusals, and a watch that survives the API server being frozen
 * (SIGSTOP) past its idle limit and thawed (SIGCONT): it resumes from its last revision.
 * Needs root, iproute2 and the control-plane binaries (`make control-plane`); skips otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesForTests, CP_TEST_TIMEOUT_MS, tempRunDir } from '../../control-plane/cp-test-support.ts';
import { downControlPlane, tokenOf } from '../../control-plane/down.ts';
import { layoutFor } from '../../control-plane/layout.ts';
import type { RunRecord } from '../../control-plane/run-record.ts';
import { upControlPlane } from '../../control-plane/up.ts';
import { callInNetns } from '../proc/netns-call.ts';
import type { FreezeWatchResult, StepApi } from './kube-store.lab-steps.ts';

const setup = await binariesForTests();
const canNetns = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;
if (!canNetns) process.stderr.write('KubeObjectStore lab test skipped: needs root and iproute2 (ip netns)\n');
const STEPS = new URL('./kube-store.lab-steps.ts', import.meta.url).href;

describe.skipIf(setup.binaries === undefined || !canNetns)('KubeObjectStore against a real kube-apiserver', () => {
  const netns = `l2lp-${randomBytes(3).toString('hex')}-cp`;
  let runDir = '';
  let record: RunRecord;
  let api: StepApi;
  let apiserverPid = 0;

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['-n', netns, 'addr', 'add', '198.18.0.2/32', 'dev', 'lo']);
    runDir = await tempRunDir('lab-kube-store');
    record = await upControlPlane({ runDir, nodeNames: ['n1'], netns, address: '198.18.0.2', ports: { apiserverPort: 0 }, ...(setup.binaries === undefined ? {} : { binaries: setup.binaries }) });
    const layout = layoutFor(runDir);
    const tokens = await readFile(layout.tokenFilePath, 'utf8');
    api = { serverUrl: record.serverUrl, caPem: await readFile(layout.caCertPath, 'utf8'), adminToken: tokenOf(tokens, 'l2lab-admin'), nodeToken: tokenOf(tokens, 'system:node:n1') };
    apiserverPid = record.processes.find((p) => p.name === 'kube-apiserver')?.pid ?? 0;
  }, CP_TEST_TIMEOUT_MS);

  afterAll(async () => {
    if (apiserverPid > 0) spawnSync('kill', ['-CONT', String(apiserverPid)], { stdio: 'ignore' });
    if (runDir) await downControlPlane(runDir).catch(() => undefined);
    spawnSync('ip', ['netns', 'del', netns], { stdio: 'ignore' });
  }, CP_TEST_TIMEOUT_MS);

  it('types CAS conflicts, NotFound, taken names and refusals; writes status through /status', async () => {
    const seen = await callInNetns<Record<string, { outcome: string; message: string } & Record<string, unknown>>>(netns, STEPS, 'casAndErrors', api, 60_000);
    expect(Number(seen['replacedRv'])).toBeGreaterThan(Number(seen['createdRv']));
    expect(seen['stale']?.outcome).toBe('store-conflict/resource-version');
    expect(seen['stale']?.message).toMatch(/^update leases kube-system\/cas-test as n1: HTTP 409 Conflict: /);
    expect(seen['taken']?.outcome).toBe('store-conflict/already-exists');
    expect(seen['missing']?.outcome).toBe('store-not-found');
    expect(seen['badDelete']?.outcome).toBe('store-conflict/resource-version');
    expect(seen['stalePatch']?.outcome).toBe('store-conflict/resource-version');
    expect(seen['gone']?.outcome).toBe('store-not-found');
    const status = seen['patchedStatus'] as unknown as { loadBalancer: unknown; conditions: { lastTransitionTime?: string; reason: string }[] };
    expect(status.loadBalancer).toEqual({ ingress: [{ ip: '198.18.0.240', ipMode: 'VIP' }] });
    expect(status.conditions[0]?.reason).toBe('satisfied');
    expect(status.conditions[0]?.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(seen['forbidden']?.outcome).toBe('store-invalid');
    expect(seen['forbidden']?.message).toContain('HTTP 403 Forbidden');
    expect(seen['nodeNamespaces']).toEqual([]);
    expect(seen['unknown']?.outcome).toBe('store-invalid');
  }, CP_TEST_TIMEOUT_MS);

  it('a watch survives a frozen API server and resumes from its last revision after the thaw', async () => {
    const result = await callInNetns<FreezeWatchResult>(netns, STEPS, 'watchAcrossFreeze', { ...api, apiserverPid, frozenMs: 4_000, idleTimeoutMs: 1_500 }, 90_000);
    expect(result.events.map((e) => e.replace(/@\d+$/, ''))).toEqual(['ADDED n1', 'MODIFIED n2']);
    const rvs = result.events.map((e) => Number(e.split('@')[1]));
    expect(rvs[1]).toBeGreaterThan(rvs[0] ?? Infinity);
    const kinds = result.notices.map((n) => n.kind);
    expect(kinds[0]).toBe('connected');
    expect(kinds).toContain('broken');
    expect(kinds).not.toContain('relisted');
    const resumed = result.notices.slice(kinds.indexOf('broken')).find((n) => n.kind === 'connected');
    expect(resumed).toMatchObject({ kind: 'connected', resourceVersion: expect.stringMatching(/^\d+$/) });
  }, CP_TEST_TIMEOUT_MS);
});
