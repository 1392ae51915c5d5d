/**
 * Scenario object edits (`edit`, `apply`, `delete`, `patch-lease`) performed on a sim world. The
 * scenario writes patches against ordinary Kubernetes YAML; the sim store keeps model objects
 * (`harness/agent/model-objects.ts`). So the editor keeps each object's YAML as last written,
 * applies the merge patch there, re-parses the result with the manifest parser and replaces the
 * store object's `spec` (keeping the `status` controllers wrote) — the same path a `kubectl apply`
 * takes through a real API server and Cilium's informers.
 */
import { stringify } from 'yaml';
import { ENDPOINTS, IP_POOLS, L2_POLICIES, NODES, nodeObject, policyObject, poolObject, serviceObject, SERVICES } from '../agent/model-objects.ts';
import { applyMergePatch } from '../core/merge-patch.ts';
import type { KubeObject, StoreResponse } from '../core/object-store.ts';
import { LEASES } from '../election/lease-record.ts';
import { serviceLeaseName } from '../agent/lease-group.ts';
import { assembleManifestSet } from '../model/parse/assemble.ts';
import { parseManifestText } from '../model/parse/parse-documents.ts';
import type { ManifestSet, Node } from '../model/types.ts';
import type { NemesisAction, ObjectRef } from '../scenario/nemesis-types.ts';
import { indexObjects, isRecord, objectKey } from '../scenario/object-index.ts';
import type { Scenario } from '../scenario/types.ts';
import type { ResponderWorld } from '../sim/responder-world.ts';

/** What an edit did: `done`, or `skipped` with the reason. */
export type EditOutcome = { readonly outcome: 'done' } | { readonly outcome: 'skipped'; readonly reason: string };

type EditAction = Extract<NemesisAction, { action: 'edit' | 'apply' | 'delete' | 'patch-lease' }>;

/** Kubernetes kind → sim store resource. */
const RESOURCE_OF: Readonly<Record<string, string>> = {
  Service: SERVICES,
  Node: NODES,
  CiliumL2AnnouncementPolicy: L2_POLICIES,
  CiliumLoadBalancerIPPool: IP_POOLS,
};

/** Applies a scenario's object edits to one world; keeps the YAML of every object it touched. */
export class ScenarioEditor {
  readonly #world: ResponderWorld;
  readonly #objects: Map<string, Record<string, unknown>>;
  readonly #file: string;

  constructor(world: ResponderWorld, scenario: Pick<Scenario, 'manifestObjects' | 'topology' | 'source'>) {
    this.#world = world;
    this.#objects = indexObjects(scenario.manifestObjects, scenario.topology);
    this.#file = scenario.source.file;
  }

  /** Performs one edit action now. Never throws for a store refusal: that is a `skipped` outcome. */
  perform(action: EditAction): EditOutcome {
    switch (action.action) {
      case 'patch-lease': {
        const [namespace = '', name = ''] = action.service.split('/');
        const ref = { resource: LEASES, namespace: this.#world.leaseNamespace, name: serviceLeaseName(namespace, name, this.#world.profile) };
        return outcomeOf(this.#world.apply({ verb: 'patch', ref, patch: { spec: { holderIdentity: action.holder } } }), `patch-lease ${action.service}`);
      }
      case 'delete':
        return this.#delete(action.target, action.mayMoveIpsOf);
      case 'edit': {
        const key = objectKey(action.target.kind, action.target.namespace, action.target.name);
        const before = this.#objects.get(key);
        if (before === undefined) return { outcome: 'skipped', reason: `no ${key} to edit` };
        const after = applyMergePatch(before, action.patch);
        return isRecord(after) ? this.#write(key, after, action.mayMoveIpsOf) : { outcome: 'skipped', reason: `the patch of ${key} is not an object` };
      }
      case 'apply': {
        const meta = isRecord(action.object.metadata) ? action.object.metadata : {};
        const kind = typeof action.object.kind === 'string' ? action.object.kind : '';
        const key = objectKey(kind, typeof meta.namespace === 'string' ? meta.namespace : undefined, typeof meta.name === 'string' ? meta.name : '');
        return this.#write(key, { ...action.object }, action.mayMoveIpsOf);
      }
    }
  }

  #write(key: string, raw: Record<string, unknown>, mayMoveIpsOf: readonly string[]): EditOutcome {
    const kind = String(raw.kind);
    const resource = RESOURCE_OF[kind];
    if (resource === undefined) return { outcome: 'skipped', reason: `${kind} edits are not modelled by the sim world yet` };
    const object = kind === 'Node' ? this.#nodeObject(raw) : this.#modelObject(kind, raw);
    if (typeof object === 'string') return { outcome: 'skipped', reason: object };
    const current = this.#world.server.peek({ resource, namespace: object.metadata.namespace, name: object.metadata.name });
    const withStatus = current?.status === undefined || kind === 'Node' ? object : { ...object, status: current.status };
    const response = this.#world.apply({ verb: current === undefined ? 'create' : 'update', resource, object: withStatus }, mayMoveIpsOf);
    if (response.ok) this.#objects.set(key, raw);
    return outcomeOf(response, `writing ${key}`);
  }

  /** A Node keeps its topology interfaces; only labels (and annotations) come from the YAML. */
  #nodeObject(raw: Record<string, unknown>): KubeObject | string {
    const meta = isRecord(raw.metadata) ? raw.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const current = this.#world.server.peek({ resource: NODES, namespace: '', name });
    if (current === undefined || !isRecord(current.spec)) return `no Node ${name} in the sim world`;
    const labels = isRecord(meta.labels) ? Object.fromEntries(Object.entries(meta.labels).map(([k, v]) => [k, String(v)])) : {};
    return nodeObject({ ...(current.spec as unknown as Node), labels });
  }

  /** The store object of a Service, policy or pool parsed from its YAML. */
  #modelObject(kind: string, raw: Record<string, unknown>): KubeObject | string {
    const parsed = parseManifestText(stringify(raw), this.#file);
    if (parsed.issues.length > 0) return `the edited ${kind} is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    const set: ManifestSet = assembleManifestSet([parsed]).set;
    const source = this.#file === '' ? undefined : { file: this.#file, line: 0 };
    const keep = <T extends { source: unknown }>(o: T): T => (source === undefined ? o : { ...o, source });
    if (kind === 'Service' && set.services[0] !== undefined) return serviceObject(keep(set.services[0]));
    if (kind === 'CiliumL2AnnouncementPolicy' && set.policies[0] !== undefined) return policyObject(keep(set.policies[0]));
    if (kind === 'CiliumLoadBalancerIPPool' && set.pools[0] !== undefined) return poolObject(keep(set.pools[0]));
    return `the edited ${kind} did not parse into a model object`;
  }

  #delete(target: ObjectRef, mayMoveIpsOf: readonly string[]): EditOutcome {
    const resource = target.kind === 'Lease' ? LEASES : target.kind === 'EndpointSlice' || target.kind === 'Pod' ? ENDPOINTS : RESOURCE_OF[target.kind];
    if (resource === undefined || resource === ENDPOINTS) return { outcome: 'skipped', reason: `${target.kind} deletes are not modelled by the sim world yet` };
    const namespace = target.kind === 'Lease' ? this.#world.leaseNamespace : (target.namespace ?? '');
    const response = this.#world.apply({ verb: 'delete', ref: { resource, namespace, name: target.name } }, mayMoveIpsOf);
    if (response.ok) this.#objects.delete(objectKey(target.kind, target.namespace, target.name));
    return outcomeOf(response, `deleting ${target.kind} ${target.name}`);
  }
}

function outcomeOf(response: StoreResponse, what: string): EditOutcome {
  return response.ok ? { outcome: 'done' } : { outcome: 'skipped', reason: `${what}: ${response.error.message}` };
}
