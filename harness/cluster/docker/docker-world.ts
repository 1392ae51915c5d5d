/**
 * The running docker world: the containers of every node (datapath + echo), agent, client and the
 * operator, the admin's view of the real API server, the observer (the sim's `WorldObserver`, fed
 * by watches as in the lab) and the container nemesis:
 *
 * - kill-agent / restart-agent = `docker kill` / `docker start` of the node's agent container (the
 *   node container keeps the pinned map and answers until its liveness cutoff, as in the lab);
 * - kill-node / restart-node = `docker kill` of the agent and node containers (Docker removes their
 *   veths: every cable gone, as the lab's kill-node pulls them) and the pinned map deleted / both
 *   started again, the node's new network namespace attached and set up again (`DockerWire.rewire`);
 * - freeze / thaw = `docker pause` / `docker unpause` of the agent container (cgroup freezer);
 * - restart-operator = `docker kill` / `docker start` of the operator container;
 * - api-outage / api-restore = the lab's control plane: kube-apiserver stopped, then started again
 *   and ready (`/readyz`);
 * - link-down/up, segment-down/up, partition-api, partition-nodes, netem = the lab's own fault
 *   adapter (`LabNet`) over the containers' real wire (`DockerWire`): cables pulled on the bridge
 *   side in the daemon's namespace, the API partition by nftables in the node's namespace on its
 *   management interface (eth1), node partitions by bridge filters — with the control plane on the
 *   management bridge's own address, in its input/output hooks — and loss by nftables (this kernel
 *   has no sch_netem, so a delay is refused as in the lab).
 *
 * Each fault records its nemesis op in the history as `LabWorld` does, so the checkers see the
 * same fault windows in both worlds; the timeline is driven by the lab's `runLabNemesis`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { History } from '../../core/history.ts';
import type { Grudge, LinkShape } from '../../core/net.ts';
import type { ObjectStore } from '../../core/object-store.ts';
import { isLeaseObject, LEASES } from '../../election/lease-record.ts';
import { leaseName } from '../../l2/lease.ts';
import { HARNESS_IDENTITY } from '../../lab/world/lab-edits.ts';
import { WireFaults, type NetemTarget } from '../../lab/world/wire-faults.ts';
import type { NemesisWorld } from '../../lab/world/lab-nemesis.ts';
import type { LabControlPlane } from '../../lab/world/lab-world.ts';
import type { Profile } from '../../profiles/profile.ts';
import type { WorldObserver } from '../../sim/observer.ts';
import { WatchedObserver } from '../observe/watched-observer.ts';
import { containerOps } from './docker-engine.ts';
import { DOCKER_MGMT_IFACE, type DockerWorldPlan } from './docker-plan.ts';
import type { DockerWire } from './docker-wire.ts';

/** Options of {@link DockerWorld}. */
export interface DockerWorldOptions {
  readonly plan: DockerWorldPlan;
  readonly profile: Profile;
  readonly history: History;
  readonly clock: Clock;
  readonly modelStore: ObjectStore;
  readonly adminStore: ObjectStore;
  readonly leaseNamespace: string;
  /** Host directory of each node's state (bind-mounted at /state: pinned map, histories). */
  readonly nodeStateDir: (node: string) => string;
  /** The file the probers read VIPs from (bind-mounted into the clients). */
  readonly vipsPath: string;
  /** Bound of a restarted container's `ready`. */
  readonly readyTimeoutMs: number;
  /** The containers' attached namespaces and the LabNet over them (resolved once every container is up). */
  readonly wire: DockerWire;
  /** The lab's control plane (kube-apiserver stop/start for the API outage). */
  readonly controlPlane: Pick<LabControlPlane, 'stopApiserver' | 'startApiserver'>;
}

/** Faults and the observer of the docker world. */
export class DockerWorld implements NemesisWorld {
  readonly #o: DockerWorldOptions;
  readonly #watched: WatchedObserver;
  readonly #faults: WireFaults;
  readonly problems: string[] = [];

  constructor(options: DockerWorldOptions) {
    this.#o = options;
    this.#faults = new WireFaults({
      history: options.history,
      fabric: () => options.wire.net,
      controlPlane: options.controlPlane,
      netnsOf: (target) => {
        const netns = target.node !== undefined ? this.#node(target.node).netns : options.plan.clients.find((c) => c.name === target.client)?.netns;
        if (netns === undefined) throw new Error(`netem: no node or client ${target.node ?? target.client ?? '(none)'} in the docker world`);
        return netns;
      },
      mgmtIface: DOCKER_MGMT_IFACE,
    });
    this.#watched = new WatchedObserver({ profile: options.profile, history: options.history, modelStore: options.modelStore, leaseNamespace: options.leaseNamespace, vipsPath: options.vipsPath, onProblem: (m) => this.problems.push(m) });
  }

  /** The sim's observer, fed by the watches. */
  get observer(): WorldObserver {
    return this.#watched.observer;
  }

  /** Opens the observer's watches (before any object exists) and writes an empty VIP file. */
  async watch(): Promise<void> {
    await this.#watched.watch();
  }

  /** Stops the watches and waits for the last VIP write. */
  async stop(): Promise<void> {
    await this.#watched.stop();
  }

  /** The holder in a service's Lease now ('' released, undefined absent). */
  async holderOf(service: string): Promise<string | undefined> {
    const [namespace = '', name = ''] = service.split('/');
    try {
      const lease = await this.#o.adminStore.get({ resource: LEASES, namespace: this.#o.leaseNamespace, name: leaseName(namespace, name) }, { identity: HARNESS_IDENTITY });
      return isLeaseObject(lease) ? (lease.spec.holderIdentity ?? '') : undefined;
    } catch {
      return undefined;
    }
  }

  async killAgent(node: string): Promise<void> {
    this.#nemesis('kill-agent', { node });
    await containerOps.kill(this.#node(node).agentContainer);
  }

  async restartAgent(node: string): Promise<void> {
    this.#nemesis('restart-agent', { node });
    const n = this.#node(node);
    if ((await containerOps.pid(n.container)) === 0) return; // a killed node runs nothing
    if ((await containerOps.pid(n.agentContainer)) !== 0) await containerOps.kill(n.agentContainer);
    await this.#startAgain(n.agentContainer, 1);
  }

  async killNode(node: string): Promise<void> {
    this.#nemesis('kill-node', { node });
    const n = this.#node(node);
    await containerOps.kill(n.agentContainer).catch(() => undefined);
    await containerOps.kill(n.container);
    // A node loses its BPF maps with it.
    await rm(join(this.#o.nodeStateDir(node), 'responder-map.json'), { force: true });
  }

  async restartNode(node: string): Promise<void> {
    this.#nemesis('restart-node', { node });
    const n = this.#node(node);
    await this.#startAgain(n.container, 2);
    // A new container init, a new network namespace and new veths: attach, set up, find them again.
    await this.#o.wire.rewire(node);
    await this.#startAgain(n.agentContainer, 1);
  }

  async freeze(node: string): Promise<void> {
    this.#nemesis('freeze', { node });
    await containerOps.pause(this.#node(node).agentContainer);
  }

  async thaw(node: string): Promise<void> {
    this.#nemesis('thaw', { node });
    await containerOps.unpause(this.#node(node).agentContainer);
  }

  partitionApi(node: string): Promise<void> {
    return this.#faults.partitionApi(node);
  }

  healApi(node: string): Promise<void> {
    return this.#faults.healApi(node);
  }

  /** As the lab: the outage is over when kube-apiserver serves again, not when it is started. */
  apiOutage(down: boolean): Promise<void> {
    return this.#faults.apiOutage(down);
  }

  linkDown(node: string, iface: string): Promise<void> {
    return this.#faults.linkDown(node, iface);
  }

  linkUp(node: string, iface: string): Promise<void> {
    return this.#faults.linkUp(node, iface);
  }

  async restartOperator(): Promise<void> {
    this.#nemesis('restart-operator', {});
    const operator = this.#o.plan.operatorContainer;
    if ((await containerOps.pid(operator)) !== 0) await containerOps.kill(operator);
    await this.#startAgain(operator, 1);
  }

  /** netem on a node or client interface (`mgmt` = the node's API link, eth1 in its container). */
  netem(target: NetemTarget, iface: string, shape: LinkShape | undefined): Promise<void> {
    return this.#faults.netem(target, iface, shape);
  }

  partitionNodes(grudge: Grudge): Promise<void> {
    return this.#faults.partitionNodes(grudge);
  }

  healNodes(): Promise<void> {
    return this.#faults.healNodes();
  }

  #node(name: string): DockerWorldPlan['nodes'][number] {
    const node = this.#o.plan.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name} in the docker world`);
    return node;
  }

  /** `docker start` of a stopped container, then its `ready` lines (a restart appends new ones). */
  async #startAgain(container: string, roles: number): Promise<void> {
    const before = await containerOps.readyLines(container);
    await containerOps.start(container);
    const deadline = this.#o.clock.monotonicMs() + this.#o.readyTimeoutMs;
    for (let i = 0; this.#o.clock.monotonicMs() < deadline && i < 100_000; i++) {
      if ((await containerOps.readyLines(container)) >= before + roles) return;
      await this.#o.clock.sleep(200);
    }
    this.problems.push(`restarting ${container}: its ${roles} role(s) did not report ready within ${this.#o.readyTimeoutMs} ms`);
  }

  #nemesis(f: string, value: Record<string, string | number>): void {
    this.#faults.record(f, value);
  }
}
