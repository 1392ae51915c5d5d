/**
 * Cilium's device selection as far as `check` can know it. The Helm `devices` value lists names,
 * where a trailing `+` is a prefix wildcard (`eth+`); a node's real devices come from the
 * `l2lab.io/interfaces` annotation. Policies' interface regexes are evaluated only against the
 * devices Cilium selected (spec §1.1), so this decides what those regexes see.
 */

/** True when `name` is selected by a Cilium `devices` entry (`eth0` exact, `eth+` prefix). */
export function deviceMatches(entry: string, name: string): boolean {
  return entry.endsWith('+') ? name.startsWith(entry.slice(0, -1)) : name === entry;
}

/**
 * The devices Cilium selects on a node: the node's interfaces filtered by the `devices` value when
 * both are known; the `devices` names alone when they contain no wildcard; otherwise unknown.
 */
export function selectedDevices(nodeInterfaces: readonly string[] | undefined, devicesValue: readonly string[] | undefined): readonly string[] | undefined {
  if (devicesValue === undefined) return nodeInterfaces;
  if (nodeInterfaces === undefined) return devicesValue.some((d) => d.endsWith('+')) ? undefined : devicesValue;
  return nodeInterfaces.filter((name) => devicesValue.some((entry) => deviceMatches(entry, name)));
}
