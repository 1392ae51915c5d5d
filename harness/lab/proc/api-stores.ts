/**
 * The API access of a controller role (agent, operator): a {@link KubeObjectStore} with the
 * role's own token (the server's idea of who it is), wrapped in the model encoding the agent and
 * the operator read (`ModelObjectStore`). Watch reconnects and objects the model cannot read are
 * logged.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ObjectStore } from '../../core/object-store.ts';
import { KubeObjectStore } from '../kube/kube-object-store.ts';
import { ModelObjectStore, realResourcesFor } from '../kube/model-store.ts';
import type { LabClock } from '../lab-clock.ts';
import { RoleConfigError } from './role-config.ts';

/** The real store (close it on exit) and the model view the controller is given. */
export interface RoleStores {
  readonly real: KubeObjectStore;
  readonly model: ObjectStore;
}

/**
 * Builds the stores of a role; `policyApi` (the scenario's, `policyApiOf`) picks the real resources
 * behind the model's policies and pools (Cilium's CRDs, or MetalLB's). @throws RoleConfigError when the CA file cannot be read.
 */
export function roleStores(api: { readonly serverUrl: string; readonly caPath: string; readonly token: string }, clock: LabClock, log: Logger, policyApi = 'cilium'): RoleStores {
  let caPem: string;
  try {
    caPem = readFileSync(api.caPath, 'utf8');
  } catch (error) {
    throw new RoleConfigError(`reading the API server's CA ${api.caPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const real = new KubeObjectStore({ serverUrl: api.serverUrl, caPem, token: api.token, onWatchNotice: (resource, notice) => log.info({ resource, ...notice }, `watch ${notice.kind}`) }, clock);
  const model = new ModelObjectStore(real, (message) => log.warn({ problem: message }, 'an object the model cannot read'), realResourcesFor(policyApi));
  return { real, model };
}
