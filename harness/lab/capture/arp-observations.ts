/**
 * A segment's pcap → `arp-observed` history entries (docs/history.md, "Wire"): every ARP frame on
 * the bridge becomes one `info` op of process `wire`, timed by the capture's own timestamp, so the
 * checkers see the wire as the sim segment records it. Other frames (the UDP probes, ICMP) are
 * skipped; ARP that does not decode is reported, not dropped silently.
 */
import { classifyArpFrame, decodeArpFrame } from '../../packet/arp-frame.ts';
import type { HistoryEntryWithTime } from './merge-histories.ts';
import { LINKTYPE_ETHERNET, PcapFormatError, readPcapFile, recordRelativeUs, type PcapRecord } from './pcap-reader.ts';

/** How to place a capture in the run. */
export interface ArpObservationOptions {
  /** The segment the bridge carries (the scenario's segment name). */
  readonly segment: string;
  /** Wall time of the run epoch in µs since the Unix epoch (`LabEpoch.epochWallUs`). */
  readonly epochWallUs: number;
}

/** What a capture yielded. */
export interface ArpObservations {
  /** `arp-observed` entries in capture order. */
  readonly ops: HistoryEntryWithTime[];
  /** Frames in the file (ARP or not). */
  readonly frames: number;
  /** A truncated last record, undecodable ARP frames, an empty file. */
  readonly problems: string[];
}

/** Decode reasons that mean "not an ARP frame" rather than "a broken ARP frame". */
const NOT_ARP: ReadonlySet<string> = new Set(['not-arp', 'not-ethernet-ii']);

/**
 * Reads `pcapPath` and returns its ARP frames as `arp-observed` entries.
 * @throws Error naming the file when it cannot be read, is not a pcap, or is not Ethernet.
 */
export async function readArpObservations(pcapPath: string, options: ArpObservationOptions): Promise<ArpObservations> {
  const file = await readPcapFile(pcapPath);
  if (file.records.length > 0 && file.linkType !== LINKTYPE_ETHERNET) {
    throw new PcapFormatError(`reading ARP from ${pcapPath}: link type ${file.linkType}, expected ${LINKTYPE_ETHERNET} (Ethernet: capture on the bridge, not on 'any')`);
  }
  const { ops, problems } = arpObservationsFromRecords(file.records, options, pcapPath);
  return { ops, frames: file.records.length, problems: [...file.problems, ...problems] };
}

/** The pure part of {@link readArpObservations}: records → entries and problems. */
export function arpObservationsFromRecords(records: readonly PcapRecord[], options: ArpObservationOptions, source: string): { ops: HistoryEntryWithTime[]; problems: string[] } {
  const ops: HistoryEntryWithTime[] = [];
  const problems: string[] = [];
  for (const record of records) {
    const decodedFrame = decodeArpFrame(record.data);
    const tUs = recordRelativeUs(record, options.epochWallUs);
    if (!decodedFrame.ok) {
      if (!NOT_ARP.has(decodedFrame.reason)) problems.push(`${source}: frame ${record.index} at ${tUs} µs is not decodable ARP (${decodedFrame.reason}${decodedFrame.detail === undefined ? '' : `: ${decodedFrame.detail}`})`);
      continue;
    }
    const frame = decodedFrame.value;
    ops.push({
      process: 'wire',
      type: 'info',
      f: 'arp-observed',
      tMs: tUs / 1000,
      value: {
        segment: options.segment,
        tUs,
        opcode: frame.arp.opcode,
        kind: classifyArpFrame(frame),
        ethSrc: frame.ethSrc,
        ethDst: frame.ethDst,
        senderMac: frame.arp.senderMac,
        senderIp: frame.arp.senderIp,
        targetMac: frame.arp.targetMac,
        targetIp: frame.arp.targetIp,
        ...(frame.vlans.length === 0 ? {} : { vlanIds: frame.vlans.map((tag) => tag.vid) }),
      },
    });
  }
  return { ops, problems };
}
