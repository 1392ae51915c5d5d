/**
 * A client host on a simulated segment: one interface (IP, MAC) whose Linux neighbour cache is the
 * pure machine of `harness/net/neighbour-cache.ts`. This module is the small loop around it:
 * events in (a packet to send, an ARP frame received, a timer), actions out (ARP frames on the
 * segment, data frames to the resolved MAC, `neigh-changed` history ops, drops). The cache's next
 * timer is kept scheduled as one kernel event ({@link nextTimerMs}); it is rescheduled only when
 * the deadline moves.
 */
import type { History } from '../core/history.ts';
import type { Rng } from '../core/rng.ts';
import type { EventHandle, SimKernel } from './kernel.ts';
import { initialNeighbourCache, nextTimerMs, step } from '../net/neighbour-cache.ts';
import type { NeighbourAction, NeighbourCacheState, NeighbourConfig, NeighbourEvent } from '../net/neighbour-config.ts';
import type { ArpFrame } from '../datapath/frame-port.ts';
import type { DataFrame, SegmentPort, SimSegment } from './sim-segment.ts';

/** What the client's owner (the prober) hears back. */
export interface ClientListener {
  /** An echo arrived for `packetId`, answered by `node`. */
  onEcho(packetId: number, answeredBy: string | undefined): void;
  /** The neighbour cache dropped `packetId` (resolution failed, queue full). */
  onDrop(packetId: number, reason: string): void;
}

/** Ports and identity of one {@link SimClient}. */
export interface SimClientOptions {
  /** Client id: the history process of its ops. */
  readonly id: string;
  readonly config: NeighbourConfig;
  readonly kernel: SimKernel;
  readonly history: History;
  /** The cache's own stream (reachable-time draws). */
  readonly rng: Rng;
  readonly segment: SimSegment;
}

/** A client interface with a Linux neighbour cache on a segment. */
export class SimClient {
  readonly id: string;
  readonly config: NeighbourConfig;
  readonly segmentName: string;
  readonly #kernel: SimKernel;
  readonly #history: History;
  readonly #rng: Rng;
  readonly #port: SegmentPort;
  #state: NeighbourCacheState;
  #timer: EventHandle | undefined;
  #timerAtMs: number | undefined;
  #listener: ClientListener | undefined;

  constructor(options: SimClientOptions) {
    this.id = options.id;
    this.config = options.config;
    this.segmentName = options.segment.name;
    this.#kernel = options.kernel;
    this.#history = options.history;
    this.#rng = options.rng;
    this.#state = initialNeighbourCache(options.config, options.rng, options.kernel.nowMs);
    this.#port = options.segment.attach(options.id, 'eth0', options.config.clientMac, {
      receive: (frame) => this.#step({ kind: 'arp-received', frame: { ethDst: frame.ethDst, arp: frame } }),
      receiveData: (frame) => this.#onData(frame),
    });
  }

  /** The cache as it is now (tests, reports). */
  get neighbours(): NeighbourCacheState {
    return this.#state;
  }

  /** The client's port (link faults). */
  get port(): SegmentPort {
    return this.#port;
  }

  /** Who hears about echoes and drops (one listener: the prober). */
  listen(listener: ClientListener): void {
    this.#listener = listener;
  }

  /** Sends data packet `packetId` to `ip` through the neighbour cache. */
  sendTo(ip: string, packetId: number): void {
    this.#step({ kind: 'send-to', ip, packet: packetId });
  }

  #onData(frame: DataFrame): void {
    if (frame.echo && frame.ethDst === this.config.clientMac) this.#listener?.onEcho(frame.packetId, frame.answeredBy);
  }

  #step(event: NeighbourEvent): void {
    const result = step(this.#state, event, this.#kernel.nowMs, this.config, this.#rng);
    this.#state = result.state;
    for (const action of result.actions) this.#act(action);
    this.#scheduleTimer();
  }

  #act(action: NeighbourAction): void {
    const c = this.config;
    switch (action.kind) {
      case 'send-arp-request':
      case 'send-arp-reply': {
        const frame: ArpFrame = { ethDst: action.ethDst, ethSrc: c.clientMac, ...action.arp };
        this.#port.send(frame);
        return;
      }
      case 'deliver':
        if (action.packet !== undefined) this.#port.sendData({ ethDst: action.mac, ethSrc: c.clientMac, srcIp: c.clientIp, dstIp: action.ip, packetId: action.packet, echo: false });
        return;
      case 'drop':
        if (action.packet !== undefined) this.#listener?.onDrop(action.packet, action.reason);
        return;
      case 'queue':
        return;
      case 'neigh-changed':
        this.#history.record({
          process: this.id,
          type: 'info',
          f: 'neigh-changed',
          value: { client: this.id, ip: action.ip, mac: action.mac ?? null, state: action.state, fromState: action.fromState, fromMac: action.fromMac ?? null },
        });
        return;
    }
  }

  #scheduleTimer(): void {
    const next = nextTimerMs(this.#state);
    if (next === this.#timerAtMs) return;
    this.#timer?.cancel();
    this.#timerAtMs = next;
    this.#timer = next === undefined ? undefined : this.#kernel.at(Math.max(next, this.#kernel.nowMs), () => {
      this.#timer = undefined;
      this.#timerAtMs = undefined;
      this.#step({ kind: 'timer' });
    }, `neigh-timer ${this.id}`);
  }
}
