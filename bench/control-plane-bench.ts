/**
 * Benchmark of the lab control plane (issue 3): build cost, warm `up` to ready, idle RSS of etcd
 * and kube-apiserver, and Lease GET / PUT latency (p50/p99 over BENCH_LEASE_REQUESTS sequential
 * requests, client-side through @kubernetes/client-node as one node identity, plus the server-side
 * view from the audit log). Numbers, not pass/fail. Writes reports/bench/control-plane.json.
 *
 *   BENCH_UP_RUNS=3 BENCH_LEASE_REQUESTS=1000 node --import tsx bench/control-plane-bench.ts [--cold-build]
 *
 * `--cold-build` first rebuilds both binaries with empty module and build caches (a temp GOMODCACHE,
 * GOCACHE and output dir, removed afterwards) and reports that build's wall time and peak memory;
 * without it the build numbers are read from the cached binaries' build-info.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'node:https';
import { CoordinationV1Api, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { apiGet } from '../harness/control-plane/api-http.ts';
import { nearestRank, summarizeAudit } from '../harness/control-plane/audit-log.ts';
import { binaryPaths, locateBinaries, readVersions, REPO_ROOT } from '../harness/control-plane/binaries.ts';
import { downControlPlane } from '../harness/control-plane/down.ts';
import { auditCursor, endpointFor, kubeConfigFor } from '../harness/control-plane/measure.ts';
import type { RunRecord } from '../harness/control-plane/run-record.ts';
import { upControlPlane } from '../harness/control-plane/up.ts';

const upRuns = Number(process.env.BENCH_UP_RUNS ?? 3);
const leaseRequests = Number(process.env.BENCH_LEASE_REQUESTS ?? 1000);
const idleSettleMs = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 15_000);
const out: Record<string, unknown> = { machine: { cores: (await import('node:os')).cpus().length, node: process.version } };
const say = (line: string): void => void process.stdout.write(`bench control-plane: ${line}\n`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function buildInfo(cacheRoot: string, component: string, version: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(join(cacheRoot, `${component}-${version}`, 'build-info.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function coldBuild(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'l2lab-coldbuild-'));
  try {
    say('cold build: empty GOMODCACHE/GOCACHE (downloads + compile), this takes minutes…');
    const started = performance.now();
    const child = spawnSync('/usr/bin/time', ['-f', '%M', 'bash', join(REPO_ROOT, 'kind/control-plane/build.sh')], {
      env: { ...process.env, GOMODCACHE: join(tmp, 'mod'), GOCACHE: join(tmp, 'build'), L2LAB_CP_CACHE: join(tmp, 'out') },
      stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8',
    });
    const wallS = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`cold build failed: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const versions = await readVersions();
    const etcd = buildInfo(join(tmp, 'out'), 'etcd', versions.etcdVersion);
    const kas = buildInfo(join(tmp, 'out'), 'kube-apiserver', versions.kubeVersion);
    out['coldBuild'] = { wallSeconds: Math.round(wallS), largestProcessRssKb: Number(child.stderr.trim().split('\n').pop()), etcd, kubeApiserver: kas };
    say(`cold build: ${wallS.toFixed(0)} s wall total (etcd ${String(etcd?.['wallSeconds'])} s, kube-apiserver ${String(kas?.['wallSeconds'])} s); largest process ${(Number(child.stderr.trim().split('\n').pop()) / 1024).toFixed(0)} MB RSS`);
  } finally {
    spawnSync('chmod', ['-R', 'u+w', tmp]); // the module cache is read-only
    rmSync(tmp, { recursive: true, force: true });
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) / 1024;
}

async function timeUp(i: number): Promise<{ record: RunRecord; runDir: string; upMs: number }> {
  const runDir = mkdtempSync(join(tmpdir(), `l2lab-bench-cp${i}-`));
  const started = performance.now();
  const record = await upControlPlane({ runDir, nodeNames: ['node-1', 'node-2', 'node-3'], ports: { apiserverPort: 0 } });
  return { record, runDir, upMs: performance.now() - started };
}

async function leaseLatency(record: RunRecord): Promise<void> {
  const api = kubeConfigFor(record, 'node-1').makeApiClient(CoordinationV1Api);
  const ns = 'kube-system';
  const name = 'cilium-l2announce-bench-svc';
  let lease: V1Lease = await api.createNamespacedLease({ namespace: ns, body: { metadata: { name, namespace: ns }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 15 } } });
  for (let i = 0; i < 20; i++) await api.readNamespacedLease({ name, namespace: ns }); // warm the connection
  const cursor = await auditCursor(record);
  const gets: number[] = [];
  const puts: number[] = [];
  for (let i = 0; i < leaseRequests; i++) {
    const t = performance.now();
    await api.readNamespacedLease({ name, namespace: ns });
    gets.push(performance.now() - t);
  }
  for (let i = 0; i < leaseRequests; i++) {
    const t = performance.now();
    lease = await api.replaceNamespacedLease({ name, namespace: ns, body: { ...lease, spec: { ...lease.spec, renewTime: new V1MicroTime() } } });
    puts.push(performance.now() - t);
  }
  await sleep(2500); // audit batch flush
  const clientEvents = (await cursor.readNew()).events;
  // Baseline: the same GET over one kept-alive TLS connection (node:https), to separate the
  // client library's per-request cost from the server's.
  const endpoint = await endpointFor(record, 'system:node:node-1');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const rawGets: number[] = [];
  for (let i = 0; i < leaseRequests; i++) {
    const t = performance.now();
    const res = await apiGet(endpoint, `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${name}`, 10_000, agent);
    if (res.status !== 200) throw new Error(`raw GET lease: HTTP ${res.status}`);
    rawGets.push(performance.now() - t);
  }
  agent.destroy();
  const server = summarizeAudit(clientEvents)['system:node:node-1'] ?? {};
  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { n: s.length, p50Ms: +nearestRank(s, 0.5).toFixed(2), p99Ms: +nearestRank(s, 0.99).toFixed(2), maxMs: +(s[s.length - 1] ?? NaN).toFixed(2) };
  };
  out['leaseLatency'] = {
    client: { get: stat(gets), put: stat(puts), rawKeepAliveGet: stat(rawGets) },
    serverAudit: { get: server['get']?.latency, getCount: server['get']?.count, put: server['update']?.latency, putCount: server['update']?.count },
  };
  const c = out['leaseLatency'] as { client: { get: ReturnType<typeof stat>; put: ReturnType<typeof stat> } };
  say(`Lease GET x${leaseRequests}: client p50 ${c.client.get.p50Ms} ms, p99 ${c.client.get.p99Ms} ms; server (audit) p50 ${server['get']?.latency.p50Ms.toFixed(2)} ms, p99 ${server['get']?.latency.p99Ms.toFixed(2)} ms`);
  say(`Lease GET x${leaseRequests} over one kept-alive connection (node:https): p50 ${stat(rawGets).p50Ms} ms, p99 ${stat(rawGets).p99Ms} ms`);
  say(`Lease PUT x${leaseRequests}: client p50 ${c.client.put.p50Ms} ms, p99 ${c.client.put.p99Ms} ms; server (audit) p50 ${server['update']?.latency.p50Ms.toFixed(2)} ms, p99 ${server['update']?.latency.p99Ms.toFixed(2)} ms`);
}

if (process.argv.includes('--cold-build')) await coldBuild();
const versions = await readVersions();
const cached = binaryPaths(versions);
out['cachedBuild'] = { etcd: buildInfo(dirname(dirname(cached.etcd)), 'etcd', versions.etcdVersion), kubeApiserver: buildInfo(dirname(dirname(cached.kubeApiserver)), 'kube-apiserver', versions.kubeVersion) };
await locateBinaries();
say(`kube-apiserver ${versions.kubeVersion}, etcd ${versions.etcdVersion}; ${upRuns} warm up runs, ${leaseRequests} Lease requests per verb`);

const upMs: number[] = [];
let last: { record: RunRecord; runDir: string } | undefined;
try {
  for (let i = 0; i < upRuns; i++) {
    const run = await timeUp(i);
    upMs.push(run.upMs);
    say(`up #${i + 1}: ready (CRDs + RBAC installed) in ${(run.upMs / 1000).toFixed(2)} s`);
    if (i < upRuns - 1) await downControlPlane(run.runDir);
    else last = run;
  }
  out['warmUp'] = { runs: upMs.map((ms) => +(ms / 1000).toFixed(2)), medianSeconds: +(median(upMs) / 1000).toFixed(2), goalSeconds: 10 };
  say(`warm up to ready: median ${(median(upMs) / 1000).toFixed(2)} s (goal < 10 s: ${median(upMs) < 10_000 ? 'met' : 'MISSED'})`);
  if (last === undefined) throw new Error('no run');
  await sleep(idleSettleMs);
  const rss = Object.fromEntries(last.record.processes.map((p) => [p.name, +rssMb(p.pid).toFixed(0)]));
  out['idleRssMb'] = { ...rss, settledSeconds: idleSettleMs / 1000 };
  say(`idle RSS after ${idleSettleMs / 1000} s: etcd ${rss['etcd']} MB, kube-apiserver ${rss['kube-apiserver']} MB`);
  await leaseLatency(last.record);
} finally {
  if (last) await downControlPlane(last.runDir).catch(() => undefined);
}
mkdirSync(join(REPO_ROOT, 'reports/bench'), { recursive: true });
writeFileSync(join(REPO_ROOT, 'reports/bench/control-plane.json'), JSON.stringify(out, null, 2) + '\n');
say('wrote reports/bench/control-plane.json');
