/**
 * ARP for IPv4 over Ethernet (RFC 826), the packet every failover turns on: requests, replies,
 * RFC 5227 probes and both forms of gratuitous ARP. A packet is its opcode and the four addresses;
 * the fixed header (htype 1, ptype 0x0800, hlen 6, plen 4) is checked on decode and written on
 * encode. Like mdlayher/arp, decoding never throws and ignores trailing bytes (Ethernet padding).
 */
import { BROADCAST_MAC, formatIpv4At, formatMacAt, writeIpv4, writeMac, ZERO_IPV4, ZERO_MAC } from './addresses.ts';
import { decoded, rejected, type DecodeResult } from './decode-result.ts';

/** Bytes of an Ethernet/IPv4 ARP packet. */
export const ARP_PACKET_BYTES = 28;
/** ARP opcodes (RFC 826). */
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
const HTYPE_ETHERNET = 1;
const PTYPE_IPV4 = 0x0800;

/** An Ethernet/IPv4 ARP packet. MACs lowercase colon-separated, IPs dotted quads. */
export interface ArpPacket {
  /** 1 request, 2 reply; other values decode but classify as `other`. */
  readonly opcode: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

/** Why {@link decodeArp} refused the bytes. */
export type ArpError =
  /** Fewer than 28 bytes. */
  | 'short'
  /** Hardware type is not Ethernet (1). */
  | 'bad-htype'
  /** Protocol type is not IPv4 (0x0800). */
  | 'bad-ptype'
  /** Hardware address length is not 6. */
  | 'bad-hlen'
  /** Protocol address length is not 4. */
  | 'bad-plen';

/** Decodes an ARP packet from an Ethernet payload. Never throws; trailing bytes are ignored. */
export function decodeArp(payload: Uint8Array): DecodeResult<ArpPacket, ArpError> {
  if (payload.length < ARP_PACKET_BYTES) return rejected('short', `${payload.length} bytes, need ${ARP_PACKET_BYTES}`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const htype = view.getUint16(0);
  if (htype !== HTYPE_ETHERNET) return rejected('bad-htype', `hardware type ${htype}`);
  const ptype = view.getUint16(2);
  if (ptype !== PTYPE_IPV4) return rejected('bad-ptype', `protocol type 0x${ptype.toString(16)}`);
  if (payload[4] !== 6) return rejected('bad-hlen', `hardware length ${payload[4]}`);
  if (payload[5] !== 4) return rejected('bad-plen', `protocol length ${payload[5]}`);
  return decoded({
    opcode: view.getUint16(6),
    senderMac: formatMacAt(payload, 8),
    senderIp: formatIpv4At(payload, 14),
    targetMac: formatMacAt(payload, 18),
    targetIp: formatIpv4At(payload, 24),
  });
}

/**
 * Writes `packet` into `target` at `offset` (28 bytes).
 *
 * @throws RangeError when an address is not a MAC/IPv4 text or the opcode is not 0–65535.
 */
export function writeArp(packet: ArpPacket, target: Uint8Array, offset: number): void {
  if (!(Number.isInteger(packet.opcode) && packet.opcode >= 0 && packet.opcode <= 0xffff)) {
    throw new RangeError(`encoding an ARP packet: opcode ${packet.opcode} is not 0–65535`);
  }
  const view = new DataView(target.buffer, target.byteOffset + offset, ARP_PACKET_BYTES);
  view.setUint16(0, HTYPE_ETHERNET);
  view.setUint16(2, PTYPE_IPV4);
  target[offset + 4] = 6;
  target[offset + 5] = 4;
  view.setUint16(6, packet.opcode);
  const fields: readonly [string, boolean][] = [
    ['sender MAC', writeMac(packet.senderMac, target, offset + 8)],
    ['sender IP', writeIpv4(packet.senderIp, target, offset + 14)],
    ['target MAC', writeMac(packet.targetMac, target, offset + 18)],
    ['target IP', writeIpv4(packet.targetIp, target, offset + 24)],
  ];
  for (const [name, ok] of fields) {
    if (!ok) throw new RangeError(`encoding an ARP packet: ${name} of ${JSON.stringify(packet)} is not valid`);
  }
}

/**
 * Encodes an ARP packet (28 bytes, no Ethernet header).
 *
 * @throws RangeError for invalid addresses or opcode.
 */
export function encodeArp(packet: ArpPacket): Uint8Array {
  const out = new Uint8Array(ARP_PACKET_BYTES);
  writeArp(packet, out, 0);
  return out;
}

/**
 * What an ARP packet is, as the failover analysis needs it:
 * - `probe`: RFC 5227 probe, a request with sender IP 0.0.0.0 (duplicate address detection);
 * - `gratuitous-request` / `gratuitous-reply`: sender IP = target IP (announcements);
 * - `request` / `reply`: ordinary resolution;
 * - `other`: any other opcode (RARP, InARP …), which Linux's `arp_process` drops.
 *
 * Note that Linux treats a gratuitous *reply* as gratuitous (locktime override) only when its
 * target MAC equals its sender MAC (`arp_is_garp`); {@link isLinuxGarp} has that stricter test.
 */
export type ArpKind = 'request' | 'reply' | 'gratuitous-request' | 'gratuitous-reply' | 'probe' | 'other';

/** Classifies an ARP packet (see {@link ArpKind}). */
export function classifyArp(packet: ArpPacket): ArpKind {
  if (packet.opcode === ARP_OP_REQUEST) {
    if (packet.senderIp === ZERO_IPV4) return 'probe';
    return packet.senderIp === packet.targetIp ? 'gratuitous-request' : 'request';
  }
  if (packet.opcode === ARP_OP_REPLY) return packet.senderIp === packet.targetIp ? 'gratuitous-reply' : 'reply';
  return 'other';
}

/**
 * Linux's `arp_is_garp()` (net/ipv4/arp.c, since 4.12): sender IP = target IP, and for a reply
 * also target MAC = sender MAC. (The kernel additionally requires the sender IP to be a unicast
 * address by its routing table; callers that care check that themselves.) Cilium's GARP *reply*
 * has target MAC ff:ff:ff:ff:ff:ff, so Linux does not count it as gratuitous — it then updates
 * an existing entry only outside the 1 s `locktime` (see `harness/net/neighbour-cache.ts`).
 */
export function isLinuxGarp(packet: ArpPacket): boolean {
  if (packet.senderIp !== packet.targetIp) return false;
  if (packet.opcode === ARP_OP_REQUEST) return true;
  return packet.opcode === ARP_OP_REPLY && packet.targetMac === packet.senderMac;
}

/** A who-has request as Linux sends it: target MAC zero (`arp_create` with no target_hw). */
export function arpRequest(senderMac: string, senderIp: string, targetIp: string): ArpPacket {
  return { opcode: ARP_OP_REQUEST, senderMac, senderIp, targetMac: ZERO_MAC, targetIp };
}

/** An is-at reply from `senderMac`/`senderIp` to the requester. */
export function arpReply(senderMac: string, senderIp: string, targetMac: string, targetIp: string): ArpPacket {
  return { opcode: ARP_OP_REPLY, senderMac, senderIp, targetMac, targetIp };
}

/** An RFC 5227 probe for `targetIp`: sender IP 0.0.0.0, target MAC zero. */
export function arpProbe(senderMac: string, targetIp: string): ArpPacket {
  return { opcode: ARP_OP_REQUEST, senderMac, senderIp: ZERO_IPV4, targetMac: ZERO_MAC, targetIp };
}

/**
 * A gratuitous ARP announcing `ip` at `mac`, in request or reply form. The target MAC defaults to
 * broadcast, as both Cilium (`garp.go`, `gneigh`) and MetalLB (`arp.Gratuitous` via
 * mdlayher/arp) send it; RFC 5227 announcements use zero, and Linux only treats a reply as
 * gratuitous when the target MAC equals `mac` — pass `targetMac` to emulate either.
 */
export function gratuitousArp(mac: string, ip: string, form: 'request' | 'reply', targetMac: string = BROADCAST_MAC): ArpPacket {
  return { opcode: form === 'request' ? ARP_OP_REQUEST : ARP_OP_REPLY, senderMac: mac, senderIp: ip, targetMac, targetIp: ip };
}
