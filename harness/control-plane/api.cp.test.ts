/**
 * The API the lab relies on, against a real kube-apiserver + etcd: Lease create/get/replace with
 * optimistic concurrency (409 on a stale resourceVersion), a watch that sees the change, the CRDs'
 * validation (a bad CIDR is rejected, the seed manifests are accepted), and request accounting:
 * per-identity audit counts and the /metrics diff equal what this test actually sent.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoordinationV1Api, KubernetesObjectApi, V1MicroTime, Watch, type KubernetesObject, type V1Lease } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorCode } from './api-error.ts';
import { summarizeAudit, type AuditSummary } from './audit-log.ts';
import { REPO_ROOT } from './binaries.ts';
import { binariesForTests, CP_TEST_TIMEOUT_MS, tempRunDir } from './cp-test-support.ts';
import { downControlPlane } from './down.ts';
import { diffLeaseMetrics } from './lease-metrics.ts';
import { parseManifests } from './manifests.ts';
import { auditCursor, endpointFor, kubeConfigFor, scrapeLeaseMetrics } from './measure.ts';
import type { RunRecord } from './run-record.ts';
import { upControlPlane } from './up.ts';
import { waitFor } from './wait.ts';

const setup = await binariesForTests();
const NS = 'kube-system';

function lease(name: string, holder: string): V1Lease {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: NS }, spec: { holderIdentity: holder, leaseDurationSeconds: 15 } };
}

describe.skipIf(setup.binaries === undefined)('API semantics and accounting (real kube-apiserver + etcd)', () => {
  let record: RunRecord;
  let runDir = '';

  beforeAll(async () => {
    runDir = await tempRunDir('cp-api');
    record = await upControlPlane({ runDir, nodeNames: ['node-1', 'node-2'], ports: { apiserverPort: 0 }, binaries: setup.binaries });
  }, CP_TEST_TIMEOUT_MS);

  afterAll(async () => {
    if (runDir) await downControlPlane(runDir).catch(() => undefined);
  }, CP_TEST_TIMEOUT_MS);

  it('creates, gets and replaces a Lease, and answers 409 to a replace with a stale resourceVersion', async () => {
    const api = kubeConfigFor(record, 'node-1').makeApiClient(CoordinationV1Api);
    const created = await api.createNamespacedLease({ namespace: NS, body: lease('cilium-l2announce-default-svc-a', 'node-1') });
    const got = await api.readNamespacedLease({ name: 'cilium-l2announce-default-svc-a', namespace: NS });
    expect(got.spec?.holderIdentity).toBe('node-1');
    expect(got.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    const renewed = await api.replaceNamespacedLease({
      name: 'cilium-l2announce-default-svc-a', namespace: NS,
      body: { ...got, spec: { ...got.spec, renewTime: new V1MicroTime() } },
    });
    expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(Number(got.metadata?.resourceVersion));
    const stale = await api.replaceNamespacedLease({ name: 'cilium-l2announce-default-svc-a', namespace: NS, body: { ...got, spec: { ...got.spec, holderIdentity: 'node-1' } } }).catch((e: unknown) => e);
    expect(apiErrorCode(stale)).toBe(409);
  }, CP_TEST_TIMEOUT_MS);

  it('a watch sees a Lease change made by another identity', async () => {
    const node2 = kubeConfigFor(record, 'node-2').makeApiClient(CoordinationV1Api);
    const created = await node2.createNamespacedLease({ namespace: NS, body: lease('cilium-l2announce-default-svc-w', 'node-2') });
    const seen: string[] = [];
    const watch = new Watch(kubeConfigFor(record, 'admin'));
    const controller = await watch.watch(
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`,
      { resourceVersion: created.metadata?.resourceVersion ?? '0', fieldSelector: 'metadata.name=cilium-l2announce-default-svc-w' },
      (type: string, obj: V1Lease) => seen.push(`${type}:${obj.spec?.holderIdentity ?? ''}`),
      () => undefined,
    );
    try {
      await node2.replaceNamespacedLease({ name: 'cilium-l2announce-default-svc-w', namespace: NS, body: { ...created, spec: { ...created.spec, holderIdentity: 'node-1' } } });
      await waitFor({ what: 'the watch event', timeoutMs: 10_000, pollMs: 50, probe: async () => (seen.includes('MODIFIED:node-1') ? { done: true } : { done: false, last: `seen ${seen.join(',') || 'nothing'}` }) });
    } finally {
      controller.abort();
    }
  }, CP_TEST_TIMEOUT_MS);

  it('rejects a pool with a bad CIDR and accepts the Cilium objects of every seed manifest', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfigFor(record, 'admin'));
    const bad = { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'bad-cidr' }, spec: { blocks: [{ cidr: '192.168.300.0/24' }] } };
    const error = await objects.create(bad).catch((e: unknown) => e);
    expect(apiErrorCode(error)).toBe(422);
    expect(String((error as { body?: unknown }).body)).toContain('spec.blocks[0].cidr');

    const seedDir = join(REPO_ROOT, 'fixtures/seed-manifests');
    const accepted: string[] = [];
    for (const file of (await readdir(seedDir)).filter((f) => f.endsWith('.yaml') && !f.endsWith('-values.yaml')).sort()) {
      const docs: KubernetesObject[] = parseManifests(await readFile(join(seedDir, file), 'utf8'), file);
      // Only the Cilium kinds: the Gateway API CRDs are not part of the lab control plane.
      for (const doc of docs.filter((d) => d.apiVersion?.startsWith('cilium.io/'))) {
        await objects.create(doc);
        accepted.push(`${file}:${doc.kind}/${doc.metadata?.name}`);
      }
    }
    expect(accepted).toEqual(expect.arrayContaining([
      'homelab-gateway.yaml:CiliumLoadBalancerIPPool/address-pool',
      'talos-default.yaml:CiliumLoadBalancerIPPool/default', // cilium.io/v2
      'talos-webpool.yaml:CiliumL2AnnouncementPolicy/l2-announcement-policy',
    ]));
  }, CP_TEST_TIMEOUT_MS);

  it('audit counts per identity and the /metrics diff match what the clients sent', async () => {
    const scraper = await endpointFor(record);
    const before = await scrapeLeaseMetrics(scraper);
    const cursor = await auditCursor(record);
    const n1 = kubeConfigFor(record, 'node-1').makeApiClient(CoordinationV1Api);
    const n2 = kubeConfigFor(record, 'node-2').makeApiClient(CoordinationV1Api);
    let current = await n1.createNamespacedLease({ namespace: NS, body: lease('cilium-l2announce-default-svc-b', 'node-1') });
    for (let i = 0; i < 5; i++) current = await n1.readNamespacedLease({ name: 'cilium-l2announce-default-svc-b', namespace: NS });
    for (let i = 0; i < 3; i++) current = await n1.replaceNamespacedLease({ name: 'cilium-l2announce-default-svc-b', namespace: NS, body: current });
    for (let i = 0; i < 2; i++) await n2.readNamespacedLease({ name: 'cilium-l2announce-default-svc-b', namespace: NS });
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } };
    expect(apiErrorCode(await n2.replaceNamespacedLease({ name: 'cilium-l2announce-default-svc-b', namespace: NS, body: stale }).catch((e: unknown) => e))).toBe(409);

    const expected = {
      'system:node:node-1': { create: { '201': 1 }, get: { '200': 5 }, update: { '200': 3 } },
      'system:node:node-2': { get: { '200': 2 }, update: { '409': 1 } },
    };
    let summary: AuditSummary = {};
    const events: Parameters<typeof summarizeAudit>[0][number][] = [];
    const codesOf = (s: AuditSummary, user: string): Record<string, Record<string, number>> =>
      Object.fromEntries(Object.entries(s[user] ?? {}).map(([verb, stats]) => [verb, { ...stats.byCode }]));
    await waitFor({
      what: 'the audit log to record the test requests (batch flush)', timeoutMs: 15_000, pollMs: 250,
      probe: async () => {
        events.push(...(await cursor.readNew()).events);
        summary = summarizeAudit(events);
        const ok = JSON.stringify(codesOf(summary, 'system:node:node-1')) === JSON.stringify(expected['system:node:node-1'])
          && JSON.stringify(codesOf(summary, 'system:node:node-2')) === JSON.stringify(expected['system:node:node-2']);
        return ok ? { done: true } : { done: false, last: JSON.stringify({ n1: codesOf(summary, 'system:node:node-1'), n2: codesOf(summary, 'system:node:node-2') }) };
      },
    });
    expect(summary['system:node:node-1']?.['get']?.latency.p99Ms).toBeGreaterThan(0);

    const delta = diffLeaseMetrics(before, await scrapeLeaseMetrics(scraper));
    expect(delta.counterReset).toBe(false);
    expect(delta.byVerb['POST']?.clientRequests).toBe(1);
    expect(delta.byVerb['GET']?.clientRequests).toBe(7);
    expect(delta.byVerb['PUT']?.byCode['409']).toBe(1);
    expect(delta.byVerb['PUT']?.clientRequests).toBe(4);
    expect(delta.byVerb['GET']?.latency?.count).toBeGreaterThanOrEqual(7);
  }, CP_TEST_TIMEOUT_MS);
});
