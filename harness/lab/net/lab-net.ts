/**
 * `LabNet`: the lab world's fault adapter over a built {@link LabPlan} (Jepsen's `net` for netns):
 * links down/up, API partitions, node partitions on the bridges, netem, a node's links all down.
 * Every method is idempotent (applying a fault twice, or healing what is not broken, is fine) and
 * touches only namespaces of the plan; errors name the action, the netns and the interface.
 *
 * netem: this kernel family may lack `sch_netem` (CONFIG_NET_SCH_NETEM). Then loss is emulated with
 * an nftables `numgen` drop on the interface's egress, and a delay or jitter is refused with an
 * error saying so — never silently skipped.
 */
import type { Clock } from '../../core/clock.ts';
import { API_SERVER, type Grudge, type LinkShape } from '../../core/net.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { planNamespaces, type LabPlan, type NodePlan } from '../topology/lab-plan.ts';
import { runIpBatch } from './ip-batch.ts';
import { ExecError, labExec, type LabExec } from './lab-exec.ts';
import { apiPartitionScript, bridgePartitionScript, clearLossScript, clearTableScript, lossScript, API_PARTITION_TABLE, NODE_PARTITION_TABLE, type PortDrop } from './nft-rules.ts';

/** A fault could not be applied or removed. */
export class LabNetError extends Error {
  readonly code = 'lab-net';
}

/** Options of {@link LabNet}. */
export interface LabNetOptions {
  readonly exec?: LabExec;
  readonly clock?: Clock;
  /** Per command; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** The interface name a scenario uses for a node's API link. */
export const MGMT_ALIAS = 'mgmt';

const NETEM_MISSING = /Specified qdisc kind is unknown|Unknown qdisc "netem"/;
const NO_QDISC = /Cannot delete qdisc with handle of zero|No such file or directory|Cannot find specified qdisc/;

/** Checks a netem shape. Pure. @throws RangeError naming the bad field. */
export function checkLinkShape(shape: LinkShape, where: string): void {
  const { delayMs = 0, jitterMs = 0, lossPercent = 0 } = shape;
  if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`netem on ${where}: delayMs must be a finite number ≥ 0, got ${delayMs}`);
  if (!(Number.isFinite(jitterMs) && jitterMs >= 0)) throw new RangeError(`netem on ${where}: jitterMs must be a finite number ≥ 0, got ${jitterMs}`);
  if (jitterMs > 0 && delayMs === 0) throw new RangeError(`netem on ${where}: jitterMs needs a delayMs (netem jitters the delay)`);
  if (!(Number.isFinite(lossPercent) && lossPercent >= 0 && lossPercent <= 100)) throw new RangeError(`netem on ${where}: lossPercent must be within 0–100, got ${lossPercent}`);
}

/** `tc qdisc replace … netem` arguments for a shape. Pure. */
export function netemArgs(netns: string, iface: string, shape: LinkShape): string[] {
  const args = ['-n', netns, 'qdisc', 'replace', 'dev', iface, 'root', 'netem'];
  if ((shape.delayMs ?? 0) > 0) args.push('delay', `${shape.delayMs}ms`, ...((shape.jitterMs ?? 0) > 0 ? [`${shape.jitterMs}ms`] : []));
  if ((shape.lossPercent ?? 0) > 0) args.push('loss', `${shape.lossPercent}%`);
  return args;
}

/** The lab's fault adapter. */
export class LabNet {
  readonly plan: LabPlan;
  readonly #exec: LabExec;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #namespaces: ReadonlySet<string>;
  /** undefined until the first netem call finds out. */
  #netemAvailable: boolean | undefined;

  constructor(plan: LabPlan, options: LabNetOptions = {}) {
    this.plan = plan;
    this.#exec = options.exec ?? labExec;
    this.#clock = options.clock ?? new SystemClock();
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#namespaces = new Set(planNamespaces(plan));
  }

  /** The plan of node `name`. @throws LabNetError for a node the lab does not have. */
  node(name: string, action: string): NodePlan {
    const node = this.plan.nodes.find((n) => n.name === name);
    if (node === undefined) throw new LabNetError(`${action}: no node '${name}' in lab run ${this.plan.runId} (nodes: ${this.plan.nodes.map((n) => n.name).join(', ')})`);
    return node;
  }

  /** A node interface by its scenario name (`eth0`) or `mgmt`/the plan's management name (`eth-m`) for the API link. */
  #nodeIface(node: NodePlan, iface: string, action: string): string {
    if (iface === MGMT_ALIAS || iface === node.mgmt.iface) return node.mgmt.iface;
    if (node.data.some((d) => d.iface === iface)) return iface;
    throw new LabNetError(`${action}: node ${node.name} (netns ${node.netns}) has no interface '${iface}' (has ${[node.mgmt.iface, ...node.data.map((d) => d.iface)].join(', ')})`);
  }

  #checkNetns(netns: string, action: string): void {
    if (!this.#namespaces.has(netns)) throw new LabNetError(`${action}: netns ${netns} is not part of lab run ${this.plan.runId}`);
  }

  async #batch(netns: string, lines: readonly string[], action: string): Promise<void> {
    await runIpBatch(this.#exec, lines, { netns, action, clock: this.#clock, timeoutMs: this.#timeoutMs }).catch((error: unknown) => {
      throw new LabNetError(error instanceof Error ? error.message : String(error), { cause: error });
    });
  }

  async #nft(netns: string, script: string, action: string): Promise<void> {
    await this.#exec('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: script, timeoutMs: this.#timeoutMs }).catch((error: unknown) => {
      throw new LabNetError(`${action} (nft in netns ${netns}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  }

  /**
   * Pulls the cable of one node interface (`mgmt` = the API link): the veth end on the bridge goes
   * down, so the node's interface loses carrier (NO-CARRIER) but stays administratively up — what
   * a failed NIC, cable or switch port looks like to the node. Setting the node's own interface
   * down instead would also make every packet socket on it fail with ENETDOWN, which the `cap`
   * binding answers with an abort (a real datapath keeps running through a carrier loss).
   */
  async linkDown(node: string, iface: string): Promise<void> {
    await this.#cable(node, iface, 'down');
  }

  /** Plugs the cable back in: the bridge-side end up, carrier back on the node's interface. */
  async linkUp(node: string, iface: string): Promise<void> {
    await this.#cable(node, iface, 'up');
  }

  async #cable(node: string, iface: string, state: 'up' | 'down'): Promise<void> {
    const action = `link ${state} ${node}/${iface}`;
    const plan = this.node(node, action);
    const name = this.#nodeIface(plan, iface, action);
    const peer = name === plan.mgmt.iface ? plan.mgmt.peer : plan.data.find((d) => d.iface === name)?.peer;
    if (peer === undefined) throw new LabNetError(`${action}: no bridge-side end recorded for ${name}`);
    await this.#batch(this.plan.labNetns, [`link set ${peer} ${state}`], `${action} (${peer} in ${this.plan.labNetns})`);
  }

  /** Every cable of the node pulled (a node that lost power, as seen from the wire). */
  async killNodeLinks(node: string): Promise<void> {
    const plan = this.node(node, `killing the links of ${node}`);
    await this.#batch(this.plan.labNetns, [plan.mgmt.peer, ...plan.data.map((d) => d.peer)].map((p) => `link set ${p} down`), `killing the links of ${node}`);
  }

  /** Every cable of the node plugged back in. */
  async restoreNodeLinks(node: string): Promise<void> {
    const plan = this.node(node, `restoring the links of ${node}`);
    await this.#batch(this.plan.labNetns, [plan.mgmt.peer, ...plan.data.map((d) => d.peer)].map((p) => `link set ${p} up`), `restoring the links of ${node}`);
  }

  /** Every port of a segment's bridge down: the nodes and clients on it lose carrier (a switch power-cycle). */
  async segmentDown(segment: string): Promise<void> {
    await this.#segmentPorts(segment, 'down');
  }

  /** The segment's ports up again. */
  async segmentUp(segment: string): Promise<void> {
    await this.#segmentPorts(segment, 'up');
  }

  async #segmentPorts(segment: string, state: 'up' | 'down'): Promise<void> {
    const action = `segment ${segment} ${state}`;
    const bridge = this.plan.segments.find((s) => s.name === segment)?.bridge;
    if (bridge === undefined) throw new LabNetError(`${action}: no segment '${segment}' in lab run ${this.plan.runId}`);
    const ports = [...this.plan.nodes.flatMap((n) => n.data), ...this.plan.clients].filter((p) => p.bridge === bridge).map((p) => p.peer);
    if (ports.length > 0) await this.#batch(this.plan.labNetns, ports.map((p) => `link set ${p} ${state}`), `${action} (${bridge})`);
  }

  /** The node and the API server drop each other's IPv4 (requests time out, nothing fails fast). */
  async partitionApi(node: string): Promise<void> {
    const plan = this.node(node, `partitioning ${node} from the API server`);
    await this.#nft(plan.netns, apiPartitionScript(plan.mgmt.iface, this.plan.controlPlane.ip), `partitioning ${node} from the API server (${plan.mgmt.iface} ↔ ${this.plan.controlPlane.ip})`);
  }

  /** Ends the node's API partition. */
  async healApi(node: string): Promise<void> {
    const plan = this.node(node, `healing the API partition of ${node}`);
    await this.#nft(plan.netns, clearTableScript(API_PARTITION_TABLE.family, API_PARTITION_TABLE.name), `healing the API partition of ${node}`);
  }

  /** The lab-side ports of a grudge member for a pair: data ports node↔node, management ports with the API server. */
  #ports(name: string, withApiServer: boolean, action: string): string[] {
    if (name === API_SERVER) return [this.plan.controlPlane.peer];
    const node = this.plan.nodes.find((n) => n.name === name);
    if (node !== undefined) return withApiServer ? [node.mgmt.peer] : node.data.map((d) => d.peer);
    const client = this.plan.clients.find((c) => c.name === name);
    if (client !== undefined && !withApiServer) return [client.peer];
    if (client !== undefined) throw new LabNetError(`${action}: client ${name} has no link to the API server`);
    throw new LabNetError(`${action}: '${name}' is neither a node, a client nor '${API_SERVER}' of lab run ${this.plan.runId}`);
  }

  /** The bridge drops of a grudge (each member drops frames *from* its peers). Pure over the plan. */
  portDrops(grudge: Grudge): PortDrop[] {
    const action = 'partitioning nodes';
    const drops: PortDrop[] = [];
    for (const [receiver, senders] of grudge) {
      for (const sender of senders) {
        const withApi = receiver === API_SERVER || sender === API_SERVER;
        drops.push({ fromPorts: this.#ports(sender, withApi, action), toPorts: this.#ports(receiver, withApi, action) });
      }
    }
    return drops;
  }

  /**
   * The bridge's own (host-side) ports: the management bridge when the control plane is its
   * address (a Docker network's gateway) — frames to and from it are delivered and sent locally,
   * never forwarded, so the partition filters them in the bridge's input and output hooks.
   */
  get localPorts(): readonly string[] {
    return this.plan.controlPlane.peer === this.plan.mgmt.bridge ? [this.plan.mgmt.bridge] : [];
  }

  /** Replaces the current node partition by `grudge` (an empty grudge heals). */
  async partitionNodes(grudge: Grudge): Promise<void> {
    await this.#nft(this.plan.labNetns, bridgePartitionScript(this.portDrops(grudge), this.localPorts), 'partitioning nodes on the bridges');
  }

  /** Removes every node partition. */
  async healNodes(): Promise<void> {
    await this.#nft(this.plan.labNetns, clearTableScript(NODE_PARTITION_TABLE.family, NODE_PARTITION_TABLE.name), 'healing the node partition');
  }

  /**
   * Shapes what `iface` sends in `netns` (any namespace of the run); a shape of zeros clears it.
   * @throws RangeError for a bad shape; LabNetError when the kernel cannot (delay without sch_netem).
   */
  async netem(netns: string, iface: string, shape: LinkShape): Promise<void> {
    const where = `${iface} in netns ${netns}`;
    checkLinkShape(shape, where);
    this.#checkNetns(netns, `netem on ${where}`);
    if ((shape.delayMs ?? 0) === 0 && (shape.lossPercent ?? 0) === 0) {
      await this.clearNetem(netns, iface);
      return;
    }
    if (this.#netemAvailable !== false) {
      try {
        await this.#exec('tc', netemArgs(netns, iface, shape), { timeoutMs: this.#timeoutMs });
        this.#netemAvailable = true;
        return;
      } catch (error) {
        const stderr = error instanceof ExecError ? error.stderr : '';
        if (!NETEM_MISSING.test(stderr)) throw new LabNetError(`netem on ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        this.#netemAvailable = false;
      }
    }
    if ((shape.delayMs ?? 0) > 0) {
      throw new LabNetError(`netem delay ${shape.delayMs} ms on ${where}: this kernel has no sch_netem (CONFIG_NET_SCH_NETEM), so delay and jitter cannot be emulated; loss alone can (nftables)`);
    }
    await this.#nft(netns, lossScript(iface, shape.lossPercent ?? 0), `netem loss ${shape.lossPercent}% on ${where} (nftables, no sch_netem)`);
  }

  /** Removes any netem shaping (qdisc or nftables loss) from `iface` in `netns`. */
  async clearNetem(netns: string, iface: string): Promise<void> {
    const where = `${iface} in netns ${netns}`;
    this.#checkNetns(netns, `clearing netem on ${where}`);
    await this.#exec('tc', ['-n', netns, 'qdisc', 'del', 'dev', iface, 'root'], { timeoutMs: this.#timeoutMs }).catch((error: unknown) => {
      const stderr = error instanceof ExecError ? error.stderr : '';
      if (!NO_QDISC.test(stderr)) throw new LabNetError(`clearing netem on ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    await this.#nft(netns, clearLossScript(iface), `clearing netem loss on ${where}`);
  }
}
