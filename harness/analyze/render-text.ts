/**
 * The text report of `l2lab analyze`: what was read, then per IP its owners, MAC changes with
 * outage gaps, split-brain windows, GARPs and unanswered requests as tables, then one timeline.
 * Times are seconds after the capture's first frame (six decimals: µs) with the UTC time of day.
 */
import { borderlessTable, tableText } from '../cli/table.ts';
import type { IpAnalysis } from './analysis-types.ts';
import { SUPPORTED_LINK_TYPES } from './link-layer.ts';
import type { CaptureReport } from './read-capture.ts';
import { formatSecondsUs, formatUtcUs } from './time-format.ts';
import { buildTimeline, formatDurationUs } from './timeline.ts';

/** Text rendering options. */
export interface TextReportOptions {
  /** Most rows per table and timeline lines printed; the JSON report has everything. */
  readonly maxRows: number;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function vlanText(vlans: readonly number[]): string {
  return vlans.length === 0 ? '' : ` vlan ${vlans.join('.')}`;
}

function rows<T>(items: readonly T[], maxRows: number, omitted: number, render: (item: T) => string[], head: string[]): string {
  const table = borderlessTable(head);
  for (const item of items.slice(0, maxRows)) table.push(render(item));
  const more = items.length - Math.min(items.length, maxRows) + omitted;
  return `${tableText(table)}${more > 0 ? `\n  … ${more} more (--format json lists ${omitted > 0 ? 'up to --max-listed' : 'them all'})` : ''}`;
}

function ipSection(ip: IpAnalysis, time: (us: number) => string, maxRows: number): string {
  const c = ip.counts;
  const lines = [
    `${ip.ip}${vlanText(ip.vlans)}${ip.ifIndexes.length > 1 ? ` (interfaces ${ip.ifIndexes.join(', ')})` : ''}`,
    `  ${count(c.frames, 'frame')}: ${count(c.requests, 'request')}, ${count(c.replies, 'reply', 'replies')}, ${count(c.garpRequests, 'GARP request')}, ${count(c.garpReplies, 'GARP reply', 'GARP replies')}, ${count(c.probes, 'probe')}; ` +
      `${c.unanswered} unanswered, ${count(c.macChanges, 'MAC change')}, ${count(c.splitBrainWindows, 'split-brain window')}` +
      (ip.splitBrain.length > 0 ? ` (${ip.splitBrain.filter((w) => w.interleaved).length} with both MACs answering)` : ''),
  ];
  if (ip.owners.length > 0) {
    lines.push('  owners (runs of claims by one MAC):');
    lines.push(rows(ip.owners, maxRows, ip.omitted.owners, (o) => [o.mac, time(o.fromUs), time(o.lastClaimUs), String(o.claims)], ['MAC', 'first claim', 'last claim', 'claims']));
  }
  if (ip.macChanges.length > 0) {
    lines.push('  MAC changes (gap = old owner\'s last claim → new owner\'s first claim):');
    lines.push(rows(ip.macChanges, maxRows, ip.omitted.macChanges, (m) => [time(m.atUs), `${m.fromMac} → ${m.toMac}`, m.via, formatDurationUs(m.gapUs)], ['at', 'change', 'by', 'outage gap']));
  }
  if (ip.splitBrain.length > 0) {
    lines.push('  split-brain windows (claims by different MACs within --split-window):');
    lines.push(rows(ip.splitBrain, maxRows, ip.omitted.splitBrain, (w) => [time(w.startUs), time(w.endUs), formatDurationUs(w.durationUs), w.macs.map((m) => `${m.mac} ×${m.claims}`).join(', '), w.interleaved ? 'both answering' : 'fast handover only'], ['start', 'end', 'duration', 'MACs (claims)', 'kind']));
  }
  if (ip.garps.length > 0) {
    lines.push('  gratuitous ARPs:');
    lines.push(rows(ip.garps, maxRows, ip.omitted.garps, (g) => [time(g.atUs), g.mac, g.form, g.targetMac], ['at', 'MAC', 'form', 'target MAC']));
  }
  if (ip.unanswered.length > 0) {
    lines.push('  unanswered requests:');
    lines.push(rows(ip.unanswered, maxRows, ip.omitted.unanswered, (u) => [time(u.atUs), u.requesterIp, u.requesterMac], ['at', 'requester IP', 'requester MAC']));
  }
  return lines.join('\n');
}

/** Renders the text report. */
export function renderAnalysisText(report: CaptureReport, options: TextReportOptions): string {
  const { capture, analysis } = report;
  const originUs = analysis.originUs ?? capture.firstPacketUs ?? 0;
  const time = (us: number): string => `${formatSecondsUs(us - originUs)} s (${formatUtcUs(us).slice(11, 26)})`;
  const out: string[] = [];
  const format = capture.format === undefined ? 'unknown' : `${capture.format.format}${capture.format.precision === undefined ? '' : ` ${capture.format.precision}`}, ${capture.format.byteOrder}-endian${capture.gzip ? ', gzip' : ''}`;
  const links = capture.linkTypes.map((t) => `${SUPPORTED_LINK_TYPES.get(t) ?? 'unsupported'} (${t})`).join(', ');
  out.push(`capture ${capture.path}: ${format}; link ${links || 'none'}`);
  out.push(`  ${capture.packets} packets, ${capture.arpPackets} ARP; ${capture.bytesRead} of ${capture.fileBytes} bytes${capture.gzip ? ' (decompressed)' : ''}`);
  if (capture.firstPacketUs !== undefined && capture.lastPacketUs !== undefined) {
    out.push(`  first frame ${formatUtcUs(capture.firstPacketUs)} (time 0 below), last +${formatSecondsUs(capture.lastPacketUs - capture.firstPacketUs)} s`);
  }
  const skipped = Object.entries(capture.skipped).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`);
  if (skipped.length > 0) out.push(`  skipped: ${skipped.join(', ')}`);
  if (analysis.outOfOrderEvents > 0) out.push(`  ${analysis.outOfOrderEvents} ARP frames earlier than the frame before them (analysed in file order)`);
  for (const problem of capture.problems) out.push(`  ${problem.fatal ? 'error' : 'warning'}: ${problem.message}`);
  if (capture.partial) out.push(`  PARTIAL: ${capture.interrupted ? 'reading was interrupted' : 'some ARP could not be read'}; the results below cover what was read`);
  out.push(`  reply timeout ${formatDurationUs(analysis.options.replyTimeoutUs)}, split window ${formatDurationUs(analysis.options.splitWindowUs)}`);
  out.push('');
  if (analysis.ips.length === 0) out.push('no ARP for the selected IPs');
  for (const ip of analysis.ips) out.push(ipSection(ip, time, options.maxRows), '');
  const timeline = buildTimeline(analysis);
  if (timeline.length > 0) {
    out.push('timeline:');
    const table = borderlessTable(['time', 'UTC', 'IP', 'event']);
    for (const entry of timeline.slice(0, options.maxRows)) table.push([`${formatSecondsUs(entry.atUs - originUs)} s`, formatUtcUs(entry.atUs).slice(11, 26), `${entry.ip}${vlanText(entry.vlans)}`, entry.text]);
    out.push(tableText(table));
    if (timeline.length > options.maxRows) out.push(`  … ${timeline.length - options.maxRows} more lines (--max-rows, or --format json)`);
  }
  return `${out.join('\n')}\n`;
}
