/**
 * A streaming record reader for pcap and pcapng: bytes in (chunks of any size), packets out, in
 * constant memory (one block at most is carried between chunks).
 *
 * Hand-written rather than a library because none on npm does what `l2lab analyze` needs:
 * `pcap-parser` (used by the lab's reader) knows pcap µs only, stops silently on a truncated
 * record and emits one event object per packet through a stream; `pcap-ng-parser` 1.0.0 reads only
 * Ethernet pcapng as one tcpdump version wrote it (no other link types, per-interface resolution
 * or big-endian sections) and reports no byte offsets. Both formats are a few fixed-size headers
 * (pcap: draft-ietf-opsawg-pcap; pcapng: draft-ietf-opsawg-pcapng), so the framing is small, and
 * owning it gives exact byte offsets for every error and no per-packet allocation.
 *
 * Supported: pcap µs (a1b2c3d4) and ns (a1b23c4d) in either byte order; pcapng SHB (several
 * sections, either byte order), IDB (link type, snaplen, `if_tsresol`, `if_tsoffset`), EPB, SPB
 * (no timestamp: given the previous packet's), the obsolete PB; other blocks are skipped.
 */

/** A packet as the decoder hands it over; the object and its `data` are reused: copy what you keep. */
export interface CapturedPacket {
  /** Byte offset of the packet's record/block in the (decompressed) stream. */
  offset: number;
  /** 1-based packet number (as Wireshark numbers frames). */
  number: number;
  linkType: number;
  /** Integer µs since the Unix epoch (finer resolutions floored). */
  tUs: number;
  /** The bytes; the packet is `data[start, start + capturedBytes)`. */
  data: Buffer;
  start: number;
  capturedBytes: number;
  originalBytes: number;
  /** pcapng interface id (undefined for pcap). */
  ifIndex: number | undefined;
}

/** Something wrong in the stream, with the byte offset where it was found. */
export interface CaptureProblem {
  readonly offset: number;
  readonly message: string;
  /** Reading stopped here (the rest of the file could not be framed). */
  readonly fatal: boolean;
}

/** A pcapng interface as its IDB described it. */
export interface CaptureInterface {
  readonly id: number;
  readonly linkType: number;
  readonly snaplenBytes: number;
  /** Timestamp units per second (`if_tsresol`; 1e6 by default). */
  readonly unitsPerSecond: number;
}

/** What the stream turned out to be. */
export interface CaptureFormat {
  readonly format: 'pcap' | 'pcapng';
  readonly byteOrder: 'little' | 'big';
  /** pcap only: timestamp resolution. */
  readonly precision?: 'us' | 'ns';
}

/** Largest record or block accepted: beyond this a length field is taken as corrupt. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const PCAP_HEADER_BYTES = 24;
const PCAP_RECORD_HEADER_BYTES = 16;
const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const TWO_POW_32 = 4_294_967_296;

interface Interface extends CaptureInterface {
  /** Converts (high, low) timestamp words to epoch µs. */
  readonly toUs: (high: number, low: number) => number;
  readonly offsetUs: number;
}

/** A converter from 64-bit timestamp units to µs that stays exact in doubles for decimal resolutions. */
function timestampConverter(unitsPerSecond: number, decimalExponent: number | undefined): (high: number, low: number) => number {
  if (decimalExponent !== undefined && decimalExponent <= 6) {
    const factor = 10 ** (6 - decimalExponent);
    return (high, low) => (high * TWO_POW_32 + low) * factor;
  }
  if (decimalExponent !== undefined && decimalExponent <= 12) {
    // units / d with d = 10^(k-6): split 2^32 = q·d + r so no intermediate exceeds 2^53.
    const divisor = 10 ** (decimalExponent - 6);
    const quotient = Math.floor(TWO_POW_32 / divisor);
    const remainder = TWO_POW_32 - quotient * divisor;
    return (high, low) => high * quotient + Math.floor((high * remainder + low) / divisor);
  }
  const units = BigInt(unitsPerSecond);
  return (high, low) => Number(((BigInt(high) << 32n) | BigInt(low)) * 1_000_000n / units);
}

function describeBlockType(type: number): string {
  return `0x${type.toString(16).padStart(8, '0')}`;
}

/** The streaming decoder: `write` chunks, then `end`. */
export class CaptureDecoder {
  /** Problems found so far (a fatal one is always last). */
  readonly problems: CaptureProblem[] = [];
  /** Set once the magic is read. */
  format: CaptureFormat | undefined;
  /** pcap: the file's link type and snaplen. */
  pcapLinkType: number | undefined;
  pcapSnaplenBytes: number | undefined;
  /** pcapng: every interface of every section, in order. */
  readonly interfaces: CaptureInterface[] = [];
  packets = 0;
  simplePacketsWithoutTime = 0;
  /** Bytes framed into complete records (the rest is carried or was cut). */
  consumedBytes = 0;

  private readonly onPacket: (packet: CapturedPacket) => void;
  private buffer: Buffer = Buffer.alloc(0);
  private position = 0;
  private bufferOffset = 0;
  private failed = false;
  private littleEndian = true;
  private nanoseconds = false;
  private section: Interface[] = [];
  private lastUs = 0;
  private readonly packet: CapturedPacket = { offset: 0, number: 0, linkType: 0, tUs: 0, data: Buffer.alloc(0), start: 0, capturedBytes: 0, originalBytes: 0, ifIndex: undefined };

  constructor(onPacket: (packet: CapturedPacket) => void) {
    this.onPacket = onPacket;
  }

  /** True once a fatal problem stopped the decoding. */
  get stopped(): boolean {
    return this.failed;
  }

  /** Feeds the next bytes of the stream. */
  write(chunk: Buffer): void {
    if (this.failed) return;
    if (this.position < this.buffer.length) {
      this.buffer = Buffer.concat([this.buffer.subarray(this.position), chunk]);
    } else {
      this.buffer = chunk;
    }
    this.bufferOffset += this.position;
    this.position = 0;
    this.drain();
  }

  /** Ends the stream: bytes left over are a record cut short. */
  end(): void {
    if (this.failed) return;
    const left = this.buffer.length - this.position;
    const offset = this.bufferOffset + this.position;
    if (this.format === undefined) {
      this.fail(0, left === 0 ? 'the file is empty: expected a pcap or pcapng header' : `only ${left} bytes: expected a pcap (24-byte) or pcapng header`);
      return;
    }
    if (left > 0) this.fail(offset, `the capture ends mid-record: ${left} bytes left at offset ${offset}, ${this.expectedAt(this.position)}`);
  }

  private fail(offset: number, message: string): void {
    this.problems.push({ offset, message, fatal: true });
    this.failed = true;
  }

  private warn(offset: number, message: string): void {
    if (this.problems.length < 100) this.problems.push({ offset, message, fatal: false });
  }

  private u32(at: number): number {
    return this.littleEndian ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at);
  }

  private u16(at: number): number {
    return this.littleEndian ? this.buffer.readUInt16LE(at) : this.buffer.readUInt16BE(at);
  }

  /** What a record starting at `at` needs, for the cut-short message. */
  private expectedAt(at: number): string {
    const left = this.buffer.length - at;
    if (this.format?.format === 'pcap') {
      if (left < PCAP_RECORD_HEADER_BYTES) return `a 16-byte pcap record header expected`;
      return `the record header announces ${PCAP_RECORD_HEADER_BYTES + this.u32(at + 8)} bytes`;
    }
    if (left < 8) return 'an 8-byte pcapng block header expected';
    return `the block header announces ${this.u32(at + 4)} bytes`;
  }

  private drain(): void {
    if (this.format === undefined && !this.readMagic()) return;
    if (this.format?.format === 'pcap') this.drainPcap();
    else this.drainPcapng();
  }

  private readMagic(): boolean {
    const buffer = this.buffer;
    if (buffer.length < 4) return false;
    const magic = buffer.readUInt32BE(0);
    if (magic === BLOCK_SHB) {
      if (buffer.length < 12) return false;
      this.littleEndian = buffer.readUInt32LE(8) === BYTE_ORDER_MAGIC;
      this.format = { format: 'pcapng', byteOrder: this.littleEndian ? 'little' : 'big' };
      return true;
    }
    const pcap: Record<number, [boolean, boolean]> = { 0xa1b2c3d4: [false, false], 0xd4c3b2a1: [true, false], 0xa1b23c4d: [false, true], 0x4d3cb2a1: [true, true] };
    const found = pcap[magic];
    if (found === undefined) {
      this.fail(0, `not a capture: magic 0x${magic.toString(16).padStart(8, '0')}, expected pcap (a1b2c3d4, a1b23c4d, either byte order) or pcapng (0a0d0d0a)`);
      return false;
    }
    if (buffer.length < PCAP_HEADER_BYTES) return false;
    [this.littleEndian, this.nanoseconds] = found;
    this.format = { format: 'pcap', byteOrder: this.littleEndian ? 'little' : 'big', precision: this.nanoseconds ? 'ns' : 'us' };
    this.pcapSnaplenBytes = this.u32(16);
    // The upper bits carry FCS information (draft-ietf-opsawg-pcap §4); the link type is the low 16.
    this.pcapLinkType = this.u32(20) & 0xffff;
    this.position = PCAP_HEADER_BYTES;
    this.consumedBytes = PCAP_HEADER_BYTES;
    return true;
  }

  private drainPcap(): void {
    const buffer = this.buffer;
    const packet = this.packet;
    const linkType = this.pcapLinkType ?? 0;
    const divisor = this.nanoseconds ? 1000 : 1;
    let at = this.position;
    while (buffer.length - at >= PCAP_RECORD_HEADER_BYTES) {
      const capturedBytes = this.u32(at + 8);
      if (capturedBytes > MAX_RECORD_BYTES) {
        this.position = at;
        this.fail(this.bufferOffset + at, `corrupt pcap record header at offset ${this.bufferOffset + at}: ${capturedBytes} captured bytes (more than ${MAX_RECORD_BYTES}; snaplen ${this.pcapSnaplenBytes})`);
        return;
      }
      const end = at + PCAP_RECORD_HEADER_BYTES + capturedBytes;
      if (end > buffer.length) break;
      const fraction = this.u32(at + 4);
      packet.offset = this.bufferOffset + at;
      packet.number = ++this.packets;
      packet.linkType = linkType;
      packet.tUs = this.u32(at) * 1_000_000 + (divisor === 1 ? fraction : Math.floor(fraction / divisor));
      packet.data = buffer;
      packet.start = at + PCAP_RECORD_HEADER_BYTES;
      packet.capturedBytes = capturedBytes;
      packet.originalBytes = this.u32(at + 12);
      packet.ifIndex = undefined;
      this.onPacket(packet);
      at = end;
    }
    this.consumedBytes += at - this.position;
    this.position = at;
  }

  private drainPcapng(): void {
    const buffer = this.buffer;
    let at = this.position;
    while (buffer.length - at >= 12) {
      const type = buffer.readUInt32BE(at) === BLOCK_SHB ? BLOCK_SHB : this.u32(at);
      if (type === BLOCK_SHB) {
        const order = buffer.readUInt32LE(at + 8);
        if (order !== BYTE_ORDER_MAGIC && buffer.readUInt32BE(at + 8) !== BYTE_ORDER_MAGIC) {
          this.position = at;
          this.fail(this.bufferOffset + at, `corrupt pcapng section header at offset ${this.bufferOffset + at}: byte-order magic 0x${order.toString(16)}, expected 1a2b3c4d`);
          return;
        }
        this.littleEndian = order === BYTE_ORDER_MAGIC;
      }
      const length = this.u32(at + 4);
      if (length < 12 || length % 4 !== 0 || length > MAX_RECORD_BYTES) {
        this.position = at;
        this.fail(this.bufferOffset + at, `corrupt pcapng block at offset ${this.bufferOffset + at}: block length ${length} (expected a multiple of 4, 12 … ${MAX_RECORD_BYTES}), block type ${describeBlockType(type)}`);
        return;
      }
      if (buffer.length - at < length) break;
      const trailer = this.u32(at + length - 4);
      if (trailer !== length) {
        this.position = at;
        this.fail(this.bufferOffset + at, `corrupt pcapng block at offset ${this.bufferOffset + at}: leading length ${length} ≠ trailing length ${trailer}, block type ${describeBlockType(type)}`);
        return;
      }
      if (!this.block(type, at, length)) {
        this.position = at;
        return;
      }
      at += length;
    }
    this.consumedBytes += at - this.position;
    this.position = at;
  }

  /** Handles one complete block; false when it was fatal. */
  private block(type: number, at: number, length: number): boolean {
    if (type === BLOCK_SHB) {
      this.section = [];
      return true;
    }
    if (type === BLOCK_IDB) return this.interfaceBlock(at, length);
    if (type === BLOCK_EPB || type === BLOCK_PB) return this.packetBlock(type, at, length);
    if (type === BLOCK_SPB) return this.simplePacketBlock(at, length);
    return true; // statistics, name resolution, custom … : nothing for the analysis
  }

  private interfaceBlock(at: number, length: number): boolean {
    if (length < 20) return this.blockTooShort(at, length, 'interface description', 20);
    const linkType = this.u16(at + 8);
    const snaplenBytes = this.u32(at + 12);
    let unitsPerSecond = 1_000_000;
    let decimalExponent: number | undefined = 6;
    let offsetUs = 0;
    // Options: code(2) length(2) value padded to 4, until opt_endofopt or the block's end.
    let option = at + 16;
    const end = at + length - 4;
    while (option + 4 <= end) {
      const code = this.u16(option);
      const optionBytes = this.u16(option + 2);
      if (code === 0 || option + 4 + optionBytes > end) break;
      if (code === 9 && optionBytes >= 1) {
        const resolution = this.buffer[option + 4] ?? 6;
        const exponent = resolution & 0x7f;
        if ((resolution & 0x80) === 0) {
          unitsPerSecond = 10 ** exponent;
          decimalExponent = exponent;
        } else {
          unitsPerSecond = 2 ** exponent;
          decimalExponent = undefined;
        }
      } else if (code === 14 && optionBytes >= 8) {
        const high = this.u32(option + 4 + (this.littleEndian ? 4 : 0)) | 0;
        const low = this.u32(option + 4 + (this.littleEndian ? 0 : 4));
        offsetUs = (high * TWO_POW_32 + low) * 1_000_000;
      }
      option += 4 + optionBytes + ((4 - (optionBytes % 4)) % 4);
    }
    const id = this.section.length;
    const described: Interface = { id, linkType, snaplenBytes, unitsPerSecond, toUs: timestampConverter(unitsPerSecond, decimalExponent), offsetUs };
    this.section.push(described);
    this.interfaces.push({ id, linkType, snaplenBytes, unitsPerSecond });
    return true;
  }

  private blockTooShort(at: number, length: number, what: string, need: number): boolean {
    this.fail(this.bufferOffset + at, `corrupt pcapng ${what} block at offset ${this.bufferOffset + at}: block length ${length}, need at least ${need}`);
    return false;
  }

  private unknownInterface(at: number, id: number): boolean {
    this.fail(this.bufferOffset + at, `corrupt pcapng packet block at offset ${this.bufferOffset + at}: interface id ${id}, but the section describes ${this.section.length} interface(s)`);
    return false;
  }

  private packetBlock(type: number, at: number, length: number): boolean {
    if (length < 32) return this.blockTooShort(at, length, type === BLOCK_EPB ? 'enhanced packet' : 'packet', 32);
    const id = type === BLOCK_EPB ? this.u32(at + 8) : this.u16(at + 8);
    const described = this.section[id];
    if (described === undefined) return this.unknownInterface(at, id);
    const capturedBytes = this.u32(at + 20);
    if (28 + capturedBytes + 4 > length) {
      this.fail(this.bufferOffset + at, `corrupt pcapng packet block at offset ${this.bufferOffset + at}: ${capturedBytes} captured bytes do not fit in block length ${length}`);
      return false;
    }
    const tUs = described.toUs(this.u32(at + 12), this.u32(at + 16)) + described.offsetUs;
    this.emit(at, described, tUs, at + 28, capturedBytes, this.u32(at + 24));
    return true;
  }

  private simplePacketBlock(at: number, length: number): boolean {
    if (length < 16) return this.blockTooShort(at, length, 'simple packet', 16);
    const described = this.section[0];
    if (described === undefined) return this.unknownInterface(at, 0);
    const originalBytes = this.u32(at + 8);
    const snaplen = described.snaplenBytes === 0 ? Number.MAX_SAFE_INTEGER : described.snaplenBytes;
    const capturedBytes = Math.min(originalBytes, snaplen, length - 16);
    if (this.simplePacketsWithoutTime === 0) this.warn(this.bufferOffset + at, `simple packet blocks carry no timestamp (first at offset ${this.bufferOffset + at}): each is given the previous packet's time`);
    this.simplePacketsWithoutTime += 1;
    this.emit(at, described, this.lastUs, at + 12, capturedBytes, originalBytes);
    return true;
  }

  private emit(at: number, described: Interface, tUs: number, start: number, capturedBytes: number, originalBytes: number): void {
    const packet = this.packet;
    packet.offset = this.bufferOffset + at;
    packet.number = ++this.packets;
    packet.linkType = described.linkType;
    packet.tUs = tUs;
    packet.data = this.buffer;
    packet.start = start;
    packet.capturedBytes = capturedBytes;
    packet.originalBytes = originalBytes;
    packet.ifIndex = described.id;
    this.lastUs = tUs;
    this.onPacket(packet);
  }
}
