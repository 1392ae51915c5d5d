/**
 * `planLab`: the resolved scenario's topology → a {@link LabPlan} (names, addresses, veth ends,
 * local routes). Pure; every limit the kernel would enforce later (IFNAMSIZ, netns names, address
 * overlaps) is checked here, so a bad scenario fails before anything is created.
 */
import { assertNetnsName } from '../../control-plane/netns.ts';
import { formatIp, parseCidr, parseIp } from '../../core/ip.ts';
import type { Scenario } from '../../scenario/types.ts';
import { cidrCover } from './cidr-cover.ts';
import {
  CLIENT_IFACE,
  IFNAMSIZ_CHARS,
  LabPlanError,
  MGMT_BRIDGE,
  MGMT_IFACE,
  MGMT_PREFIX_LENGTH,
  MGMT_SUBNET,
  type ClientPlan,
  type LabPlan,
  type NodePlan,
  type SegmentPlan,
} from './lab-plan.ts';
import { CP_NETNS_SUFFIX, LAB_NETNS_SUFFIX, RUN_ID_PATTERN, runNetnsName } from './names.ts';
import { scenarioPoolRanges } from './pool-ranges.ts';

/** Host offsets on the management subnet. */
const MGMT_LAB_HOST = 254;
const MGMT_CP_HOST = 1;
const MGMT_FIRST_NODE_HOST = 10;
/** Node k gets .10+k; .254 is the lab's, so .253 is the last node address. */
export const MAX_LAB_NODES = MGMT_LAB_HOST - MGMT_FIRST_NODE_HOST;

/** The lab-side veth end names (≤ 15 characters in every supported topology). */
const mgmtPeer = (nodeIndex: number): string => `m${nodeIndex}`;
const dataPeer = (nodeIndex: number, ifaceIndex: number): string => `d${nodeIndex}.${ifaceIndex}`;
const clientPeer = (clientIndex: number): string => `c${clientIndex}`;
const CP_PEER = 'mcp';

function checkIfname(name: string, what: string): void {
  if (name.length === 0 || name.length > IFNAMSIZ_CHARS || /[\s/:]/.test(name)) {
    throw new LabPlanError(`${what}: interface name '${name}' is not a valid Linux name (1–${IFNAMSIZ_CHARS} characters, no space, '/' or ':')`);
  }
}

function checkNetns(name: string, what: string): string {
  try {
    assertNetnsName(name);
  } catch (error) {
    throw new LabPlanError(`${what}: ${error instanceof Error ? error.message : String(error)} (at most 64 characters)`);
  }
  return name;
}

function mgmtHost(offset: number): string {
  const subnet = parseCidr(MGMT_SUBNET);
  if (subnet === undefined) throw new LabPlanError(`management subnet ${MGMT_SUBNET} does not parse`);
  return formatIp('IPv4', subnet.first + BigInt(offset));
}

function segmentPlans(scenario: Scenario): SegmentPlan[] {
  const mgmt = parseCidr(MGMT_SUBNET);
  return scenario.topology.segments.map((segment, i) => {
    const subnet = parseCidr(segment.subnet);
    if (subnet?.family !== 'IPv4') throw new LabPlanError(`segment ${segment.name}: subnet '${segment.subnet}' is not an IPv4 CIDR`);
    if (mgmt !== undefined && subnet.first <= mgmt.last && mgmt.first <= subnet.last) {
      throw new LabPlanError(`segment ${segment.name}: subnet ${segment.subnet} overlaps the management subnet ${MGMT_SUBNET}`);
    }
    const bridge = `br-${i}`;
    checkIfname(bridge, `segment ${segment.name}`);
    return { name: segment.name, bridge, subnet: segment.subnet };
  });
}

function prefixOf(segments: readonly SegmentPlan[], segment: string, what: string): { bridge: string; prefixLength: number } {
  const plan = segments.find((s) => s.name === segment);
  const cidr = plan === undefined ? undefined : parseCidr(plan.subnet);
  if (plan === undefined || cidr === undefined) throw new LabPlanError(`${what}: unknown segment '${segment}'`);
  return { bridge: plan.bridge, prefixLength: cidr.prefixLength };
}

function checkDataIp(ip: string, what: string): void {
  if (parseIp(ip)?.family !== 'IPv4') throw new LabPlanError(`${what}: data address '${ip}' is not an IPv4 address`);
}

/** Pool blocks must not reach into the management subnet nor claim a node or client address. */
function localRoutes(scenario: Scenario, dataIps: readonly { ip: string; what: string }[]): string[] {
  const ranges = scenarioPoolRanges(scenario);
  const mgmt = parseCidr(MGMT_SUBNET);
  for (const range of ranges) {
    if (mgmt !== undefined && range.first <= mgmt.last && mgmt.first <= range.last) {
      throw new LabPlanError(`${range.label}: overlaps the management subnet ${MGMT_SUBNET}`);
    }
    for (const { ip, what } of dataIps) {
      const value = parseIp(ip)?.value;
      if (value !== undefined && range.first <= value && value <= range.last) {
        throw new LabPlanError(`${range.label}: contains the address ${ip} of ${what} (a local route would swallow its traffic)`);
      }
    }
  }
  return cidrCover(ranges);
}

/**
 * Plans the lab of `scenario` for run `runId`. Pure.
 * @throws LabPlanError naming the object and the limit: an interface name over 15 characters, an
 *   invalid namespace name (or a node/client named `lab`/`cp`), more than {@link MAX_LAB_NODES}
 *   nodes, a segment or pool block overlapping the management subnet, a pool block containing a
 *   node or client data address.
 */
export function planLab(scenario: Scenario, runId: string): LabPlan {
  if (!RUN_ID_PATTERN.test(runId)) throw new LabPlanError(`run id '${runId}': expected 1–12 lowercase letters or digits`);
  const { topology } = scenario;
  if (topology.nodes.length > MAX_LAB_NODES) {
    throw new LabPlanError(`topology has ${topology.nodes.length} nodes: the management subnet ${MGMT_SUBNET} holds at most ${MAX_LAB_NODES}`);
  }
  const reserved = new Set([LAB_NETNS_SUFFIX, CP_NETNS_SUFFIX]);
  const netnsOf = (name: string, what: string): string => {
    if (reserved.has(name)) throw new LabPlanError(`${what}: the name '${name}' is reserved for the ${name === 'lab' ? 'lab' : 'control-plane'} namespace`);
    return checkNetns(runNetnsName(runId, name), what);
  };
  const segments = segmentPlans(scenario);
  const dataIps: { ip: string; what: string }[] = [];
  const nodes = topology.nodes.map((node, k): NodePlan => {
    const what = `node ${node.name}`;
    const data = node.interfaces.map((iface, j) => {
      const ifaceWhat = `${what} interface ${iface.name}`;
      checkIfname(iface.name, ifaceWhat);
      if (iface.name === MGMT_IFACE) throw new LabPlanError(`${ifaceWhat}: '${MGMT_IFACE}' is the management interface's name`);
      checkDataIp(iface.ip, ifaceWhat);
      dataIps.push({ ip: iface.ip, what: ifaceWhat });
      const peer = dataPeer(k, j);
      checkIfname(peer, `${ifaceWhat} (lab-side veth end)`);
      return { iface: iface.name, segment: iface.segment, ...prefixOf(segments, iface.segment, ifaceWhat), mac: iface.mac, ip: iface.ip, peer };
    });
    return { name: node.name, netns: netnsOf(node.name, what), mgmt: { iface: MGMT_IFACE, ip: mgmtHost(MGMT_FIRST_NODE_HOST + k), peer: mgmtPeer(k) }, data };
  });
  const clients = topology.clients.map((client, j): ClientPlan => {
    const what = `client ${client.name}`;
    // C15's prober on a node would run in the node's namespace, where the pool is routed locally
    // (`local <pool> dev lo`): it would never ARP for a VIP, so the lab cannot show what it is for.
    if (client.node !== undefined) throw new LabPlanError(`${what}: a client on a node (clients[].node: ${client.node}) runs in the sim world only — the lab's nodes route the pool locally, so a prober there would not ARP for the VIP`);
    checkDataIp(client.ip, what);
    dataIps.push({ ip: client.ip, what });
    const peer = clientPeer(j);
    checkIfname(peer, `${what} (lab-side veth end)`);
    const { bridge, prefixLength } = prefixOf(segments, client.segment, what);
    return { name: client.name, netns: netnsOf(client.name, what), iface: CLIENT_IFACE, segment: client.segment, bridge, mac: client.mac, ip: client.ip, prefixLength, peer, arp: client.arp };
  });
  return {
    runId,
    labNetns: checkNetns(runNetnsName(runId, LAB_NETNS_SUFFIX), 'lab namespace'),
    mgmt: { bridge: MGMT_BRIDGE, subnet: MGMT_SUBNET, labIp: mgmtHost(MGMT_LAB_HOST), prefixLength: MGMT_PREFIX_LENGTH },
    controlPlane: { netns: checkNetns(runNetnsName(runId, CP_NETNS_SUFFIX), 'control-plane namespace'), iface: MGMT_IFACE, ip: mgmtHost(MGMT_CP_HOST), peer: CP_PEER },
    segments,
    nodes,
    clients,
    localRoutes: localRoutes(scenario, dataIps),
  };
}
