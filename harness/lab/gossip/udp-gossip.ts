/**
 * The lab's {@link GossipTransport}: memberlist between MetalLB speaker processes over UDP on the
 * nodes' data network (where MetalLB's memberlist binds the node IP; a node partition on the
 * bridges cuts it as it cuts ARP). The protocol decisions stay the model's (`MemberView`, the
 * speaker's memberlist loop); this adapter only answers "does my traffic reach X" from what the
 * network delivers and carries suspicions, leaves and joins as datagrams ({@link GossipMessage}).
 *
 * Reachability: every gossip interval each speaker pings every configured peer; a peer is reached
 * while its last ping is younger than the probe timeout plus two gossip intervals (a direct ping
 * answered in time, with the pacing of the pings). An indirect probe asks whether a reached member
 * in the view reported the target reached in its own last ping. A push/pull with a member that
 * reported a list without this speaker is a join; a join is answered by a merge sent to the joiner
 * and to every member the answerer reaches, each of which marks alive the members it reaches.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Clock, TimerHandle } from '../../core/clock.ts';
import type { GossipTransport, MemberView } from '../../impl/metallb/gossip.ts';
import type { MemberlistTimings } from '../../profiles/metallb-switches.ts';
import { decodeGossip, encodeGossip, type GossipMessage } from './gossip-wire.ts';

/** memberlist's default port (`BindPort` 7946). */
export const MEMBERLIST_PORT = 7946;

/** Where one speaker's memberlist listens. */
export interface GossipEndpoint {
  readonly node: string;
  readonly ip: string;
  readonly port: number;
}

/** Options of {@link UdpGossip}. */
export interface UdpGossipOptions {
  readonly runId: string;
  /** This speaker's endpoint (the socket binds it). */
  readonly self: GossipEndpoint;
  /** Every other speaker's endpoint (the speaker pods MetalLB joins). */
  readonly peers: readonly GossipEndpoint[];
  readonly timings: MemberlistTimings;
  readonly clock: Clock;
  /** Datagrams that were not this run's gossip, socket errors (logged, never thrown). */
  readonly onProblem?: (message: string) => void;
}

/** What a peer's last ping said. */
interface Heard {
  readonly atMs: number;
  readonly members: ReadonlySet<string>;
  readonly reach: ReadonlySet<string>;
}

/** One speaker's memberlist over UDP. `bind()` before the speaker starts; `close()` on exit. */
export class UdpGossip implements GossipTransport {
  readonly #o: UdpGossipOptions;
  readonly #socket: Socket;
  readonly #heard = new Map<string, Heard>();
  readonly #peers: ReadonlyMap<string, GossipEndpoint>;
  #view: MemberView | undefined;
  #timer: TimerHandle | undefined;
  #closed = false;
  /** Datagrams handed to the kernel whose send has not completed (a leave must go out before the close). */
  #sending = 0;

  constructor(options: UdpGossipOptions) {
    this.#o = options;
    this.#peers = new Map(options.peers.filter((p) => p.node !== options.self.node).map((p) => [p.node, p]));
    this.#socket = createSocket({ type: 'udp4', reuseAddr: false });
    this.#socket.on('message', (datagram) => this.#receive(datagram));
    this.#socket.on('error', (error) => this.#o.onProblem?.(`gossip socket of ${options.self.node} on ${options.self.ip}:${options.self.port}: ${error.message}`));
  }

  /** Binds the socket. @throws when the address cannot be bound within `timeoutMs`. */
  async bind(timeoutMs = 5_000): Promise<void> {
    const { ip, port, node } = this.#o.self;
    await new Promise<void>((resolve, reject) => {
      const timer = this.#o.clock.setTimer(timeoutMs, () => reject(new Error(`binding the gossip socket of ${node} to ${ip}:${port}: not bound within ${timeoutMs} ms`)));
      this.#socket.once('error', (error) => {
        timer.cancel();
        reject(new Error(`binding the gossip socket of ${node} to ${ip}:${port}: ${error.message}`));
      });
      this.#socket.bind(port, ip, () => {
        timer.cancel();
        resolve();
      });
    });
  }

  /** The port the socket is bound to (tests bind port 0). */
  get port(): number {
    return this.#socket.address().port;
  }

  /** Peers whose pings arrive now, sorted. */
  reached(): string[] {
    return [...this.#peers.keys()].filter((peer) => this.#reaches(peer)).sort();
  }

  join(view: MemberView): void {
    this.#view = view;
    this.#tick();
    for (const peer of this.#peers.keys()) this.#send(peer, { kind: 'join', run: this.#o.runId, from: view.node, members: [...view.alive()].sort() });
  }

  remove(node: string, graceful: boolean): void {
    if (graceful) for (const peer of this.reached()) this.#send(peer, { kind: 'leave', run: this.#o.runId, from: node });
    this.#view = undefined;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  probe(_from: string, target: string): boolean {
    if (this.#reaches(target)) return true;
    const view = this.#view;
    if (view === undefined) return false;
    return [...this.#peers.keys()].some((relay) => relay !== target && view.has(relay) && this.#reaches(relay) && this.#heard.get(relay)?.reach.has(target) === true);
  }

  spreadSuspicion(from: string, member: string, sinceMs: number, gossipIntervalMs: number): void {
    // Every process reads the same run epoch (LabClock), so the sender's instant is the receivers' too.
    for (const peer of this.reached()) if (peer !== member) this.#send(peer, { kind: 'suspect', run: this.#o.runId, from, member, sinceMs: sinceMs + gossipIntervalMs });
  }

  pushPull(from: string, cursor: number): void {
    const view = this.#view;
    if (view === undefined) return;
    const members = [...view.alive()].filter((m) => m !== from).sort();
    const other = members[cursor % Math.max(1, members.length)];
    if (other === undefined || !this.#reaches(other)) return;
    if (this.#heard.get(other)?.members.has(from) !== true) this.#send(other, { kind: 'join', run: this.#o.runId, from, members: [...view.alive()].sort() });
  }

  rejoin(from: string): void {
    const view = this.#view;
    if (view === undefined) return;
    for (const peer of this.reached()) if (!view.has(peer)) this.#send(peer, { kind: 'join', run: this.#o.runId, from, members: [...view.alive()].sort() });
  }

  /** Stops pinging and closes the socket once the datagrams in flight are sent (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#view = undefined;
    if (this.#sending === 0) this.#socket.close();
  }

  #reaches(peer: string): boolean {
    const heard = this.#heard.get(peer);
    const { probeTimeoutMs, gossipIntervalMs } = this.#o.timings;
    return heard !== undefined && this.#o.clock.monotonicMs() - heard.atMs <= probeTimeoutMs + 2 * gossipIntervalMs;
  }

  /** One ping to every peer, then the next in a gossip interval (while a view is joined). */
  #tick(): void {
    const view = this.#view;
    if (view === undefined || this.#closed) return;
    const ping: GossipMessage = { kind: 'ping', run: this.#o.runId, from: view.node, members: [...view.alive()].sort(), reach: this.reached() };
    for (const peer of this.#peers.keys()) this.#send(peer, ping);
    this.#timer = this.#o.clock.setTimer(this.#o.timings.gossipIntervalMs, () => this.#tick());
  }

  #send(peer: string, message: GossipMessage): void {
    const to = this.#peers.get(peer);
    if (to === undefined || this.#closed) return;
    this.#sending += 1;
    // Unreachable peers are the point of the exercise: a send error is a lost datagram.
    this.#socket.send(encodeGossip(message), to.port, to.ip, () => {
      this.#sending -= 1;
      if (this.#closed && this.#sending === 0) this.#socket.close();
    });
  }

  #receive(datagram: Buffer): void {
    const decoded = decodeGossip(datagram, this.#o.runId);
    if ('problem' in decoded) {
      this.#o.onProblem?.(`gossip of ${this.#o.self.node}: dropped ${decoded.problem}`);
      return;
    }
    const message = decoded.message;
    const view = this.#view;
    if (view === undefined || message.from === view.node || !this.#peers.has(message.from)) return;
    switch (message.kind) {
      case 'ping':
        this.#heard.set(message.from, { atMs: this.#o.clock.monotonicMs(), members: new Set(message.members), reach: new Set(message.reach) });
        return;
      case 'suspect':
        if (message.member !== view.node) view.suspect(message.member, message.sinceMs, message.from);
        return;
      case 'leave':
        view.markDead(message.from);
        return;
      case 'join': {
        const merge: GossipMessage = { kind: 'merge', run: this.#o.runId, from: view.node, joiner: message.from, answerer: view.node, members: [...new Set([...message.members, ...view.alive()])].sort() };
        for (const peer of new Set([message.from, ...this.reached()])) this.#send(peer, merge);
        this.#merge(view, merge);
        return;
      }
      case 'merge':
        this.#merge(view, message);
        return;
    }
  }

  /** Marks alive the merged members this speaker can vouch for (the two ends, the sender, what it reaches). */
  #merge(view: MemberView, merge: Extract<GossipMessage, { kind: 'merge' }>): void {
    const vouched = new Set([merge.joiner, merge.answerer, merge.from]);
    for (const member of merge.members) if (member !== view.node && (vouched.has(member) || this.#reaches(member))) view.markAlive(member);
    view.merged(view.node === merge.joiner ? merge.answerer : merge.joiner);
  }
}
