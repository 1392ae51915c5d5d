/**
 * From a captured packet to an ARP event: the link-layer header (Ethernet with 802.1Q/802.1ad
 * tags, Linux cooked SLL and SLL2 as `tcpdump -i any` writes them) and the ARP body, at fixed
 * offsets. Non-ARP packets are refused after two byte reads, without allocating: a capture is
 * mostly something else.
 */
import { BROADCAST_MAC, formatIpv4At, formatMacAt } from '../packet/addresses.ts';
import type { ArpFrameEvent } from './arp-event.ts';

/** `LINKTYPE_ETHERNET`. */
export const LINKTYPE_ETHERNET = 1;
/** `LINKTYPE_LINUX_SLL`: Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10). */
export const LINKTYPE_LINUX_SLL = 113;
/** `LINKTYPE_LINUX_SLL2`: Linux cooked capture v2 (`tcpdump -i any` since libpcap 1.10). */
export const LINKTYPE_LINUX_SLL2 = 276;
/** Link types the analyzer reads. */
export const SUPPORTED_LINK_TYPES: ReadonlyMap<number, string> = new Map([
  [LINKTYPE_ETHERNET, 'Ethernet'],
  [LINKTYPE_LINUX_SLL, 'Linux cooked SLL'],
  [LINKTYPE_LINUX_SLL2, 'Linux cooked SLL2'],
]);

const ETHERTYPE_ARP = 0x0806;
const TPIDS = new Set([0x8100, 0x88a8, 0x9100]);
/** Most stacked VLAN tags followed (QinQ is two; a few more are tolerated). */
const MAX_VLAN_TAGS = 4;
const ARP_BYTES = 28;
const SLL_HEADER_BYTES = 16;
const SLL2_HEADER_BYTES = 20;
/** SLL packet type "sent to everyone" (linux/if_packet.h PACKET_BROADCAST). */
const SLL_PACKET_BROADCAST = 1;

/** Most distinct addresses whose text is cached; the cache starts over beyond it (memory stays bounded). */
const ADDRESS_CACHE_LIMIT = 65_536;
const ipTexts = new Map<number, string>();
const macTexts = new Map<number, string>();

/**
 * The IPv4 at `at` as text, cached by value: the same few addresses recur in millions of frames,
 * and a cached string also keeps its hash, which the analyzer's map lookups reuse.
 */
function ipv4At(data: Uint8Array, at: number): string {
  const key = (((data[at] ?? 0) << 24) | ((data[at + 1] ?? 0) << 16) | ((data[at + 2] ?? 0) << 8) | (data[at + 3] ?? 0)) >>> 0;
  let text = ipTexts.get(key);
  if (text === undefined) {
    if (ipTexts.size >= ADDRESS_CACHE_LIMIT) ipTexts.clear();
    text = formatIpv4At(data, at);
    ipTexts.set(key, text);
  }
  return text;
}

/** The MAC at `at` as text, cached by value (see {@link ipv4At}). */
function macAt(data: Uint8Array, at: number): string {
  const key = (((data[at] ?? 0) << 8) | (data[at + 1] ?? 0)) * 4_294_967_296 + ((((data[at + 2] ?? 0) << 24) | ((data[at + 3] ?? 0) << 16) | ((data[at + 4] ?? 0) << 8) | (data[at + 5] ?? 0)) >>> 0);
  let text = macTexts.get(key);
  if (text === undefined) {
    if (macTexts.size >= ADDRESS_CACHE_LIMIT) macTexts.clear();
    text = formatMacAt(data, at);
    macTexts.set(key, text);
  }
  return text;
}

/** Why a packet gave no event. */
export type LinkSkip =
  /** Not ARP (IPv4, IPv6, LLDP …). */
  | 'not-arp'
  /** ARP, but not Ethernet/IPv4 ARP (other hardware or protocol type or lengths). */
  | 'not-ipv4-arp'
  /** ARP cut by the snaplen (or a short record): the 28-byte body is not all there. */
  | 'arp-cut'
  /** The link type is none of {@link SUPPORTED_LINK_TYPES}. */
  | 'unknown-link-type';

/** A packet's location and content, as the decoder hands it over. */
export interface LinkPacket {
  readonly linkType: number;
  readonly tUs: number;
  readonly data: Uint8Array;
  readonly start: number;
  readonly capturedBytes: number;
  readonly ifIndex: number | undefined;
  readonly number: number;
}

/** Decodes a packet to an ARP event, or says why not. Never throws. */
export function decodeLinkPacket(packet: LinkPacket): ArpFrameEvent | LinkSkip {
  const data = packet.data;
  const start = packet.start;
  const end = start + packet.capturedBytes;
  let typeAt: number;
  let ethDst: string | undefined;
  let ifIndex = packet.ifIndex;
  switch (packet.linkType) {
    case LINKTYPE_ETHERNET:
      typeAt = start + 12;
      break;
    case LINKTYPE_LINUX_SLL:
      typeAt = start + 14;
      if (end >= start + 2 && ((data[start] ?? 0) << 8 | (data[start + 1] ?? 0)) === SLL_PACKET_BROADCAST) ethDst = BROADCAST_MAC;
      break;
    case LINKTYPE_LINUX_SLL2:
      typeAt = start;
      if (end >= start + SLL2_HEADER_BYTES) {
        ifIndex = ((data[start + 4] ?? 0) << 24 | (data[start + 5] ?? 0) << 16 | (data[start + 6] ?? 0) << 8 | (data[start + 7] ?? 0)) >>> 0;
        if (data[start + 10] === SLL_PACKET_BROADCAST) ethDst = BROADCAST_MAC;
      }
      break;
    default:
      return 'unknown-link-type';
  }
  if (typeAt + 2 > end) return 'not-arp';
  let type = ((data[typeAt] ?? 0) << 8) | (data[typeAt + 1] ?? 0);
  // SLL2 has its protocol first and the address after it: the payload starts after the header.
  let payloadAt = packet.linkType === LINKTYPE_LINUX_SLL2 ? start + SLL2_HEADER_BYTES : packet.linkType === LINKTYPE_LINUX_SLL ? start + SLL_HEADER_BYTES : typeAt + 2;
  let vlans: number[] | undefined;
  let tags = 0;
  while (TPIDS.has(type)) {
    if (tags === MAX_VLAN_TAGS || payloadAt + 4 > end) return 'not-arp';
    const vid = (((data[payloadAt] ?? 0) << 8) | (data[payloadAt + 1] ?? 0)) & 0x0fff;
    // VID 0 is a priority tag (802.1p), not a VLAN: such a frame is in the untagged domain.
    if (vid !== 0) (vlans ??= []).push(vid);
    tags += 1;
    type = ((data[payloadAt + 2] ?? 0) << 8) | (data[payloadAt + 3] ?? 0);
    payloadAt += 4;
  }
  if (type !== ETHERTYPE_ARP) return 'not-arp';
  if (payloadAt + 8 > end) return 'arp-cut';
  // htype 1 (Ethernet), ptype 0x0800 (IPv4), hlen 6, plen 4.
  if (data[payloadAt] !== 0 || data[payloadAt + 1] !== 1 || data[payloadAt + 2] !== 8 || data[payloadAt + 3] !== 0 || data[payloadAt + 4] !== 6 || data[payloadAt + 5] !== 4) return 'not-ipv4-arp';
  if (payloadAt + ARP_BYTES > end) return 'arp-cut';
  if (packet.linkType === LINKTYPE_ETHERNET) ethDst = macAt(data, start);
  // One object shape for every event (absent fields undefined): the analyzer's hot paths stay monomorphic.
  const event: ArpFrameEvent = {
    tUs: packet.tUs,
    op: ((data[payloadAt + 6] ?? 0) << 8) | (data[payloadAt + 7] ?? 0),
    senderMac: macAt(data, payloadAt + 8),
    senderIp: ipv4At(data, payloadAt + 14),
    targetMac: macAt(data, payloadAt + 18),
    targetIp: ipv4At(data, payloadAt + 24),
    ethDst,
    vlans,
    ifIndex,
    frame: packet.number,
  };
  return event;
}
