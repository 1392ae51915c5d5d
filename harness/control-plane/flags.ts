/**
 * Command lines for etcd and kube-apiserver (pure). The flag choices follow
 * shared/reference/kube-apiserver-from-modules.md §3 and §6.5:
 *
 * - etcd listens on the loopback of its network namespace only; the API server is its one client.
 *   `--unsafe-no-fsync` because the data is throw-away and fsync would dominate write latency on
 *   a shared disk (measurements are about the API server, not the disk).
 * - kube-apiserver: `Node,RBAC` authorization with static tokens per identity,
 *   `--endpoint-reconciler-type=none` (no `kubernetes` endpoint publishing and no master-lease
 *   writes), the ServiceAccount admission plugin off (no controller-manager creates the default
 *   ServiceAccounts), TaintNodesByCondition off (nothing would lift its taint), audit log in batch
 *   mode flushed every second, API Priority and Fairness left on as in a real cluster.
 */
import type { ControlPlaneLayout } from './layout.ts';

/** The four TCP ports of a run. */
export interface ControlPlanePorts {
  readonly apiserverPort: number;
  readonly etcdClientPort: number;
  readonly etcdPeerPort: number;
  readonly etcdMetricsPort: number;
}

/** Default ports (0 = pick a free one). */
export const DEFAULT_PORTS: ControlPlanePorts = { apiserverPort: 16443, etcdClientPort: 23790, etcdPeerPort: 23800, etcdMetricsPort: 23810 };

/** Inputs of the command lines. */
export interface FlagInput {
  readonly layout: ControlPlaneLayout;
  readonly ports: ControlPlanePorts;
  /** Where the API server binds and advertises (loopback, or the netns address). */
  readonly apiserverAddress: string;
  /** Service ClusterIP range; no traffic is ever sent to it. */
  readonly serviceClusterIpRange: string;
  /** klog verbosity of the API server (2 = start-up and errors; 3 logs every request). */
  readonly apiserverVerbosity: number;
  /** Audit-log flush interval of the batch backend. */
  readonly auditBatchMaxWaitMs: number;
}

/** The loopback address etcd binds inside its namespace. */
export const ETCD_ADDRESS = '127.0.0.1';

/** Default service range: inside 198.18.0.0/15 (benchmark range), never routed. */
export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '198.19.252.0/22';

/** etcd's arguments (binary not included). */
export function buildEtcdArgs(input: FlagInput): string[] {
  const { layout, ports } = input;
  const client = `http://${ETCD_ADDRESS}:${ports.etcdClientPort}`;
  const peer = `http://${ETCD_ADDRESS}:${ports.etcdPeerPort}`;
  return [
    '--name=l2lab',
    `--data-dir=${layout.etcdDataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=l2lab=${peer}`,
    '--initial-cluster-state=new',
    `--listen-metrics-urls=http://${ETCD_ADDRESS}:${ports.etcdMetricsPort}`,
    '--unsafe-no-fsync',
    '--auto-compaction-mode=periodic',
    '--auto-compaction-retention=1h',
    '--log-level=warn',
  ];
}

/** The etcd client URL the API server uses. */
export function etcdClientUrl(ports: ControlPlanePorts): string {
  return `http://${ETCD_ADDRESS}:${ports.etcdClientPort}`;
}

/** kube-apiserver's arguments (binary not included). */
export function buildApiserverArgs(input: FlagInput): string[] {
  const { layout, ports } = input;
  return [
    `--etcd-servers=${etcdClientUrl(ports)}`,
    `--bind-address=${input.apiserverAddress}`,
    `--advertise-address=${input.apiserverAddress}`,
    `--secure-port=${ports.apiserverPort}`,
    '--endpoint-reconciler-type=none',
    `--cert-dir=${layout.pkiDir}`,
    `--tls-cert-file=${layout.servingCertPath}`,
    `--tls-private-key-file=${layout.servingKeyPath}`,
    `--client-ca-file=${layout.caCertPath}`,
    `--token-auth-file=${layout.tokenFilePath}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-signing-key-file=${layout.serviceAccountKeyPath}`,
    `--service-account-key-file=${layout.serviceAccountKeyPath}`,
    `--service-cluster-ip-range=${input.serviceClusterIpRange}`,
    '--authorization-mode=Node,RBAC',
    '--disable-admission-plugins=ServiceAccount,TaintNodesByCondition',
    '--allow-privileged=true',
    '--profiling=false',
    `--audit-policy-file=${layout.auditPolicyPath}`,
    `--audit-log-path=${layout.auditLogPath}`,
    '--audit-log-format=json',
    '--audit-log-mode=batch',
    `--audit-log-batch-max-wait=${input.auditBatchMaxWaitMs}ms`,
    '--audit-log-maxsize=0',
    `--v=${input.apiserverVerbosity}`,
  ];
}
