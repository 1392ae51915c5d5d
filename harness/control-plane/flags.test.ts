import { describe, expect, it } from 'vitest';
import { buildApiserverArgs, buildEtcdArgs, DEFAULT_SERVICE_CLUSTER_IP_RANGE, type FlagInput } from './flags.ts';
import { layoutFor } from './layout.ts';

const input: FlagInput = {
  layout: layoutFor('/run/cp'),
  ports: { apiserverPort: 16443, etcdClientPort: 23790, etcdPeerPort: 23800, etcdMetricsPort: 23810 },
  apiserverAddress: '198.18.0.2',
  serviceClusterIpRange: DEFAULT_SERVICE_CLUSTER_IP_RANGE,
  apiserverVerbosity: 2,
  auditBatchMaxWaitMs: 1000,
};

function flagMap(args: string[]): Map<string, string> {
  return new Map(args.map((a) => {
    const [k, ...v] = a.split('=');
    return [k ?? '', v.join('=')];
  }));
}

describe('buildEtcdArgs', () => {
  it('keeps etcd on loopback with its data under the run directory', () => {
    const f = flagMap(buildEtcdArgs(input));
    expect(f.get('--listen-client-urls')).toBe('http://127.0.0.1:23790');
    expect(f.get('--initial-cluster')).toBe('l2lab=http://127.0.0.1:23800');
    expect(f.get('--listen-metrics-urls')).toBe('http://127.0.0.1:23810');
    expect(f.get('--data-dir')).toBe('/run/cp/etcd-data');
    expect(f.has('--unsafe-no-fsync')).toBe(true);
  });
});

describe('buildApiserverArgs', () => {
  it('binds the given address and port, talks to the loopback etcd, audits to the run directory', () => {
    const f = flagMap(buildApiserverArgs(input));
    expect(f.get('--bind-address')).toBe('198.18.0.2');
    expect(f.get('--advertise-address')).toBe('198.18.0.2');
    expect(f.get('--secure-port')).toBe('16443');
    expect(f.get('--etcd-servers')).toBe('http://127.0.0.1:23790');
    expect(f.get('--authorization-mode')).toBe('Node,RBAC');
    expect(f.get('--token-auth-file')).toBe('/run/cp/pki/tokens.csv');
    expect(f.get('--audit-log-path')).toBe('/run/cp/audit.log');
    expect(f.get('--audit-log-batch-max-wait')).toBe('1000ms');
    expect(f.get('--endpoint-reconciler-type')).toBe('none');
  });
  it('never repeats a flag', () => {
    const args = buildApiserverArgs(input);
    expect(new Set(args.map((a) => a.split('=')[0])).size).toBe(args.length);
  });
});
