/**
 * Per-namespace sysctls of a lab run. Written from inside each namespace (`ip netns exec <ns>
 * sysctl -w`): `net.*` sysctls are per network namespace, and a write from anywhere else would
 * change the host's.
 *
 * - IPv6 off everywhere (`all` also switches off the interfaces that already exist), so no
 *   router/neighbour solicitations or MLD reports appear in the captures.
 * - Node data interfaces `arp_ignore=1`: the kernel answers ARP only for addresses configured on
 *   the interface (the node's own), never for the VIPs routed `local` on `lo` — the responder does.
 * - Client neighbour tables from the scenario's `arp` settings, in the units Linux uses
 *   (`delay_first_probe_time` and `gc_stale_time` are whole seconds, `locktime` hundredths of a
 *   second): a value the unit cannot carry is rounded and the rounding reported in `notes`.
 *   `gcActive` has no per-namespace sysctl (`gc_thresh1` belongs to the host-wide ARP table), so it
 *   is left to the kernel and noted.
 */
import type { ClientArpSettings } from '../../scenario/types.ts';
import type { LabPlan } from './lab-plan.ts';

/** One `key=value` for `sysctl -w`. */
export interface SysctlSetting {
  /** The path under /proc/sys (`net/ipv4/conf/eth0/arp_ignore`): unambiguous for names with dots. */
  readonly key: string;
  readonly value: number;
}

/** The sysctls of one namespace, in the order they are written. */
export interface NetnsSysctls {
  readonly netns: string;
  readonly settings: readonly SysctlSetting[];
  /** Where a scenario setting could not be applied exactly (rounded, or not settable). */
  readonly notes: readonly string[];
}

const IPV6_OFF: readonly SysctlSetting[] = [
  { key: 'net/ipv6/conf/all/disable_ipv6', value: 1 },
  { key: 'net/ipv6/conf/default/disable_ipv6', value: 1 },
];

/** `ms` in a coarser unit of `unitMs`, with a note when it does not divide evenly. */
function inUnit(ms: number, unitMs: number, key: string, notes: string[]): number {
  const value = Math.round(ms / unitMs);
  if (value * unitMs !== ms) notes.push(`${key}: ${ms} ms rounded to ${value * unitMs} ms (the sysctl counts ${unitMs === 1000 ? 'seconds' : `${unitMs} ms units`})`);
  return value;
}

/** The neighbour sysctls of a client interface from its scenario settings. Pure. */
export function clientNeighbourSysctls(iface: string, arp: ClientArpSettings, notes: string[]): SysctlSetting[] {
  const neigh = `net/ipv4/neigh/${iface}`;
  const conf = `net/ipv4/conf/${iface}`;
  if (arp.gcActive) notes.push(`gcActive: not settable per namespace (gc_thresh1 is host-wide); the kernel's own GC behaviour applies`);
  return [
    { key: `${neigh}/base_reachable_time_ms`, value: arp.baseReachableTimeMs },
    { key: `${neigh}/delay_first_probe_time`, value: inUnit(arp.delayFirstProbeTimeMs, 1000, `${neigh}/delay_first_probe_time`, notes) },
    { key: `${neigh}/retrans_time_ms`, value: arp.retransTimeMs },
    { key: `${neigh}/ucast_solicit`, value: arp.ucastSolicit },
    { key: `${neigh}/mcast_solicit`, value: arp.mcastSolicit },
    { key: `${neigh}/mcast_resolicit`, value: arp.mcastResolicit },
    { key: `${neigh}/locktime`, value: inUnit(arp.locktimeMs, 10, `${neigh}/locktime`, notes) },
    { key: `${neigh}/gc_stale_time`, value: inUnit(arp.gcStaleTimeMs, 1000, `${neigh}/gc_stale_time`, notes) },
    { key: `${neigh}/unres_qlen`, value: arp.unresQlen },
    { key: `${conf}/arp_accept`, value: arp.arpAccept },
    { key: `${conf}/drop_gratuitous_arp`, value: arp.dropGratuitousArp ? 1 : 0 },
  ];
}

/** The sysctls of every namespace of `plan` (lab, control plane, nodes, clients). Pure. */
export function planLabSysctls(plan: LabPlan): NetnsSysctls[] {
  const nodes = plan.nodes.map((node): NetnsSysctls => ({
    netns: node.netns,
    settings: [...IPV6_OFF, ...node.data.map((d) => ({ key: `net/ipv4/conf/${d.iface}/arp_ignore`, value: 1 }))],
    notes: [],
  }));
  const clients = plan.clients.map((client): NetnsSysctls => {
    const notes: string[] = [];
    return { netns: client.netns, settings: [...IPV6_OFF, ...clientNeighbourSysctls(client.iface, client.arp, notes)], notes };
  });
  return [
    { netns: plan.labNetns, settings: IPV6_OFF, notes: [] },
    { netns: plan.controlPlane.netns, settings: IPV6_OFF, notes: [] },
    ...nodes,
    ...clients,
  ];
}

/** `sysctl -w` arguments for one namespace's settings. Pure. */
export function sysctlArgs(settings: readonly SysctlSetting[]): string[] {
  return ['-q', '-w', ...settings.map((s) => `${s.key}=${s.value}`)];
}
