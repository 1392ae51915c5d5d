/**
 * A small `sim` world for leader election only: one kernel, one in-memory API server, N agents —
 * each with its own clock, API client (one rate limiter per agent), lease GC loop and one
 * {@link Elector} per service — all driven by one seed. It is the seed of the full `sim` world
 * (agents with candidacy, datapath, L2 segments come next) and the bench/test bed for election
 * behaviour: kill a node (crash: no release), cancel an elector (graceful: release), partition a
 * node from the API server, starve a client with a tight QPS.
 */
import type { History } from '../core/history.ts';
import { SeededRng, type Rng } from '../core/rng.ts';
import { ApiClient } from '../election/api-client.ts';
import type { ElectorSwitches } from '../election/elector-config.ts';
import { Elector, type ElectorExit } from '../election/elector.ts';
import { leaseGcLoop } from '../election/lease-gc.ts';
import { isLeaseObject, LEASES } from '../election/lease-record.ts';
import { leaseName } from '../l2/lease.ts';
import { MemoryHistory } from '../history/memory-history.ts';
import { NoopHistory } from '../core/history.ts';
import { SimKernel, type RunResult } from './kernel.ts';
import { SimApiServer } from './sim-api-server.ts';
import { SimClock } from './sim-clock.ts';
import { SimTaskRunner, type SimTaskHandle } from './sim-task-runner.ts';
import type { SimWorldOptions } from './world-options.ts';

/** Options of {@link ElectionWorld}. */
export interface ElectionWorldOptions extends SimWorldOptions {
  readonly nodes: readonly string[];
  /** Services as `namespace/name`; each gets lease `cilium-l2announce-<ns>-<name>`. */
  readonly services: readonly string[];
  readonly switches: ElectorSwitches;
}

interface ElectorSlot {
  readonly elector: Elector;
  readonly controller: AbortController;
  readonly task: SimTaskHandle<ElectorExit>;
}

interface Agent {
  readonly clock: SimClock;
  readonly client: ApiClient;
  readonly electors: Map<string, ElectorSlot>;
  readonly tasks: SimTaskHandle<unknown>[];
}

/** Agents electing per-service leaders against a simulated API server. */
export class ElectionWorld {
  readonly kernel = new SimKernel();
  readonly server: SimApiServer;
  readonly history: History;
  readonly leaseNamespace: string;
  readonly #runner: SimTaskRunner;
  readonly #agents = new Map<string, Agent>();

  /** Builds the world and starts every agent at virtual time 0. */
  constructor(options: ElectionWorldOptions) {
    const rng: Rng = new SeededRng(options.seed);
    this.leaseNamespace = options.leaseNamespace ?? 'kube-system';
    this.server = new SimApiServer(this.kernel, { rng: rng.fork('api-server'), ...(options.latency === undefined ? {} : { latency: options.latency }) });
    this.history = options.recordHistory === false ? new NoopHistory() : new MemoryHistory(new SimClock(this.kernel));
    this.#runner = new SimTaskRunner(this.kernel, this.server);
    for (const node of options.nodes) this.#startAgent(node, options, rng.fork(`node/${node}`));
  }

  /** The Lease name of a `namespace/name` service. */
  static leaseFor(service: string): string {
    const [namespace, name] = splitService(service);
    return leaseName(namespace, name);
  }

  /** Runs the kernel to `untilMs` (virtual) with an event budget. */
  runUntil(untilMs: number, maxEvents = 50_000_000): RunResult {
    return this.kernel.run({ untilMs, maxEvents });
  }

  /** The holder written in the service's Lease now ('' when released, undefined when absent). */
  holderOf(service: string): string | undefined {
    const lease = this.server.peek({ resource: LEASES, namespace: this.leaseNamespace, name: ElectionWorld.leaseFor(service) });
    return isLeaseObject(lease) ? (lease.spec.holderIdentity ?? '') : undefined;
  }

  /** The nodes whose live elector for `service` currently believes it leads. */
  leadersOf(service: string): string[] {
    const leaders: string[] = [];
    for (const [node, agent] of this.#agents) {
      const slot = agent.electors.get(service);
      // A crashed elector's flag is frozen at its last value; only live electors lead.
      if (slot !== undefined && slot.task.state === 'running' && slot.elector.leading) leaders.push(node);
    }
    return leaders;
  }

  /** The elector of `node` for `service` (tests inspect config and state). */
  elector(node: string, service: string): Elector {
    return this.#slot(node, service).elector;
  }

  /** How the elector task of `node` for `service` stands, and how it ended. */
  electorTask(node: string, service: string): SimTaskHandle<ElectorExit> {
    return this.#slot(node, service).task;
  }

  /** The agent's API client (throttle stats). */
  client(node: string): ApiClient {
    return this.#agent(node).client;
  }

  /** Crashes a node's agent: every task stops now, nothing is released. */
  killNode(node: string): void {
    this.history.record({ process: 'nemesis', type: 'info', f: 'kill-node', value: { node } });
    for (const task of this.#agent(node).tasks) task.kill();
  }

  /** Deselects `service` on `node`: its elector is cancelled (releases the lease if leading). */
  cancelElector(node: string, service: string): void {
    this.history.record({ process: 'nemesis', type: 'info', f: 'cancel-elector', value: { node, service } });
    this.#slot(node, service).controller.abort();
  }

  #startAgent(node: string, options: ElectionWorldOptions, rng: Rng): void {
    const clock = new SimClock(this.kernel);
    const client = new ApiClient({ identity: node, clock, history: this.history, ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }), ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }) });
    const agent: Agent = { clock, client, electors: new Map(), tasks: [] };
    this.#agents.set(node, agent);
    if (options.leaseGc !== false) {
      const gcSignal = new AbortController().signal;
      agent.tasks.push(this.#runner.spawn(`${node}/lease-gc`, leaseGcLoop(client, { namespace: this.leaseNamespace }, gcSignal)));
    }
    for (const service of options.services) {
      const elector = new Elector(
        { namespace: this.leaseNamespace, leaseName: ElectionWorld.leaseFor(service), identity: node, switches: options.switches, ...(options.timing === undefined ? {} : { timing: options.timing }) },
        { clock, rng: rng.fork(`elector/${service}`), history: this.history, client },
      );
      const controller = new AbortController();
      const task = this.#runner.spawn(`${node}/elector/${service}`, elector.run(controller.signal));
      agent.electors.set(service, { elector, controller, task });
      agent.tasks.push(task);
    }
  }

  #agent(node: string): Agent {
    const agent = this.#agents.get(node);
    if (agent === undefined) throw new Error(`looking up sim agent ${node}: no such node (have ${[...this.#agents.keys()].join(', ')})`);
    return agent;
  }

  #slot(node: string, service: string): ElectorSlot {
    const slot = this.#agent(node).electors.get(service);
    if (slot === undefined) throw new Error(`looking up the elector of ${node} for ${service}: not a service of this world`);
    return slot;
  }
}

function splitService(service: string): [string, string] {
  const at = service.indexOf('/');
  if (at <= 0 || at === service.length - 1) throw new Error(`parsing sim service "${service}": expected namespace/name`);
  return [service.slice(0, at), service.slice(at + 1)];
}
