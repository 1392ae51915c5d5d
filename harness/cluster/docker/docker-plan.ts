/**
 * `planDockerWorld`: a scenario's topology as Docker objects for the docker provider — one bridge
 * network per segment (the scenario's subnet; the gateway, which Docker puts on the bridge, is the
 * segment's last host address), one management network (the lab's 198.19.248.0/24, the control
 * plane on its gateway .1), and per node a `node` container (datapath + UDP echo, the scenario's
 * MAC and address on its data network) plus an `agent` container in the node's network namespace
 * (as a Cilium agent pod on the host network: killed and restarted apart from the datapath), per
 * client a `prober` container. Addresses, MACs, sysctls and local routes come from the lab's own
 * plan (`planLab`), so both worlds build the same wire. Pure.
 */
import { formatIp, parseCidr, parseIp } from '../../core/ip.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { LabPlan } from '../../lab/topology/lab-plan.ts';
import { attachedNetnsName } from '../../lab/topology/names.ts';
import { planLab } from '../../lab/topology/plan-lab.ts';

/**
 * A node container's management interface: Docker names a container's interfaces in the order it
 * joins networks — the data network at creation (eth0), the management network connected next.
 */
export const DOCKER_MGMT_IFACE = 'eth1';

/** One Docker network of the run. */
export interface DockerNetworkPlan {
  /** Docker network name `l2lab-<run>-<segment>`. */
  readonly name: string;
  /** Linux bridge name (≤ 15 characters), where tcpdump captures. */
  readonly bridge: string;
  readonly subnet: string;
  readonly gateway: string;
  /** The scenario segment, or undefined for the management network. */
  readonly segment?: string;
}

/** One node: its containers and its data endpoint. */
export interface DockerNodePlan {
  readonly name: string;
  readonly container: string;
  readonly agentContainer: string;
  /** Named netns the orchestrator attaches to the node container (sysctls, routes, faults). */
  readonly netns: string;
  /** The data network (eth0) and the management network (eth1). */
  readonly data: { readonly network: string; readonly iface: string; readonly ip: string; readonly mac: string };
  readonly mgmtIp: string;
}

/** One client container. */
export interface DockerClientPlan {
  readonly name: string;
  readonly container: string;
  readonly netns: string;
  readonly network: string;
  readonly ip: string;
  readonly mac: string;
}

/** Everything the docker world creates for one run. */
export interface DockerWorldPlan {
  readonly runId: string;
  readonly lab: LabPlan;
  readonly networks: readonly DockerNetworkPlan[];
  readonly mgmt: DockerNetworkPlan;
  readonly nodes: readonly DockerNodePlan[];
  readonly clients: readonly DockerClientPlan[];
  readonly operatorContainer: string;
  /** Label every container and network carries: `l2lab.io/run=<run>`. */
  readonly label: { readonly key: 'l2lab.io/run'; readonly value: string };
}

/** A topology the docker provider cannot build. */
export class DockerPlanError extends Error {
  override readonly name = 'DockerPlanError';
}

/** Plans the run. @throws DockerPlanError (or the lab's LabPlanError) naming the object and the limit. */
export function planDockerWorld(scenario: Scenario, runId: string): DockerWorldPlan {
  const lab = planLab(scenario, runId);
  const used = new Set([...lab.nodes.flatMap((n) => n.data.map((d) => d.ip)), ...lab.clients.map((c) => c.ip)]);
  const networks = lab.segments.map((segment, i): DockerNetworkPlan => ({
    name: `l2lab-${runId}-${segment.name}`,
    bridge: `l2d${runId}-${i}`.slice(0, 15),
    subnet: segment.subnet,
    gateway: lastHost(segment.subnet, used, `segment ${segment.name}`),
    segment: segment.name,
  }));
  const mgmt: DockerNetworkPlan = { name: `l2lab-${runId}-mgmt`, bridge: `l2d${runId}-m`.slice(0, 15), subnet: lab.mgmt.subnet, gateway: lab.controlPlane.ip };
  const networkOf = (segment: string): string => {
    const found = networks.find((n) => n.segment === segment);
    if (found === undefined) throw new DockerPlanError(`segment ${segment}: not in the topology`);
    return found.name;
  };
  const nodes = lab.nodes.map((node): DockerNodePlan => {
    // Docker names a container's interfaces eth0, eth1, … in the order it joins networks, and its
    // API (1.41) sets a MAC only on the first: one data interface per node, named eth0.
    const [data, ...more] = node.data;
    if (data === undefined || more.length > 0 || data.iface !== 'eth0') {
      throw new DockerPlanError(`node ${node.name}: the docker provider gives a node one data interface, eth0 (it has ${node.data.map((d) => d.iface).join(', ') || 'none'}); use --world lab for multi-interface topologies`);
    }
    return { name: node.name, container: `l2lab-${runId}-${node.name}`, agentContainer: `l2lab-${runId}-${node.name}-agent`, netns: attachedNetnsName(runId, node.name), data: { network: networkOf(data.segment), iface: data.iface, ip: data.ip, mac: data.mac }, mgmtIp: node.mgmt.ip };
  });
  const clients = lab.clients.map((client): DockerClientPlan => ({ name: client.name, container: `l2lab-${runId}-${client.name}`, netns: attachedNetnsName(runId, client.name), network: networkOf(client.segment), ip: client.ip, mac: client.mac }));
  return { runId, lab, networks, mgmt, nodes, clients, operatorContainer: `l2lab-${runId}-operator`, label: { key: 'l2lab.io/run', value: runId } };
}

/** The last host address of `cidr` (broadcast − 1), which must not be a scenario address. */
function lastHost(cidr: string, used: ReadonlySet<string>, what: string): string {
  const parsed = parseCidr(cidr);
  if (parsed === undefined || parsed.family !== 'IPv4') throw new DockerPlanError(`${what}: subnet ${cidr} is not an IPv4 CIDR`);
  const gateway = formatIp('IPv4', parsed.last - 1n);
  if (used.has(gateway) || parseIp(gateway) === undefined) throw new DockerPlanError(`${what}: ${gateway}, the Docker gateway (last host of ${cidr}), is a scenario address`);
  return gateway;
}
