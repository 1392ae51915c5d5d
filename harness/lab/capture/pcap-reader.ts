/**
 * Reads a classic libpcap file (what `tcpdump -w` writes) into records, with `pcap-parser` doing
 * the record framing. Two things it lacks are added here, around it rather than in a fork:
 *
 * - nanosecond files (magic `a1b23c4d`, `tcpdump --time-stamp-precision=nano`): pcap-parser knows
 *   only the µs magic, so it is handed a copy whose magic says µs, and the sub-second field is
 *   read back as ns — the layouts are otherwise identical;
 * - a truncated last record (tcpdump killed mid-write): pcap-parser silently stops at it, so the
 *   bytes it consumed are summed and a shortfall is reported as a problem, keeping the records
 *   before it.
 *
 * pcapng (magic `0a0d0d0a`) is refused with a clear error: tcpdump writes it only when asked.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parse, type PcapGlobalHeader, type PcapPacket } from 'pcap-parser';

/** `LINKTYPE_ETHERNET`: the link type of a capture on a bridge or veth. */
export const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** A file that is not a pcap this reader can read (not pcap, pcapng, unknown version). */
export class PcapFormatError extends Error {
  readonly code = 'pcap-format' as const;
}

/** Timestamp resolution of the file. */
export type PcapPrecision = 'us' | 'ns';

/** One captured frame. */
export interface PcapRecord {
  /** 0-based position in the file. */
  readonly index: number;
  /** Wall-clock seconds since the Unix epoch. */
  readonly seconds: number;
  /** The sub-second part in ns (a µs file's field × 1000). */
  readonly fractionNs: number;
  /** Bytes in the file (≤ snaplen). */
  readonly capturedBytes: number;
  /** Bytes on the wire. */
  readonly originalBytes: number;
  /** The frame from its Ethernet header (no FCS). */
  readonly data: Uint8Array;
}

/** A read pcap. */
export interface PcapFile {
  readonly path: string;
  readonly precision: PcapPrecision;
  readonly linkType: number;
  readonly snaplenBytes: number;
  readonly records: readonly PcapRecord[];
  /** What was wrong but readable (a truncated last record, an empty file). */
  readonly problems: readonly string[];
}

interface Magic {
  readonly precision: PcapPrecision;
  /** The µs magic of the same byte order, as pcap-parser expects it. */
  readonly microMagic: Buffer;
}

const MAGICS: ReadonlyMap<string, Magic> = new Map([
  ['d4c3b2a1', { precision: 'us', microMagic: Buffer.from('d4c3b2a1', 'hex') }],
  ['a1b2c3d4', { precision: 'us', microMagic: Buffer.from('a1b2c3d4', 'hex') }],
  ['4d3cb2a1', { precision: 'ns', microMagic: Buffer.from('d4c3b2a1', 'hex') }],
  ['a1b23c4d', { precision: 'ns', microMagic: Buffer.from('a1b2c3d4', 'hex') }],
]);
const PCAPNG_MAGIC = '0a0d0d0a';
const EXPECTED = 'a libpcap file (magic a1b2c3d4 or a1b23c4d, either byte order) as `tcpdump -w` writes';

/**
 * Reads and parses a pcap file.
 * @throws Error naming the file when it cannot be read; {@link PcapFormatError} when it is not a
 * pcap this reader handles.
 */
export async function readPcapFile(path: string): Promise<PcapFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`reading the capture ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parsePcapBytes(bytes, path);
}

/**
 * Parses pcap bytes (`path` only names them in messages and the result).
 * @throws PcapFormatError when the bytes are not a pcap this reader handles.
 */
export async function parsePcapBytes(bytes: Buffer, path: string): Promise<PcapFile> {
  const head = bytes.subarray(0, 4).toString('hex');
  if (bytes.length === 0) return emptyFile(path, `${path} is empty: no pcap header (tcpdump stopped before its first write)`);
  if (head === PCAPNG_MAGIC) throw new PcapFormatError(`reading the capture ${path}: it is pcapng; expected ${EXPECTED}`);
  if (bytes.length < 4) {
    if ([...MAGICS.keys()].some((magic) => magic.startsWith(head))) return emptyFile(path, `${path} has ${bytes.length} bytes: a truncated pcap header`);
    throw new PcapFormatError(`reading the capture ${path}: ${bytes.length} bytes that start no pcap header; expected ${EXPECTED}`);
  }
  const magic = MAGICS.get(head);
  if (magic === undefined) throw new PcapFormatError(`reading the capture ${path}: magic 0x${head} is not a pcap; expected ${EXPECTED}`);
  if (bytes.length < GLOBAL_HEADER_BYTES) return emptyFile(path, `${path} has ${bytes.length} bytes: a truncated pcap header`, magic.precision);

  const input = Buffer.from(bytes);
  magic.microMagic.copy(input, 0);
  const { header, packets } = await parseWithLibrary(input, path);
  if (header.majorVersion !== 2) throw new PcapFormatError(`reading the capture ${path}: pcap version ${header.majorVersion}.${header.minorVersion}; expected 2.4`);

  const records: PcapRecord[] = [];
  let consumedBytes = GLOBAL_HEADER_BYTES;
  for (const packet of packets) {
    const h = packet.header;
    records.push({
      index: records.length,
      seconds: h.timestampSeconds,
      fractionNs: magic.precision === 'ns' ? h.timestampMicroseconds : h.timestampMicroseconds * 1000,
      capturedBytes: h.capturedLength,
      originalBytes: h.originalLength,
      data: new Uint8Array(packet.data.buffer, packet.data.byteOffset, packet.data.byteLength),
    });
    consumedBytes += RECORD_HEADER_BYTES + h.capturedLength;
  }
  const problems: string[] = [];
  if (consumedBytes < bytes.length) {
    problems.push(`${path}: the last record is truncated (${bytes.length - consumedBytes} bytes after record ${records.length}; tcpdump stopped mid-write); kept the ${records.length} complete records`);
  }
  return { path, precision: magic.precision, linkType: header.linkLayerType, snaplenBytes: header.snapshotLength, records, problems };
}

function emptyFile(path: string, problem: string, precision: PcapPrecision = 'us'): PcapFile {
  return { path, precision, linkType: LINKTYPE_ETHERNET, snaplenBytes: 0, records: [], problems: [problem] };
}

function parseWithLibrary(input: Buffer, path: string): Promise<{ header: PcapGlobalHeader; packets: PcapPacket[] }> {
  return new Promise((resolve, reject) => {
    // One chunk: pcap-parser then slices records out of it without copying.
    const parser = parse(Readable.from([input]));
    let header: PcapGlobalHeader | undefined;
    const packets: PcapPacket[] = [];
    parser.on('globalHeader', (h) => {
      header = h;
    });
    parser.on('packet', (packet) => packets.push(packet));
    parser.on('error', (error) => reject(new PcapFormatError(`reading the capture ${path}: ${error.message}`, { cause: error })));
    parser.on('end', () => {
      if (header === undefined) reject(new PcapFormatError(`reading the capture ${path}: no pcap header; expected ${EXPECTED}`));
      else resolve({ header, packets });
    });
  });
}

/**
 * A record's time relative to a wall-clock epoch, in µs (fractional for ns files). Computed from
 * the integer parts first so a double keeps the sub-µs digits.
 */
export function recordRelativeUs(record: Pick<PcapRecord, 'seconds' | 'fractionNs'>, epochWallUs: number): number {
  return record.seconds * 1_000_000 - epochWallUs + record.fractionNs / 1000;
}
