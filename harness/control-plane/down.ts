/**
 * `down`, `status` and `env` for a recorded run. `down` stops kube-apiserver then etcd, each by
 * PID **and** start time (never by name), and removes the run directory (optionally keeping the
 * logs). It also cleans up after a crashed or failed `up`.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { apiGet } from './api-http.ts';
import { insideNetns } from './netns.ts';
import { isRunning, stopProcess } from './processes.ts';
import { readRunRecord, type RunRecord } from './run-record.ts';
import { layoutFor } from './layout.ts';

/** What `down` did. */
export interface DownReport {
  readonly runDir: string;
  readonly stopped: readonly { readonly name: string; readonly pid: number; readonly how: string }[];
  readonly removed: boolean;
}

/**
 * Stops the run's processes and removes its state.
 * @throws RunRecordError when there is no record in `runDir`; ProcessError if a process survives SIGKILL.
 */
export async function downControlPlane(runDir: string, options: { readonly keepLogs?: boolean; readonly gracefulTimeoutMs?: number } = {}): Promise<DownReport> {
  const layout = layoutFor(runDir);
  const record = await readRunRecord(layout.recordPath);
  const stopped: { name: string; pid: number; how: string }[] = [];
  // API server first, so it does not log etcd connection errors while shutting down.
  const order = [...record.processes].sort((a, b) => (a.name === 'kube-apiserver' ? -1 : b.name === 'kube-apiserver' ? 1 : 0));
  for (const p of order) stopped.push({ name: p.name, pid: p.pid, how: await stopProcess(p, options.gracefulTimeoutMs ?? 10_000) });
  if (options.keepLogs) {
    const keep = new Set([layout.etcdLogPath, layout.apiserverLogPath, layout.auditLogPath]);
    for (const entry of await readdir(layout.runDir)) {
      const path = join(layout.runDir, entry);
      if (!keep.has(path)) await rm(path, { recursive: true, force: true });
    }
  } else {
    await rm(layout.runDir, { recursive: true, force: true });
  }
  return { runDir: layout.runDir, stopped, removed: !options.keepLogs };
}

/** What `status` reports. */
export interface StatusReport {
  readonly record: RunRecord;
  readonly processes: readonly { readonly name: string; readonly pid: number; readonly running: boolean }[];
  /** `/readyz` answer, or `unknown` when the server is in a netns this process is not in. */
  readonly ready: boolean | 'unknown';
  readonly readyDetail: string;
}

/** Reads the record and checks processes and `/readyz` (bounded by `timeoutMs`). */
export async function controlPlaneStatus(runDir: string, timeoutMs = 3000): Promise<StatusReport> {
  const layout = layoutFor(runDir);
  const record = await readRunRecord(layout.recordPath);
  const processes = await Promise.all(record.processes.map(async (p) => ({ name: p.name, pid: p.pid, running: await isRunning(p) })));
  if (record.netns !== null && !(await insideNetns(record.netns).catch(() => false))) {
    return { record, processes, ready: 'unknown', readyDetail: `in netns ${record.netns}; probe with 'ip netns exec ${record.netns} l2lab control-plane status'` };
  }
  try {
    const token = tokenOf(await readFile(layout.tokenFilePath, 'utf8'), 'l2lab-admin');
    const res = await apiGet({ serverUrl: record.serverUrl, caPem: await readFile(layout.caCertPath, 'utf8'), token }, '/readyz', timeoutMs);
    return { record, processes, ready: res.status === 200, readyDetail: `/readyz HTTP ${res.status}` };
  } catch (error) {
    return { record, processes, ready: false, readyDetail: error instanceof Error ? error.message : String(error) };
  }
}

/** The token of `username` in a token CSV. Pure. */
export function tokenOf(tokenCsv: string, username: string): string {
  for (const line of tokenCsv.split('\n')) {
    const [token, user] = line.split(',');
    if (user === username && token) return token;
  }
  throw new Error(`no token for ${username} in the run's token file`);
}

/** Shell variables that point tools at the run (admin kubeconfig by default). Pure. */
export function controlPlaneEnv(record: RunRecord, identityId = 'admin'): Record<string, string> {
  const env: Record<string, string> = {
    KUBECONFIG: record.paths.kubeconfigs[identityId] ?? '',
    L2LAB_CP_RUN_DIR: record.runDir,
    L2LAB_CP_SERVER: record.serverUrl,
    L2LAB_CP_CA: record.paths.caCert,
    L2LAB_CP_AUDIT_LOG: record.paths.auditLog,
  };
  if (record.netns !== null) env['L2LAB_CP_NETNS'] = record.netns;
  for (const [id, path] of Object.entries(record.paths.kubeconfigs)) env[`L2LAB_KUBECONFIG_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = path;
  return env;
}
