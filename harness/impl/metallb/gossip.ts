/**
 * MetalLB's liveness: hashicorp/memberlist (SWIM) among the speakers, modelled at the level of
 * its decisions rather than its packets (peers-and-numbers §1.6; memberlist v0.5.1 `state.go`):
 *
 * - every probe interval a speaker probes the next member of its list (round-robin); the probe
 *   round fails when, at its end, neither the member nor any member this speaker reaches (the
 *   indirect pings, `IndirectChecks`) reaches it;
 * - a failed round makes the member *suspect*; the suspicion is gossiped one gossip interval later
 *   to every member the suspecter reaches, each of which starts its own timer (a further suspecter
 *   counts as a confirmation and shortens the others' timers, `suspicion.go`); a suspect still in
 *   the list counts as alive for MetalLB (`ml.Members()`);
 * - a suspect whom this speaker can reach again (directly or through a member) refutes; otherwise
 *   it is *dead* when the timer ends (4 s for fewer than 10 LAN members) and leaves the list;
 * - every push/pull interval a speaker exchanges its full state with one member of its list; a
 *   member that was declared dead while it could not answer (frozen) learns so there, refutes and
 *   is merged back;
 * - nobody probes the dead: a member comes back only by joining — a speaker (re)starting joins
 *   every speaker it reaches (`memberlist.Join` with the speaker pod IPs), and with
 *   `rejoinIntervalMs` (PR #662, 0.9.4) every speaker retries the join each interval. A join
 *   merges the two sides: every member either side reaches learns every other as alive (push/pull).
 *
 * So a gossip cut gives each side a view without the other after the suspicion timeout (split
 * brain), and the sides merge again only at a join. Reachability (speakers running, not frozen,
 * not separated by a node partition) is the world's, injected as {@link GossipNet}.
 */
import type { MemberlistTimings } from '../../profiles/metallb-switches.ts';
import { suspicionTimeoutMs } from './memberlist-timing.ts';

/** Whether memberlist traffic from one speaker reaches another (the world decides). */
export interface GossipNet {
  /** Both speakers run (not frozen) and no partition separates their nodes. */
  canReach(from: string, to: string): boolean;
}

/**
 * A membership change a speaker reacts to: memberlist `NodeJoin` / `NodeLeave` (→ MetalLB's
 * `ForceSync`), or `merged` — its side was merged with another by a join or push/pull (`member` is
 * the speaker at the other end), whether or not its own list changed.
 */
export type MemberEvent = { readonly kind: 'join' | 'leave' | 'merged'; readonly member: string };

interface Suspicion {
  readonly sinceMs: number;
  /** Members in the view when the suspicion started (memberlist sizes k and the timeout then). */
  readonly members: number;
  readonly confirmations: Set<string>;
}

/** One speaker's member list. Its own node is always alive in it. */
export class MemberView {
  readonly node: string;
  readonly #timings: MemberlistTimings;
  readonly #onEvent: (event: MemberEvent) => void;
  /** Members other than self: alive (no suspicion) or suspect. Dead members are absent. */
  readonly #members = new Map<string, Suspicion | undefined>();
  #probeCursor = 0;

  constructor(node: string, timings: MemberlistTimings, onEvent: (event: MemberEvent) => void) {
    this.node = node;
    this.#timings = timings;
    this.#onEvent = onEvent;
  }

  /** Self and every member not dead (suspects included, as `ml.Members()`), for the election. */
  alive(): Set<string> {
    return new Set([this.node, ...this.#members.keys()]);
  }

  /** True when `member` is in the list (alive or suspect). */
  has(member: string): boolean {
    return member === this.node || this.#members.has(member);
  }

  /** True when `member` is suspect in this view. */
  isSuspect(member: string): boolean {
    return this.#members.get(member) !== undefined;
  }

  /** The member the next probe round targets (round-robin over the sorted list), if any. */
  nextProbeTarget(): string | undefined {
    const members = [...this.#members.keys()].sort();
    if (members.length === 0) return undefined;
    const target = members[this.#probeCursor % members.length];
    this.#probeCursor += 1;
    return target;
  }

  /** Starts the round-robin at `offset` (memberlist shuffles its list; the world's rng picks this). */
  seedProbeCursor(offset: number): void {
    this.#probeCursor = offset;
  }

  /**
   * `from` suspects `member` since `sinceMs`: starts this view's timer, or counts a confirmation.
   * Returns true when this view started suspecting (it gossips the suspicion on).
   */
  suspect(member: string, sinceMs: number, from: string): boolean {
    if (!this.#members.has(member)) return false;
    const current = this.#members.get(member);
    if (current !== undefined) {
      if (from !== this.node) current.confirmations.add(from);
      return false;
    }
    this.#members.set(member, { sinceMs, members: this.#members.size + 1, confirmations: new Set() });
    return true;
  }

  /** `member` is alive (a refute, a join): a member that was not in the list joins. */
  markAlive(member: string): void {
    if (member === this.node) return;
    const known = this.#members.has(member);
    this.#members.set(member, undefined);
    if (!known) this.#onEvent({ kind: 'join', member });
  }

  /** `member` left the list (dead, or a graceful leave). */
  markDead(member: string): void {
    if (!this.#members.delete(member)) return;
    this.#onEvent({ kind: 'leave', member });
  }

  /** This view's side was merged with another (a join or a push/pull across a membership disagreement). */
  merged(peer: string): void {
    this.#onEvent({ kind: 'merged', member: peer });
  }

  /** Suspects whose timer has run out at `nowMs`, sorted. */
  expired(nowMs: number): string[] {
    const out: string[] = [];
    for (const [member, suspicion] of this.#members) {
      if (suspicion === undefined) continue;
      if (nowMs >= suspicion.sinceMs + suspicionTimeoutMs(suspicion.members, suspicion.confirmations.size, this.#timings)) out.push(member);
    }
    return out.sort();
  }
}

/**
 * The protocol steps a speaker's memberlist loop takes, whatever carries them: the sim's in-process
 * {@link GossipHub} (reachability is the world's answer) or the lab's UDP adapter
 * (`harness/lab/gossip/udp-gossip.ts`, reachability is what the real network delivers). `from` is
 * always the calling speaker's own node.
 */
export interface GossipTransport {
  /** The speaker starts: its view joins every speaker it reaches (a `memberlist.Join`). */
  join(view: MemberView): void;
  /** The speaker stops; `graceful` is memberlist's `Leave` (the others drop it at once). */
  remove(node: string, graceful: boolean): void;
  /** A probe round of `from` on `target` at its end: direct, or indirect through a member `from` reaches. */
  probe(from: string, target: string): boolean;
  /** Gossips `from`'s suspicion of `member` (raised at `sinceMs`) to every view `from` reaches. */
  spreadSuspicion(from: string, member: string, sinceMs: number, gossipIntervalMs: number): void;
  /** A push/pull state exchange of `from` with the `cursor`-th member of its list. */
  pushPull(from: string, cursor: number): void;
  /** Rejoin (PR #662): `from` joins every speaker it reaches that its list lacks. */
  rejoin(from: string): void;
}

/** The speakers' gossip network of one sim world: the running views and the protocol steps between them. */
export class GossipHub implements GossipTransport {
  readonly #net: GossipNet;
  readonly #views = new Map<string, MemberView>();

  constructor(net: GossipNet) {
    this.#net = net;
  }

  /** The view of a running speaker (tests, the world's holder lookup). */
  view(node: string): MemberView | undefined {
    return this.#views.get(node);
  }

  /** A speaker starts: its view joins every running speaker it reaches (a `memberlist.Join`). */
  join(view: MemberView): void {
    this.#views.set(view.node, view);
    for (const other of this.#sortedNodes()) if (other !== view.node && this.#reach(view.node, other)) this.merge(view.node, other);
  }

  /** A speaker stops (crash or shutdown): its view is gone; `graceful` is memberlist's `Leave` (others drop it at once). */
  remove(node: string, graceful: boolean): void {
    this.#views.delete(node);
    if (!graceful) return;
    for (const other of this.#sortedNodes()) if (this.#net.canReach(node, other)) this.#views.get(other)?.markDead(node);
  }

  /** A probe round of `from` on `target` at its end: direct, or indirect through a member `from` reaches. */
  probe(from: string, target: string): boolean {
    if (this.#reach(from, target)) return true;
    const view = this.#views.get(from);
    if (view === undefined) return false;
    return this.#sortedNodes().some((relay) => relay !== from && relay !== target && view.has(relay) && this.#reach(from, relay) && this.#reach(relay, target));
  }

  /** Gossips `from`'s suspicion of `member` (raised at `sinceMs`) to every view `from` reaches. */
  spreadSuspicion(from: string, member: string, sinceMs: number, gossipIntervalMs: number): void {
    for (const other of this.#sortedNodes()) {
      if (other === from || other === member || !this.#reach(from, other)) continue;
      this.#views.get(other)?.suspect(member, sinceMs + gossipIntervalMs, from);
    }
  }

  /**
   * A push/pull state exchange of `from` with the `cursor`-th member of its list (round-robin): when
   * they reach each other and disagree about membership (one dropped the other), the dropped one
   * refutes and both sides merge.
   */
  pushPull(from: string, cursor: number): void {
    const view = this.#views.get(from);
    if (view === undefined) return;
    const members = [...view.alive()].filter((m) => m !== from).sort();
    const other = members[cursor % Math.max(1, members.length)];
    if (other === undefined || !this.#reach(from, other)) return;
    if (this.#views.get(other)?.has(from) !== true) this.merge(from, other);
  }

  /** Rejoin (PR #662): `from` joins every running speaker it reaches that its list lacks. */
  rejoin(from: string): void {
    const view = this.#views.get(from);
    if (view === undefined) return;
    for (const other of this.#sortedNodes()) if (other !== from && !view.has(other) && this.#reach(from, other)) this.merge(from, other);
  }

  /** A join between `a` and `b`: every running member either reaches (transitively) learns all the others as alive. */
  merge(a: string, b: string): void {
    const component = new Set<string>();
    const queue = [a, b];
    // Bounded by the number of views: each node enters the component once.
    while (queue.length > 0) {
      const next = queue.shift();
      if (next === undefined || component.has(next) || !this.#views.has(next)) continue;
      component.add(next);
      for (const other of this.#sortedNodes()) if (!component.has(other) && this.#reach(next, other)) queue.push(other);
    }
    const members = [...component].sort();
    for (const x of members) for (const y of members) if (x !== y) this.#views.get(x)?.markAlive(y);
    for (const x of members) this.#views.get(x)?.merged(x === a ? b : a);
  }

  #reach(from: string, to: string): boolean {
    return this.#views.has(from) && this.#views.has(to) && this.#net.canReach(from, to);
  }

  #sortedNodes(): string[] {
    return [...this.#views.keys()].sort();
  }
}
