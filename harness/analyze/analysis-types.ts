/**
 * What `analyzeArpEvents` finds, per IP (per VLAN). All instants are absolute integer µs since the
 * Unix epoch (`…Us`); renderers turn them into time relative to the capture's first frame and UTC.
 * Definitions (claims, gaps, split-brain windows) are in docs/analyze.md.
 */
import type { ClaimKind } from './arp-event.ts';

/** Analysis options; every duration in µs. */
export interface ArpAnalysisOptions {
  /** A request is unanswered when no answer follows within this many µs (default 1 s). */
  readonly replyTimeoutUs?: number;
  /** Claims by two MACs at most this many µs apart make a split-brain window (default 1 s). */
  readonly splitWindowUs?: number;
  /** Only IPs this accepts are analysed (`--vip`); default: every IP. */
  readonly ipFilter?: (ip: string) => boolean;
  /** Most entries kept per list per IP (owners, changes, GARPs, unanswered, windows); the rest are counted. */
  readonly maxListedPerIp?: number;
  /** Origin of relative times (the capture's first frame, even when it is not ARP); default: the first event. */
  readonly originUs?: number;
}

/** The options with defaults applied (echoed in the result). */
export interface ResolvedArpAnalysisOptions {
  readonly replyTimeoutUs: number;
  readonly splitWindowUs: number;
  readonly maxListedPerIp: number;
}

/** A run of consecutive claims by one MAC. */
export interface OwnerPeriod {
  readonly mac: string;
  /** First claim of the run. */
  readonly fromUs: number;
  readonly fromFrame?: number;
  /** Last claim of the run (the MAC may have kept the IP longer, silently). */
  readonly lastClaimUs: number;
  /** Claims in the run. */
  readonly claims: number;
}

/** The claiming MAC changed: a takeover (or a flap inside a split-brain window). */
export interface MacChange {
  /** The new MAC's first claim. */
  readonly atUs: number;
  readonly frame?: number;
  readonly fromMac: string;
  readonly toMac: string;
  /** How the new MAC claimed first. */
  readonly via: ClaimKind;
  /** The old MAC's last claim before it. */
  readonly oldLastClaimUs: number;
  /** The outage gap: `atUs - oldLastClaimUs`. */
  readonly gapUs: number;
}

/** A gratuitous ARP (sender IP = target IP). */
export interface GratuitousArp {
  readonly atUs: number;
  readonly frame?: number;
  readonly mac: string;
  /** `request` (opcode 1) or `reply` (opcode 2). */
  readonly form: 'request' | 'reply';
  /** ARP target MAC: broadcast (Cilium, MetalLB), zero (RFC 5227 announcement) or the sender's own (Linux `arp_is_garp` reply form). */
  readonly targetMac: string;
  /** Ethernet destination when known. */
  readonly ethDst?: string;
}

/** A request nobody answered within the reply timeout. */
export interface UnansweredRequest {
  readonly atUs: number;
  readonly frame?: number;
  readonly requesterMac: string;
  readonly requesterIp: string;
}

/** A split-brain window: two or more MACs claiming the IP within the split window of each other. */
export interface SplitBrainWindow {
  /** The earlier claim of the first conflicting pair. */
  readonly startUs: number;
  /** The later claim of the last conflicting pair. */
  readonly endUs: number;
  readonly durationUs: number;
  /** Every MAC with a claim in the window, with its claim count there (sorted by MAC). */
  readonly macs: readonly { readonly mac: string; readonly claims: number }[];
  /**
   * True when a MAC claimed again after another MAC's claim inside the window (A…B…A): both
   * answered at once. False for a clean but fast handover (A…A B…B): only the window rule matched.
   */
  readonly interleaved: boolean;
}

/** Counts of one IP's frames. */
export interface IpCounts {
  /** Frames with this IP as sender or target IP. */
  readonly frames: number;
  readonly requests: number;
  readonly replies: number;
  readonly garpRequests: number;
  readonly garpReplies: number;
  readonly probes: number;
  readonly unanswered: number;
  readonly macChanges: number;
  readonly splitBrainWindows: number;
}

/** Entries beyond `maxListedPerIp`, counted only. */
export interface OmittedCounts {
  readonly owners: number;
  readonly macChanges: number;
  readonly garps: number;
  readonly unanswered: number;
  readonly splitBrain: number;
}

/** Everything found about one IP in one VLAN. */
export interface IpAnalysis {
  readonly ip: string;
  /** VLAN ids, outermost first; empty when untagged. */
  readonly vlans: readonly number[];
  /** Capture interfaces the IP's frames came from (sorted), when known. */
  readonly ifIndexes: readonly number[];
  readonly firstSeenUs: number;
  readonly lastSeenUs: number;
  readonly counts: IpCounts;
  readonly owners: readonly OwnerPeriod[];
  readonly macChanges: readonly MacChange[];
  readonly garps: readonly GratuitousArp[];
  readonly unanswered: readonly UnansweredRequest[];
  readonly splitBrain: readonly SplitBrainWindow[];
  readonly omitted: OmittedCounts;
}

/** The result over a whole event stream. */
export interface CaptureAnalysis {
  readonly options: ResolvedArpAnalysisOptions;
  /** Origin of relative times (see {@link ArpAnalysisOptions.originUs}); undefined without events. */
  readonly originUs: number | undefined;
  readonly firstEventUs: number | undefined;
  readonly lastEventUs: number | undefined;
  readonly events: number;
  /** Events earlier than the one before them (several interfaces, clock steps): analysed as they came. */
  readonly outOfOrderEvents: number;
  /** Events with an opcode other than request/reply. */
  readonly otherOpcodes: number;
  /** Sorted by IP (numerically), then VLAN. */
  readonly ips: readonly IpAnalysis[];
}
