/**
 * ARP inside Ethernet: the unit the wire, the capture reader and the simulated segments exchange.
 * `decodeArpFrame` is the one call `l2lab analyze` and the lab datapath make per frame.
 */
import type { GarpFrame } from '../responder/decide-garp.ts';
import { ARP_PACKET_BYTES, classifyArp, decodeArp, writeArp, type ArpError, type ArpKind, type ArpPacket } from './arp.ts';
import { decoded, rejected, type DecodeResult } from './decode-result.ts';
import { decodeEthernet, ETHERNET_MIN_FRAME_BYTES, ETHERTYPE_ARP, ethernetHeaderBytes, writeEthernetHeader, type EncodeEthernetOptions, type EthernetError, type VlanTag } from './ethernet.ts';

/** An ARP packet with its Ethernet addressing (and VLAN tags, outermost first). */
export interface ArpFrame {
  readonly ethDst: string;
  readonly ethSrc: string;
  readonly vlans: readonly VlanTag[];
  readonly arp: ArpPacket;
}

/** Input of {@link encodeArpFrame}; `vlans` defaults to none. */
export interface ArpFrameInput {
  readonly ethDst: string;
  readonly ethSrc: string;
  readonly vlans?: readonly VlanTag[];
  readonly arp: ArpPacket;
}

/** Why {@link decodeArpFrame} refused the bytes: an Ethernet or ARP error, or not ARP at all. */
export type ArpFrameError = EthernetError | ArpError | 'not-arp';

/** Decodes an Ethernet frame carrying ARP. Never throws. */
export function decodeArpFrame(bytes: Uint8Array): DecodeResult<ArpFrame, ArpFrameError> {
  const ethernet = decodeEthernet(bytes);
  if (!ethernet.ok) return ethernet;
  const frame = ethernet.value;
  if (frame.etherType !== ETHERTYPE_ARP) return rejected('not-arp', `EtherType 0x${frame.etherType.toString(16)}`);
  const arp = decodeArp(frame.payload);
  if (!arp.ok) return arp;
  return decoded({ ethDst: frame.dst, ethSrc: frame.src, vlans: frame.vlans, arp: arp.value });
}

/**
 * Encodes an ARP frame in one allocation (padded to 60 bytes unless told otherwise).
 *
 * @throws RangeError for invalid addresses, tags or opcode.
 */
export function encodeArpFrame(frame: ArpFrameInput, options: EncodeEthernetOptions = {}): Uint8Array {
  const length = ethernetHeaderBytes(frame.vlans?.length ?? 0) + ARP_PACKET_BYTES;
  const out = new Uint8Array(options.padToMinimum === false ? length : Math.max(length, ETHERNET_MIN_FRAME_BYTES));
  const offset = writeEthernetHeader({ dst: frame.ethDst, src: frame.ethSrc, etherType: ETHERTYPE_ARP, ...(frame.vlans === undefined ? {} : { vlans: frame.vlans }) }, out);
  writeArp(frame.arp, out, offset);
  return out;
}

/** The frame for the responder's GARP decision (`decideGarp`), untagged. */
export function garpToArpFrame(garp: GarpFrame): ArpFrameInput {
  return {
    ethDst: garp.ethDst,
    ethSrc: garp.ethSrc,
    arp: { opcode: garp.opcode, senderMac: garp.senderMac, senderIp: garp.senderIp, targetMac: garp.targetMac, targetIp: garp.targetIp },
  };
}

/** The kind of the ARP in a frame (see {@link classifyArp}). */
export function classifyArpFrame(frame: Pick<ArpFrame, 'arp'>): ArpKind {
  return classifyArp(frame.arp);
}
