/**
 * The datapath's state that outlives the agent process: the responder map (Cilium's pinned
 * `cilium_l2_responder_v4`, key (IPv4, ifindex), value a `responses_sent` counter — spec §3.1) and
 * the agent-liveness stamp the eBPF program compares against `l2_announcements_max_liveness`.
 * Killing the agent leaves both in place (pinned maps survive a pod restart); killing the node
 * loses them. Interfaces are named here (`eth0`), standing for their ifindex.
 */

/** One programmed (IP, interface) pair. */
export interface ResponderKey {
  readonly ip: string;
  readonly interface: string;
}

/** The map key text of a pair (`10.0.0.1@eth0`); stable, used for sorting and lookups. */
export function responderKey(ip: string, interfaceName: string): string {
  return `${ip}@${interfaceName}`;
}

/** Programmed pairs and the agent-liveness stamp of one node. */
export class ResponderMap {
  /** key → responses sent for it (the map value). */
  readonly #entries = new Map<string, { readonly key: ResponderKey; responsesSent: number }>();
  #livenessStampMs: number | undefined = undefined;
  /** {@link keys} until the next change: the reconciler reads them before and after each change. */
  #sortedKeys: readonly ResponderKey[] | undefined = undefined;

  /** Number of programmed pairs. */
  get size(): number {
    return this.#entries.size;
  }

  /** True when (ip, interface) is programmed. */
  has(ip: string, interfaceName: string): boolean {
    return this.#entries.has(responderKey(ip, interfaceName));
  }

  /** True when `ip` is programmed on some interface (to tell "wrong interface" from "not programmed"). */
  hasIp(ip: string): boolean {
    for (const entry of this.#entries.values()) if (entry.key.ip === ip) return true;
    return false;
  }

  /** Inserts a pair; returns false when it was already present (then nothing changes). */
  insert(key: ResponderKey): boolean {
    const text = responderKey(key.ip, key.interface);
    if (this.#entries.has(text)) return false;
    this.#entries.set(text, { key: { ip: key.ip, interface: key.interface }, responsesSent: 0 });
    this.#sortedKeys = undefined;
    return true;
  }

  /** Deletes a pair; returns false when it was absent. */
  delete(key: ResponderKey): boolean {
    if (!this.#entries.delete(responderKey(key.ip, key.interface))) return false;
    this.#sortedKeys = undefined;
    return true;
  }

  /** Counts one reply sent for a pair (the eBPF `responses_sent` bump). */
  countResponse(ip: string, interfaceName: string): void {
    const entry = this.#entries.get(responderKey(ip, interfaceName));
    if (entry !== undefined) entry.responsesSent += 1;
  }

  /** Responses sent for a pair (0 when absent). */
  responsesSent(ip: string, interfaceName: string): number {
    return this.#entries.get(responderKey(ip, interfaceName))?.responsesSent ?? 0;
  }

  /** Programmed pairs sorted by key text. */
  keys(): readonly ResponderKey[] {
    this.#sortedKeys ??= [...this.#entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry.key);
    return this.#sortedKeys;
  }

  /** Empties the map (node loss: nothing survives). */
  clear(): void {
    this.#entries.clear();
    this.#sortedKeys = undefined;
    this.#livenessStampMs = undefined;
  }

  /** The agent writes its liveness at monotonic `nowMs` (Cilium's agent-liveness config entry). */
  stampLiveness(nowMs: number): void {
    this.#livenessStampMs = nowMs;
  }

  /** The last liveness stamp (monotonic ms), undefined before the first. */
  get livenessStampMs(): number | undefined {
    return this.#livenessStampMs;
  }
}
