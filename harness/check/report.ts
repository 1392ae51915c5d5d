/**
 * The result of `l2lab check`, as data. The JSON output is this structure (with bigints as decimal
 * strings) under `schemaVersion`; fields are only ever added, never renamed, within a version.
 */

export type Severity = 'error' | 'warning' | 'info';

/** One thing a careful operator wants to know. `code` is stable; `message` is for humans. */
export interface Finding {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  /** `Service/ns/name`, `CiliumL2AnnouncementPolicy/name`, … */
  readonly object?: string;
  /** `file:line` of the object in the input. */
  readonly at?: string;
  /** Spec section or bug id the finding rests on (`§1.2`, `C04`). */
  readonly ref?: string;
}

export interface ServiceCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface ServiceReport {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly derivedFrom?: string;
  readonly at: string;
  /** Addresses announced (or announceable): LB IPs from LB-IPAM and `spec.externalIPs`. */
  readonly ips: readonly { readonly ip: string; readonly kind: 'loadBalancerIP' | 'externalIP'; readonly pool?: string }[];
  /** LB-IPAM's view: whether it handles the service, and the condition it would write. */
  readonly ipam: { readonly handled: boolean; readonly ignoredReason?: string; readonly condition?: ServiceCondition };
  readonly announced: boolean;
  readonly notAnnouncedReasons: readonly { readonly code: string; readonly message: string }[];
  readonly policies: readonly string[];
  /** Candidate nodes; undefined when no Node objects were given. */
  readonly candidateNodes?: readonly string[];
  /** Interfaces the winner answers on: names, or the policy patterns when devices are unknown. */
  readonly interfaces: readonly string[];
  /** `cilium-l2announce-<ns>-<name>` when a Lease would exist, else undefined. */
  readonly leaseName?: string;
  readonly leaseHolder?: string;
}

export interface PoolReport {
  readonly name: string;
  readonly at: string;
  readonly total: bigint;
  readonly used: bigint;
  readonly available: bigint;
  readonly conflicting: boolean;
  readonly conditions: readonly ServiceCondition[];
}

export interface PolicyReport {
  readonly name: string;
  readonly at: string;
  readonly nodeSelector: string;
  readonly serviceSelector: string;
  readonly ipTypes: readonly ('loadBalancerIPs' | 'externalIPs')[];
  readonly interfaces: readonly string[];
  /** Nodes the policy selects; undefined when no Node objects were given. */
  readonly nodes?: readonly string[];
  readonly services: readonly string[];
}

export interface LeaseTimingReport {
  readonly configuredMs: { readonly leaseDuration: number; readonly renewDeadline: number; readonly retryPeriod: number };
  readonly effectiveMs: { readonly leaseDuration: number; readonly renewDeadline: number; readonly retryPeriod: number };
  readonly corrections: readonly string[];
  /** Documented failover window [leaseDuration − renewDeadline, leaseDuration + renewDeadline]. */
  readonly failoverWindowMs: readonly [number, number];
}

export interface LeaseLoadReport {
  readonly leases: number;
  readonly clusterTotalPerS: number;
  readonly byVerbPerS: { readonly get: number; readonly update: number; readonly list: number };
  /** Worst case per node: it leads every service it is a candidate for. */
  readonly perNodeWorstCasePerS: readonly { readonly node: string; readonly requestsPerS: number }[];
  readonly docsFormulaPerNodePerS: number;
  readonly clientRateLimit: { readonly qps: number; readonly burst: number; readonly source: 'values' | 'default' };
}

export interface CheckReport {
  readonly schemaVersion: 1;
  readonly profile: string;
  readonly inputs: { readonly files: readonly string[]; readonly values?: string };
  readonly l2AnnouncementsEnabled?: boolean;
  readonly leaseTiming: LeaseTimingReport;
  readonly services: readonly ServiceReport[];
  readonly pools: readonly PoolReport[];
  readonly policies: readonly PolicyReport[];
  readonly nodes: readonly string[];
  readonly leaseLoad: LeaseLoadReport;
  readonly findings: readonly Finding[];
  readonly skipped: readonly { readonly kind: string; readonly name: string; readonly at: string }[];
}
