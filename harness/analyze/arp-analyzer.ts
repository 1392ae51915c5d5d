/**
 * The capture analyzer's pure core: ARP events in, per-IP findings out (owners over time, MAC
 * changes with their outage gaps, gratuitous ARPs, unanswered requests, split-brain windows).
 * It knows nothing of pcap: the capture readers, and the report's run histories, feed it events.
 * Incremental (`push` one event at a time, `finish` once) so a capture of any size streams through
 * in memory bounded by the IPs and MACs it contains.
 */
import { claimKindOf, classifyArpEvent, type ArpFrameEvent } from './arp-event.ts';
import type { ArpAnalysisOptions, CaptureAnalysis, IpAnalysis, ResolvedArpAnalysisOptions } from './analysis-types.ts';
import { IpTracker } from './ip-tracker.ts';

/** Default `replyTimeoutUs`: 1 s. */
export const DEFAULT_REPLY_TIMEOUT_US = 1_000_000;
/** Default `splitWindowUs`: 1 s. */
export const DEFAULT_SPLIT_WINDOW_US = 1_000_000;
/** Default `maxListedPerIp`. */
export const DEFAULT_MAX_LISTED_PER_IP = 1_000;

/** An analysis in progress. */
export interface ArpAnalyzer {
  /** Feeds one event (in capture order). */
  push(event: ArpFrameEvent): void;
  /** Ends the stream and returns the result; the analyzer must not be used afterwards. */
  finish(): CaptureAnalysis;
}

const NO_VLANS: readonly number[] = Object.freeze([]);

function resolveOptions(options: ArpAnalysisOptions): ResolvedArpAnalysisOptions {
  const resolved = {
    replyTimeoutUs: options.replyTimeoutUs ?? DEFAULT_REPLY_TIMEOUT_US,
    splitWindowUs: options.splitWindowUs ?? DEFAULT_SPLIT_WINDOW_US,
    maxListedPerIp: options.maxListedPerIp ?? DEFAULT_MAX_LISTED_PER_IP,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`analysing ARP events: option ${name} is ${value}, need a non-negative integer`);
  }
  return resolved;
}

function ipValue(ip: string): number {
  const parts = ip.split('.');
  let value = 0;
  for (const part of parts) value = value * 256 + Number(part);
  return value;
}

function compareIpAnalyses(a: IpAnalysis, b: IpAnalysis): number {
  const byIp = ipValue(a.ip) - ipValue(b.ip);
  if (byIp !== 0) return byIp;
  const length = Math.max(a.vlans.length, b.vlans.length);
  for (let i = 0; i < length; i += 1) {
    const byVlan = (a.vlans[i] ?? -1) - (b.vlans[i] ?? -1);
    if (byVlan !== 0) return byVlan;
  }
  return 0;
}

/**
 * Starts an incremental analysis.
 * @throws RangeError when an option is not a non-negative integer.
 */
export function createArpAnalyzer(options: ArpAnalysisOptions = {}): ArpAnalyzer {
  const resolved = resolveOptions(options);
  const accepts = options.ipFilter ?? (() => true);
  const trackers = new Map<string, IpTracker>();
  const acceptedIps = new Map<string, boolean>();
  let events = 0;
  let outOfOrderEvents = 0;
  let otherOpcodes = 0;
  let firstEventUs: number | undefined;
  let lastEventUs: number | undefined;
  let latestUs = Number.NEGATIVE_INFINITY;

  const isAccepted = (ip: string): boolean => {
    let accepted = acceptedIps.get(ip);
    if (accepted === undefined) {
      accepted = accepts(ip);
      if (acceptedIps.size < 1_000_000) acceptedIps.set(ip, accepted);
    }
    return accepted;
  };

  const tracker = (ip: string, vlans: readonly number[], create: boolean): IpTracker | undefined => {
    const key = vlans.length === 0 ? ip : `${ip}|${vlans.join('.')}`;
    let found = trackers.get(key);
    if (found === undefined && create && isAccepted(ip)) {
      found = new IpTracker(ip, vlans, resolved);
      trackers.set(key, found);
    }
    return found;
  };

  return {
    push(event) {
      events += 1;
      firstEventUs ??= event.tUs;
      if (event.tUs < latestUs) outOfOrderEvents += 1;
      else latestUs = event.tUs;
      lastEventUs = latestUs;
      const kind = classifyArpEvent(event);
      if (kind === 'other') {
        otherOpcodes += 1;
        return;
      }
      const vlans = event.vlans ?? NO_VLANS;
      const claim = claimKindOf(kind);
      if (claim !== undefined) {
        tracker(event.senderIp, vlans, true)?.onClaim(event, claim);
        return;
      }
      tracker(event.targetIp, vlans, true)?.onTarget(event, kind);
      if (kind === 'request') tracker(event.senderIp, vlans, false)?.onSenderOnly(event);
    },
    finish() {
      const endUs = lastEventUs ?? 0;
      const ips = [...trackers.values()].map((t) => t.finish(endUs)).sort(compareIpAnalyses);
      return {
        options: resolved,
        originUs: options.originUs ?? firstEventUs,
        firstEventUs,
        lastEventUs,
        events,
        outOfOrderEvents,
        otherOpcodes,
        ips,
      };
    },
  };
}

/** Analyses a finite event sequence in one call (see {@link createArpAnalyzer}). */
export function analyzeArpEvents(events: Iterable<ArpFrameEvent>, options: ArpAnalysisOptions = {}): CaptureAnalysis {
  const analyzer = createArpAnalyzer(options);
  for (const event of events) analyzer.push(event);
  return analyzer.finish();
}
