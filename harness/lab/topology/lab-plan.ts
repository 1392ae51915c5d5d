/**
 * The deployable form of a scenario's topology (containerlab's resolved `Link`s): every namespace,
 * bridge, veth end, address and route of one lab run, named with the run id. Built by the pure
 * {@link planLab}; applied by `applyLab`, faulted by `LabNet`, torn down from the run manifest.
 */
import type { ClientArpSettings } from '../../scenario/types.ts';

/** The management segment: lab netns .254, control plane .1, node k .10+k. */
export const MGMT_SUBNET = '198.19.248.0/24';
/** Prefix length of {@link MGMT_SUBNET}. */
export const MGMT_PREFIX_LENGTH = 24;
/** Name of the management bridge in the lab netns. */
export const MGMT_BRIDGE = 'br-mgmt';
/** Management interface name inside the control-plane and node namespaces. */
export const MGMT_IFACE = 'eth-m';
/** A client's data interface name. */
export const CLIENT_IFACE = 'eth0';
/** Linux's interface-name limit (IFNAMSIZ 16 including the NUL). */
export const IFNAMSIZ_CHARS = 15;

/** The management bridge and the lab netns's own address on it (the orchestrator's). */
export interface MgmtPlan {
  /** {@link MGMT_BRIDGE} in the lab; a container wire's management bridge (`containerWirePlan`). */
  readonly bridge: string;
  readonly subnet: typeof MGMT_SUBNET;
  readonly labIp: string;
  readonly prefixLength: typeof MGMT_PREFIX_LENGTH;
}

/** The control-plane namespace (etcd, kube-apiserver, operator) on the management bridge. */
export interface ControlPlanePlan {
  readonly netns: string;
  /** {@link MGMT_IFACE} in the lab. */
  readonly iface: string;
  readonly ip: string;
  /**
   * The veth end on `br-mgmt` in the lab netns — or the management bridge itself when the control
   * plane is the bridge's own address (a Docker network's gateway), so `LabNet` filters frames to
   * and from the bridge's host side instead of forwarded ones.
   */
  readonly peer: string;
}

/** One data segment: a bridge in the lab netns. */
export interface SegmentPlan {
  readonly name: string;
  readonly bridge: string;
  readonly subnet: string;
}

/** One data interface of a node. */
export interface NodeDataPlan {
  readonly iface: string;
  readonly segment: string;
  readonly bridge: string;
  readonly mac: string;
  readonly ip: string;
  readonly prefixLength: number;
  /** The veth end on `bridge` in the lab netns (≤ 15 characters). */
  readonly peer: string;
}

/** One node namespace: a management link and its data interfaces. */
export interface NodePlan {
  readonly name: string;
  readonly netns: string;
  /** The API link: {@link MGMT_IFACE} in the lab, a container's own name (`eth1`) on a container wire. */
  readonly mgmt: { readonly iface: string; readonly ip: string; readonly peer: string };
  readonly data: readonly NodeDataPlan[];
}

/** One client namespace with one interface on its segment. */
export interface ClientPlan {
  readonly name: string;
  readonly netns: string;
  readonly iface: typeof CLIENT_IFACE;
  readonly segment: string;
  readonly bridge: string;
  readonly mac: string;
  readonly ip: string;
  readonly prefixLength: number;
  readonly peer: string;
  /** Neighbour-table settings, applied as sysctls of `iface` (`planLabSysctls`). */
  readonly arp: ClientArpSettings;
}

/** Everything one lab run creates. */
export interface LabPlan {
  readonly runId: string;
  /** `l2l-<runId>-lab`: the bridges and the orchestrator. */
  readonly labNetns: string;
  readonly mgmt: MgmtPlan;
  readonly controlPlane: ControlPlanePlan;
  readonly segments: readonly SegmentPlan[];
  readonly nodes: readonly NodePlan[];
  readonly clients: readonly ClientPlan[];
  /** CIDRs covering every pool block exactly, routed `local … dev lo` in each node netns. */
  readonly localRoutes: readonly string[];
}

/** A topology the lab cannot build; the message names the object and the limit. */
export class LabPlanError extends Error {
  readonly code = 'lab-plan';
}

/** Every namespace of a plan, lab first (creation order; teardown runs the reverse). */
export function planNamespaces(plan: LabPlan): string[] {
  return [plan.labNetns, plan.controlPlane.netns, ...plan.nodes.map((n) => n.netns), ...plan.clients.map((c) => c.netns)];
}

/** The ifalias every link of the run carries (ownership mark, as containerlab's `clab-o-` altname). */
export function runAlias(runId: string): string {
  return `l2lab:${runId}`;
}
