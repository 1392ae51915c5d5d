/**
 * The per-node ARP responder: the eBPF program attached to each datapath interface. The transport
 * pushes every received frame to {@link ArpResponder.receive}; the responder asks the pure
 * {@link decideArp} and either sends the reply back out of the receiving interface or counts the
 * drop reason. It runs in the node, not in the agent: killing the agent leaves it answering from
 * the pinned map until the liveness stamp ages past the lease duration.
 */
import type { Clock } from '../core/clock.ts';
import type { History } from '../core/history.ts';
import { decideArp, DROP_REASONS, type DropReason } from './decide-arp.ts';
import type { ArpFrame, FramePort } from './frame-port.ts';
import type { ResponderMap } from './responder-map.ts';

/** Ports and settings of {@link ArpResponder}. */
export interface ResponderOptions {
  /** History process: the node name. */
  readonly node: string;
  readonly clock: Pick<Clock, 'monotonicMs'>;
  readonly map: ResponderMap;
  readonly frames: FramePort;
  readonly interfaceMacs: ReadonlyMap<string, string>;
  /** `l2_announcements_max_liveness`: the agent's effective lease duration. */
  readonly leaseDurationMs: number;
  readonly history: History;
  /** The kernel answers for the programmed addresses (kube-vip; see `ArpContext.kernelAnswers`). Default false. */
  readonly kernelAnswers?: boolean;
  /** Requests from this node itself are answered (C15; see `ArpContext.answerOwnNode`). Default false. */
  readonly answerOwnNode?: boolean;
  /** Record each reply in the history (`arp-reply`, the node's own account; the wire has `arp-observed`). Default false. */
  readonly recordReplies?: boolean;
}

/** Replies sent and frames not answered, per reason. */
export interface ResponderCounters {
  replies: number;
  readonly drops: Record<DropReason, number>;
}

/** The eBPF ARP responder of one node. */
export class ArpResponder {
  readonly counters: ResponderCounters;
  readonly #options: ResponderOptions;

  /** @throws RangeError when leaseDurationMs is not positive. */
  constructor(options: ResponderOptions) {
    if (!(options.leaseDurationMs > 0)) throw new RangeError(`creating the ARP responder of ${options.node}: leaseDurationMs must be > 0, got ${options.leaseDurationMs}`);
    this.#options = options;
    const drops = {} as Record<DropReason, number>;
    for (const reason of DROP_REASONS) drops[reason] = 0;
    this.counters = { replies: 0, drops };
  }

  /** Handles one frame received on `interfaceName`. */
  receive(interfaceName: string, frame: ArpFrame): void {
    const { map, clock, interfaceMacs, leaseDurationMs, frames } = this.#options;
    const stampMs = map.livenessStampMs;
    const decision = decideArp(frame, {
      arrivedOn: interfaceName,
      table: map,
      interfaceMacs,
      livenessAgeMs: stampMs === undefined ? undefined : clock.monotonicMs() - stampMs,
      leaseDurationMs,
      ...(this.#options.kernelAnswers === true ? { kernelAnswers: true } : {}),
      ...(this.#options.answerOwnNode === true ? { answerOwnNode: true } : {}),
    });
    if (decision.action === 'drop') {
      this.counters.drops[decision.reason] += 1;
      return;
    }
    this.counters.replies += 1;
    map.countResponse(frame.targetIp, interfaceName);
    if (this.#options.recordReplies === true) {
      this.#options.history.record({ process: this.#options.node, type: 'info', f: 'arp-reply', value: { node: this.#options.node, ip: frame.targetIp, iface: interfaceName, mac: decision.frame.senderMac, to: frame.senderMac } });
    }
    frames.send(decision.interface, decision.frame);
  }
}
