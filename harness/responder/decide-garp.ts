import type { Profile } from '../profiles/profile.ts';

/** The Ethernet broadcast address, destination and ARP target MAC of a gratuitous ARP. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

/** ARP opcodes (RFC 826). */
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

/** The fields of the one gratuitous ARP Cilium sends per newly programmed (IP, interface). */
export interface GarpFrame {
  readonly ethDst: string;
  readonly ethSrc: string;
  readonly opcode: typeof ARP_REQUEST | typeof ARP_REPLY;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

/**
 * The gratuitous ARP for `ip` on an interface with `interfaceMac` (spec §3.2): Ethernet broadcast,
 * sender MAC = interface MAC, sender IP = target IP = the VIP, target MAC broadcast. The opcode is
 * the profile's: reply (1.14 – ~1.19, `garp.go`) or request (newest `gneigh`, RFC 5227
 * announcement style). Receivers with `arp_accept=0` treat both alike for existing entries.
 */
export function decideGarp(ip: string, interfaceMac: string, profile: Profile): GarpFrame {
  return {
    ethDst: BROADCAST_MAC,
    ethSrc: interfaceMac,
    opcode: profile.l2.garpOpcode === 'request' ? ARP_REQUEST : ARP_REPLY,
    senderMac: interfaceMac,
    senderIp: ip,
    targetMac: BROADCAST_MAC,
    targetIp: ip,
  };
}
