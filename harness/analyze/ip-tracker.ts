/**
 * The state of one IP in one VLAN while events stream by: the current owner run, pending
 * requests, the last claim of each MAC and the open split-brain window. Memory per IP is bounded
 * by the MACs that claim it, the requests within one reply timeout and `maxListedPerIp`.
 */
import type { ArpEventKind, ArpFrameEvent, ClaimKind } from './arp-event.ts';
import type { GratuitousArp, IpAnalysis, MacChange, OwnerPeriod, ResolvedArpAnalysisOptions, SplitBrainWindow, UnansweredRequest } from './analysis-types.ts';
import { SplitBrainTracker } from './split-brain.ts';

interface PendingRequest {
  readonly atUs: number;
  readonly frame: number | undefined;
  readonly requesterMac: string;
  readonly requesterIp: string;
}

interface OpenOwner {
  readonly mac: string;
  readonly fromUs: number;
  readonly fromFrame: number | undefined;
  lastClaimUs: number;
  claims: number;
}

/** A bounded list: keeps the first `limit` entries, counts the rest. */
class Listed<T> {
  readonly items: T[] = [];
  omitted = 0;
  readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  add(item: T): void {
    if (this.items.length < this.limit) this.items.push(item);
    else this.omitted += 1;
  }
  get total(): number {
    return this.items.length + this.omitted;
  }
}

function withFrame<T extends object>(value: T, frame: number | undefined): T & { frame?: number } {
  return frame === undefined ? value : { ...value, frame };
}

/** Tracks one IP (in one VLAN); fed by the analyzer with the events that concern it. */
export class IpTracker {
  readonly ip: string;
  readonly vlans: readonly number[];
  private readonly options: ResolvedArpAnalysisOptions;
  private readonly ifIndexes = new Set<number>();
  private firstSeenUs = Number.NaN;
  private lastSeenUs = Number.NaN;
  private frames = 0;
  private requests = 0;
  private replies = 0;
  private garpRequests = 0;
  private garpReplies = 0;
  private probes = 0;
  private owner: OpenOwner | undefined;
  private readonly owners: Listed<OwnerPeriod>;
  private readonly macChanges: Listed<MacChange>;
  private readonly garps: Listed<GratuitousArp>;
  private readonly unanswered: Listed<UnansweredRequest>;
  private readonly windows: Listed<SplitBrainWindow>;
  private pending: PendingRequest[] = [];
  private readonly splitBrain: SplitBrainTracker;

  constructor(ip: string, vlans: readonly number[], options: ResolvedArpAnalysisOptions) {
    this.ip = ip;
    this.vlans = vlans;
    this.options = options;
    this.owners = new Listed(options.maxListedPerIp);
    this.macChanges = new Listed(options.maxListedPerIp);
    this.garps = new Listed(options.maxListedPerIp);
    this.unanswered = new Listed(options.maxListedPerIp);
    this.windows = new Listed(options.maxListedPerIp);
    this.splitBrain = new SplitBrainTracker(options.splitWindowUs, (window) => this.windows.add(window));
  }

  /** Any frame naming this IP as sender or target. */
  private seen(event: ArpFrameEvent): void {
    if (this.frames === 0) {
      this.firstSeenUs = event.tUs;
      this.lastSeenUs = event.tUs;
    }
    this.frames += 1;
    if (event.tUs > this.lastSeenUs) this.lastSeenUs = event.tUs;
    if (event.ifIndex !== undefined) this.ifIndexes.add(event.ifIndex);
  }

  /** A frame whose target IP is this IP (requests, probes; claims for this IP come via {@link onClaim}). */
  onTarget(event: ArpFrameEvent, kind: ArpEventKind): void {
    this.seen(event);
    this.expire(event.tUs);
    if (kind === 'probe') this.probes += 1;
    else if (kind === 'request') {
      this.requests += 1;
      this.pending.push({ atUs: event.tUs, frame: event.frame, requesterMac: event.senderMac, requesterIp: event.senderIp });
    }
  }

  /** A frame whose sender IP is this IP but that claims nothing (an ordinary request it sends). */
  onSenderOnly(event: ArpFrameEvent): void {
    this.seen(event);
  }

  /** A claim: a reply or gratuitous ARP with this IP as sender IP. */
  onClaim(event: ArpFrameEvent, kind: ClaimKind): void {
    this.seen(event);
    const tUs = event.tUs;
    const mac = event.senderMac;
    if (kind === 'reply') this.replies += 1;
    else {
      if (kind === 'garp-request') this.garpRequests += 1;
      else this.garpReplies += 1;
      const garp: GratuitousArp = { atUs: tUs, mac, form: kind === 'garp-request' ? 'request' : 'reply', targetMac: event.targetMac, ...(event.ethDst === undefined ? {} : { ethDst: event.ethDst }) };
      this.garps.add(withFrame(garp, event.frame));
    }
    this.answer(event);
    this.trackOwner(event, kind);
    this.splitBrain.claim(mac, tUs);
  }

  /**
   * Any claim for the IP (a reply from it, whoever it is addressed to, or a gratuitous ARP)
   * answers every request for it pending within the timeout: "no reply for the IP" is what makes
   * a request unanswered. Tying replies to their requester would misjudge captures that see only
   * some of the unicast replies, and the owner answering anyone shows it was there.
   */
  private answer(event: ArpFrameEvent): void {
    if (this.pending.length === 0) return;
    const timeoutUs = this.options.replyTimeoutUs;
    const kept: PendingRequest[] = [];
    for (const request of this.pending) {
      const waitedUs = event.tUs - request.atUs;
      if (waitedUs > timeoutUs) this.addUnanswered(request);
      else if (waitedUs < 0) kept.push(request); // a claim older than the request (out of order)
    }
    this.pending = kept;
  }

  /** Requests older than the timeout at `nowUs` are unanswered (pending is in arrival order). */
  private expire(nowUs: number): void {
    let expired = 0;
    for (const request of this.pending) {
      if (nowUs - request.atUs <= this.options.replyTimeoutUs) break;
      this.addUnanswered(request);
      expired += 1;
    }
    if (expired > 0) this.pending = this.pending.slice(expired);
  }

  private addUnanswered(request: PendingRequest): void {
    this.unanswered.add(withFrame({ atUs: request.atUs, requesterMac: request.requesterMac, requesterIp: request.requesterIp }, request.frame));
  }

  private trackOwner(event: ArpFrameEvent, kind: ClaimKind): void {
    const owner = this.owner;
    if (owner !== undefined && owner.mac === event.senderMac) {
      owner.claims += 1;
      owner.lastClaimUs = Math.max(owner.lastClaimUs, event.tUs);
      return;
    }
    if (owner !== undefined) {
      this.closeOwner(owner);
      const change: MacChange = { atUs: event.tUs, fromMac: owner.mac, toMac: event.senderMac, via: kind, oldLastClaimUs: owner.lastClaimUs, gapUs: event.tUs - owner.lastClaimUs };
      this.macChanges.add(withFrame(change, event.frame));
    }
    this.owner = { mac: event.senderMac, fromUs: event.tUs, fromFrame: event.frame, lastClaimUs: event.tUs, claims: 1 };
  }

  private closeOwner(owner: OpenOwner): void {
    const period: OwnerPeriod = { mac: owner.mac, fromUs: owner.fromUs, lastClaimUs: owner.lastClaimUs, claims: owner.claims };
    this.owners.add(owner.fromFrame === undefined ? period : { ...period, fromFrame: owner.fromFrame });
  }

  /** Closes what is open (owner run, window, pending requests judged at `endUs`) and returns the result. */
  finish(endUs: number): IpAnalysis {
    if (this.owner !== undefined) this.closeOwner(this.owner);
    this.owner = undefined;
    this.splitBrain.finish();
    // Requests whose timeout runs past the end of the capture are not judged: nobody knows.
    this.expire(endUs);
    return {
      ip: this.ip,
      vlans: this.vlans,
      ifIndexes: [...this.ifIndexes].sort((a, b) => a - b),
      firstSeenUs: this.firstSeenUs,
      lastSeenUs: this.lastSeenUs,
      counts: {
        frames: this.frames,
        requests: this.requests,
        replies: this.replies,
        garpRequests: this.garpRequests,
        garpReplies: this.garpReplies,
        probes: this.probes,
        unanswered: this.unanswered.total,
        macChanges: this.macChanges.total,
        splitBrainWindows: this.windows.total,
      },
      owners: this.owners.items,
      macChanges: this.macChanges.items,
      garps: this.garps.items,
      unanswered: this.unanswered.items,
      splitBrain: this.windows.items,
      omitted: { owners: this.owners.omitted, macChanges: this.macChanges.omitted, garps: this.garps.omitted, unanswered: this.unanswered.omitted, splitBrain: this.windows.omitted },
    };
  }
}
