/**
 * The docker world's wire as the lab's fault adapter sees it: each node and client container's
 * network namespace attached under its planned name (`l2d-<run>-<name>`), the lab's sysctls and
 * `local` pool routes written through it, the bridge-side veth of every container interface found
 * in the daemon's namespace, and from those a {@link LabPlan} (`containerWirePlan`) for a
 * {@link LabNet} — so cables, segments, partitions and netem are the lab's own faults.
 *
 * A restarted node container has a new network namespace and new veths: {@link DockerWire.rewire}
 * attaches it again, rewrites its sysctls and routes and rebuilds the LabNet.
 */
import { LabNet, type LabNetOptions } from '../../lab/net/lab-net.ts';
import { labExec, type LabExec } from '../../lab/net/lab-exec.ts';
import type { LabPlan } from '../../lab/topology/lab-plan.ts';
import { planLabSysctls, sysctlArgs } from '../../lab/topology/sysctls.ts';
import { DOCKER_PROVIDER_NETNS } from '../plan/docker-daemon.ts';
import { bridgePortOf, type BridgePort } from '../wire/bridge-port.ts';
import { attachContainerNetns, detachNetns } from '../wire/container-netns.ts';
import { containerWirePlan } from '../wire/container-wire-plan.ts';
import { DOCKER_MGMT_IFACE, type DockerWorldPlan } from './docker-plan.ts';

/** Bound of one sysctl or route command. */
const COMMAND_TIMEOUT_MS = 10_000;

/** Options of {@link DockerWire}. */
export interface DockerWireOptions {
  readonly plan: DockerWorldPlan;
  /** Host PID of a container's init (0 when it is not running). */
  readonly pidOf: (container: string) => Promise<number>;
  /** Where Docker's bridges are; default l2lab's daemon namespace. */
  readonly bridgeNetns?: string;
  readonly exec?: LabExec;
  /** Passed to the LabNet (its exec defaults to this wire's). */
  readonly netOptions?: LabNetOptions;
}

/** The attached namespaces and the LabNet of one docker run. */
export class DockerWire {
  readonly #o: DockerWireOptions;
  readonly #exec: LabExec;
  readonly #bridgeNetns: string;
  readonly #attached = new Set<string>();
  #net: LabNet | undefined;

  constructor(options: DockerWireOptions) {
    this.#o = options;
    this.#exec = options.exec ?? labExec;
    this.#bridgeNetns = options.bridgeNetns ?? DOCKER_PROVIDER_NETNS;
  }

  /** Every namespace name attached and not yet detached. */
  get attached(): readonly string[] {
    return [...this.#attached];
  }

  /** The fault adapter over the resolved wire. @throws Error before {@link resolve}. */
  get net(): LabNet {
    if (this.#net === undefined) throw new Error(`docker run ${this.#o.plan.runId}: the wire is not resolved yet (faults need every container up)`);
    return this.#net;
  }

  /** The LabPlan of the resolved wire (for the report). */
  get plan(): LabPlan {
    return this.net.plan;
  }

  #container(name: string): { container: string; netns: string; kind: 'node' | 'client' } {
    const node = this.#o.plan.nodes.find((n) => n.name === name);
    if (node !== undefined) return { container: node.container, netns: node.netns, kind: 'node' };
    const client = this.#o.plan.clients.find((c) => c.name === name);
    if (client !== undefined) return { container: client.container, netns: client.netns, kind: 'client' };
    throw new Error(`docker run ${this.#o.plan.runId}: no node or client '${name}'`);
  }

  /** Attaches the running container of node or client `name` under its planned netns name. */
  async attach(name: string): Promise<void> {
    const { container, netns } = this.#container(name);
    await attachContainerNetns(netns, await this.#o.pidOf(container), this.#exec, container);
    this.#attached.add(netns);
  }

  /**
   * The lab's per-namespace settings through the attached netns: a node gets IPv6 off, arp_ignore
   * on its data interface and the pools routed `local` on lo; a client IPv6 off and its scenario
   * neighbour settings.
   */
  async applyNetwork(name: string): Promise<void> {
    const { netns, kind } = this.#container(name);
    const lab = this.#o.plan.lab;
    const labNetns = kind === 'node' ? lab.nodes.find((n) => n.name === name)?.netns : lab.clients.find((c) => c.name === name)?.netns;
    const settings = planLabSysctls(lab).find((s) => s.netns === labNetns)?.settings ?? [];
    const what = `setting up the network of ${name} (netns ${netns})`;
    const run = async (file: string, args: string[]): Promise<void> => {
      await this.#exec(file, args, { timeoutMs: COMMAND_TIMEOUT_MS }).catch((error: unknown) => {
        throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
    };
    if (settings.length > 0) await run('ip', ['netns', 'exec', netns, 'sysctl', ...sysctlArgs(settings)]);
    if (kind === 'node') for (const cidr of lab.localRoutes) await run('ip', ['-n', netns, 'route', 'replace', 'local', cidr, 'dev', 'lo']);
  }

  async #port(netns: string, iface: string, bridge: string, who: string): Promise<BridgePort> {
    const port = await bridgePortOf(netns, iface, this.#bridgeNetns, this.#exec);
    if (port.bridge !== bridge) throw new Error(`docker run ${this.#o.plan.runId}: ${who} ${iface} is on bridge ${port.bridge}, not on its network's ${bridge}`);
    return port;
  }

  /** Finds every container's bridge ports and builds the LabNet. Call with every container running. */
  async resolve(): Promise<LabNet> {
    const { plan } = this.#o;
    const bridgeOf = (network: string): string => plan.networks.find((n) => n.name === network)?.bridge ?? network;
    const nodes = await Promise.all(plan.nodes.map(async (node) => {
      const mgmt = await this.#port(node.netns, DOCKER_MGMT_IFACE, plan.mgmt.bridge, `node ${node.name}`);
      const data = await this.#port(node.netns, node.data.iface, bridgeOf(node.data.network), `node ${node.name}`);
      return { name: node.name, netns: node.netns, mgmt: { iface: DOCKER_MGMT_IFACE, peer: mgmt.peer, ip: node.mgmtIp }, data: [{ iface: node.data.iface, ...data }] };
    }));
    const clients = await Promise.all(plan.clients.map(async (client) => ({ name: client.name, netns: client.netns, ...(await this.#port(client.netns, 'eth0', bridgeOf(client.network), `client ${client.name}`)) })));
    const labPlan = containerWirePlan(plan.lab, {
      labNetns: this.#bridgeNetns,
      mgmtBridge: plan.mgmt.bridge,
      // The control plane listens on the management network's gateway: the bridge's own address.
      controlPlane: { ip: plan.mgmt.gateway, netns: this.#bridgeNetns, iface: plan.mgmt.bridge, peer: plan.mgmt.bridge },
      nodes,
      clients,
    });
    this.#net = new LabNet(labPlan, { exec: this.#exec, ...this.#o.netOptions });
    return this.#net;
  }

  /** After a node container started again: attach its new namespace, set it up, find its new veths. */
  async rewire(node: string): Promise<void> {
    const { netns } = this.#container(node);
    await detachNetns(netns, this.#exec);
    this.#attached.delete(netns);
    await this.attach(node);
    await this.applyNetwork(node);
    await this.resolve();
  }

  /** Detaches every attached name; returns what could not be detached. Idempotent. */
  async detachAll(): Promise<string[]> {
    const failures: string[] = [];
    for (const netns of [...this.#attached]) {
      try {
        await detachNetns(netns, this.#exec);
        this.#attached.delete(netns);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    return failures;
  }
}
