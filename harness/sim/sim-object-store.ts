/**
 * The {@link ObjectStore} port over a {@link SimApiServer}: promises resolved by kernel events. For
 * promise-based code (tests, future informer code) driven with `driveKernelAsync`; tasks go through
 * `SimTaskRunner`, which calls the server directly. Both paths hit the same server, so accounting
 * and faults are identical.
 */
import type { CallOptions, KubeObject, MergePatch, ObjectRef, ObjectStore, StoreOk, StoreRequest, WatchEvent, WatchHandle } from '../core/object-store.ts';
import { TimeoutError } from '../core/store-errors.ts';
import type { SimKernel } from './kernel.ts';
import type { SimApiServer } from './sim-api-server.ts';

/** Promise facade of the simulated API server. */
export class SimObjectStore implements ObjectStore {
  readonly #server: SimApiServer;
  readonly #kernel: SimKernel;

  constructor(server: SimApiServer, kernel: SimKernel) {
    this.#server = server;
    this.#kernel = kernel;
  }

  async get(ref: ObjectRef, options: CallOptions): Promise<KubeObject> {
    return objectOf(await this.#call({ verb: 'get', ref }, options));
  }

  async list(resource: string, namespace: string, options: CallOptions): Promise<readonly KubeObject[]> {
    return (await this.#call({ verb: 'list', resource, namespace }, options)).items ?? [];
  }

  async create(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject> {
    return objectOf(await this.#call({ verb: 'create', resource, object }, options));
  }

  async replace(resource: string, object: KubeObject, options: CallOptions): Promise<KubeObject> {
    return objectOf(await this.#call({ verb: 'update', resource, object }, options));
  }

  async patch(ref: ObjectRef, patch: MergePatch, options: CallOptions & { readonly resourceVersion?: string }): Promise<KubeObject> {
    const request: StoreRequest = options.resourceVersion === undefined ? { verb: 'patch', ref, patch } : { verb: 'patch', ref, patch, resourceVersion: options.resourceVersion };
    return objectOf(await this.#call(request, options));
  }

  async delete(ref: ObjectRef, options: CallOptions & { readonly resourceVersion?: string }): Promise<void> {
    const request: StoreRequest = options.resourceVersion === undefined ? { verb: 'delete', ref } : { verb: 'delete', ref, resourceVersion: options.resourceVersion };
    await this.#call(request, options);
  }

  watch(resource: string, namespace: string, onEvent: (event: WatchEvent) => void, options: CallOptions): WatchHandle {
    return this.#server.watch(resource, namespace, options.identity, onEvent);
  }

  #call(request: StoreRequest, options: CallOptions): Promise<StoreOk> {
    const { signal, identity } = options;
    if (signal?.aborted) return Promise.reject(abortedError(request, identity));
    return new Promise((resolve, reject) => {
      let settled = false;
      // An abort takes effect as a new kernel event at the current instant, like every other
      // wake-up in the simulation, so its place in the event order is fixed by the kernel.
      const onAbort = (): void => {
        this.#kernel.after(0, () => {
          if (settled) return;
          settled = true;
          reject(abortedError(request, identity));
        }, 'store-abort');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#server.submit(request, identity, (response) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (response.ok) resolve(response);
        else reject(response.error);
      });
    });
  }
}

function objectOf(response: StoreOk): KubeObject {
  if (response.object === undefined) throw new Error('sim API server returned no object for a single-object verb (bug)');
  return response.object;
}

function abortedError(request: StoreRequest, identity: string): TimeoutError {
  return new TimeoutError(`${request.verb} as ${identity}: aborted by the caller`, 'aborted');
}
