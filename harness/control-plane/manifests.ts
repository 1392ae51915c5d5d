/**
 * Installs the objects the harness needs on a fresh API server: the Cilium CRDs (`kind/crds/`), the
 * lab's minimal MetalLB CRDs (`kind/crds-metallb/`) and the agent/operator RBAC (`kind/rbac/`), by server-side apply as the admin identity, then waits
 * until every CRD is `Established` so that its resources can be used at once.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiextensionsV1Api, type KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './binaries.ts';
import { apiErrorMessage } from './api-error.ts';
import { waitFor } from './wait.ts';

/** Directories whose `*.yaml` files are installed, in order. */
export const MANIFEST_DIRS = [join(REPO_ROOT, 'kind/crds'), join(REPO_ROOT, 'kind/crds-metallb'), join(REPO_ROOT, 'kind/rbac')];

/** Field manager of the harness's applies. */
export const FIELD_MANAGER = 'l2lab';

/**
 * Reads the YAML documents of a file into objects (empty documents skipped).
 * @throws Error naming the file and the first YAML error with its line.
 */
export function parseManifests(text: string, source: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      throw new Error(`reading ${source}: ${first?.message ?? 'YAML error'}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    objects.push(value as KubernetesObject);
  }
  return objects;
}

/** All objects under `dirs` (files sorted by name). */
export async function loadManifests(dirs: readonly string[] = MANIFEST_DIRS): Promise<KubernetesObject[]> {
  const objects: KubernetesObject[] = [];
  for (const dir of dirs) {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
    for (const file of files) objects.push(...parseManifests(await readFile(join(dir, file), 'utf8'), join(dir, file)));
  }
  return objects;
}

/**
 * Applies the objects and waits for the CRDs among them to be Established.
 * @throws Error naming the object that failed, or WaitError after `establishTimeoutMs`.
 */
export async function installManifests(kc: KubeConfig, objects: readonly KubernetesObject[], establishTimeoutMs: number): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    try {
      await client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw new Error(`applying ${object.kind ?? "?"} ${object.metadata?.name ?? "?"}: ${apiErrorMessage(error)}`, { cause: error });
    }
  }
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata?.name ?? '');
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const name of crds) {
    await waitFor({
      what: `CRD ${name} to be Established`,
      timeoutMs: establishTimeoutMs,
      pollMs: 100,
      probe: async () => {
        const crd = await ext.readCustomResourceDefinition({ name });
        const established = crd.status?.conditions?.find((c) => c.type === 'Established');
        return established?.status === 'True' ? { done: true } : { done: false, last: `Established=${established?.status ?? 'absent'}` };
      },
    });
  }
}
