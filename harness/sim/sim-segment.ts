/**
 * A minimal simulated L2 segment (a bridge): interfaces attach with a MAC; a frame sent by one is
 * delivered, one fixed delay later, to every *other* attached interface whose MAC it is addressed
 * to (broadcast reaches all). Every frame is also kept in a capture, as tcpdump on the bridge
 * would see it. Delay jitter, loss and client ARP caches belong to the full SimNetwork (next).
 */
import type { ArpFrame } from '../datapath/frame-port.ts';
import { BROADCAST_MAC } from '../datapath/frame-port.ts';
import type { History } from '../core/history.ts';
import { classifyArp } from '../packet/arp.ts';
import type { SimKernel } from './kernel.ts';

/** One captured frame: when it was sent, by whom, on which interface. */
export interface CapturedFrame {
  readonly tMs: number;
  /** Owner of the sending interface (node name or client id). */
  readonly from: string;
  readonly interface: string;
  readonly frame: ArpFrame;
}

/** A port on the segment. */
export interface SegmentPort {
  readonly owner: string;
  readonly interface: string;
  readonly mac: string;
  /** Sends a frame onto the segment (lost once detached). */
  send(frame: ArpFrame): void;
  /** Unplugs the port: nothing is sent or delivered any more. Idempotent. */
  detach(): void;
}

interface Attachment {
  readonly owner: string;
  readonly interface: string;
  readonly mac: string;
  readonly receive: (frame: ArpFrame) => void;
  attached: boolean;
}

/** Default one-way frame delay on the segment (a switch hop). */
export const DEFAULT_FRAME_DELAY_MS = 0.05;

/** A broadcast domain on virtual time. */
export class SimSegment {
  readonly name: string;
  readonly captured: CapturedFrame[] = [];
  readonly #kernel: SimKernel;
  readonly #delayMs: number;
  readonly #history: History;
  readonly #attachments: Attachment[] = [];

  /**
   * `history` receives one `arp-observed` op (process `wire`) per frame sent, as a capture on the
   * bridge would.
   * @throws RangeError when the delay is negative or not finite.
   */
  constructor(name: string, kernel: SimKernel, history: History, frameDelayMs = DEFAULT_FRAME_DELAY_MS) {
    if (!Number.isFinite(frameDelayMs) || frameDelayMs < 0) throw new RangeError(`creating segment ${name}: frameDelayMs must be finite and ≥ 0, got ${frameDelayMs}`);
    this.name = name;
    this.#kernel = kernel;
    this.#delayMs = frameDelayMs;
    this.#history = history;
  }

  /** Plugs an interface in; `receive` is called for each frame delivered to it. */
  attach(owner: string, interfaceName: string, mac: string, receive: (frame: ArpFrame) => void): SegmentPort {
    const attachment: Attachment = { owner, interface: interfaceName, mac, receive, attached: true };
    this.#attachments.push(attachment);
    return {
      owner,
      interface: interfaceName,
      mac,
      send: (frame) => this.#send(attachment, frame),
      detach: () => {
        attachment.attached = false;
      },
    };
  }

  #send(from: Attachment, frame: ArpFrame): void {
    if (!from.attached) return;
    this.captured.push({ tMs: this.#kernel.nowMs, from: from.owner, interface: from.interface, frame });
    this.#history.record({
      process: 'wire',
      type: 'info',
      f: 'arp-observed',
      value: { segment: this.name, tUs: this.#kernel.nowMs * 1000, kind: classifyArp(frame), senderMac: frame.senderMac, senderIp: frame.senderIp, targetIp: frame.targetIp, ethSrc: frame.ethSrc },
    });
    const targets = this.#attachments.filter((a) => a !== from && a.attached && (frame.ethDst === BROADCAST_MAC || frame.ethDst === a.mac));
    if (targets.length === 0) return;
    this.#kernel.after(this.#delayMs, () => {
      for (const target of targets) if (target.attached) target.receive(frame);
    }, `frame ${this.name}`);
  }
}
