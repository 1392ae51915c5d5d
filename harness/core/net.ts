/**
 * The network-fault port (Jepsen's `net` protocol): a partition is a *grudge* — for each node, the
 * peers whose traffic it drops — built by pure helpers and applied by one `Net` adapter per world
 * (sim: the API server's per-identity partitions and shaping, node-to-node grudges on the L2
 * segments; lab: nft/tc/link-down).
 * Interface and helpers only; adapters come with the worlds.
 */

/** node → peers whose packets it drops. Asymmetric unless built symmetric. */
export type Grudge = ReadonlyMap<string, ReadonlySet<string>>;

/** netem-style shaping of one node's traffic (all optional). */
export interface LinkShape {
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** 0–100. */
  readonly lossPercent?: number;
}

/** Applies network faults in one world. Every method is idempotent. */
export interface Net {
  /** Replaces the current partition with `grudge`. */
  drop(grudge: Grudge): Promise<void>;
  /** Removes every partition and shaping. */
  heal(): Promise<void>;
  /** Shapes `node`'s traffic (to `peer` only, when given). */
  shape(node: string, shape: LinkShape, peer?: string): Promise<void>;
}

/** The API server's name in grudges. */
export const API_SERVER = 'apiserver';

/** `node` and everyone else drop each other's traffic. */
export function isolate(node: string, nodes: readonly string[]): Grudge {
  const others = nodes.filter((n) => n !== node);
  return complete(new Map([[node, new Set(others)]]));
}

/** The node and the API server cannot talk; nodes still reach each other (C12/M09 shapes). */
export function isolateFromApiServer(node: string): Grudge {
  return complete(new Map([[node, new Set([API_SERVER])]]));
}

/** Two halves (the first ⌈n/2⌉ in the given order, the rest) that cannot talk to each other. */
export function splitHalves(nodes: readonly string[]): Grudge {
  const cut = Math.ceil(nodes.length / 2);
  const left = nodes.slice(0, cut);
  const right = nodes.slice(cut);
  const grudge = new Map<string, Set<string>>();
  for (const n of left) grudge.set(n, new Set(right));
  for (const n of right) grudge.set(n, new Set(left));
  return grudge;
}

/** The symmetric closure: if a drops b, b drops a. Keys in first-seen order (deterministic). */
export function complete(grudge: Grudge): Grudge {
  const out = new Map<string, Set<string>>();
  const add = (from: string, to: string): void => {
    let set = out.get(from);
    if (set === undefined) {
      set = new Set();
      out.set(from, set);
    }
    set.add(to);
  };
  for (const [node, peers] of grudge) for (const peer of peers) {
    add(node, peer);
    add(peer, node);
  }
  return out;
}

/** Does `grudge` drop traffic from `from` to `to`? */
export function drops(grudge: Grudge, from: string, to: string): boolean {
  return grudge.get(to)?.has(from) === true || grudge.get(from)?.has(to) === true;
}
