import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../cli/user-error.ts';
import { loadKubeAccess } from './kube-access.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----\n';

function kubeconfig(users: string, clusters?: string, extraContexts = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'l2lab-kubeaccess-'));
  writeFileSync(join(dir, 'ca.crt'), CA);
  writeFileSync(join(dir, 'client.crt'), CERT);
  writeFileSync(join(dir, 'client.key'), KEY);
  writeFileSync(join(dir, 'token'), 'file-token\n');
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: kind-l2lab-k1
clusters:
${clusters ?? `- name: kind-l2lab-k1
  cluster:
    server: https://127.0.0.1:39211
    certificate-authority-data: ${b64(CA)}
- name: files
  cluster:
    server: https://198.18.0.2:6443/
    certificate-authority: ca.crt`}
contexts:
- name: kind-l2lab-k1
  context: { cluster: kind-l2lab-k1, user: kind-l2lab-k1 }
- name: other
  context: { cluster: files, user: file-user, namespace: l2lab-k1 }
${extraContexts}users:
${users.replaceAll('$DIR', dir)}`,
  );
  return path;
}

const KIND_USER = `- name: kind-l2lab-k1
  user:
    client-certificate-data: ${b64(CERT)}
    client-key-data: ${b64(KEY)}
- name: file-user
  user:
    client-certificate: client.crt
    client-key: client.key
`;

function refusal(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('loadKubeAccess', () => {
  it('reads a kind kubeconfig: server, CA and client certificate from inline data (current context)', () => {
    const access = loadKubeAccess(kubeconfig(KIND_USER));
    expect(access).toMatchObject({ context: 'kind-l2lab-k1', cluster: 'kind-l2lab-k1', user: 'kind-l2lab-k1', serverUrl: 'https://127.0.0.1:39211', caPem: CA, auth: 'client-certificate', clientCertPem: CERT, clientKeyPem: KEY });
    expect(access.token).toBeUndefined();
  });

  it('selects another context and reads files relative to the kubeconfig', () => {
    const access = loadKubeAccess(kubeconfig(KIND_USER), 'other');
    expect(access).toMatchObject({ context: 'other', cluster: 'files', user: 'file-user', serverUrl: 'https://198.18.0.2:6443', caPem: CA, clientCertPem: CERT, clientKeyPem: KEY });
  });

  it('takes a bearer token, inline or from token-file', () => {
    // token-file is read by the parser, relative to the working directory (kubectl's behaviour too).
    const path = kubeconfig(`- name: kind-l2lab-k1\n  user: { token: abc.def }\n- name: file-user\n  user: { token-file: $DIR/token }\n`);
    const inline = loadKubeAccess(path);
    expect(inline).toMatchObject({ auth: 'token', token: 'abc.def' });
    expect(inline.clientCertPem).toBeUndefined();
    expect(loadKubeAccess(path, 'other')).toMatchObject({ auth: 'token', token: 'file-token' });
  });

  it('refuses exec plugins naming the kubeconfig, the user, the command and what is supported', () => {
    const path = kubeconfig(`- name: kind-l2lab-k1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token]
- name: file-user
  user: { token: x }
`);
    const error = refusal(() => loadKubeAccess(path));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`kubeconfig ${path}: user 'kind-l2lab-k1' authenticates with an exec plugin (aws), which l2lab does not run`);
    expect(error.details[0]).toMatch(/bearer token .* client certificate/);
  });

  it('refuses auth-provider plugins, a certificate without key, and no credentials at all', () => {
    expect(refusal(() => loadKubeAccess(kubeconfig(`- name: kind-l2lab-k1\n  user:\n    auth-provider: { name: oidc, config: {} }\n- name: file-user\n  user: { token: x }\n`))).message).toMatch(/user 'kind-l2lab-k1' authenticates with the auth-provider 'oidc'/);
    expect(refusal(() => loadKubeAccess(kubeconfig(`- name: kind-l2lab-k1\n  user: { client-certificate-data: ${b64(CERT)} }\n- name: file-user\n  user: { token: x }\n`))).message).toMatch(/has a client certificate without its key/);
    expect(refusal(() => loadKubeAccess(kubeconfig(`- name: kind-l2lab-k1\n  user: {}\n- name: file-user\n  user: { token: x }\n`))).message).toMatch(/user 'kind-l2lab-k1' has no credentials/);
  });

  it('refuses an unknown context (listing the known ones), a missing file and insecure-skip-tls-verify', () => {
    const path = kubeconfig(KIND_USER);
    expect(refusal(() => loadKubeAccess(path, 'prod')).message).toBe(`kubeconfig ${path}: no context 'prod' (contexts: kind-l2lab-k1, other)`);
    expect(refusal(() => loadKubeAccess('/nonexistent/kubeconfig')).message).toMatch(/^reading the kubeconfig \/nonexistent\/kubeconfig: /);
    const insecure = kubeconfig(KIND_USER, `- name: kind-l2lab-k1\n  cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }\n- name: files\n  cluster: { server: "https://127.0.0.1:2" }`);
    expect(refusal(() => loadKubeAccess(insecure)).message).toMatch(/sets insecure-skip-tls-verify/);
  });
});
