/**
 * The model encoding over a real API server. The agent, the operator and the observer read the
 * l2lab model (`harness/agent/model-objects.ts`: `spec` is the normalised model object, `status`
 * what controllers write), because that is what the simulated API server stores. A real
 * kube-apiserver stores real Kubernetes objects. {@link ModelObjectStore} sits between the two:
 *
 * - reads (`get`, `list`, `watch`) of Services, Nodes, L2 policies and IP pools parse the real
 *   object with the same manifest parser `l2lab check` uses (so a defaulted Service — clusterIP,
 *   ipFamilies, nodePorts — reads exactly as the user's YAML would) and re-encode it as the sim
 *   does; EndpointSlices become one model `Endpoint` object per endpoint (`<slice>.<i>`), as the
 *   sim names backends;
 * - status patches (the operator's only writes to those kinds) pass through unchanged: the model's
 *   status shape is Kubernetes' own, and the real store sends a status-only patch to `/status`;
 * - Leases and every other resource pass through untouched (the elector reads real Lease specs).
 *
 * An object the parser rejects is a harness problem worth seeing, not a silent drop: reads fail
 * with an `InvalidRequestError` naming the object and the parser's first message; watch events
 * for it are skipped and reported through `onProblem`.
 */
import { ENDPOINTS, IP_POOLS, L2_POLICIES, NODES, SERVICES, endpointObject, nodeObject, policyObject, poolObject, serviceObject } from '../../agent/model-objects.ts';
import type { CallOptions, KubeObject, MergePatch, ObjectRef, ObjectStore, WatchEvent, WatchHandle } from '../../core/object-store.ts';
import { InvalidRequestError, NotFoundError } from '../../core/store-errors.ts';
import { assembleManifestSet } from '../../model/parse/assemble.ts';
import { parseManifestText } from '../../model/parse/parse-documents.ts';

/** The real resource behind each model resource that needs translating. */
export const REAL_RESOURCE_OF: Readonly<Record<string, string>> = {
  [SERVICES]: 'services',
  [NODES]: 'nodes',
  [L2_POLICIES]: 'ciliuml2announcementpolicies',
  [IP_POOLS]: 'ciliumloadbalancerippools',
  [ENDPOINTS]: 'endpointslices',
};

/**
 * The real resources of a MetalLB profile: its advertisements and pools are `metallb.io` objects
 * (`kind/crds-metallb/`), read into the same model policies and pools.
 */
export const METALLB_REAL_RESOURCE_OF: Readonly<Record<string, string>> = {
  ...REAL_RESOURCE_OF,
  [L2_POLICIES]: 'l2advertisements',
  [IP_POOLS]: 'ipaddresspools',
};

/** The real resources behind the model for the API the policies and pools are written in (`cilium` | `metallb`). */
export function realResourcesFor(policyApi: string): Readonly<Record<string, string>> {
  return policyApi === 'metallb' ? METALLB_REAL_RESOURCE_OF : REAL_RESOURCE_OF;
}

/**
 * The model objects one real object stands for (several for an EndpointSlice, none for a kind the
 * model does not hold). Keeps the real metadata identity (resourceVersion, uid, labels).
 * @throws InvalidRequestError when the manifest parser rejects the object.
 */
export function toModelObjects(resource: string, real: KubeObject): KubeObject[] {
  const source = `${resource}/${real.metadata.namespace === '' ? '' : `${real.metadata.namespace}/`}${real.metadata.name}`;
  const parsed = parseManifestText(JSON.stringify(stripServerFields(real)), source);
  const first = parsed.issues[0];
  if (first !== undefined) throw new InvalidRequestError(`reading ${source} into the l2lab model: ${first.path === '' ? '' : `${first.path}: `}${first.message}`);
  const { set } = assembleManifestSet([parsed]);
  const meta = (object: KubeObject): KubeObject => ({ ...object, metadata: { ...object.metadata, ...identityOf(real) } });
  switch (resource) {
    case SERVICES:
      return set.services.map((s) => ({ ...meta(serviceObject(s)), ...(real.status === undefined ? {} : { status: real.status }) }));
    case NODES:
      return set.nodes.map((n) => meta(nodeObject(n)));
    case L2_POLICIES:
      return set.policies.map((p) => meta(policyObject(p)));
    case IP_POOLS:
      return set.pools.map((p) => ({ ...meta(poolObject(p)), ...(real.status === undefined ? {} : { status: real.status }) }));
    case ENDPOINTS:
      return set.endpoints.map((e, i) => {
        const object = endpointObject(e, `${real.metadata.name}.${i}`);
        return { ...object, metadata: { ...object.metadata, ...identityOf(real), name: `${real.metadata.name}.${i}` } };
      });
    default:
      return [real];
  }
}

/** Server-populated metadata the manifest schemas reject or the model ignores. */
function stripServerFields(real: KubeObject): KubeObject {
  const { managedFields: _managed, generation: _generation, selfLink: _self, ...metadata } = real.metadata as KubeObject['metadata'] & Record<string, unknown>;
  return { ...real, metadata: metadata as KubeObject['metadata'] };
}

function identityOf(real: KubeObject): Pick<KubeObject['metadata'], 'resourceVersion' | 'uid' | 'namespace'> {
  return {
    namespace: real.metadata.namespace ?? '',
    ...(real.metadata.resourceVersion === undefined ? {} : { resourceVersion: real.metadata.resourceVersion }),
    ...(real.metadata.uid === undefined ? {} : { uid: real.metadata.uid }),
  };
}

/** An {@link ObjectStore} serving the model encoding from a store of real objects. */
export class ModelObjectStore implements ObjectStore {
  readonly #real: ObjectStore;
  readonly #onProblem: (message: string) => void;
  readonly #resources: Readonly<Record<string, string>>;

  /**
   * `onProblem` hears about watch events the model could not read (default: ignored);
   * `resources` maps model resources to real ones (default Cilium's; {@link realResourcesFor}).
   */
  constructor(real: ObjectStore, onProblem: (message: string) => void = () => {}, resources: Readonly<Record<string, string>> = REAL_RESOURCE_OF) {
    this.#real = real;
    this.#onProblem = onProblem;
    this.#resources = resources;
  }

  async get(ref: ObjectRef, options: CallOptions): Promise<KubeObject> {
    const realResource = this.#resources[ref.resource];
    if (realResource === undefined) return this.#real.get(ref, options);
    if (ref.resource === ENDPOINTS) {
      const slice = ref.name.replace(/\.\d+$/, '');
      const object = toModelObjects(ENDPOINTS, await this.#real.get({ ...ref, resource: realResource, name: slice }, options)).find((o) => o.metadata.name === ref.name);
      if (object === undefined) throw new NotFoundError(`get endpoints ${ref.namespace}/${ref.name}: the EndpointSlice ${slice} has no such endpoint`);
      return object;
    }
    return single(toModelObjects(ref.resource, await this.#real.get({ ...ref, resource: realResource }, options)), ref);
  }

  async list(resource: string, namespace: string, options: CallOptions): Promise<readonly KubeObject[]> {
    const realResource = this.#resources[resource];
    if (realResource === undefined) return this.#real.list(resource, namespace, options);
    const items = await this.#real.list(realResource, namespace, options);
    return items.flatMap((item) => toModelObjects(resource, item)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }

  create(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject> {
    if (this.#resources[resource] !== undefined) return Promise.reject(new InvalidRequestError(`create ${resource} ${object.metadata.name}: model objects are written as real manifests by the lab world, not through the model store`));
    return this.#real.create(resource, object, options);
  }

  replace(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject> {
    if (this.#resources[resource] !== undefined) return Promise.reject(new InvalidRequestError(`update ${resource} ${object.metadata.name}: model objects are written as real manifests by the lab world, not through the model store`));
    return this.#real.replace(resource, object, options);
  }

  async patch(ref: ObjectRef, patch: MergePatch, options: CallOptions & { readonly resourceVersion?: string }): Promise<KubeObject> {
    const realResource = this.#resources[ref.resource];
    if (realResource === undefined) return this.#real.patch(ref, patch, options);
    const statusOnly = Object.keys(patch).every((key) => key === 'status');
    if (!statusOnly || ref.resource === ENDPOINTS) throw new InvalidRequestError(`patch ${ref.resource} ${ref.namespace}/${ref.name}: only status patches go through the model store (got ${Object.keys(patch).join(', ')})`);
    const real = await this.#real.patch({ ...ref, resource: realResource }, patch, options);
    return single(toModelObjects(ref.resource, real), ref);
  }

  delete(ref: ObjectRef, options: CallOptions & { readonly resourceVersion?: string }): Promise<void> {
    if (this.#resources[ref.resource] !== undefined) return Promise.reject(new InvalidRequestError(`delete ${ref.resource} ${ref.name}: model objects are deleted as real objects by the lab world`));
    return this.#real.delete(ref, options);
  }

  watch(resource: string, namespace: string, onEvent: (event: WatchEvent) => void, options: CallOptions): WatchHandle {
    const realResource = this.#resources[resource];
    if (realResource === undefined) return this.#real.watch(resource, namespace, onEvent, options);
    // An EndpointSlice edit can drop endpoints: remember which model names each slice produced.
    const produced = new Map<string, readonly KubeObject[]>();
    return this.#real.watch(
      realResource,
      namespace,
      (event) => {
        const key = `${event.object.metadata.namespace}/${event.object.metadata.name}`;
        let objects: KubeObject[];
        try {
          objects = event.type === 'DELETED' ? [] : toModelObjects(resource, event.object);
        } catch (error) {
          this.#onProblem(error instanceof Error ? error.message : String(error));
          return;
        }
        const before = produced.get(key) ?? (event.type === 'DELETED' && resource !== ENDPOINTS ? safeModel(resource, event.object) : []);
        const names = new Set(objects.map((o) => o.metadata.name));
        // A deletion carries the revision of the change that caused it: informers drop events not
        // newer than what they cached, and the model object produced earlier has the old revision
        // (found by the C07 bug scenario: a deleted Service stayed in every agent's cache).
        const deletedAt = event.object.metadata.resourceVersion;
        for (const gone of before) if (!names.has(gone.metadata.name)) onEvent({ type: 'DELETED', object: deletedAt === undefined ? gone : { ...gone, metadata: { ...gone.metadata, resourceVersion: deletedAt } } });
        const beforeNames = new Set(before.map((o) => o.metadata.name));
        for (const object of objects) onEvent({ type: beforeNames.has(object.metadata.name) || (event.type === 'MODIFIED' && resource !== ENDPOINTS) ? 'MODIFIED' : 'ADDED', object });
        if (objects.length === 0) produced.delete(key);
        else produced.set(key, objects);
      },
      options,
    );
  }
}

/** The model objects of a deleted object, or none when it cannot be read (then nothing is deleted twice). */
function safeModel(resource: string, object: KubeObject): readonly KubeObject[] {
  try {
    return toModelObjects(resource, object);
  } catch {
    return [];
  }
}

function single(objects: readonly KubeObject[], ref: ObjectRef): KubeObject {
  const object = objects[0];
  if (object === undefined) throw new InvalidRequestError(`reading ${ref.resource} ${ref.namespace}/${ref.name}: the object holds no model object`);
  return object;
}
