/**
 * A {@link LabPlan} as iproute2 batch scripts (`ip -batch -`, one process per namespace instead of
 * one per command). Pure. The order inside each script matters:
 *
 * 1. `netns`: `netns add` of every namespace (lab first).
 * 2. `labLinks` (in the lab netns): the owner mark on `lo`, the bridges (STP off, forward delay 0,
 *    no iptables calls for bridged frames), then every veth pair created *inside* the lab netns with
 *    the other end born straight in its node/client netns under its final name and MAC
 *    (`peer name eth0 address … netns …`: no temporary name, no move, no rename race), enslaved,
 *    aliased. Nothing is up yet, so nothing is sent before IPv6 is off.
 * 3. `perNetns` (after each namespace's sysctls): aliases, addresses, links up, local routes.
 *    `addr replace`/`route replace` make a retried script idempotent.
 */
import { planNamespaces, runAlias, type LabPlan } from './lab-plan.ts';

/** The scripts of one lab, in the order they are run. */
export interface LabBatches {
  /** Host-side `ip -batch` lines: `netns add …`. */
  readonly netns: readonly string[];
  /** Lines for `ip -n <labNetns> -batch -`. */
  readonly labLinks: readonly string[];
  /** Lines for `ip -n <netns> -batch -`, lab netns first. */
  readonly perNetns: readonly { readonly netns: string; readonly lines: readonly string[] }[];
}

const BRIDGE_OPTIONS = 'type bridge stp_state 0 forward_delay 0 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0';

/**
 * Quotes an ifalias for a batch line (iproute2 splits on blanks, honours double quotes). Pure.
 * @throws RangeError for text with a double quote or newline (no way to quote it).
 */
export function quoted(text: string): string {
  if (text.includes('"') || text.includes('\n')) throw new RangeError(`ifalias ${JSON.stringify(text)}: must not contain '"' or a newline`);
  return `"${text}"`;
}

/** The batch scripts that build `plan`; `mark` goes on the lab netns's `lo` (`ownerMark`, manifest/owner-mark.ts). Pure. */
export function planIpBatches(plan: LabPlan, mark: string): LabBatches {
  const alias = quoted(runAlias(plan.runId));
  const bridges = [plan.mgmt.bridge, ...plan.segments.map((s) => s.bridge)];
  const ports: { peer: string; bridge: string }[] = [];
  const veths: string[] = [];
  const veth = (peer: string, bridge: string, iface: string, netns: string, mac?: string): void => {
    veths.push(`link add ${peer} type veth peer name ${iface}${mac === undefined ? '' : ` address ${mac}`} netns ${netns}`);
    ports.push({ peer, bridge });
  };
  veth(plan.controlPlane.peer, plan.mgmt.bridge, plan.controlPlane.iface, plan.controlPlane.netns);
  for (const node of plan.nodes) {
    veth(node.mgmt.peer, plan.mgmt.bridge, node.mgmt.iface, node.netns);
    for (const d of node.data) veth(d.peer, d.bridge, d.iface, node.netns, d.mac);
  }
  for (const client of plan.clients) veth(client.peer, client.bridge, client.iface, client.netns, client.mac);
  const labLinks = [
    `link set lo alias ${quoted(mark)}`,
    ...bridges.map((bridge) => `link add ${bridge} ${BRIDGE_OPTIONS}`),
    ...veths,
    ...ports.map((p) => `link set ${p.peer} master ${p.bridge} alias ${alias}`),
    ...bridges.map((bridge) => `link set ${bridge} alias ${alias}`),
  ];
  const up = (iface: string): string => `link set ${iface} alias ${alias} up`;
  const lab = {
    netns: plan.labNetns,
    lines: [
      'link set lo up',
      ...bridges.map((bridge) => `link set ${bridge} up`),
      ...ports.map((p) => `link set ${p.peer} up`),
      `addr replace ${plan.mgmt.labIp}/${plan.mgmt.prefixLength} dev ${plan.mgmt.bridge}`,
    ],
  };
  const cp = {
    netns: plan.controlPlane.netns,
    lines: ['link set lo up', up(plan.controlPlane.iface), `addr replace ${plan.controlPlane.ip}/${plan.mgmt.prefixLength} dev ${plan.controlPlane.iface}`],
  };
  const nodes = plan.nodes.map((node) => ({
    netns: node.netns,
    lines: [
      'link set lo up',
      up(node.mgmt.iface),
      `addr replace ${node.mgmt.ip}/${plan.mgmt.prefixLength} dev ${node.mgmt.iface}`,
      ...node.data.flatMap((d) => [up(d.iface), `addr replace ${d.ip}/${d.prefixLength} dev ${d.iface}`]),
      ...plan.localRoutes.map((cidr) => `route replace local ${cidr} dev lo`),
    ],
  }));
  const clients = plan.clients.map((client) => ({
    netns: client.netns,
    lines: ['link set lo up', up(client.iface), `addr replace ${client.ip}/${client.prefixLength} dev ${client.iface}`],
  }));
  return { netns: planNamespaces(plan).map((name) => `netns add ${name}`), labLinks, perNetns: [lab, cp, ...nodes, ...clients] };
}
