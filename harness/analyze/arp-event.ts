/**
 * The analyzer's input: one ARP frame as it was seen, independent of where it came from (a pcap,
 * a pcapng, a run history). Addresses are canonical text (`harness/packet/addresses.ts`).
 *
 * Time is an integer number of µs since the Unix epoch in a plain `number`: epoch µs stay below
 * 2^53 until the year 2255, so every µs is exact, and number arithmetic is several times faster
 * than bigint on the hot path (one event per captured ARP frame).
 */

/** ARP opcode of a request (RFC 826). */
export const OP_REQUEST = 1;
/** ARP opcode of a reply (RFC 826). */
export const OP_REPLY = 2;

/** One ARP frame. */
export interface ArpFrameEvent {
  /** When it was captured: integer µs since the Unix epoch (sub-µs capture precision is floored). */
  readonly tUs: number;
  /** ARP opcode: 1 request, 2 reply; anything else is counted and otherwise ignored. */
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
  /** Ethernet destination, when known (tells a broadcast GARP from a unicast one). */
  readonly ethDst?: string;
  /**
   * VLAN ids of the frame's 802.1Q/802.1ad tags, outermost first (absent or empty: untagged). The
   * same IP on different VLANs is a different broadcast domain and is analysed separately.
   */
  readonly vlans?: readonly number[];
  /** Capture interface (pcapng interface id, or the SLL2 ifindex), when known. */
  readonly ifIndex?: number;
  /** 1-based frame number in the capture (as Wireshark numbers frames), when known. */
  readonly frame?: number;
}

/** What an ARP frame is to the analysis (see docs/analyze.md, "What counts as what"). */
export type ArpEventKind =
  /** A request with sender IP = target IP: an announcement (gratuitous, request form). */
  | 'garp-request'
  /** A reply with sender IP = target IP: an announcement (gratuitous, reply form). */
  | 'garp-reply'
  /** An ordinary reply: its sender claims the sender IP. */
  | 'reply'
  /** An ordinary request for the target IP: owes an answer within the reply timeout. */
  | 'request'
  /** An RFC 5227 probe (request with sender IP 0.0.0.0): duplicate detection, owes no answer. */
  | 'probe'
  /** Any other opcode (RARP, InARP …). */
  | 'other';

/** Classifies an event (see {@link ArpEventKind}). */
export function classifyArpEvent(event: Pick<ArpFrameEvent, 'op' | 'senderIp' | 'targetIp'>): ArpEventKind {
  if (event.op === OP_REQUEST) {
    if (event.senderIp === '0.0.0.0') return 'probe';
    return event.senderIp === event.targetIp ? 'garp-request' : 'request';
  }
  if (event.op === OP_REPLY) return event.senderIp === event.targetIp ? 'garp-reply' : 'reply';
  return 'other';
}

/** A claim is a frame by which its sender MAC says it owns the sender IP. */
export type ClaimKind = 'reply' | 'garp-request' | 'garp-reply';

/** The claim kind of an event kind, or undefined when the frame claims nothing. */
export function claimKindOf(kind: ArpEventKind): ClaimKind | undefined {
  return kind === 'reply' || kind === 'garp-request' || kind === 'garp-reply' ? kind : undefined;
}
