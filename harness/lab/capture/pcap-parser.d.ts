/**
 * Types for `pcap-parser` (0.2.x, plain CommonJS without its own). Only what
 * `harness/lab/capture/pcap-reader.ts` uses: `parse` and its events.
 */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  /** The 24-byte file header. */
  export interface PcapGlobalHeader {
    readonly magicNumber: number;
    readonly majorVersion: number;
    readonly minorVersion: number;
    readonly gmtOffset: number;
    readonly timestampAccuracy: number;
    readonly snapshotLength: number;
    readonly linkLayerType: number;
  }

  /** The 16-byte record header; the sub-second field is µs (ns in a nanosecond file). */
  export interface PcapPacketHeader {
    readonly timestampSeconds: number;
    readonly timestampMicroseconds: number;
    readonly capturedLength: number;
    readonly originalLength: number;
  }

  /** One record. */
  export interface PcapPacket {
    readonly header: PcapPacketHeader;
    readonly data: Buffer;
  }

  /** The parser: events are emitted from the next tick on. */
  export interface PcapParser extends EventEmitter {
    on(event: 'globalHeader', listener: (header: PcapGlobalHeader) => void): this;
    on(event: 'packet', listener: (packet: PcapPacket) => void): this;
    on(event: 'end', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  /** Parses a file path or a readable stream of pcap bytes. */
  export function parse(input: string | Readable): PcapParser;
}
