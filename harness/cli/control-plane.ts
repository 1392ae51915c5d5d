import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { REPO_ROOT } from '../control-plane/binaries.ts';
import { DEFAULT_PORTS } from '../control-plane/flags.ts';
import { parseNodeNames } from '../control-plane/identities.ts';
import { readRunRecord } from '../control-plane/run-record.ts';
import { layoutFor } from '../control-plane/layout.ts';
import { AuditLogCursor, summarizeAudit } from '../control-plane/audit-log.ts';
import { diffLeaseMetrics, leaseMetricsFromSamples } from '../control-plane/lease-metrics.ts';
import type { CliIo } from './main.ts';
import { EXIT, UserError } from './user-error.ts';

/** Default run directory of `l2lab control-plane` (override with --run-dir or L2LAB_CP_RUN_DIR). */
export const DEFAULT_CP_RUN_DIR = process.env.L2LAB_CP_RUN_DIR ?? join(REPO_ROOT, '.cache/control-plane/run');

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a TCP port 0..65535 (0 = any free port)');
  return n;
}

function parseEtcdPorts(value: string): [number, number, number] {
  const parts = value.split(',').map(parsePort);
  if (parts.length !== 3) throw new InvalidArgumentError('three ports: client,peer,metrics (0 = any free port)');
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

function parsePositiveMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive number of milliseconds');
  return n;
}

/** Turns any failure of a control-plane step into one message and exit 2 (no stack trace). */
async function asUserError<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(error instanceof Error ? error.message : String(error));
  }
}

interface UpFlags {
  runDir: string;
  nodes: string;
  address?: string;
  netns?: string;
  port: number;
  etcdPorts: [number, number, number];
  readyTimeoutMs: number;
  quiet?: boolean;
  json?: boolean;
}

// Modules that load @kubernetes/client-node are imported inside the actions, so that `l2lab --help`
// and the other commands start fast.

/**
 * `l2lab control-plane up|down|status|env`: a real kube-apiserver + etcd (built by
 * `make control-plane`) on loopback or in a network namespace, with one token and kubeconfig per
 * identity, the Cilium CRDs and RBAC installed, and Lease requests audited per identity.
 */
export function registerControlPlaneCommands(program: Command, io: CliIo, result: { exitCode: number }): void {
  const cp = program.command('control-plane').description('a real kube-apiserver + etcd for the lab (build with make control-plane)');
  const runDirOption = (): Option => new Option('--run-dir <dir>', 'run directory (record, PKI, kubeconfigs, data, logs)').default(DEFAULT_CP_RUN_DIR);

  cp.command('up')
    .description('start etcd + kube-apiserver, wait for /readyz, install CRDs and RBAC, write kubeconfigs')
    .addOption(runDirOption())
    .option('--nodes <count|names>', 'emulated node identities: a count (node-1..N) or a comma list', '3')
    .option('--address <ip>', 'API server bind address (default 127.0.0.1)')
    .option('--netns <name>', 'run inside this existing network namespace (needs root; use with --address)')
    .option('--port <port>', 'API server port (0 = any free port)', parsePort, DEFAULT_PORTS.apiserverPort)
    .option('--etcd-ports <client,peer,metrics>', 'etcd ports on the loopback (0 = any free port)', parseEtcdPorts, [0, 0, 0])
    .option('--ready-timeout-ms <ms>', 'bound on the wait for /readyz', parsePositiveMs, 60_000)
    .option('--quiet', 'no progress lines')
    .option('--json', 'print the run record as JSON')
    .addHelpText('after', '\nExit codes: 0 ready, 2 could not start (the message names the step; processes are stopped).')
    .action(async (flags: UpFlags) => {
      const { upControlPlane } = await import('../control-plane/up.ts');
      const record = await asUserError(() =>
        upControlPlane({
          runDir: flags.runDir,
          nodeNames: parseNodeNames(flags.nodes),
          address: flags.address ?? '127.0.0.1',
          netns: flags.netns,
          ports: { apiserverPort: flags.port, etcdClientPort: flags.etcdPorts[0], etcdPeerPort: flags.etcdPorts[1], etcdMetricsPort: flags.etcdPorts[2] },
          readyTimeoutMs: flags.readyTimeoutMs,
          onProgress: flags.quiet ? undefined : (line) => io.stderr(`control-plane: ${line}\n`),
        }),
      );
      if (flags.json) {
        io.stdout(JSON.stringify(record, null, 2) + '\n');
      } else if (!flags.quiet) {
        io.stdout(`control plane ready: ${record.serverUrl}${record.netns ? ` (netns ${record.netns})` : ''}\n`);
        io.stdout(`  kube-apiserver ${record.versions.kubeVersion}, etcd ${record.versions.etcdVersion}; run dir ${record.runDir}\n`);
        for (const [id, path] of Object.entries(record.paths.kubeconfigs)) io.stdout(`  kubeconfig ${id.padEnd(10)} ${path}\n`);
        io.stdout(`  eval "$(l2lab control-plane env${flags.runDir === DEFAULT_CP_RUN_DIR ? '' : ` --run-dir ${flags.runDir}`})"   # KUBECONFIG=admin\n`);
      }
      result.exitCode = EXIT.ok;
    });

  cp.command('down')
    .description('stop kube-apiserver and etcd (by recorded PID) and remove the run directory')
    .addOption(runDirOption())
    .option('--keep-logs', 'keep etcd.log, kube-apiserver.log and audit.log')
    .action(async (flags: { runDir: string; keepLogs?: boolean }) => {
      const { downControlPlane } = await import('../control-plane/down.ts');
      const report = await asUserError(() => downControlPlane(flags.runDir, { keepLogs: flags.keepLogs ?? false }));
      for (const s of report.stopped) io.stdout(`${s.name} (pid ${s.pid}): ${s.how}\n`);
      io.stdout(report.removed ? `removed ${report.runDir}\n` : `kept logs in ${report.runDir}\n`);
      result.exitCode = EXIT.ok;
    });

  cp.command('status')
    .description('processes and /readyz of a run (exit 0 ready, 2 otherwise)')
    .addOption(runDirOption())
    .option('--json', 'machine-readable')
    .action(async (flags: { runDir: string; json?: boolean }) => {
      const { controlPlaneStatus } = await import('../control-plane/down.ts');
      const status = await asUserError(() => controlPlaneStatus(flags.runDir));
      if (flags.json) {
        io.stdout(JSON.stringify({ state: status.record.state, serverUrl: status.record.serverUrl, netns: status.record.netns, processes: status.processes, ready: status.ready, readyDetail: status.readyDetail }, null, 2) + '\n');
      } else {
        io.stdout(`${status.record.serverUrl} (${status.record.state}) ready=${String(status.ready)} — ${status.readyDetail}\n`);
        for (const p of status.processes) io.stdout(`  ${p.name.padEnd(15)} pid ${p.pid} ${p.running ? 'running' : 'NOT running'}\n`);
      }
      result.exitCode = status.ready === true && status.processes.every((p) => p.running) ? EXIT.ok : EXIT.harnessError;
    });

  cp.command('env')
    .description("shell exports for a run: eval \"$(l2lab control-plane env)\"")
    .addOption(runDirOption())
    .option('--identity <id>', 'whose kubeconfig KUBECONFIG names (admin, operator, scraper, node-<name>)', 'admin')
    .action(async (flags: { runDir: string; identity: string }) => {
      const { controlPlaneEnv } = await import('../control-plane/down.ts');
      const record = await asUserError(() => readRunRecord(layoutFor(flags.runDir).recordPath));
      if (record.paths.kubeconfigs[flags.identity] === undefined) {
        throw new UserError(`no identity '${flags.identity}' in ${flags.runDir}`, [`known: ${Object.keys(record.paths.kubeconfigs).join(', ')}`]);
      }
      for (const [k, v] of Object.entries(controlPlaneEnv(record, flags.identity))) io.stdout(`export ${k}='${v.replace(/'/g, `'\\''`)}'\n`);
      result.exitCode = EXIT.ok;
    });

  cp.command('audit')
    .description('Lease requests per identity and verb from the audit log (count, codes, latency)')
    .addOption(runDirOption())
    .option('--json', 'machine-readable')
    .action(async (flags: { runDir: string; json?: boolean }) => {
      const record = await asUserError(() => readRunRecord(layoutFor(flags.runDir).recordPath));
      const { events, problems } = await asUserError(() => AuditLogCursor.fromStart(record.paths.auditLog).readNew());
      const summary = summarizeAudit(events);
      if (flags.json) {
        io.stdout(JSON.stringify(summary, null, 2) + '\n');
      } else {
        io.stdout(`${'identity'.padEnd(36)} ${'verb'.padEnd(8)} ${'count'.padStart(6)}  codes              p50 ms  p99 ms\n`);
        for (const [user, verbs] of Object.entries(summary)) {
          for (const [verb, st] of Object.entries(verbs)) {
            const codes = Object.entries(st.byCode).map(([c, n]) => `${c}:${n}`).join(' ');
            io.stdout(`${user.padEnd(36)} ${verb.padEnd(8)} ${String(st.count).padStart(6)}  ${codes.padEnd(18)} ${st.latency.p50Ms.toFixed(2).padStart(6)}  ${st.latency.p99Ms.toFixed(2).padStart(6)}\n`);
          }
        }
        if (problems.length > 0) io.stderr(`control-plane: ${problems.length} unreadable audit lines skipped\n`);
      }
      result.exitCode = EXIT.ok;
    });

  cp.command('metrics')
    .description("the API server's Lease request counters from /metrics, by verb and code (self-requests shown apart)")
    .addOption(runDirOption())
    .option('--json', 'machine-readable')
    .action(async (flags: { runDir: string; json?: boolean }) => {
      const record = await asUserError(() => readRunRecord(layoutFor(flags.runDir).recordPath));
      const { endpointFor, scrapeLeaseMetrics } = await import('../control-plane/measure.ts');
      const snapshot = await asUserError(async () => scrapeLeaseMetrics(await endpointFor(record)));
      const totals = diffLeaseMetrics(leaseMetricsFromSamples([]), snapshot); // since server start
      if (flags.json) io.stdout(JSON.stringify(totals, null, 2) + '\n');
      else for (const [verb, d] of Object.entries(totals.byVerb)) io.stdout(`${verb.padEnd(6)} total ${d.total} (self ${d.selfRequests}, clients ${d.clientRequests}) codes ${JSON.stringify(d.byCode)}\n`);
      result.exitCode = EXIT.ok;
    });
}
