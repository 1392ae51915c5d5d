/**
 * A readable timeline from an analysis: the instants a person reading an incident wants in order
 * (first owner, GARPs, unanswered requests, MAC changes with their gaps, split-brain windows),
 * not every reply, nor the owner flips inside a split-brain window (its start line counts them). Shared by the text report and the run reports' ownership timelines.
 */
import type { CaptureAnalysis, IpAnalysis, SplitBrainWindow } from './analysis-types.ts';

/** What happened at a timeline instant. */
export type TimelineKind = 'first-owner' | 'garp' | 'unanswered' | 'mac-change' | 'split-brain-start' | 'split-brain-end';

/** One timeline line. */
export interface TimelineEntry {
  readonly atUs: number;
  readonly frame?: number;
  readonly ip: string;
  readonly vlans: readonly number[];
  readonly kind: TimelineKind;
  /** The MAC the entry is about (new owner, GARP sender, requester). */
  readonly mac: string;
  /** One human sentence, without the time and IP. */
  readonly text: string;
}

const KIND_ORDER: Readonly<Record<TimelineKind, number>> = {
  'first-owner': 0,
  'split-brain-start': 1,
  'mac-change': 2,
  garp: 3,
  unanswered: 4,
  'split-brain-end': 5,
};

/** Formats µs as milliseconds with 3 decimals (`1234567` → `1234.567 ms`). */
export function formatDurationUs(us: number): string {
  const sign = us < 0 ? '-' : '';
  const abs = Math.abs(us);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')} ms`;
}

function ipEntries(ip: IpAnalysis): TimelineEntry[] {
  const base = { ip: ip.ip, vlans: ip.vlans };
  const entries: TimelineEntry[] = [];
  const first = ip.owners[0];
  if (first !== undefined) {
    entries.push({ ...base, atUs: first.fromUs, ...(first.fromFrame === undefined ? {} : { frame: first.fromFrame }), kind: 'first-owner', mac: first.mac, text: `first claimed by ${first.mac}` });
  }
  // Inside a split-brain window the owner flips at every claim: the window's own lines say it once.
  const inWindow = (atUs: number): SplitBrainWindow | undefined => ip.splitBrain.find((w) => atUs > w.startUs && atUs <= w.endUs);
  const flips = new Map<SplitBrainWindow, number>();
  for (const change of ip.macChanges) {
    const window = inWindow(change.atUs);
    if (window !== undefined) {
      flips.set(window, (flips.get(window) ?? 0) + 1);
      continue;
    }
    entries.push({ ...base, atUs: change.atUs, ...(change.frame === undefined ? {} : { frame: change.frame }), kind: 'mac-change', mac: change.toMac, text: `owner ${change.fromMac} → ${change.toMac} by ${change.via}, gap ${formatDurationUs(change.gapUs)} since the old owner's last claim` });
  }
  for (const garp of ip.garps) {
    entries.push({ ...base, atUs: garp.atUs, ...(garp.frame === undefined ? {} : { frame: garp.frame }), kind: 'garp', mac: garp.mac, text: `gratuitous ARP (${garp.form} form, target MAC ${garp.targetMac}) from ${garp.mac}` });
  }
  for (const request of ip.unanswered) {
    entries.push({ ...base, atUs: request.atUs, ...(request.frame === undefined ? {} : { frame: request.frame }), kind: 'unanswered', mac: request.requesterMac, text: `request from ${request.requesterIp} (${request.requesterMac}) unanswered` });
  }
  for (const window of ip.splitBrain) {
    const macs = window.macs.map((m) => `${m.mac} ×${m.claims}`).join(', ');
    const how = window.interleaved ? 'answering at once' : 'handover within the split window';
    const flipCount = flips.get(window) ?? 0;
    const flipText = flipCount > 0 ? `; ${flipCount} owner change${flipCount === 1 ? '' : 's'} inside (in the MAC changes list)` : '';
    entries.push({ ...base, atUs: window.startUs, kind: 'split-brain-start', mac: window.macs[0]?.mac ?? '', text: `split brain starts (${how}): ${macs}${flipText}` });
    entries.push({ ...base, atUs: window.endUs, kind: 'split-brain-end', mac: window.macs[0]?.mac ?? '', text: `split brain ends after ${formatDurationUs(window.durationUs)}` });
  }
  return entries;
}

/** Every IP's entries merged in time order (ties: first owner, window start, change, GARP, unanswered, window end). */
export function buildTimeline(analysis: Pick<CaptureAnalysis, 'ips'>): TimelineEntry[] {
  return analysis.ips.flatMap(ipEntries).sort((a, b) => a.atUs - b.atUs || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.frame ?? 0) - (b.frame ?? 0));
}
