/**
 * `containerWirePlan(base, wire)`: the {@link LabPlan} of a wire made of containers, so that
 * `new LabNet(plan)` — the lab's fault adapter, unchanged — pulls cables, cuts segments,
 * partitions and shapes traffic of containers exactly as it does of lab namespaces.
 *
 * ```ts
 * containerWirePlan(base: LabPlan, wire: ContainerWire): LabPlan
 * ```
 *
 * - `base`: what the scenario asks for — the lab's own `planLab(scenario, runId)`: node and client
 *   names, data interfaces by scenario name, addresses, MACs, segments and their subnets.
 * - `wire`: what the containers really are, discovered after they started —
 *   - `labNetns`: the namespace holding the bridges (Docker's: `l2l-docker` for l2lab's daemon);
 *   - `mgmtBridge`: the management network's bridge there;
 *   - `controlPlane`: where the API server is (`ip`, `netns`, `iface`, `peer`). When it is the
 *     management bridge's own address (a Docker network's gateway), give `peer: mgmtBridge`: LabNet
 *     then filters frames to and from the bridge's host side (input/output hooks) for partitions
 *     that involve the API server;
 *   - `nodes`: per node its attached netns (`attachContainerNetns`), its management interface as
 *     the container names it (`eth1`) with that interface's bridge-side veth (`bridgePortOf`), an
 *     optional management address (default: the base's), and per data interface (scenario name)
 *     its bridge-side veth and bridge;
 *   - `clients`: per client its attached netns, bridge-side veth and bridge.
 *
 * Segment bridges come from the data ports found on them (every port of a segment must be on one
 * bridge). Every base node, data interface and client must be in `wire`, and nothing else. Pure.
 */
import type { ClientPlan, LabPlan, NodeDataPlan, NodePlan, SegmentPlan } from '../../lab/topology/lab-plan.ts';

/** A container interface's bridge-side veth and its bridge (from `bridgePortOf`). */
export interface WirePort {
  readonly peer: string;
  readonly bridge: string;
}

/** One node container as discovered. */
export interface NodeWire {
  readonly name: string;
  /** Its attached netns name. */
  readonly netns: string;
  /** Its API link as the container names it (`eth1` for Docker's second network) and the bridge-side veth. */
  readonly mgmt: { readonly iface: string; readonly peer: string; readonly ip?: string };
  /** Per scenario data interface (`iface`, e.g. `eth0`). */
  readonly data: readonly (WirePort & { readonly iface: string })[];
}

/** One client container as discovered. */
export interface ClientWire extends WirePort {
  readonly name: string;
  readonly netns: string;
}

/** Everything {@link containerWirePlan} needs besides the base plan. */
export interface ContainerWire {
  readonly labNetns: string;
  readonly mgmtBridge: string;
  readonly controlPlane: { readonly ip: string; readonly netns: string; readonly iface: string; readonly peer: string };
  readonly nodes: readonly NodeWire[];
  readonly clients: readonly ClientWire[];
}

/** The discovered wire does not match the base plan; the message names the object. */
export class ContainerWireError extends Error {
  override readonly name = 'ContainerWireError';
}

function byName<T extends { readonly name: string }>(items: readonly T[], base: readonly { readonly name: string }[], what: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    if (map.has(item.name)) throw new ContainerWireError(`container wire: ${what} ${item.name} is listed twice`);
    map.set(item.name, item);
  }
  const extra = items.filter((i) => !base.some((b) => b.name === i.name)).map((i) => i.name);
  if (extra.length > 0) throw new ContainerWireError(`container wire: ${what}(s) ${extra.join(', ')} not in the run's plan (has ${base.map((b) => b.name).join(', ') || 'none'})`);
  return map;
}

/** The LabPlan of `wire` over `base` (see the file header). @throws ContainerWireError naming what is missing or extra. */
export function containerWirePlan(base: LabPlan, wire: ContainerWire): LabPlan {
  const nodeWires = byName(wire.nodes, base.nodes, 'node');
  const clientWires = byName(wire.clients, base.clients, 'client');
  const nodes = base.nodes.map((node): NodePlan => {
    const found = nodeWires.get(node.name);
    if (found === undefined) throw new ContainerWireError(`container wire: node ${node.name} was not discovered`);
    const extra = found.data.filter((d) => !node.data.some((b) => b.iface === d.iface)).map((d) => d.iface);
    if (extra.length > 0) throw new ContainerWireError(`container wire: node ${node.name} has no data interface ${extra.join(', ')} in the plan (has ${node.data.map((d) => d.iface).join(', ') || 'none'})`);
    if (node.data.some((d) => d.iface === found.mgmt.iface)) throw new ContainerWireError(`container wire: node ${node.name}'s management interface ${found.mgmt.iface} is also a data interface`);
    const data = node.data.map((d): NodeDataPlan => {
      const port = found.data.find((p) => p.iface === d.iface);
      if (port === undefined) throw new ContainerWireError(`container wire: node ${node.name} interface ${d.iface} was not discovered`);
      return { ...d, peer: port.peer, bridge: port.bridge };
    });
    return { name: node.name, netns: found.netns, mgmt: { iface: found.mgmt.iface, ip: found.mgmt.ip ?? node.mgmt.ip, peer: found.mgmt.peer }, data };
  });
  const clients = base.clients.map((client): ClientPlan => {
    const found = clientWires.get(client.name);
    if (found === undefined) throw new ContainerWireError(`container wire: client ${client.name} was not discovered`);
    return { ...client, netns: found.netns, peer: found.peer, bridge: found.bridge };
  });
  const segments = base.segments.map((segment): SegmentPlan => {
    const ports = [...nodes.flatMap((n) => n.data.filter((d) => d.segment === segment.name).map((d) => ({ who: `${n.name}/${d.iface}`, bridge: d.bridge }))), ...clients.filter((c) => c.segment === segment.name).map((c) => ({ who: c.name, bridge: c.bridge }))];
    const bridges = [...new Set(ports.map((p) => p.bridge))];
    const [bridge] = bridges;
    if (bridge === undefined) throw new ContainerWireError(`container wire: segment ${segment.name} has no port, so no bridge to find`);
    if (bridges.length > 1) throw new ContainerWireError(`container wire: segment ${segment.name} spans bridges ${ports.map((p) => `${p.who} on ${p.bridge}`).join(', ')}`);
    return { ...segment, bridge };
  });
  return { ...base, labNetns: wire.labNetns, mgmt: { ...base.mgmt, bridge: wire.mgmtBridge }, controlPlane: { ...wire.controlPlane }, segments, nodes, clients };
}
