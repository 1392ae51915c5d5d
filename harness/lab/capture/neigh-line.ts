/**
 * One line of `ip monitor neigh` or `ip neigh show` (iproute2's `print_neigh`) as data:
 *
 *     198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE
 *     Deleted 198.18.0.2 dev eth0 FAILED
 *     198.18.0.52 dev eth0 lladdr 02:00:00:00:00:52 router STALE
 *     miss 198.18.0.99 dev eth0 INCOMPLETE          (an app_solicit request, not a change)
 *     198.18.0.2 lladdr 02:00:00:00:00:02 REACHABLE  (`dev` left out when the command filtered by it)
 *
 * The kernel prints `lladdr` only for NUD_VALID states (not INCOMPLETE/FAILED, though the entry
 * keeps its address), each set NUD bit as its own upper-case word, and flags (`router`, `proxy`,
 * `extern_learn`, `offload`, `managed`) in lower case before them. IPv6 lines are ignored: the lab
 * is IPv4 (`ip -s` counters, `used …`/`probes N`, are skipped if present). Pure.
 */
import { normaliseMac, parseIpv4 } from '../../packet/addresses.ts';

/** NUD state words `ip` prints (`nud_state_n2a`). */
export const NUD_WORDS: ReadonlySet<string> = new Set(['INCOMPLETE', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'NOARP', 'PERMANENT', 'NONE']);

/** A neighbour entry as the line shows it. */
export interface NeighEntryLine {
  readonly kind: 'entry';
  /** The line began with `Deleted` (RTM_DELNEIGH). */
  readonly deleted: boolean;
  readonly ip: string;
  /** Undefined when the command was filtered by device. */
  readonly dev: string | undefined;
  /** Lowercase; undefined when no `lladdr` was printed. */
  readonly mac: string | undefined;
  /** NUD states in print order (one, in practice), e.g. `['STALE']`; `['NONE']` when none printed. */
  readonly states: readonly string[];
  /** Lower-case flags (`router`, `proxy`, …). */
  readonly flags: readonly string[];
}

/** A line that is not an entry change the lab records. */
export interface NeighIgnoredLine {
  readonly kind: 'ignored';
  readonly reason: 'blank' | 'ipv6' | 'miss' | 'proxy';
}

/** A line this parser does not understand (reported as a problem by the monitor). */
export interface NeighUnparsedLine {
  readonly kind: 'unparsed';
  readonly reason: string;
}

/** The parse of one line. */
export type NeighLine = NeighEntryLine | NeighIgnoredLine | NeighUnparsedLine;

/** Words that take one argument (`ip -s` adds `used a/b/c` and `probes N`). */
const WITH_ARGUMENT: ReadonlySet<string> = new Set(['dev', 'lladdr', 'used', 'probes', 'ref', 'nud', 'vni', 'port', 'src_vni', 'via', 'protocol', 'master']);

/** The state text of an entry line: its NUD words joined with `,` (`STALE`, `PERMANENT`). */
export function neighStateText(line: Pick<NeighEntryLine, 'states'>): string {
  return line.states.join(',');
}

/** Parses one line of `ip monitor neigh` / `ip neigh show` output. Never throws. */
export function parseNeighLine(text: string): NeighLine {
  const words = text.trim().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return { kind: 'ignored', reason: 'blank' };
  let at = 0;
  let deleted = false;
  if (words[at] === 'miss') return { kind: 'ignored', reason: 'miss' };
  if (words[at] === 'Deleted') {
    deleted = true;
    at += 1;
  }
  const ip = words[at];
  if (ip === undefined) return { kind: 'unparsed', reason: 'no address after Deleted' };
  if (ip.includes(':')) return { kind: 'ignored', reason: 'ipv6' };
  if (parseIpv4(ip) === undefined) return { kind: 'unparsed', reason: `'${ip}' is not an IPv4 address` };
  at += 1;

  let dev: string | undefined;
  let mac: string | undefined;
  const states: string[] = [];
  const flags: string[] = [];
  for (; at < words.length; at += 1) {
    const word = words[at] as string;
    if (WITH_ARGUMENT.has(word)) {
      const argument = words[at + 1];
      if (argument === undefined) return { kind: 'unparsed', reason: `'${word}' without a value` };
      at += 1;
      if (word === 'dev') dev = argument;
      if (word === 'lladdr') {
        mac = normaliseMac(argument);
        if (mac === undefined) return { kind: 'unparsed', reason: `lladdr '${argument}' is not a MAC address` };
      }
    } else if (NUD_WORDS.has(word)) {
      states.push(word);
    } else if (/^[a-z_]+$/.test(word)) {
      flags.push(word);
    } else {
      return { kind: 'unparsed', reason: `unexpected word '${word}'` };
    }
  }
  if (flags.includes('proxy')) return { kind: 'ignored', reason: 'proxy' };
  return { kind: 'entry', deleted, ip, dev, mac, states: states.length === 0 ? ['NONE'] : states, flags };
}
