/**
 * `harness/analyze`: the ARP capture analyzer. The pure core (events → per-IP findings → timeline)
 * is what other modules import; the capture readers and renderers are used by `l2lab analyze`.
 */
export { OP_REPLY, OP_REQUEST, classifyArpEvent, claimKindOf, type ArpEventKind, type ArpFrameEvent, type ClaimKind } from './arp-event.ts';
export type {
  ArpAnalysisOptions,
  CaptureAnalysis,
  GratuitousArp,
  IpAnalysis,
  IpCounts,
  MacChange,
  OmittedCounts,
  OwnerPeriod,
  ResolvedArpAnalysisOptions,
  SplitBrainWindow,
  UnansweredRequest,
} from './analysis-types.ts';
export { analyzeArpEvents, createArpAnalyzer, DEFAULT_MAX_LISTED_PER_IP, DEFAULT_REPLY_TIMEOUT_US, DEFAULT_SPLIT_WINDOW_US, type ArpAnalyzer } from './arp-analyzer.ts';
export { buildTimeline, formatDurationUs, type TimelineEntry, type TimelineKind } from './timeline.ts';
