/**
 * Where the built binaries are: `.cache/control-plane/<component>-<version>/<component>`, with the
 * versions pinned in `kind/control-plane/versions.env` (built by `make control-plane`).
 */
import { access, constants, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Pinned versions, from versions.env. */
export interface ControlPlaneVersions {
  readonly kubeVersion: string;
  readonly etcdVersion: string;
}

/** Paths of the two binaries. */
export interface ControlPlaneBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly versions: ControlPlaneVersions;
}

/** Binaries that are not there (yet), with the command that builds them. */
export class BinariesMissingError extends Error {
  readonly code = 'binaries-missing';
}

/** Parses `KEY=value` lines of versions.env. Pure. */
export function parseVersionsEnv(text: string): ControlPlaneVersions {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (m?.[1] && m[2]) values.set(m[1], m[2]);
  }
  const kubeVersion = values.get('KUBE_VERSION');
  const etcdVersion = values.get('ETCD_VERSION');
  if (!kubeVersion || !etcdVersion) throw new Error('reading kind/control-plane/versions.env: KUBE_VERSION or ETCD_VERSION missing');
  return { kubeVersion, etcdVersion };
}

/** Reads the pinned versions. */
export async function readVersions(repoRoot = REPO_ROOT): Promise<ControlPlaneVersions> {
  return parseVersionsEnv(await readFile(join(repoRoot, 'kind/control-plane/versions.env'), 'utf8'));
}

/** Expected binary paths for the pinned versions (they may not exist). */
export function binaryPaths(versions: ControlPlaneVersions, cacheRoot = join(REPO_ROOT, '.cache/control-plane')): ControlPlaneBinaries {
  return {
    etcd: join(cacheRoot, `etcd-${versions.etcdVersion}`, 'etcd'),
    kubeApiserver: join(cacheRoot, `kube-apiserver-${versions.kubeVersion}`, 'kube-apiserver'),
    versions,
  };
}

/**
 * The built binaries.
 * @throws BinariesMissingError when either is absent or not executable.
 */
export async function locateBinaries(repoRoot = REPO_ROOT): Promise<ControlPlaneBinaries> {
  const binaries = binaryPaths(await readVersions(repoRoot), join(repoRoot, '.cache/control-plane'));
  for (const path of [binaries.etcd, binaries.kubeApiserver]) {
    try {
      await access(path, constants.X_OK);
    } catch {
      throw new BinariesMissingError(`control-plane binary ${path} is missing; build it with 'make control-plane' (needs Go and the module proxy)`);
    }
  }
  return binaries;
}
