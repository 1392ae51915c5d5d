/**
 * The `--format json` document (schema `l2lab.analyze/v1`, documented in docs/analyze.md): the
 * analysis with every instant as a {@link ReportTime}, the capture's summary and the timeline.
 * Fields are only ever added within a schema version; renaming or removing one bumps it.
 */
import type { IpAnalysis } from './analysis-types.ts';
import type { CaptureReport } from './read-capture.ts';
import { SUPPORTED_LINK_TYPES } from './link-layer.ts';
import { reportTime, type ReportTime } from './time-format.ts';
import { buildTimeline } from './timeline.ts';

/** The schema id in every JSON report. */
export const ANALYZE_SCHEMA = 'l2lab.analyze/v1';

function withFrame(frame: number | undefined): { frame?: number } {
  return frame === undefined ? {} : { frame };
}

function ipJson(ip: IpAnalysis, at: (us: number) => ReportTime): unknown {
  return {
    ip: ip.ip,
    vlans: ip.vlans,
    ifIndexes: ip.ifIndexes,
    firstSeen: at(ip.firstSeenUs),
    lastSeen: at(ip.lastSeenUs),
    counts: ip.counts,
    owners: ip.owners.map((o) => ({ mac: o.mac, from: at(o.fromUs), ...withFrame(o.fromFrame), lastClaim: at(o.lastClaimUs), claims: o.claims })),
    macChanges: ip.macChanges.map((c) => ({ at: at(c.atUs), ...withFrame(c.frame), fromMac: c.fromMac, toMac: c.toMac, via: c.via, oldLastClaim: at(c.oldLastClaimUs), gapUs: c.gapUs })),
    garps: ip.garps.map((g) => ({ at: at(g.atUs), ...withFrame(g.frame), mac: g.mac, form: g.form, targetMac: g.targetMac, ...(g.ethDst === undefined ? {} : { ethDst: g.ethDst }) })),
    unanswered: ip.unanswered.map((u) => ({ at: at(u.atUs), ...withFrame(u.frame), requesterMac: u.requesterMac, requesterIp: u.requesterIp })),
    splitBrain: ip.splitBrain.map((w) => ({ start: at(w.startUs), end: at(w.endUs), durationUs: w.durationUs, macs: w.macs, interleaved: w.interleaved })),
    omitted: ip.omitted,
  };
}

/** Options echoed in the document besides the analyzer's own. */
export interface JsonReportExtras {
  readonly vips: readonly string[];
}

/** Builds the JSON document (an object; the caller stringifies). */
export function analysisJson(report: CaptureReport, extras: JsonReportExtras): unknown {
  const { capture, analysis } = report;
  const originUs = analysis.originUs ?? capture.firstPacketUs ?? 0;
  const at = (us: number): ReportTime => reportTime(us, originUs);
  return {
    schema: ANALYZE_SCHEMA,
    capture: {
      path: capture.path,
      format: capture.format?.format ?? null,
      byteOrder: capture.format?.byteOrder ?? null,
      ...(capture.format?.precision === undefined ? {} : { precision: capture.format.precision }),
      gzip: capture.gzip,
      linkTypes: capture.linkTypes.map((type) => ({ type, name: SUPPORTED_LINK_TYPES.get(type) ?? 'unsupported' })),
      interfaces: capture.interfaces,
      fileBytes: capture.fileBytes,
      bytesRead: capture.bytesRead,
      packets: capture.packets,
      arpPackets: capture.arpPackets,
      skipped: capture.skipped,
      firstPacket: capture.firstPacketUs === undefined ? null : at(capture.firstPacketUs),
      lastPacket: capture.lastPacketUs === undefined ? null : at(capture.lastPacketUs),
      outOfOrderArpPackets: analysis.outOfOrderEvents,
      otherOpcodes: analysis.otherOpcodes,
      partial: capture.partial,
      interrupted: capture.interrupted,
      problems: capture.problems,
    },
    options: { ...analysis.options, vips: extras.vips },
    origin: capture.firstPacketUs === undefined ? null : at(originUs),
    ips: analysis.ips.map((ip) => ipJson(ip, at)),
    timeline: buildTimeline(analysis).map((e) => ({ at: at(e.atUs), ...withFrame(e.frame), ip: e.ip, vlans: e.vlans, kind: e.kind, mac: e.mac, text: e.text })),
  };
}
