/**
 * The client's IPv4 neighbour table as `/proc/net/arp` shows it (per network namespace: the file
 * reads the reader's own). The prober uses it to tell a probe the kernel could not even send (no
 * resolved MAC for the VIP: the neighbour cache held or dropped it) from one that went unanswered.
 * Pure parser.
 */

/** `ATF_COM`: the entry has a resolved hardware address. */
const ATF_COM = 0x2;

/** IPs with a resolved MAC, from the text of `/proc/net/arp`. */
export function resolvedNeighbours(text: string): ReadonlySet<string> {
  const resolved = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [ip, , flags] = fields;
    if (ip === undefined || flags === undefined || ip === '') continue;
    if ((Number.parseInt(flags, 16) & ATF_COM) !== 0) resolved.add(ip);
  }
  return resolved;
}
