/**
 * Scenario object edits (`edit`, `apply`, `delete`, `patch-lease`) in the lab: what `kubectl
 * patch --type merge` / `apply` / `delete` would do, as the admin identity, on the real objects.
 * The sim's editor re-parses YAML into model objects because its store keeps the model; here the
 * API server keeps real objects, so a merge patch goes to the server as is and the agents'
 * informers see the result as Cilium's would. Each edit is recorded as the sim records it (a
 * nemesis `edit` with `mayMoveIpsOf`, docs/history.md), before it is sent.
 */
import type { History } from '../../core/history.ts';
import type { KubeObject, ObjectStore } from '../../core/object-store.ts';
import { StoreError } from '../../core/store-errors.ts';
import { LEASES } from '../../election/lease-record.ts';
import { leaseName } from '../../l2/lease.ts';
import type { NemesisAction, ObjectRef } from '../../scenario/nemesis-types.ts';
import { isRecord } from '../../scenario/object-index.ts';
import { RESOURCE_OF_KIND } from './real-objects.ts';

/** What an edit did. */
export type LabEditOutcome = { readonly outcome: 'done' } | { readonly outcome: 'skipped'; readonly reason: string };

type EditAction = Extract<NemesisAction, { action: 'edit' | 'apply' | 'delete' | 'patch-lease' }>;

/** Identity of the harness's own API calls (the audit user is the admin token's). */
export const HARNESS_IDENTITY = 'harness';

/** Performs one edit on the real API server. Never throws for an API refusal: that is a `skipped` outcome. */
export async function performLabEdit(action: EditAction, store: ObjectStore, history: History, leaseNamespace: string): Promise<LabEditOutcome> {
  const options = { identity: HARNESS_IDENTITY };
  const record = (verb: string, resource: string, name: string, mayMoveIpsOf: readonly string[]): void => {
    history.record({ process: 'nemesis', type: 'info', f: 'edit', value: { verb, resource, name, mayMoveIpsOf: [...mayMoveIpsOf] } });
  };
  try {
    switch (action.action) {
      case 'patch-lease': {
        const [namespace = '', name = ''] = action.service.split('/');
        const ref = { resource: LEASES, namespace: leaseNamespace, name: leaseName(namespace, name) };
        record('patch', LEASES, ref.name, []);
        await store.patch(ref, { spec: { holderIdentity: action.holder } }, options);
        return { outcome: 'done' };
      }
      case 'edit': {
        const ref = refOf(action.target, leaseNamespace);
        if (typeof ref === 'string') return { outcome: 'skipped', reason: ref };
        record('patch', ref.resource, ref.name, action.mayMoveIpsOf);
        await store.patch(ref, action.patch, options);
        return { outcome: 'done' };
      }
      case 'delete': {
        const ref = refOf(action.target, leaseNamespace);
        if (typeof ref === 'string') return { outcome: 'skipped', reason: ref };
        record('delete', ref.resource, ref.name, action.mayMoveIpsOf);
        await store.delete(ref, options);
        return { outcome: 'done' };
      }
      case 'apply': {
        const object = action.object;
        const kind = typeof object.kind === 'string' ? object.kind : '';
        const meta = isRecord(object.metadata) ? object.metadata : {};
        const name = typeof meta.name === 'string' ? meta.name : '';
        const ref = refOf({ kind: kind as ObjectRef['kind'], name, ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}) }, leaseNamespace);
        if (typeof ref === 'string') return { outcome: 'skipped', reason: ref };
        const current = await store.get(ref, options).catch((error: unknown) => {
          if (error instanceof StoreError && error.code === 'store-not-found') return undefined;
          throw error;
        });
        const withMeta = { ...object, metadata: { ...meta, namespace: ref.namespace } } as unknown as KubeObject;
        record(current === undefined ? 'create' : 'update', ref.resource, name, action.mayMoveIpsOf);
        if (current === undefined) await store.create(ref.resource, withMeta, options);
        // apply keeps what controllers wrote (status) and replaces the rest, at the current version.
        else await store.replace(ref.resource, { ...withMeta, metadata: { ...withMeta.metadata, resourceVersion: current.metadata.resourceVersion }, ...(current.status === undefined ? {} : { status: current.status }) } as KubeObject, options);
        return { outcome: 'done' };
      }
    }
  } catch (error) {
    if (error instanceof StoreError) return { outcome: 'skipped', reason: `${action.action}: ${error.message}` };
    throw error;
  }
}

function refOf(target: ObjectRef, leaseNamespace: string): { resource: string; namespace: string; name: string } | string {
  const resource = RESOURCE_OF_KIND[target.kind];
  if (resource === undefined) return `${target.kind} is not installed in the lab`;
  const namespaced = target.kind === 'Service' || target.kind === 'Lease' || target.kind === 'EndpointSlice' || target.kind === 'Pod';
  const namespace = target.kind === 'Lease' ? (target.namespace ?? leaseNamespace) : namespaced ? (target.namespace ?? 'default') : '';
  return { resource, namespace, name: target.name };
}
