import { X509Certificate } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certCommands, generateCerts, servingCertExtensions } from './certs.ts';
import { systemExec } from './exec.ts';
import { layoutFor } from './layout.ts';

const input = { ipAddresses: ['198.18.0.2', '127.0.0.1', '127.0.0.1'], validityDays: 7, runId: 'r1' };

describe('servingCertExtensions', () => {
  it('lists each address once plus the in-cluster names', () => {
    const ext = servingCertExtensions(input);
    expect(ext).toContain('subjectAltName=IP:198.18.0.2,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,');
    expect(ext).toContain('extendedKeyUsage=serverAuth');
  });
});

describe('certCommands', () => {
  it('makes the CA first and signs the serving cert with it', () => {
    const layout = layoutFor('/run/cp');
    const cmds = certCommands(layout, input, '/run/cp/pki/apiserver.ext', 'ab');
    expect(cmds.map((c) => c[0])).toEqual(['req', 'req', 'x509', 'ecparam']);
    expect(cmds[2]).toEqual(expect.arrayContaining(['-CA', '/run/cp/pki/ca.crt', '-set_serial', '0xab']));
  });
});

describe('generateCerts (openssl)', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('produces a CA-signed serving certificate valid for the addresses', async () => {
    dir = await mkdtemp(join(tmpdir(), 'l2lab-pki-'));
    const layout = layoutFor(dir);
    await mkdir(layout.pkiDir);
    await generateCerts(systemExec, layout, input);
    const ca = new X509Certificate(await readFile(layout.caCertPath));
    const serving = new X509Certificate(await readFile(layout.servingCertPath));
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkIP('198.18.0.2')).toBe('198.18.0.2');
    expect(serving.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(ca.ca).toBe(true);
    expect((await stat(layout.serviceAccountKeyPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(layout.serviceAccountKeyPath, 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });
});
