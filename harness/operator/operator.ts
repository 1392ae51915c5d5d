/**
 * The LB-IPAM operator as a task (spec §5): informers on pools and Services; on every relevant
 * change (coalesced) it runs the pure {@link allocate} over the cached objects and writes the
 * status patches {@link decideStatusWrites} finds — only when something changed — as the
 * `operator` identity through its own rate-limited client.
 *
 * Restarts and IP stability (§5.4, C19): a running operator holds its allocations in memory, so
 * after its first run every later run imports every service's current IPs before allocating
 * anything (as `importBeforeAllocate`). Only the first run after a (re)start uses the profile's
 * order — before #41147 (1.19) an older service without an IP can then take a younger service's IP.
 */
import type { Rng } from '../core/rng.ts';
import type { Task } from '../core/task.ts';
import type { ControllerPorts } from '../agent/controller-ports.ts';
import { Informer, type InformerChange } from '../agent/informer.ts';
import { IP_POOLS, modelOf, serviceFromObject, SERVICES } from '../agent/model-objects.ts';
import type { SpawnedTask } from '../agent/spawner.ts';
import { Wakeup } from '../agent/wakeup.ts';
import { allocate, type IpamOptions } from '../ipam/allocate.ts';
import type { IpPool } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { forgetEditedPoolIps } from './pool-edits.ts';
import { decideStatusWrites } from './status-writes.ts';

/** The operator's identity (audit user, history process). */
export const OPERATOR_IDENTITY = 'operator';
/** Retry delay after a failed status write (controller-runtime requeues with backoff; fixed here). */
export const WRITE_RETRY_MS = 1_000;

/** Idle wake-up of the loop (a bounded wait; nothing happens unless a change is pending). */
export const IDLE_WAKE_MS = 60_000;

/** Settings of the operator. */
export interface OperatorConfig {
  readonly profile: Profile;
  readonly ipam?: IpamOptions;
}

/** Injected ports: the operator is a plain controller process. */
export type OperatorPorts = ControllerPorts;

/** Counters (reports, tests). */
export interface OperatorStats {
  runs: number;
  writes: number;
  failedWrites: number;
}

/** The LB-IPAM controller. Construct, then `start()`. */
export class Operator {
  readonly config: OperatorConfig;
  readonly stats: OperatorStats = { runs: 0, writes: 0, failedWrites: 0 };
  readonly #ports: OperatorPorts;
  readonly #wakeup = new Wakeup();
  readonly #stop = new AbortController();
  readonly #pools: Informer;
  readonly #services: Informer;
  readonly #tasks: SpawnedTask[] = [];
  readonly #allocRng: Rng;
  #dirty = true;
  #firstRunDone = false;
  /** The pools the last run saw, by name (`poolEditReallocates`, C19: what an edit changed). */
  #previousPools: ReadonlyMap<string, IpPool> = new Map();
  /** `resource/ns/name@rv` of objects this operator's own writes produced (their watch echoes wake nothing). */
  readonly #ownWrites = new Set<string>();

  constructor(config: OperatorConfig, ports: OperatorPorts) {
    this.config = config;
    this.#ports = ports;
    this.#allocRng = ports.rng.fork('allocate');
    const mark = (resource: string) => (change: InformerChange): void => {
      // The echo of our own status write: allocate would find nothing to do (it runs on the cache
      // this write came from), so it does not wake the loop. An echo that overtakes the write's
      // response is not recognised and costs one idle run.
      const rv = change.current?.metadata.resourceVersion;
      if (rv !== undefined && this.#ownWrites.delete(`${resource}/${change.key}@${rv}`)) return;
      this.#dirty = true;
      this.#wakeup.notify();
    };
    this.#pools = new Informer(IP_POOLS, OPERATOR_IDENTITY, mark(IP_POOLS));
    this.#services = new Informer(SERVICES, OPERATOR_IDENTITY, mark(SERVICES));
  }

  /** Starts both informers and the controller loop. */
  start(): void {
    const { spawner, client, rng, watch } = this.#ports;
    for (const informer of [this.#pools, this.#services]) {
      informer.open(watch);
      this.#tasks.push(spawner.spawn(`operator/informer/${informer.resource}`, informer.run(client, rng.fork(`informer/${informer.resource}`), this.#stop.signal)));
    }
    this.#tasks.push(spawner.spawn('operator/lbipam', this.#loop(this.#stop.signal)));
  }

  /** Crash: all tasks stop, watches close. */
  crash(): void {
    for (const task of this.#tasks) task.kill();
    this.#pools.close();
    this.#services.close();
  }

  *#loop(signal: AbortSignal): Task<void> {
    // Bounded by the signal (lab) and the kernel's limits (sim): each turn waits on the wake-up.
    for (;;) {
      if (signal.aborted) return;
      let retry = false;
      if (this.#dirty && this.#pools.synced && this.#services.synced) {
        this.#dirty = false;
        retry = !(yield* this.#runOnce(signal));
        if (retry) this.#dirty = true;
      }
      yield* this.#wakeup.wait(retry ? WRITE_RETRY_MS : IDLE_WAKE_MS);
    }
  }

  /** One allocation run and its writes; false when a write failed (retry later). */
  *#runOnce(signal: AbortSignal): Task<boolean> {
    const serviceObjects = this.#services.list();
    const poolObjects = this.#pools.list();
    const pools = poolObjects.flatMap((o) => modelOf<IpPool>(o, 'CiliumLoadBalancerIPPool') ?? []);
    const base = this.config.profile;
    // C19 `poolEditReallocates`: an edited pool's allocations are forgotten for this run.
    const services = forgetEditedPoolIps(serviceObjects.flatMap((o) => serviceFromObject(o) ?? []), pools, this.#previousPools, base.ipam);
    this.#previousPools = new Map(pools.map((p) => [p.name, p]));
    const profile: Profile = this.#firstRunDone ? { ...base, ipam: { ...base.ipam, importBeforeAllocate: true } } : base;
    this.#firstRunDone = true;
    this.stats.runs += 1;
    const result = allocate({ pools, services, profile, rng: this.#allocRng, ...(this.config.ipam === undefined ? {} : { options: this.config.ipam }) });
    let allOk = true;
    for (const write of decideStatusWrites(serviceObjects, poolObjects, result, base)) {
      const response = yield* this.#ports.client.call({ verb: 'patch', ref: write.ref, patch: write.patch }, { signal });
      if (!response.ok) {
        this.stats.failedWrites += 1;
        allOk = false;
        continue;
      }
      this.stats.writes += 1;
      const rv = response.object?.metadata.resourceVersion;
      if (rv !== undefined) this.#ownWrites.add(`${write.ref.resource}/${write.ref.namespace}/${write.ref.name}@${rv}`);
      // `service-ips` is the world observer's op (it sees every writer, not only this one).
    }
    return allOk;
  }
}
