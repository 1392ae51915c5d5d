/**
 * Reads a capture file into the analyzer: file → (gunzip) → {@link CaptureDecoder} →
 * {@link decodeLinkPacket} → {@link ArpAnalyzer}, in large chunks and constant memory. Problems
 * (cut records, corrupt blocks, snaplen cutting ARP, unknown link types) are collected with byte
 * offsets; whatever was read before a fatal one is still analysed and flagged `partial`.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { ArpAnalysisOptions, CaptureAnalysis } from './analysis-types.ts';
import { createArpAnalyzer } from './arp-analyzer.ts';
import { CaptureDecoder, type CaptureFormat, type CaptureInterface, type CaptureProblem, type CapturedPacket } from './capture-decoder.ts';
import { decodeLinkPacket, SUPPORTED_LINK_TYPES, type LinkSkip } from './link-layer.ts';

/** Bytes per read: large reads keep the per-chunk overhead negligible at hundreds of MB/s. */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** The capture could not be opened or is not a capture at all (nothing was read). */
export class CaptureOpenError extends Error {
  override readonly name = 'CaptureOpenError';
}

/** What the reader saw, besides the analysis. */
export interface CaptureSummary {
  readonly path: string;
  readonly gzip: boolean;
  readonly format: CaptureFormat | undefined;
  /** pcap: the file's link type; pcapng: one per interface. */
  readonly linkTypes: readonly number[];
  readonly interfaces: readonly CaptureInterface[];
  readonly fileBytes: number;
  /** Bytes of the (decompressed) stream framed into complete records. */
  readonly bytesRead: number;
  readonly packets: number;
  readonly arpPackets: number;
  readonly skipped: Readonly<Record<LinkSkip, number>>;
  readonly firstPacketUs: number | undefined;
  readonly lastPacketUs: number | undefined;
  readonly problems: readonly CaptureProblem[];
  /** Some ARP may be missing from the analysis: a fatal problem, ARP cut by the snaplen, an unknown link type. */
  readonly partial: boolean;
  /** Reading was stopped by the caller (Ctrl-C). */
  readonly interrupted: boolean;
}

/** The analysis of a capture and what the reader saw. */
export interface CaptureReport {
  readonly capture: CaptureSummary;
  readonly analysis: CaptureAnalysis;
}

/** Reading options. */
export interface ReadCaptureOptions {
  readonly analysis?: ArpAnalysisOptions;
  /** Called after each chunk with the file bytes read so far. */
  readonly onProgress?: (fileBytesRead: number, fileBytes: number) => void;
  /** Stops reading early (the result is then flagged `interrupted`). */
  readonly signal?: AbortSignal;
}

const SKIP_HINT: Readonly<Record<Exclude<LinkSkip, 'not-arp' | 'not-ipv4-arp'>, string>> = {
  'arp-cut': 'the ARP body (28 bytes) is cut short: the snaplen is too small (capture with `tcpdump -s 0`); such frames are skipped',
  'unknown-link-type': `link type not supported (supported: ${[...SUPPORTED_LINK_TYPES].map(([type, name]) => `${name} ${type}`).join(', ')}); its packets are skipped`,
};

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Reads and analyses the capture at `path`.
 * @throws CaptureOpenError when the file cannot be opened, is empty or is not a capture (nothing read).
 */
export async function readCapture(path: string, options: ReadCaptureOptions = {}): Promise<CaptureReport> {
  let fileBytes: number;
  let gzip: boolean;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CaptureOpenError(`reading capture ${path}: not a regular file`);
    fileBytes = info.size;
    gzip = await isGzip(path);
  } catch (error) {
    if (error instanceof CaptureOpenError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CaptureOpenError(`reading capture ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }

  const analyzer = createArpAnalyzer(options.analysis);
  const skipped: Record<LinkSkip, number> = { 'not-arp': 0, 'not-ipv4-arp': 0, 'arp-cut': 0, 'unknown-link-type': 0 };
  const warnings: CaptureProblem[] = [];
  const warnedUnknownTypes = new Set<number>();
  let arpPackets = 0;
  let firstPacketUs: number | undefined;
  let lastPacketUs: number | undefined;

  const onPacket = (packet: CapturedPacket): void => {
    firstPacketUs ??= packet.tUs;
    lastPacketUs = packet.tUs;
    const decoded = decodeLinkPacket(packet);
    if (typeof decoded !== 'string') {
      arpPackets += 1;
      analyzer.push(decoded);
      return;
    }
    skipped[decoded] += 1;
    if (decoded === 'arp-cut' && skipped['arp-cut'] === 1) {
      warnings.push({ offset: packet.offset, fatal: false, message: `frame ${packet.number} at offset ${packet.offset}: captured ${packet.capturedBytes} of ${packet.originalBytes} bytes — ${SKIP_HINT['arp-cut']}` });
    } else if (decoded === 'unknown-link-type' && !warnedUnknownTypes.has(packet.linkType)) {
      warnedUnknownTypes.add(packet.linkType);
      warnings.push({ offset: packet.offset, fatal: false, message: `frame ${packet.number} at offset ${packet.offset}: link type ${packet.linkType} — ${SKIP_HINT['unknown-link-type']}` });
    }
  };
  const decoder = new CaptureDecoder(onPacket);

  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  let fileBytesRead = 0;
  file.on('data', (chunk) => {
    fileBytesRead += chunk.length;
  });
  const source = gzip ? file.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES })) : file;
  let interrupted = false;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      decoder.write(chunk);
      options.onProgress?.(fileBytesRead, fileBytes);
      if (decoder.stopped) break;
      if (options.signal?.aborted === true) {
        interrupted = true;
        break;
      }
    }
    if (!decoder.stopped && !interrupted) decoder.end();
  } catch (error) {
    // A gzip stream cut short or corrupt: what was decompressed so far stands.
    const message = (error as Error).message;
    decoder.problems.push({ offset: decoder.consumedBytes, fatal: true, message: `${gzip ? 'decompressing' : 'reading'} ${path} failed after ${decoder.consumedBytes} bytes: ${message}` });
  } finally {
    file.destroy();
  }

  const problems = [...decoder.problems.filter((p) => !p.fatal), ...warnings, ...decoder.problems.filter((p) => p.fatal)];
  if (decoder.packets === 0 && problems.some((p) => p.fatal)) {
    const fatal = problems.find((p) => p.fatal);
    throw new CaptureOpenError(`reading capture ${path}: ${fatal?.message ?? 'nothing could be read'}`);
  }
  const linkTypes = decoder.format?.format === 'pcap' ? [decoder.pcapLinkType ?? 0] : [...new Set(decoder.interfaces.map((i) => i.linkType))];
  const analysis = analyzer.finish();
  return {
    analysis: firstPacketUs === undefined ? analysis : { ...analysis, originUs: firstPacketUs },
    capture: {
      path,
      gzip,
      format: decoder.format,
      linkTypes,
      interfaces: decoder.interfaces,
      fileBytes,
      bytesRead: decoder.consumedBytes,
      packets: decoder.packets,
      arpPackets,
      skipped,
      firstPacketUs,
      lastPacketUs,
      problems,
      partial: interrupted || problems.some((p) => p.fatal) || skipped['arp-cut'] > 0 || skipped['unknown-link-type'] > 0,
      interrupted,
    },
  };
}
