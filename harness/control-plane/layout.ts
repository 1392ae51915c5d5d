/**
 * Where a control-plane run keeps its files. Everything lives under one run directory, so that
 * `down` (or `l2lab reap` after a crash) removes a run by removing that directory; the record
 * (`control-plane.json`, see `run-record.ts`) says which processes and paths belong to it.
 */
import { join, resolve } from 'node:path';

/** Paths of one run, all absolute. */
export interface ControlPlaneLayout {
  readonly runDir: string;
  readonly recordPath: string;
  readonly pkiDir: string;
  readonly caCertPath: string;
  readonly caKeyPath: string;
  readonly servingCertPath: string;
  readonly servingKeyPath: string;
  readonly serviceAccountKeyPath: string;
  readonly tokenFilePath: string;
  readonly auditPolicyPath: string;
  readonly auditLogPath: string;
  readonly etcdDataDir: string;
  readonly etcdLogPath: string;
  readonly apiserverLogPath: string;
  readonly kubeconfigDir: string;
}

/** The layout under `runDir` (made absolute). Pure. */
export function layoutFor(runDir: string): ControlPlaneLayout {
  const dir = resolve(runDir);
  const pki = join(dir, 'pki');
  return {
    runDir: dir,
    recordPath: join(dir, 'control-plane.json'),
    pkiDir: pki,
    caCertPath: join(pki, 'ca.crt'),
    caKeyPath: join(pki, 'ca.key'),
    servingCertPath: join(pki, 'apiserver.crt'),
    servingKeyPath: join(pki, 'apiserver.key'),
    serviceAccountKeyPath: join(pki, 'sa.key'),
    tokenFilePath: join(pki, 'tokens.csv'),
    auditPolicyPath: join(dir, 'audit-policy.yaml'),
    auditLogPath: join(dir, 'audit.log'),
    etcdDataDir: join(dir, 'etcd-data'),
    etcdLogPath: join(dir, 'etcd.log'),
    apiserverLogPath: join(dir, 'kube-apiserver.log'),
    kubeconfigDir: join(dir, 'kubeconfig'),
  };
}

/** Path of an identity's kubeconfig (`<run>/kubeconfig/<id>.yaml`). */
export function kubeconfigPath(layout: ControlPlaneLayout, identityId: string): string {
  return join(layout.kubeconfigDir, `${identityId}.yaml`);
}
