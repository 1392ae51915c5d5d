/**
 * A node's link state as data: one line of `ip -o monitor link` (iproute2's `print_linkinfo`, one
 * line per RTM_NEWLINK/RTM_DELLINK with `-o`) or the JSON of `ip -j link show`:
 *
 *     3: eth0@if12: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN …
 *     3: eth0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP …
 *     Deleted 3: eth0@if12: <BROADCAST,MULTICAST> mtu 1500 …
 *
 * A link counts as up when it is administratively up and has carrier (`UP` and `LOWER_UP`, no
 * `NO-CARRIER`) — what Cilium's devices controller and a NIC's link LED mean by it. A veth whose
 * peer goes down loses carrier (NO-CARRIER) while staying UP, which is how the lab pulls a cable.
 * Pure.
 */

/** One interface's state as a line shows it. */
export interface LinkStateLine {
  readonly kind: 'link';
  /** The interface name without the `@peer` suffix. */
  readonly iface: string;
  /** The line began with `Deleted` (RTM_DELLINK): the interface is gone, so not up. */
  readonly deleted: boolean;
  readonly up: boolean;
}

/** A line that says nothing about an interface's state (blank). */
export interface LinkIgnoredLine {
  readonly kind: 'ignored';
}

/** A line this parser does not understand (reported as a problem). */
export interface LinkUnparsedLine {
  readonly kind: 'unparsed';
  readonly reason: string;
}

/** The parse of one line. */
export type LinkLine = LinkStateLine | LinkIgnoredLine | LinkUnparsedLine;

const LINE = /^(Deleted\s+)?\d+:\s+([^\s:@]+)(?:@[^\s:]+)?:\s+<([^>]*)>/;

/** Up = administratively up with carrier, from the flag words `ip` prints. */
export function linkUpFromFlags(flags: readonly string[]): boolean {
  return flags.includes('UP') && flags.includes('LOWER_UP') && !flags.includes('NO-CARRIER');
}

/** Parses one line of `ip -o monitor link`. Never throws. */
export function parseLinkLine(text: string): LinkLine {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'ignored' };
  const match = LINE.exec(trimmed);
  if (match === null) return { kind: 'unparsed', reason: 'not an `<index>: <name>: <FLAGS>` line' };
  const deleted = match[1] !== undefined;
  const flags = (match[3] ?? '').split(',').filter((flag) => flag !== '');
  return { kind: 'link', iface: match[2] ?? '', deleted, up: !deleted && linkUpFromFlags(flags) };
}

/**
 * The up/down state of each interface in `ip -j link show` output.
 * @throws Error naming what is wrong when the text is not that JSON.
 */
export function parseLinkShowJson(text: string): Map<string, boolean> {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('ip -j link show: expected a JSON array');
  const states = new Map<string, boolean>();
  for (const entry of parsed as unknown[]) {
    if (entry === null || typeof entry !== 'object') throw new Error('ip -j link show: an entry is not an object');
    const { ifname, flags } = entry as { ifname?: unknown; flags?: unknown };
    if (typeof ifname !== 'string' || !Array.isArray(flags)) throw new Error(`ip -j link show: entry without ifname/flags: ${JSON.stringify(entry)}`);
    states.set(ifname, linkUpFromFlags(flags.filter((f): f is string => typeof f === 'string')));
  }
  return states;
}

/** What the agent must be told: its `linkDown`/`linkUp`. */
export type LinkTransition = 'down' | 'up';

/**
 * The transition a newly seen state makes from the known one: none when it is unchanged, and none
 * for the first sighting of an interface that is up (the agent assumes links start up).
 */
export function planLinkTransition(known: boolean | undefined, up: boolean): LinkTransition | undefined {
  if (known === up) return undefined;
  if (known === undefined && up) return undefined;
  return up ? 'up' : 'down';
}
