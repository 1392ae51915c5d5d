/**
 * `up`: starts etcd and kube-apiserver for one run and leaves them running.
 *
 * Order: check the ports, write the run record (so a crash from here on leaves a findable trace),
 * make the PKI, tokens, audit policy and kubeconfigs, start etcd and wait for `/health`, start
 * kube-apiserver and wait for `/readyz`, install CRDs and RBAC, mark the record `ready`. Any failure
 * after a process started stops what was started (by PID) and leaves the run directory, with its
 * logs, in state `failed` for `down` to remove. Every wait is bounded.
 *
 * With `netns`, the whole sequence re-runs inside that namespace through `ip netns exec` (the CLI
 * again), because readiness probes and the CRD install must reach an address that only exists
 * there; processes keep their PIDs, so `down` and `status` work from the host.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { renderAuditPolicy } from './audit-policy.ts';
import { apiGet } from './api-http.ts';
import { locateBinaries, REPO_ROOT, type ControlPlaneBinaries } from './binaries.ts';
import { generateCerts } from './certs.ts';
import { systemExec, type Exec } from './exec.ts';
import { buildApiserverArgs, buildEtcdArgs, DEFAULT_SERVICE_CLUSTER_IP_RANGE, ETCD_ADDRESS, type ControlPlanePorts, type FlagInput } from './flags.ts';
import { planIdentities, renderTokenCsv, type Identity } from './identities.ts';
import { kubeconfigPath, layoutFor, type ControlPlaneLayout } from './layout.ts';
import { renderKubeconfig, serverUrl } from './kubeconfig.ts';
import { installManifests, loadManifests } from './manifests.ts';
import { ensureLoopbackUp, insideNetns } from './netns.ts';
import { assertPortsFree, findFreePorts } from './ports.ts';
import { isRunning, logTail, startDetached, stopProcess, type ProcessRecord } from './processes.ts';
import { readRunRecord, writeRunRecord, type RunRecord } from './run-record.ts';
import { waitFor } from './wait.ts';

export { DEFAULT_PORTS } from './flags.ts';

/** Options of {@link upControlPlane}. */
export interface UpOptions {
  readonly runDir: string;
  readonly nodeNames: readonly string[];
  /** API server bind address; `127.0.0.1` unless in a netns. */
  readonly address?: string;
  /** Run inside this existing network namespace. */
  readonly netns?: string | undefined;
  /** Ports; a 0 (or an absent field) picks a free port. */
  readonly ports?: Partial<ControlPlanePorts>;
  readonly readyTimeoutMs?: number;
  readonly etcdReadyTimeoutMs?: number;
  readonly apiserverVerbosity?: number;
  readonly binaries?: ControlPlaneBinaries;
  readonly exec?: Exec;
  /** Progress lines for humans (stderr in the CLI). */
  readonly onProgress?: (line: string) => void;
}

/** A control plane is already recorded in the run directory. */
export class AlreadyUpError extends Error {
  readonly code = 'already-up';
}

/** Start-up failed; the message names the step and the limit, and the log to read. */
export class UpError extends Error {
  readonly code = 'up-failed';
}

const newToken = (): string => randomBytes(24).toString('base64url');

async function resolvePorts(address: string, wanted: Partial<ControlPlanePorts> | undefined): Promise<ControlPlanePorts> {
  const w = { ...wanted };
  const pick = async (addr: string, v: number | undefined): Promise<number> => (v === undefined || v === 0 ? ((await findFreePorts(addr, 1))[0] ?? 0) : v);
  const etcd = await findFreePorts(ETCD_ADDRESS, 3);
  return {
    apiserverPort: await pick(address, w.apiserverPort),
    etcdClientPort: w.etcdClientPort || (etcd[0] ?? 0),
    etcdPeerPort: w.etcdPeerPort || (etcd[1] ?? 0),
    etcdMetricsPort: w.etcdMetricsPort || (etcd[2] ?? 0),
  };
}

async function refuseExisting(layout: ControlPlaneLayout): Promise<void> {
  const existing = await readRunRecord(layout.recordPath).catch(() => undefined);
  if (existing === undefined) return;
  const alive = (await Promise.all(existing.processes.map(isRunning))).some(Boolean);
  throw new AlreadyUpError(
    alive
      ? `starting the control plane in ${layout.runDir}: one is already running there (${existing.serverUrl}); run 'l2lab control-plane down --run-dir ${layout.runDir}' first`
      : `starting the control plane in ${layout.runDir}: a previous run left state there (state ${existing.state}); run 'l2lab control-plane down --run-dir ${layout.runDir}' to remove it`,
  );
}

async function writeRunFiles(layout: ControlPlaneLayout, identities: readonly Identity[], url: string): Promise<Record<string, string>> {
  await writeFile(layout.tokenFilePath, renderTokenCsv(identities), { mode: 0o600 });
  await writeFile(layout.auditPolicyPath, renderAuditPolicy());
  const kubeconfigs: Record<string, string> = {};
  for (const identity of identities) {
    const path = kubeconfigPath(layout, identity.id);
    await writeFile(path, renderKubeconfig({ serverUrl: url, caPath: layout.caCertPath, userName: identity.username, token: identity.token }), { mode: 0o600 });
    kubeconfigs[identity.id] = path;
  }
  return kubeconfigs;
}

function diedGuard(record: ProcessRecord): () => Promise<string | undefined> {
  return async () => ((await isRunning(record)) ? undefined : `${record.name} (pid ${record.pid}) exited; last log lines:\n${await logTail(record.logPath, 8)}`);
}

/**
 * Starts a control plane and resolves with its record once it is ready (CRDs and RBAC installed).
 * @throws AlreadyUpError, PortInUseError, BinariesMissingError, NetnsError, UpError (a step failed; processes stopped).
 */
export async function upControlPlane(options: UpOptions): Promise<RunRecord> {
  const layout = layoutFor(options.runDir);
  const exec = options.exec ?? systemExec;
  if (options.netns !== undefined && !(await insideNetns(options.netns))) return upViaNetns(options, layout);
  const progress = options.onProgress ?? ((): void => {});
  await refuseExisting(layout);
  const binaries = options.binaries ?? (await locateBinaries());
  const address = options.address ?? '127.0.0.1';
  if (options.netns !== undefined) await ensureLoopbackUp(exec, options.netns);
  const ports = await resolvePorts(address, options.ports);
  await assertPortsFree(exec, address, { 'kube-apiserver': ports.apiserverPort });
  await assertPortsFree(exec, ETCD_ADDRESS, { 'etcd client': ports.etcdClientPort, 'etcd peer': ports.etcdPeerPort, 'etcd metrics': ports.etcdMetricsPort });

  const runId = randomBytes(4).toString('hex');
  const url = serverUrl(address, ports.apiserverPort);
  const identities = planIdentities(options.nodeNames, newToken);
  await mkdir(layout.pkiDir, { recursive: true, mode: 0o700 });
  await mkdir(layout.kubeconfigDir, { recursive: true, mode: 0o700 });
  let record: RunRecord = {
    kind: 'l2lab-control-plane', version: 1, runId, runDir: layout.runDir, createdAt: new Date().toISOString(), state: 'starting',
    netns: options.netns ?? null, address, serverUrl: url, ports, versions: binaries.versions, processes: [],
    paths: { caCert: layout.caCertPath, auditLog: layout.auditLogPath, etcdDataDir: layout.etcdDataDir, kubeconfigs: {} },
    identities: identities.map((i) => ({ id: i.id, role: i.role, username: i.username })),
  };
  await writeRunRecord(layout.recordPath, record);
  const started: ProcessRecord[] = [];
  const save = async (patch: Partial<RunRecord>): Promise<void> => {
    record = { ...record, ...patch };
    await writeRunRecord(layout.recordPath, record);
  };
  try {
    await generateCerts(exec, layout, { ipAddresses: [address, '127.0.0.1'], validityDays: 30, runId });
    const kubeconfigs = await writeRunFiles(layout, identities, url);
    await save({ paths: { ...record.paths, kubeconfigs } });
    const flagInput: FlagInput = {
      layout, ports, apiserverAddress: address, serviceClusterIpRange: DEFAULT_SERVICE_CLUSTER_IP_RANGE,
      apiserverVerbosity: options.apiserverVerbosity ?? 2, auditBatchMaxWaitMs: 1000,
    };
    const t0 = performance.now();
    const etcd = await startDetached('etcd', [binaries.etcd, ...buildEtcdArgs(flagInput)], layout.etcdLogPath);
    started.push(etcd);
    await save({ processes: [...started] });
    const etcdMs = await waitFor({
      what: `etcd on ${ETCD_ADDRESS}:${ports.etcdClientPort} /health`, timeoutMs: options.etcdReadyTimeoutMs ?? 20_000, pollMs: 100, guard: diedGuard(etcd),
      probe: async () => {
        const res = await fetch(`http://${ETCD_ADDRESS}:${ports.etcdClientPort}/health`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        return res.ok && body.includes('"health":"true"') ? { done: true } : { done: false, last: `HTTP ${res.status} ${body.slice(0, 100)}` };
      },
    });
    progress(`etcd ${binaries.versions.etcdVersion} ready in ${Math.round(etcdMs)} ms (pid ${etcd.pid})`);
    const apiserver = await startDetached('kube-apiserver', [binaries.kubeApiserver, ...buildApiserverArgs(flagInput)], layout.apiserverLogPath);
    started.push(apiserver);
    await save({ processes: [...started] });
    const caPem = await readFile(layout.caCertPath, 'utf8');
    const admin = identities.find((i) => i.role === 'admin');
    const endpoint = { serverUrl: url, caPem, token: admin?.token ?? '' };
    await waitFor({
      what: `kube-apiserver ${url}/readyz`, timeoutMs: options.readyTimeoutMs ?? 60_000, pollMs: 200, guard: diedGuard(apiserver),
      probe: async () => {
        const res = await apiGet(endpoint, '/readyz', 2000);
        return res.status === 200 ? { done: true } : { done: false, last: `HTTP ${res.status}: ${res.body.split('\n').filter((l) => l.includes('[-]')).join(', ').slice(0, 300)}` };
      },
    });
    progress(`kube-apiserver ${binaries.versions.kubeVersion} ready at ${url} after ${((performance.now() - t0) / 1000).toFixed(1)} s (pid ${apiserver.pid})`);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigs['admin'] ?? '');
    await installManifests(kc, await loadManifests(), 30_000);
    progress('CRDs (CiliumL2AnnouncementPolicy, CiliumLoadBalancerIPPool v2alpha1+v2) and RBAC installed');
    await save({ state: 'ready' });
    return record;
  } catch (error) {
    for (const p of [...started].reverse()) await stopProcess(p).catch(() => undefined);
    await save({ state: 'failed' }).catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new UpError(`starting the control plane in ${layout.runDir}: ${message}\n(processes stopped; logs kept in ${layout.runDir}; 'l2lab control-plane down --run-dir ${layout.runDir}' removes them)`, { cause: error });
  }
}

/** Runs `up` again inside the namespace through the CLI, then reads the record it wrote. */
async function upViaNetns(options: UpOptions, layout: ControlPlaneLayout): Promise<RunRecord> {
  const netns = options.netns ?? '';
  const p = options.ports ?? {};
  const args = [
    'netns', 'exec', netns, process.execPath, join(REPO_ROOT, 'bin/l2lab.mjs'), 'control-plane', 'up',
    '--run-dir', layout.runDir, '--netns', netns, '--address', options.address ?? '127.0.0.1',
    '--nodes', options.nodeNames.join(',') || '0', '--port', String(p.apiserverPort ?? 0),
    '--etcd-ports', [p.etcdClientPort ?? 0, p.etcdPeerPort ?? 0, p.etcdMetricsPort ?? 0].join(','),
    '--ready-timeout-ms', String(options.readyTimeoutMs ?? 60_000), '--quiet',
  ];
  const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdout.resume();
  const code = await new Promise<number>((resolvePromise) => child.on('close', (c) => resolvePromise(c ?? 1)));
  if (code !== 0) throw new UpError(`starting the control plane in netns ${netns}: ${stderr.trim() || `ip netns exec exited ${code}`}`);
  return readRunRecord(layout.recordPath);
}

/** Removes a run directory that `up` created but never started anything in. */
export async function removeRunDir(layout: ControlPlaneLayout): Promise<void> {
  await rm(layout.runDir, { recursive: true, force: true });
}
