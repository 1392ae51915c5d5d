/**
 * The topology as containerlab writes one: named segments, nodes with labels and interfaces
 * attached to segments, clients on segments. Names are checked once here (unique, interfaces on
 * defined segments, IFNAMSIZ via the schema) and every address is filled in, so `sim` and `lab`
 * build the same network from the same file.
 *
 * Address plan (defaults, all inside `addressPlan`, 198.18.0.0/15 unless given): segment i gets
 * the i-th /24 of the plan; node k's interface on a segment gets host .10+k (a second interface
 * of the same node on the same segment .110+k); client j gets host .200+j; beyond that give `ip`. MACs: node k's interface i is `02:00:00:KK:KK:II` (the sim world's `nodeMac`), client j
 * is `02:00:00:ff:JJ:JJ` (j from 1).
 */
import { formatIp, parseCidr, parseIp } from '../core/ip.ts';
import { LINUX_NEIGHBOUR_DEFAULTS } from '../net/neighbour-config.ts';
import type { IssueSink } from './issues.ts';
import type { ScenarioFile } from './schema.ts';
import type { ClientArpSettings, NodeInterface, Segment, Topology, TopologyClient, TopologyNode } from './types.ts';

/** RFC 2544 benchmarking range: never routed, so the lab cannot collide with a real network. */
export const DEFAULT_ADDRESS_PLAN = '198.18.0.0/15';
const SEGMENT_PREFIX_LENGTH = 24;
const NODE_HOST_OFFSET = 10;
const NODE_BLOCK = 100;
const CLIENT_HOST_OFFSET = 200;

/** Resolves the topology; problems go to `sink` (the result is then incomplete but well-typed). */
export function resolveTopology(raw: ScenarioFile['topology'], sink: IssueSink): Topology {
  const addressPlan = raw.addressPlan ?? DEFAULT_ADDRESS_PLAN;
  const segments = resolveSegments(raw, addressPlan, sink);
  const subnetOf = new Map(segments.map((s) => [s.name, s.subnet]));
  const nodes = raw.nodes.map((node, k): TopologyNode => {
    const path = ['topology', 'nodes', k];
    const interfaces = node.interfaces.map((iface, i): NodeInterface => {
      const ifPath = [...path, 'interfaces', i];
      if (!subnetOf.has(iface.segment)) sink.error([...ifPath, 'segment'], `unknown segment ${JSON.stringify(iface.segment)}: expected one of ${[...subnetOf.keys()].join(', ')}`);
      // A second interface of the node on the same segment (bond slaves, M07) gets the next block of 100.
      const sameSegmentBefore = node.interfaces.slice(0, i).filter((other) => other.segment === iface.segment).length;
      const offset = NODE_HOST_OFFSET + k + NODE_BLOCK * sameSegmentBefore;
      return { name: iface.name, segment: iface.segment, mac: iface.mac ?? nodeMac(k, i), ip: iface.ip ?? (offset < CLIENT_HOST_OFFSET ? hostAddress(subnetOf.get(iface.segment), offset) : '') };
    });
    duplicates(node.interfaces.map((i) => i.name), (i) => sink.error([...path, 'interfaces', i, 'name'], `interface ${node.interfaces[i]?.name} is defined twice on node ${node.name}`));
    return { name: node.name, labels: node.labels ?? {}, interfaces, source: sink.source(path) };
  });
  const clients = (raw.clients ?? []).map((client, j): TopologyClient => {
    const path = ['topology', 'clients', j];
    if (!subnetOf.has(client.segment)) sink.error([...path, 'segment'], `unknown segment ${JSON.stringify(client.segment)}: expected one of ${[...subnetOf.keys()].join(', ')}`);
    const { arp = {} } = client;
    const settings: ClientArpSettings = {
      ...LINUX_NEIGHBOUR_DEFAULTS,
      ...definedOnly({
        baseReachableTimeMs: arp.baseReachableTime,
        delayFirstProbeTimeMs: arp.delayFirstProbeTime,
        retransTimeMs: arp.retransTime,
        ucastSolicit: arp.ucastSolicit,
        mcastSolicit: arp.mcastSolicit,
        mcastResolicit: arp.mcastResolicit,
        locktimeMs: arp.locktime,
        gcStaleTimeMs: arp.gcStaleTime,
        gcActive: arp.gcActive,
        arpAccept: arp.arpAccept,
        dropGratuitousArp: arp.dropGratuitousArp,
        unresQlen: arp.unresQlen,
      }),
    };
    const { prefixLength: _prefixLength, ...withoutPrefix } = settings as ClientArpSettings & { prefixLength?: number };
    if (client.node !== undefined) return { ...onNode(client, path, nodes, sink), arp: withoutPrefix, source: sink.source(path) };
    return { name: client.name, segment: client.segment, mac: client.mac ?? clientMac(j), ip: client.ip ?? hostAddress(subnetOf.get(client.segment), CLIENT_HOST_OFFSET + j), arp: withoutPrefix, source: sink.source(path) };
  });
  const topology = { addressPlan, segments, nodes, clients };
  checkUnique(topology, raw, sink);
  checkAddresses(topology, sink);
  return topology;
}

function resolveSegments(raw: ScenarioFile['topology'], addressPlan: string, sink: IssueSink): Segment[] {
  const plan = parseCidr(addressPlan);
  return raw.segments.map((segment, i): Segment => {
    const path = ['topology', 'segments', i];
    let subnet = segment.subnet;
    if (subnet === undefined && plan !== undefined) {
      const first = plan.first + BigInt(i) * 2n ** BigInt(32 - SEGMENT_PREFIX_LENGTH);
      if (plan.prefixLength > SEGMENT_PREFIX_LENGTH || first > plan.last) {
        sink.error([...path, 'subnet'], `no /${SEGMENT_PREFIX_LENGTH} left in addressPlan ${addressPlan} for segment ${i + 1}: give the segment a subnet`);
      } else subnet = `${formatIp('IPv4', first)}/${SEGMENT_PREFIX_LENGTH}`;
    }
    const fdb = segment.fdb === undefined ? {} : { fdb: { ageingMs: segment.fdb.ageing, unknownUnicast: segment.fdb.unknownUnicast ?? 'flood' } };
    return { name: segment.name, subnet: subnet ?? '0.0.0.0/32', ...fdb, source: sink.source(path) };
  });
}

/** Host `offset` of `subnet` (empty when the subnet is unknown or too small; reported later). */
function hostAddress(subnet: string | undefined, offset: number): string {
  const cidr = subnet === undefined ? undefined : parseCidr(subnet);
  if (cidr === undefined || cidr.first + BigInt(offset) >= cidr.last) return '';
  return formatIp('IPv4', cidr.first + BigInt(offset));
}

const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
/** Same scheme as the sim world's `nodeMac`, so both worlds show the same MACs. */
function nodeMac(nodeIndex: number, ifaceIndex: number): string {
  return `02:00:00:${hex(nodeIndex >> 8)}:${hex(nodeIndex)}:${hex(ifaceIndex)}`;
}
function clientMac(clientIndex: number): string {
  return `02:00:00:ff:${hex((clientIndex + 1) >> 8)}:${hex(clientIndex + 1)}`;
}

/**
 * C15: a client on a node takes the node's interface on the client's segment (MAC and address);
 * giving its own `mac` or `ip` as well is an error, as is a node without an interface there.
 */
function onNode(client: NonNullable<ScenarioFile['topology']['clients']>[number], path: (string | number)[], nodes: readonly TopologyNode[], sink: IssueSink): Pick<TopologyClient, 'name' | 'segment' | 'node' | 'mac' | 'ip'> {
  const base = { name: client.name, segment: client.segment, node: client.node ?? '' };
  const node = nodes.find((n) => n.name === client.node);
  const iface = node?.interfaces.find((i) => i.segment === client.segment);
  if (client.mac !== undefined) sink.error([...path, 'mac'], `a client on node ${base.node} uses that node's MAC: leave mac out`);
  if (client.ip !== undefined) sink.error([...path, 'ip'], `a client on node ${base.node} uses that node's address: leave ip out`);
  if (node === undefined) sink.error([...path, 'node'], `unknown node ${JSON.stringify(client.node)}: expected one of ${nodes.map((n) => n.name).join(', ')}`);
  else if (iface === undefined) sink.error([...path, 'node'], `node ${node.name} has no interface on segment ${client.segment}: a client on a node sends through the node's interface on its segment`);
  return { ...base, mac: iface?.mac ?? '', ip: iface?.ip ?? '' };
}

function checkUnique(topology: Topology, raw: ScenarioFile['topology'], sink: IssueSink): void {
  duplicates(raw.segments.map((s) => s.name), (i) => sink.error(['topology', 'segments', i, 'name'], `segment ${raw.segments[i]?.name} is defined twice`));
  duplicates(raw.nodes.map((n) => n.name), (i) => sink.error(['topology', 'nodes', i, 'name'], `node ${raw.nodes[i]?.name} is defined twice`));
  const clients = raw.clients ?? [];
  duplicates(clients.map((c) => c.name), (i) => sink.error(['topology', 'clients', i, 'name'], `client ${clients[i]?.name} is defined twice`));
  const nodeNames = new Set(topology.nodes.map((n) => n.name));
  clients.forEach((c, i) => {
    if (nodeNames.has(c.name)) sink.error(['topology', 'clients', i, 'name'], `${c.name} is already a node name: nodes and clients share one namespace (history processes)`);
  });
}

/** Every address and MAC unique, and every address inside its segment's subnet. */
function checkAddresses(topology: Topology, sink: IssueSink): void {
  const subnetOf = new Map(topology.segments.map((s) => [s.name, s.subnet]));
  const ends: { ip: string; mac: string; segment: string; label: string; path: (string | number)[] }[] = [
    ...topology.nodes.flatMap((n, k) => n.interfaces.map((i, j) => ({ ...i, label: `node ${n.name} interface ${i.name}`, path: ['topology', 'nodes', k, 'interfaces', j] }))),
    // A client on a node shares that node's address and MAC (C15): not a second owner of them.
    ...topology.clients.flatMap((c, j) => (c.node === undefined ? [{ ...c, label: `client ${c.name}`, path: ['topology', 'clients', j] }] : [])),
  ];
  const seenIp = new Map<string, string>();
  const seenMac = new Map<string, string>();
  for (const end of ends) {
    if (!subnetOf.has(end.segment)) continue; // already reported
    const subnet = subnetOf.get(end.segment) ?? '';
    if (end.ip === '') {
      sink.error([...end.path, 'ip'], `no default address left in ${subnet}: give an ip`);
      continue;
    }
    const ip = parseIp(end.ip);
    const cidr = parseCidr(subnet);
    if (ip !== undefined && cidr !== undefined && (ip.value < cidr.first || ip.value > cidr.last)) sink.error([...end.path, 'ip'], `${end.ip} is outside segment ${end.segment}'s subnet ${subnet}`);
    const where = end.label;
    const ipOwner = seenIp.get(end.ip);
    if (ipOwner !== undefined) sink.error([...end.path, 'ip'], `address ${end.ip} is already used by ${ipOwner}`);
    else seenIp.set(end.ip, where);
    const macOwner = seenMac.get(end.mac);
    if (macOwner !== undefined) sink.error([...end.path, 'mac'], `MAC ${end.mac} is already used by ${macOwner}`);
    else seenMac.set(end.mac, where);
  }
}

/** Calls `report` with the index of every repeated value after its first occurrence. */
export function duplicates(values: readonly string[], report: (index: number) => void): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) report(index);
    seen.add(value);
  });
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
