/**
 * MetalLB's stateless layer2 election (`speaker/layer2_controller.go` `sortL2Candidates`,
 * peers-and-numbers §1.6): every speaker lists the eligible nodes whose speakers it believes alive
 * (its memberlist view), sorts them by sha256(node + "#" + key) and announces when it is first.
 * The key is the IP (0.11.0+, PR #976) or the service's `namespace/name` (≤ 0.10.x: services
 * sharing an IP can sort differently — M03). Speakers agree exactly when their views agree; a
 * gossip cut gives each side its own winner (the split brain MetalLB's docs warn of). Pure.
 */
import { createHash } from 'node:crypto';
import type { MetallbSwitches } from '../../profiles/metallb-switches.ts';

/** The sort key of `node` for election `key`: sha256(node + "#" + key), hex (byte order = text order). */
export function electionHash(node: string, key: string): string {
  return createHash('sha256').update(`${node}#${key}`).digest('hex');
}

/** The key a service's IP is elected on: the IP, or the service (`namespace/name`) before 0.11. */
export function electionKey(service: string, ip: string, switches: Pick<MetallbSwitches, 'electionKey'>): string {
  return switches.electionKey === 'ip' ? ip : service;
}

/**
 * The eligible nodes that are alive in the deciding speaker's view, in announce order (the first
 * announces); ties in the hash (never in practice) fall back to the name.
 */
export function rankAnnouncers(eligible: readonly string[], alive: ReadonlySet<string>, key: string): string[] {
  return eligible
    .filter((node) => alive.has(node))
    .map((node) => ({ node, hash: electionHash(node, key) }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    .map((entry) => entry.node);
}

/** The node that announces `key` in a view with `alive` speakers, undefined when none is eligible. */
export function decideAnnouncer(eligible: readonly string[], alive: ReadonlySet<string>, key: string): string | undefined {
  return rankAnnouncers(eligible, alive, key)[0];
}
