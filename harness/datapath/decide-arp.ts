/**
 * The eBPF L2 responder's decision for one received frame (spec §3.1, `bpf/lib/l2_responder.h`),
 * as a pure function: a valid ARP request for a programmed (target IP, receiving interface) pair
 * gets one reply carrying the *receiving interface's* MAC, sent back out of that interface only;
 * everything else is passed to the kernel — here a {@link DropReason}, so tests and reports can
 * say why a node stayed silent. The safety net: when the agent's liveness stamp is older than
 * `l2_announcements_max_liveness` (= the lease duration), nothing is answered, so a crashed agent
 * falls silent about when another node may take the lease over (§2.2).
 */
import { BROADCAST_MAC, OPCODE_REPLY, OPCODE_REQUEST, type ArpFrame } from './frame-port.ts';
import type { ResponderMap } from './responder-map.ts';

/** Why the responder did not answer a frame. */
export type DropReason =
  /** Not an ARP request (a reply, a gratuitous reply, an unknown opcode). */
  | 'not-a-request'
  /** Ethernet destination is neither broadcast nor the receiving interface's MAC (`arp_check`). */
  | 'not-for-us'
  /** The request came from this node itself (#27521: the holder cannot resolve its own VIP). */
  | 'locally-originated'
  /** The frame arrived on an interface the datapath has no MAC for (not a Cilium device). */
  | 'unknown-interface'
  /** The target IP is programmed on none of this node's interfaces. */
  | 'not-programmed'
  /** The target IP is programmed, but not on the interface the request arrived on. */
  | 'wrong-interface'
  /** A programmed pair, but the agent's liveness stamp is older than the lease duration (or absent). */
  | 'agent-liveness-expired';

/** Every {@link DropReason}, in the order the checks run (for counters and reports). */
export const DROP_REASONS: readonly DropReason[] = ['not-a-request', 'locally-originated', 'unknown-interface', 'not-for-us', 'not-programmed', 'wrong-interface', 'agent-liveness-expired'];

/** What the responder does with a frame. */
export type ArpDecision =
  | { readonly action: 'reply'; readonly interface: string; readonly frame: ArpFrame }
  | { readonly action: 'drop'; readonly reason: DropReason };

/** Inputs of {@link decideArp} besides the frame. */
export interface ArpContext {
  /** The interface the frame arrived on. */
  readonly arrivedOn: string;
  /** The programmed pairs (read only). */
  readonly table: Pick<ResponderMap, 'has' | 'hasIp'>;
  /** MAC of each of this node's datapath interfaces. */
  readonly interfaceMacs: ReadonlyMap<string, string>;
  /** Monotonic now minus the agent's last liveness stamp; undefined when never stamped. */
  readonly livenessAgeMs: number | undefined;
  /** `l2_announcements_max_liveness`: the effective lease duration. */
  readonly leaseDurationMs: number;
  /**
   * The addresses are on the node's interfaces and the *kernel* answers (kube-vip,
   * `KubeVipSwitches.kernelAnswersArp`): with `arp_ignore=0` a request for any local address is
   * answered on whichever interface it arrived, with that interface's MAC, and no agent liveness
   * is consulted — an address left behind answers until it is removed (K02). Default false.
   */
  readonly kernelAnswers?: boolean;
  /**
   * C15 (#27521) / `L2Switches.answerOwnNode`: a request this node itself sent (a client on the
   * node, e.g. a pod with host networking) is answered when it arrives on the interface it left
   * through and is not gratuitous — as the kernel answers for a local address. Default false:
   * Cilium's responder never sees its own requests, so the holder cannot resolve its own VIP.
   */
  readonly answerOwnNode?: boolean;
}

/**
 * Decides whether and how to answer `frame`. Pure; never throws. Checks run in the order of
 * {@link DROP_REASONS}: the map lookup comes before the liveness check, as in the eBPF code, so a
 * silent node with an empty map reports `not-programmed` rather than a stale agent.
 */
export function decideArp(frame: ArpFrame, context: ArpContext): ArpDecision {
  // `arp_check`: opcode request only. A gratuitous *request* (sender IP = target IP) is a request
  // too and is answered when programmed — Cilium has no gratuitous filter.
  if (frame.opcode !== OPCODE_REQUEST) return drop('not-a-request');
  const mac = context.interfaceMacs.get(context.arrivedOn);
  const ownAnswered = context.answerOwnNode === true && mac === frame.senderMac && frame.senderIp !== frame.targetIp;
  if (!ownAnswered) for (const own of context.interfaceMacs.values()) if (own === frame.senderMac) return drop('locally-originated');
  if (mac === undefined) return drop('unknown-interface');
  if (frame.ethDst !== BROADCAST_MAC && frame.ethDst !== mac) return drop('not-for-us');
  if (context.kernelAnswers === true) {
    // Linux's `arp_process` routes the sender first: a sender IP that is one of our own addresses
    // (another node's gratuitous request for the VIP) is a martian source — not answered.
    if (context.table.hasIp(frame.senderIp)) return drop('locally-originated');
    return context.table.hasIp(frame.targetIp) ? reply(frame, context.arrivedOn, mac) : drop('not-programmed');
  }
  if (!context.table.has(frame.targetIp, context.arrivedOn)) return drop(context.table.hasIp(frame.targetIp) ? 'wrong-interface' : 'not-programmed');
  // eBPF: `ktime_get_ns() - liveness > max_liveness` → pass to the stack (strictly older).
  if (context.livenessAgeMs === undefined || context.livenessAgeMs > context.leaseDurationMs) return drop('agent-liveness-expired');
  return reply(frame, context.arrivedOn, mac);
}

/** The reply to `frame` out of `arrivedOn`, whose MAC is `mac`. */
function reply(frame: ArpFrame, arrivedOn: string, mac: string): ArpDecision {
  return {
    action: 'reply',
    interface: arrivedOn,
    frame: { ethDst: frame.senderMac, ethSrc: mac, opcode: OPCODE_REPLY, senderMac: mac, senderIp: frame.targetIp, targetMac: frame.senderMac, targetIp: frame.senderIp },
  };
}

function drop(reason: DropReason): ArpDecision {
  return { action: 'drop', reason };
}
