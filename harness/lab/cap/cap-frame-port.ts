/**
 * The lab's {@link FramePort}: ARP in and out of real interfaces through libpcap (`cap`), one
 * session per data interface, in immediate mode (`cap` sets it on Linux: every frame is handed
 * over as it arrives, not when a buffer fills — the responder's reply latency depends on it),
 * with the BPF filter `arp` (plus `not ether src <own MAC>`: a packet socket also sees frames
 * other sockets of the node send, e.g. the agent's GARPs; `decideArp` would drop them as
 * locally originated anyway). Frames are decoded and encoded with `harness/packet`.
 *
 * Sessions are opened for what the caller needs: the datapath receives (`onFrame`), the agent
 * only sends GARPs (its sessions filter everything out). Opening checks that the interface exists
 * in this network namespace and turns libpcap's permission error into a clear message.
 *
 * Known limit of `cap` 0.2: when the interface is set administratively down the packet socket
 * reports ENETDOWN (POLLERR) and the binding fails an assertion — the process aborts. Carrier
 * loss (the peer end down) is survived.
 */
import { createRequire } from 'node:module';
import type { ArpFrame, FramePort } from '../../datapath/frame-port.ts';
import { decodeArpFrame, encodeArpFrame } from '../../packet/arp-frame.ts';
import { normaliseMac } from '../../packet/addresses.ts';

/** The slice of `cap`'s native session this module uses (the package ships no types). */
interface CapSession {
  open(device: string, filter: string, bufferBytes: number, buffer: Buffer): string;
  send(buffer: Buffer, length?: number): void;
  close(): void;
  on(event: 'packet', listener: (bytes: number, truncated: boolean) => void): void;
}

interface CapModule {
  readonly Cap: { new (): CapSession; deviceList(): readonly { readonly name: string }[] };
}

const require = createRequire(import.meta.url);

/** Loads `cap` (native); a missing build is reported with what to do. */
function loadCap(): CapModule {
  try {
    return require('cap') as CapModule;
  } catch (error) {
    throw new CapOpenError(`loading libpcap bindings (npm package 'cap'): ${error instanceof Error ? error.message : String(error)} — run 'make setup' (it builds cap against Node 24's headers)`);
  }
}

/** An interface could not be opened (absent, no permission, libpcap error). */
export class CapOpenError extends Error {
  readonly code = 'cap-open';

  constructor(message: string) {
    super(message);
    this.name = 'CapOpenError';
  }
}

/** Options of {@link CapFramePort.open}. */
export interface CapFramePortOptions {
  /** Data interfaces and their MACs (the node's own frames are filtered out by MAC). */
  readonly interfaces: ReadonlyMap<string, string>;
  /** Receives every ARP frame arriving on an interface; absent = send-only sessions. */
  readonly onFrame?: (interfaceName: string, frame: ArpFrame) => void;
  /** Told about bytes that are not a decodable ARP frame (counted either way). */
  readonly onUndecodable?: (interfaceName: string, reason: string) => void;
  /** libpcap's kernel buffer per session. Default 1 MiB. */
  readonly bufferBytes?: number;
}

/** Counters of one port. */
export interface CapStats {
  received: number;
  sent: number;
  undecodable: number;
  /** Frames sent to an interface this port has no session on (lost, as the port contract says). */
  unknownInterface: number;
}

/** The BPF filter of a session: ARP not sent by `mac`; nothing at all for send-only sessions. */
export function captureFilter(mac: string, receive: boolean): string {
  return receive ? `arp and not ether src ${mac}` : 'arp and less 1';
}

/** A datapath ArpFrame as the packet codec's input. */
export function toWireFrame(frame: ArpFrame): Parameters<typeof encodeArpFrame>[0] {
  return { ethDst: frame.ethDst, ethSrc: frame.ethSrc, arp: { opcode: frame.opcode, senderMac: frame.senderMac, senderIp: frame.senderIp, targetMac: frame.targetMac, targetIp: frame.targetIp } };
}

/** Raw bytes → the datapath's flat ArpFrame, or why not. Pure. */
export function decodeFrame(bytes: Uint8Array): { readonly ok: true; readonly frame: ArpFrame } | { readonly ok: false; readonly reason: string } {
  const decoded = decodeArpFrame(bytes);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  const { ethDst, ethSrc, arp } = decoded.value;
  return { ok: true, frame: { ethDst, ethSrc, opcode: arp.opcode, senderMac: arp.senderMac, senderIp: arp.senderIp, targetMac: arp.targetMac, targetIp: arp.targetIp } };
}

interface Session {
  readonly cap: CapSession;
  readonly buffer: Buffer;
}

/** libpcap sessions on a node's data interfaces. */
export class CapFramePort implements FramePort {
  readonly stats: CapStats = { received: 0, sent: 0, undecodable: 0, unknownInterface: 0 };
  readonly #sessions: Map<string, Session>;

  private constructor(sessions: Map<string, Session>) {
    this.#sessions = sessions;
  }

  /**
   * Opens one session per interface (all or none: a failure closes those already open).
   * @throws CapOpenError naming the interface, the namespace's interfaces and what to do.
   */
  static open(options: CapFramePortOptions): CapFramePort {
    const cap = loadCap();
    const present = new Set(cap.Cap.deviceList().map((device) => device.name));
    const sessions = new Map<string, Session>();
    const port = new CapFramePort(sessions);
    try {
      for (const [name, mac] of options.interfaces) {
        const own = normaliseMac(mac);
        if (own === undefined) throw new CapOpenError(`opening a libpcap session on ${name}: '${mac}' is not a MAC address`);
        if (!present.has(name)) throw new CapOpenError(`opening a libpcap session on ${name}: no such interface in this network namespace (have: ${[...present].filter((d) => d !== 'any').sort().join(', ') || 'none'})`);
        const session = new cap.Cap();
        const buffer = Buffer.alloc(65_535);
        try {
          session.open(name, captureFilter(own, options.onFrame !== undefined), options.bufferBytes ?? 1 << 20, buffer);
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          const hint = /permission|not permitted|EPERM/i.test(text) ? ' — capturing needs root or CAP_NET_RAW' : '';
          throw new CapOpenError(`opening a libpcap session on ${name}: ${text}${hint}`);
        }
        sessions.set(name, { cap: session, buffer });
        const onFrame = options.onFrame;
        if (onFrame !== undefined) session.on('packet', (bytes) => port.#receive(name, buffer.subarray(0, bytes), onFrame, options.onUndecodable));
      }
    } catch (error) {
      port.close();
      throw error;
    }
    return port;
  }

  /** Interfaces with an open session. */
  get interfaces(): string[] {
    return [...this.#sessions.keys()];
  }

  send(interfaceName: string, frame: ArpFrame): void {
    const session = this.#sessions.get(interfaceName);
    if (session === undefined) {
      this.stats.unknownInterface += 1;
      return;
    }
    const bytes = encodeArpFrame(toWireFrame(frame));
    session.cap.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.stats.sent += 1;
  }

  /** Closes every session; idempotent. */
  close(): void {
    for (const session of this.#sessions.values()) session.cap.close();
    this.#sessions.clear();
  }

  #receive(name: string, bytes: Uint8Array, onFrame: (interfaceName: string, frame: ArpFrame) => void, onUndecodable: CapFramePortOptions['onUndecodable']): void {
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) {
      this.stats.undecodable += 1;
      onUndecodable?.(name, decoded.reason);
      return;
    }
    this.stats.received += 1;
    onFrame(name, decoded.frame);
  }
}
