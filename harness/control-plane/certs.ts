/**
 * The run's PKI, made with the openssl CLI (Debian `openssl`): a throw-away CA, a serving
 * certificate for the API server whose SANs cover its address, and the service-account signing key.
 * Client identities use bearer tokens (`identities.ts`), so no client certificates are made.
 * Keys are ECDSA P-256 (fast to generate; the API server accepts them for serving and for signing
 * service-account tokens).
 */
import { randomBytes } from 'node:crypto';
import { chmod, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from './exec.ts';
import type { ControlPlaneLayout } from './layout.ts';

/** What the certificates must cover. */
export interface CertInput {
  /** Addresses the API server is reached at (its bind address, plus loopback). */
  readonly ipAddresses: readonly string[];
  /** Validity; the run is short-lived. */
  readonly validityDays: number;
  /** Goes into the CA's common name, so CAs of different runs are told apart. */
  readonly runId: string;
}

/** Host names every API server certificate carries. */
export const APISERVER_DNS_NAMES = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

/** The openssl x509 extension file for the serving certificate. Pure. */
export function servingCertExtensions(input: CertInput): string {
  const ips = [...new Set(input.ipAddresses)].map((ip) => `IP:${ip}`);
  const dns = APISERVER_DNS_NAMES.map((n) => `DNS:${n}`);
  return [
    `subjectAltName=${[...ips, ...dns].join(',')}`,
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n');
}

/** The openssl invocations, in order (argv without `openssl`). Pure; `serialHex` makes them deterministic in tests. */
export function certCommands(layout: ControlPlaneLayout, input: CertInput, extFilePath: string, serialHex: string): string[][] {
  const days = String(input.validityDays);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const csrPath = join(layout.pkiDir, 'apiserver.csr');
  return [
    ['req', '-x509', ...ec, '-days', days, '-subj', `/CN=l2lab-ca-${input.runId}`, '-keyout', layout.caKeyPath, '-out', layout.caCertPath,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ['req', ...ec, '-subj', '/CN=kube-apiserver', '-keyout', layout.servingKeyPath, '-out', csrPath],
    ['x509', '-req', '-in', csrPath, '-CA', layout.caCertPath, '-CAkey', layout.caKeyPath, '-set_serial', `0x${serialHex}`,
      '-days', days, '-out', layout.servingCertPath, '-extfile', extFilePath],
    // SEC1 "EC PRIVATE KEY": --service-account-key-file reads public keys from it; it does not read PKCS#8.
    ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', layout.serviceAccountKeyPath],
  ];
}

/**
 * Writes the PKI into `layout.pkiDir` (which must exist). Keys are made 0600.
 * @throws ExecError naming the openssl step that failed (openssl missing, bad address, …).
 */
export async function generateCerts(exec: Exec, layout: ControlPlaneLayout, input: CertInput): Promise<void> {
  const extFilePath = join(layout.pkiDir, 'apiserver.ext');
  await writeFile(extFilePath, servingCertExtensions(input));
  for (const args of certCommands(layout, input, extFilePath, randomBytes(8).toString('hex'))) {
    await exec('openssl', args, { timeoutMs: 20_000 });
  }
  await rm(join(layout.pkiDir, 'apiserver.csr'), { force: true });
  for (const key of [layout.caKeyPath, layout.servingKeyPath, layout.serviceAccountKeyPath]) await chmod(key, 0o600);
}
