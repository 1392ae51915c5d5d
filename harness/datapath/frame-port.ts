/**
 * What the datapath sends and receives: ARP over Ethernet as decoded fields, and the port frames
 * travel through. In `sim` frames stay decoded (the simulated segment carries these objects); in
 * `lab` a raw-socket transport encodes them with `harness/packet`'s codecs — the field names are
 * those of its `ArpPacket` plus the Ethernet source and destination, and of `GarpFrame`
 * (`harness/responder/decide-garp.ts`), so either can be passed where an {@link ArpFrame} is wanted.
 */

/** An Ethernet frame carrying an IPv4 ARP packet. MACs lowercase colon-separated, IPs dotted quads. */
export interface ArpFrame {
  readonly ethDst: string;
  readonly ethSrc: string;
  /** 1 request, 2 reply (RFC 826); other values are carried but never answered. */
  readonly opcode: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

/** The ARP opcode of a request (who-has). */
export const OPCODE_REQUEST = 1;
/** The ARP opcode of a reply (is-at). */
export const OPCODE_REPLY = 2;
/** Ethernet broadcast: destination of requests and gratuitous ARPs. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
/** All-zero MAC: the target MAC of a who-has request as Linux sends it. */
export const ZERO_MAC = '00:00:00:00:00:00';

/**
 * A node's access to its links: send a frame out of one named interface. Delivery of received
 * frames is pushed by the transport to whoever attached (`ArpResponder.receive`), as a tc ingress
 * hook sees them; there is no receive queue to poll.
 */
export interface FramePort {
  /** Sends `frame` out of `interfaceName`; a frame sent on an unknown or detached interface is lost. */
  send(interfaceName: string, frame: ArpFrame): void;
}

/** A frame port that drops everything (tests of code paths that must not send). */
export const NOOP_FRAME_PORT: FramePort = { send: () => undefined };
