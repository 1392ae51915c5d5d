/**
 * Ethernet II framing with optional 802.1Q / 802.1ad tags — the only link layer l2lab's L2
 * segments carry. A frame is destination, source, zero to two VLAN tags, an EtherType and the
 * payload; the FCS is not part of it (Linux packet sockets and pcaps do not hand it over).
 *
 * Decoding never throws and never copies: the payload is a view into the input. Encoding pads to
 * the 60-byte Ethernet minimum by default, as a NIC does on the wire (so fixtures match captures).
 */
import { formatMacAt, writeMac } from './addresses.ts';
import { decoded, rejected, type DecodeResult } from './decode-result.ts';

/** EtherType of ARP. */
export const ETHERTYPE_ARP = 0x0806;
/** EtherType of IPv4. */
export const ETHERTYPE_IPV4 = 0x0800;
/** TPID of an 802.1Q customer tag. */
export const TPID_8021Q = 0x8100;
/** TPID of an 802.1ad service tag (QinQ outer tag). */
export const TPID_8021AD = 0x88a8;
/** Smallest Ethernet frame without FCS; shorter frames are padded with zeros. */
export const ETHERNET_MIN_FRAME_BYTES = 60;
/** Header bytes of an untagged frame (dst, src, EtherType). */
export const ETHERNET_HEADER_BYTES = 14;
/** Most VLAN tags a frame may carry here (QinQ); more is treated as malformed. */
export const MAX_VLAN_TAGS = 2;

/** One 802.1Q/802.1ad tag: TPID, priority code point, drop-eligible bit, VLAN id. */
export interface VlanTag {
  readonly tpid: number;
  readonly pcp: number;
  readonly dei: boolean;
  readonly vid: number;
}

/** A decoded Ethernet II frame. `payload` is a view into the decoded bytes (padding included). */
export interface EthernetFrame {
  readonly dst: string;
  readonly src: string;
  /** Outermost first; empty for an untagged frame. */
  readonly vlans: readonly VlanTag[];
  readonly etherType: number;
  readonly payload: Uint8Array;
}

/** What {@link encodeEthernet} needs; `vlans` defaults to none. */
export interface EthernetFrameInput {
  readonly dst: string;
  readonly src: string;
  readonly vlans?: readonly VlanTag[];
  readonly etherType: number;
  readonly payload: Uint8Array;
}

/** Why {@link decodeEthernet} refused the bytes. */
export type EthernetError =
  /** Fewer than 14 bytes. */
  | 'short'
  /** A VLAN TPID without the 4 tag bytes and an EtherType after it. */
  | 'short-vlan'
  /** More than {@link MAX_VLAN_TAGS} stacked tags. */
  | 'too-many-tags'
  /** Type/length field below 0x0600: an 802.3 length (LLC/SNAP), not an EtherType. */
  | 'not-ethernet-ii';

function isTpid(value: number): boolean {
  return value === TPID_8021Q || value === TPID_8021AD;
}

/** Decodes an Ethernet II frame (with up to two VLAN tags). Never throws. */
export function decodeEthernet(bytes: Uint8Array): DecodeResult<EthernetFrame, EthernetError> {
  if (bytes.length < ETHERNET_HEADER_BYTES) return rejected('short', `${bytes.length} bytes, need ${ETHERNET_HEADER_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let typeOrTpid = view.getUint16(offset);
  let vlans: VlanTag[] | undefined;
  while (isTpid(typeOrTpid)) {
    if ((vlans?.length ?? 0) === MAX_VLAN_TAGS) return rejected('too-many-tags', `more than ${MAX_VLAN_TAGS} VLAN tags`);
    if (bytes.length < offset + 6) return rejected('short-vlan', `VLAN tag at byte ${offset} needs ${offset + 6} bytes, have ${bytes.length}`);
    const tci = view.getUint16(offset + 2);
    (vlans ??= []).push({ tpid: typeOrTpid, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff });
    offset += 4;
    typeOrTpid = view.getUint16(offset);
  }
  if (typeOrTpid < 0x0600) return rejected('not-ethernet-ii', `type/length 0x${typeOrTpid.toString(16)} is an 802.3 length`);
  return decoded({
    dst: formatMacAt(bytes, 0),
    src: formatMacAt(bytes, 6),
    vlans: vlans ?? NO_VLANS,
    etherType: typeOrTpid,
    payload: bytes.subarray(offset + 2),
  });
}

const NO_VLANS: readonly VlanTag[] = Object.freeze([]);

/** Header length of a frame with `vlanCount` tags. */
export function ethernetHeaderBytes(vlanCount: number): number {
  return ETHERNET_HEADER_BYTES + 4 * vlanCount;
}

/**
 * Writes the Ethernet header for `frame` (without payload) into `target` at 0 and returns the
 * payload offset. Used by {@link encodeEthernet} and by codecs that write their payload in place.
 *
 * @throws RangeError when a MAC is not a MAC text, a tag is out of range or there are too many tags.
 */
export function writeEthernetHeader(frame: Omit<EthernetFrameInput, 'payload'>, target: Uint8Array): number {
  const vlans = frame.vlans ?? NO_VLANS;
  if (vlans.length > MAX_VLAN_TAGS) throw new RangeError(`encoding an Ethernet frame: ${vlans.length} VLAN tags, at most ${MAX_VLAN_TAGS}`);
  if (!writeMac(frame.dst, target, 0)) throw new RangeError(`encoding an Ethernet frame: destination "${frame.dst}" is not a MAC address`);
  if (!writeMac(frame.src, target, 6)) throw new RangeError(`encoding an Ethernet frame: source "${frame.src}" is not a MAC address`);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  let offset = 12;
  for (const tag of vlans) {
    if (!isTpid(tag.tpid) || !(tag.pcp >= 0 && tag.pcp <= 7) || !(tag.vid >= 0 && tag.vid <= 0x0fff)) {
      throw new RangeError(`encoding an Ethernet frame: VLAN tag ${JSON.stringify(tag)} out of range (tpid 0x8100/0x88a8, pcp 0–7, vid 0–4095)`);
    }
    view.setUint16(offset, tag.tpid);
    view.setUint16(offset + 2, (tag.pcp << 13) | (tag.dei ? 0x1000 : 0) | tag.vid);
    offset += 4;
  }
  if (!(frame.etherType >= 0x0600 && frame.etherType <= 0xffff) || isTpid(frame.etherType)) {
    throw new RangeError(`encoding an Ethernet frame: EtherType 0x${frame.etherType.toString(16)} is not a payload type (0x0600–0xffff, not a TPID)`);
  }
  view.setUint16(offset, frame.etherType);
  return offset + 2;
}

/** Encoding options. */
export interface EncodeEthernetOptions {
  /** Pad with zeros to {@link ETHERNET_MIN_FRAME_BYTES}, as on the wire. Default true. */
  readonly padToMinimum?: boolean;
}

/**
 * Encodes an Ethernet II frame.
 *
 * @throws RangeError for invalid MACs, tags or EtherType (programming errors, not wire input).
 */
export function encodeEthernet(frame: EthernetFrameInput, options: EncodeEthernetOptions = {}): Uint8Array {
  const headerBytes = ethernetHeaderBytes(frame.vlans?.length ?? 0);
  const length = headerBytes + frame.payload.length;
  const out = new Uint8Array(options.padToMinimum === false ? length : Math.max(length, ETHERNET_MIN_FRAME_BYTES));
  const payloadOffset = writeEthernetHeader(frame, out);
  out.set(frame.payload, payloadOffset);
  return out;
}
