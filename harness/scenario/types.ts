/**
 * The resolved scenario: what the worlds (`sim`, `lab`, `cluster`) and the checkers consume after
 * `parseScenarioText` has validated a file. Durations are whole milliseconds (`…Ms`), every
 * default is filled in (addresses, MACs, timings, client ARP settings), manifests are a
 * `ManifestSet` with the topology's Nodes in it, and nemesis targets that depend on run time
 * (`holder-of`) are kept symbolic for the runner to resolve.
 */
import type { LeaseTiming, LeaseTimingCorrection } from '../l2/lease.ts';
import type { ManifestSet, SourceRef, StringMap } from '../model/types.ts';
import type { NeighbourConfig } from '../net/neighbour-config.ts';
import type { NemesisStep } from './nemesis-types.ts';

export type { NemesisAction, NemesisStep, NodeRef, ObjectRef } from './nemesis-types.ts';

/** The three places a scenario can run. */
export const WORLDS = ['sim', 'lab', 'cluster'] as const;
export type World = (typeof WORLDS)[number];

/** Named lease-timing presets. */
export const TIMING_PRESETS = {
  /** The lab's fast timings (issue 5): failovers in seconds. */
  fast: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 },
  /** Cilium's agent defaults (spec §2.1). */
  'cilium-default': { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 },
} as const satisfies Record<string, LeaseTiming>;
export type TimingPreset = keyof typeof TIMING_PRESETS;

/** A reported bug the scenario reproduces (`reference/bug-catalog.md`). */
export interface BugInfo {
  /** Catalog id: `C02`, `M03`, `K01`. */
  readonly id: string;
  readonly title?: string;
  /** Upstream repository (`cilium/cilium`) the numbers refer to. */
  readonly repo?: string;
  readonly issues: readonly number[];
  readonly pulls: readonly number[];
  /** Profiles on which the `expectations.fail` invariants must fail. */
  readonly affected: readonly string[];
  /** Profiles on which they must hold (the fix). */
  readonly fixed: readonly string[];
  /** What a user sees when it happens. */
  readonly symptom?: string;
}

/** Lease timings as written and as Cilium would use them. */
export interface ScenarioTiming {
  /** The preset the timings start from, when one was named. */
  readonly preset?: TimingPreset;
  /** As written (preset + overrides), before Cilium's corrections. */
  readonly requested: LeaseTiming;
  /** After `correctLeaseTiming` (what the agents run with). */
  readonly effective: LeaseTiming;
  readonly corrections: readonly LeaseTimingCorrection[];
}

/** One L2 segment (a bridge in `lab`, a `SimSegment` in `sim`). */
export interface Segment {
  readonly name: string;
  /** IPv4 subnet of the segment (node and client addresses, the clients' prefix length). */
  readonly subnet: string;
  /**
   * The bridge learns source MACs and forgets them after `ageingMs` (Linux `ageing_time`, 300 s by
   * default; a switch's FDB ageing); a frame to a MAC it does not know (unknown unicast) is flooded
   * (`flood`: Linux's default — every port sees it, the owner takes it) or dropped (`drop`: ports
   * with unknown-unicast flooding off, as on the switch of metallb#2910). Absent: the bridge knows
   * every attached MAC at all times (no ageing).
   */
  readonly fdb?: { readonly ageingMs: number; readonly unknownUnicast: 'flood' | 'drop' };
  readonly source: SourceRef;
}

/** One data interface of a node. */
export interface NodeInterface {
  /** Interface name (≤ 15 characters, IFNAMSIZ), what policy `interfaces` regexes match. */
  readonly name: string;
  readonly segment: string;
  readonly mac: string;
  readonly ip: string;
}

/** One node: labels (copied into its Node object) and data interfaces. */
export interface TopologyNode {
  readonly name: string;
  readonly labels: StringMap;
  readonly interfaces: readonly NodeInterface[];
  readonly source: SourceRef;
}

/** Client neighbour-table settings: Linux's `NeighbourConfig` without the addresses. */
export type ClientArpSettings = Omit<NeighbourConfig, 'clientMac' | 'clientIp' | 'prefixLength'>;

/** A client (prober) on a segment. */
export interface TopologyClient {
  readonly name: string;
  readonly segment: string;
  /**
   * C15: the node this prober runs on (a host-network process of that node). Its `mac` and `ip`
   * are the node's interface on `segment`: its frames leave through that interface, so the node's
   * own datapath sees its requests as locally originated. Undefined: a host of its own.
   */
  readonly node?: string;
  readonly mac: string;
  readonly ip: string;
  readonly arp: ClientArpSettings;
  readonly source: SourceRef;
}

/** Segments, nodes and clients, with every address assigned. */
export interface Topology {
  /** The range defaults are drawn from (198.18.0.0/15 unless given). */
  readonly addressPlan: string;
  readonly segments: readonly Segment[];
  readonly nodes: readonly TopologyNode[];
  readonly clients: readonly TopologyClient[];
}

/** Probes from clients to service VIPs. */
export interface ProbeSpec {
  readonly clients: readonly string[];
  /** `namespace/name`. */
  readonly services: readonly string[];
  readonly ratePerSecond: number;
  readonly protocol: 'udp';
  /** Destination port; undefined = the service's first port. */
  readonly port?: number;
  readonly source: SourceRef;
}

export interface Workload {
  readonly probes: readonly ProbeSpec[];
}

/** Failover components (`harness/checker/failover-components.ts`) a scenario can bound. */
export const FAILOVER_COMPONENTS = ['leaseTakenOver', 'firstGarp', 'firstNewMacAnswer', 'clientEntryChanged', 'firstSuccessfulProbe'] as const;
export type FailoverComponentName = (typeof FAILOVER_COMPONENTS)[number];

/** Bound names of `CheckBounds` (`harness/checker/context.ts`), without the `Ms` suffix. */
export const BOUND_NAMES = ['programmingDelay', 'overlap', 'failover', 'reacquire', 'newIp', 'eligibleGrace', 'exHolderQuiet', 'replyWindow', 'deselectGrace', 'clockSkew', 'observerLag', 'outageSurvival'] as const;
export type BoundName = (typeof BOUND_NAMES)[number];

/** What the run must show. See `docs/scenarios.md` ("Expectations") for the rules. */
export interface Expectations {
  /** Invariants that must be valid (true, not 'unknown') on every profile. */
  readonly hold: readonly string[];
  /** Invariants that must be false on `bug.affected` profiles (every profile without a bug block) and true elsewhere. */
  readonly fail: readonly string[];
  /** Invariants reported but not judged. */
  readonly ignore: readonly string[];
  /** Overrides of the checkers' bounds, in ms (`overlapMs`, `failoverMs`, …). */
  readonly boundsMs: Readonly<Partial<Record<`${BoundName}Ms`, number>>>;
  /** Maximum of each failover component (ms after the kill), for every failover in the run. */
  readonly failoverMaxMs: Readonly<Partial<Record<FailoverComponentName, number>>>;
  /** Lease-load comparison (model vs measured); undefined = the checker's defaults. */
  readonly leaseLoad?: { readonly tolerance?: number; readonly fromMs?: number; readonly toMs?: number };
}

/** A validated, resolved scenario. */
export interface Scenario {
  readonly apiVersion: 'l2lab.io/v1alpha1';
  readonly kind: 'Scenario';
  readonly name: string;
  readonly description: string;
  readonly bug?: BugInfo;
  /** Profile name (a key of `PROFILES`); the CLI may override it with `withProfile`. */
  readonly profile: string;
  readonly worlds: readonly World[];
  readonly durationMs: number;
  readonly seed?: number;
  readonly timing: ScenarioTiming;
  /** Per-agent client-side limit (client-go token bucket); undefined = unlimited. */
  readonly clientRateLimit?: { readonly qps: number; readonly burst: number };
  readonly topology: Topology;
  /** The Kubernetes/Cilium objects as written (embedded and from `manifestFiles`), in order. */
  readonly manifestObjects: readonly unknown[];
  /** The same objects parsed, plus one Node per topology node. */
  readonly manifests: ManifestSet;
  readonly workload: Workload;
  /** As written (`repeat` and `for` kept); `nemesisTimeline` expands them. */
  readonly nemesis: readonly NemesisStep[];
  readonly expectations: Expectations;
  /** The scenario file. */
  readonly source: SourceRef;
}
