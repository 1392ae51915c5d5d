/**
 * The sim's `WorldObserver` fed by watches of a real API server (through the model store), and
 * the probers' `vips.json` kept current from the Services' ingress IPs — the part the lab, the
 * docker provider and the kube runner share. The watches open before any object exists, so every
 * object arrives as ADDED and the observer sees the run from its first commit.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { electionLease } from '../../agent/lease-group.ts';
import { ENDPOINTS, IP_POOLS, L2_POLICIES, NODES, serviceFromObject, SERVICES } from '../../agent/model-objects.ts';
import type { History } from '../../core/history.ts';
import type { KubeObject, ObjectStore, WatchEvent, WatchHandle } from '../../core/object-store.ts';
import { LEASES } from '../../election/lease-record.ts';
import { HARNESS_IDENTITY } from '../../lab/world/lab-edits.ts';
import type { Profile } from '../../profiles/profile.ts';
import { WorldObserver } from '../../sim/observer.ts';

/** Options of {@link WatchedObserver}. */
export interface WatchedObserverOptions {
  readonly profile: Profile;
  readonly history: History;
  /** The model view of the API server (`ModelObjectStore`). */
  readonly modelStore: ObjectStore;
  readonly leaseNamespace: string;
  /** The file the probers read VIPs from (`{"ns/svc": ["ip", …]}`). */
  readonly vipsPath: string;
  /** Told about a failed VIP write (for the report's notes). */
  readonly onProblem: (message: string) => void;
  /**
   * Each watch event before the observer sees it; returns the event the observer gets, or
   * undefined to keep it from the observer (the kube runner renames cluster nodes to the
   * scenario's and leaves out nodes the scenario does not have). Default: unchanged.
   */
  readonly mapEvent?: (resource: string, event: WatchEvent) => WatchEvent | undefined;
}

/** Resources the observer watches (everything the sim's commit hook shows it). */
export const OBSERVED_RESOURCES = [NODES, L2_POLICIES, IP_POOLS, ENDPOINTS, SERVICES, LEASES] as const;

/** Observer + VIP file of a world backed by a real API server. */
export class WatchedObserver {
  readonly observer: WorldObserver;
  readonly #o: WatchedObserverOptions;
  readonly #watches: WatchHandle[] = [];
  readonly #vips = new Map<string, readonly string[]>();
  #vipWrite: Promise<void> = Promise.resolve();

  constructor(options: WatchedObserverOptions) {
    this.#o = options;
    this.observer = new WorldObserver({ profile: options.profile, history: options.history, leaseNamespace: options.leaseNamespace, defaultDevices: ['eth0'], leaseOf: (service, all) => electionLease(service, all.values(), options.profile) });
  }

  /** Writes an empty VIP file, then opens the watches. */
  async watch(): Promise<void> {
    await mkdir(dirname(this.#o.vipsPath), { recursive: true });
    await this.#writeVips();
    for (const resource of OBSERVED_RESOURCES) {
      this.#watches.push(
        this.#o.modelStore.watch(resource, '', (raw) => {
          const event = this.#o.mapEvent === undefined ? raw : this.#o.mapEvent(resource, raw);
          if (event === undefined) return;
          this.observer.onCommit(resource, event);
          if (resource === SERVICES) this.#onService(event.type === 'DELETED' ? undefined : event.object, `${event.object.metadata.namespace}/${event.object.metadata.name}`);
        }, { identity: HARNESS_IDENTITY }),
      );
    }
  }

  /** Stops the watches and waits for the last VIP write. */
  async stop(): Promise<void> {
    for (const watch of this.#watches.splice(0)) watch.stop();
    await this.#vipWrite;
  }

  /** A service's ingress IPs as last seen ('ns/name'). */
  vipsOf(service: string): readonly string[] {
    return this.#vips.get(service) ?? [];
  }

  #onService(object: KubeObject | undefined, key: string): void {
    const ips = object === undefined ? [] : (serviceFromObject(object)?.ingressIPs ?? []);
    const before = this.#vips.get(key) ?? [];
    if (before.join(',') === ips.join(',')) return;
    if (ips.length === 0) this.#vips.delete(key);
    else this.#vips.set(key, ips);
    this.#vipWrite = this.#vipWrite.then(() => this.#writeVips()).catch((error: unknown) => this.#o.onProblem(`writing ${this.#o.vipsPath}: ${String(error)}`));
  }

  async #writeVips(): Promise<void> {
    const tmp = `${this.#o.vipsPath}.tmp`;
    await writeFile(tmp, `${JSON.stringify(Object.fromEntries([...this.#vips].sort(([a], [b]) => (a < b ? -1 : 1))))}\n`);
    await rename(tmp, this.#o.vipsPath);
  }
}
