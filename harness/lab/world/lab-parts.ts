/**
 * The real {@link LabParts}: the pieces of `harness/lab/*` bound together for one run inside the
 * lab namespace — the topology the host side already built (read from its plan), the control
 * plane in the control-plane namespace, stores over the real API server, the shared run epoch,
 * tcpdump and `ip monitor neigh`, process history files and the run manifest.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { controlPlaneStatus, downControlPlane, tokenOf } from '../../control-plane/down.ts';
import { layoutFor } from '../../control-plane/layout.ts';
import { isRunning, startDetached, stopProcess, type ProcessRecord } from '../../control-plane/processes.ts';
import { readRunRecord } from '../../control-plane/run-record.ts';
import { upControlPlane } from '../../control-plane/up.ts';
import { waitFor } from '../../control-plane/wait.ts';
import { apiGet } from '../../control-plane/api-http.ts';
import { readArpObservations } from '../capture/arp-observations.ts';
import { readHistoryJsonl } from '../capture/history-file.ts';
import { NeighMonitor } from '../capture/neigh-monitor.ts';
import { startCapture } from '../capture/tcpdump.ts';
import { KubeObjectStore } from '../kube/kube-object-store.ts';
import { ModelObjectStore } from '../kube/model-store.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../lab-clock.ts';
import { SystemClock } from '../../core/system-clock.ts';
import type { RunManifest } from '../manifest/run-manifest.ts';
import { LabNet } from '../net/lab-net.ts';
import type { LabPlan } from '../topology/lab-plan.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import type { LabParts, RunningObservation } from './lab-run.ts';
import type { LabControlPlane } from './lab-world.ts';

/** The control-plane run directory inside a lab run directory. */
export function controlPlaneDir(runDir: string): string {
  return join(runDir, 'cp');
}

/** Binds the lab's parts for one run. */
export function realLabParts(plan: LabPlan, manifest: RunManifest, runDir: string): LabParts {
  return {
    async buildTopology() {
      const placement = {
        cpNetns: plan.controlPlane.netns,
        nodes: plan.nodes.map((n) => ({ name: n.name, netns: n.netns, interfaces: n.data.map((d) => ({ name: d.iface, mac: d.mac, ip: d.ip })) })),
        clients: plan.clients.map((c) => ({ name: c.name, netns: c.netns })),
      };
      return { placement, fabric: new LabNet(plan), bridges: plan.segments.map((s) => ({ segment: s.name, bridge: s.bridge })), labNetns: plan.labNetns };
    },

    async startControlPlane(nodeNames, onProgress) {
      const cpDir = controlPlaneDir(runDir);
      const record = await upControlPlane({ runDir: cpDir, nodeNames, netns: plan.controlPlane.netns, address: plan.controlPlane.ip, onProgress });
      for (const p of record.processes) await manifest.recordProcess(p, plan.controlPlane.netns);
      return controlPlaneOf(cpDir, plan.controlPlane.netns, manifest, onProgress);
    },

    realStore(controlPlane, identityId) {
      // The store times requests out with relative timers only: the system clock serves.
      return new KubeObjectStore({ serverUrl: controlPlane.serverUrl, caPem: controlPlane.caPem, token: controlPlane.tokenOf(identityId) }, new SystemClock());
    },

    modelStore(real, onProblem, resources) {
      return new ModelObjectStore(real, onProblem, resources);
    },

    epoch() {
      const epoch = labEpochNow();
      const monoNs = parseEpochMonoNs(epoch.epochMonoNs);
      return { ...epoch, clock: new LabClock(monoNs), clockFrom: (offsetMs: number) => new LabClock(monoNs + BigInt(Math.round(offsetMs * 1e6))) };
    },

    async startCapture(labNetns, bridge, segment, pcapPath, epochWallUs) {
      const handle = await startCapture({ netns: labNetns, iface: bridge, pcapPath, snaplenBytes: 256, onSpawn: (p) => manifest.recordProcess({ name: p.name, pid: p.pid, ...(p.startTimeTicks === undefined ? {} : { startTimeTicks: p.startTimeTicks }) }, labNetns) });
      const observation: RunningObservation = {
        stop: once(async () => {
          const problems: string[] = [];
          await handle.stop().catch((error: unknown) => void problems.push(error instanceof Error ? error.message : String(error)));
          const read = await readArpObservations(pcapPath, { segment, epochWallUs });
          return { ops: read.ops, problems: [...problems, ...read.problems] };
        }),
      };
      return observation;
    },

    async startNeighMonitor(client, netns, iface, clock) {
      const history = new MemoryHistory(clock);
      const monitor = await NeighMonitor.start({ netns, client, iface, clock, history, onSpawn: (p) => manifest.recordProcess({ name: p.name, pid: p.pid, ...(p.startTimeTicks === undefined ? {} : { startTimeTicks: p.startTimeTicks }) }, netns) });
      return {
        stop: once(async () => {
          const summary = await monitor.stop();
          return { ops: history.ops(), problems: summary.problems };
        }),
      };
    },

    async readProcessHistory(path) {
      // A process that never got going (no 'ready' within the limit on a starved machine) wrote no
      // file: one problem in the report, not an internal error that loses the whole run.
      if (!(await access(path).then(() => true, () => false))) return { ops: [], problems: [`${path}: no history file (the process never started writing it)`] };
      const { ops, problems } = await readHistoryJsonl(path);
      return { ops, problems: problems.map((p) => `${p.path}:${p.line}: ${p.reason}`) };
    },

    async recordProcess(process_) {
      await manifest.recordProcess({ name: process_.name, pid: process_.pid, startTimeTicks: process_.startTimeTicks }, process_.netns);
    },
  };
}

/** `fn` run at most once; later calls get the first call's promise. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}

/**
 * The control plane that `upControlPlane` started in `cpDir` (in `netns`), as a {@link LabControlPlane}:
 * URL, CA, tokens, and kube-apiserver stopped and started again for an outage (the restarted
 * process recorded in `manifest`, the run manifest or any recorder: the run record still names the
 * first one, so teardown must stop it from there). Also the docker provider's.
 */
export async function controlPlaneOf(cpDir: string, netns: string, manifest: { recordProcess(process: ProcessRecord, netns?: string): Promise<void> }, onProgress: (line: string) => void): Promise<LabControlPlane> {
  const layout = layoutFor(cpDir);
  let record = await readRunRecord(layout.recordPath);
  const tokens = await readFile(layout.tokenFilePath, 'utf8');
  const caPem = await readFile(layout.caCertPath, 'utf8');
  const usernameOf = new Map(record.identities.map((i) => [i.id, i.username]));
  const adminToken = tokenOf(tokens, usernameOf.get('admin') ?? 'l2lab-admin');
  return {
    serverUrl: record.serverUrl,
    caPath: layout.caCertPath,
    caPem,
    auditLogPath: layout.auditLogPath,
    tokenOf(identityId) {
      const username = usernameOf.get(identityId);
      if (username === undefined) throw new Error(`looking up the API token of '${identityId}': the control plane has identities ${[...usernameOf.keys()].join(', ')}`);
      return tokenOf(tokens, username);
    },
    async stopApiserver() {
      const apiserver = record.processes.find((p) => p.name === 'kube-apiserver');
      if (apiserver !== undefined) await stopProcess(apiserver, 5_000, 5_000);
    },
    async startApiserver() {
      const old = record.processes.find((p) => p.name === 'kube-apiserver');
      if (old === undefined) throw new Error(`restarting kube-apiserver: ${layout.recordPath} records none`);
      if (await isRunning(old)) return;
      const started = await startDetached('kube-apiserver', old.argv, old.logPath, netns);
      await manifest.recordProcess(started, netns);
      record = { ...record, processes: record.processes.map((p) => (p.name === 'kube-apiserver' ? started : p)) };
      const t0 = performance.now();
      await waitFor({
        what: `kube-apiserver ${record.serverUrl}/readyz after the outage`, timeoutMs: 60_000, pollMs: 100,
        probe: async () => {
          const res = await apiGet({ serverUrl: record.serverUrl, caPem, token: adminToken }, '/readyz', 2_000);
          return res.status === 200 ? { done: true } : { done: false, last: `HTTP ${res.status}` };
        },
      });
      onProgress(`kube-apiserver back after the outage: ready in ${Math.round(performance.now() - t0)} ms`);
    },
  };
}

/** Stops the control plane of a lab run directory (idempotent; nothing recorded = nothing to do). */
export async function stopLabControlPlane(runDir: string): Promise<void> {
  const cpDir = controlPlaneDir(runDir);
  const status = await controlPlaneStatus(cpDir).catch(() => undefined);
  if (status === undefined) return;
  await downControlPlane(cpDir, { keepLogs: true }).catch(() => undefined);
}
