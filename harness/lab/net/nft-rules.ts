/**
 * nftables scripts of the lab's faults (`nft -f -`), pure. Each "set" script declares the table,
 * deletes it and declares it again with the wanted rules, all in one transaction: idempotent, and
 * never a moment without the rules when re-applied. Each "clear" script declares then deletes, so
 * it succeeds whether or not the table exists.
 *
 * - API partition (`netdev l2lab` in the node netns, on its management interface): IPv4 to and from
 *   the control plane is dropped at the device, both ways. Unlike an `inet` output drop (EPERM at
 *   once) the sender sees nothing: TCP retransmits until its own timeout, as across a real
 *   partition. ARP still passes, so the node's neighbour entry for the API server stays valid.
 * - Node partition (`bridge l2lab` in the lab netns): frames forwarded between the bridge ports of
 *   two sides are dropped in the bridge's forward hook (floods included, which are forwarded port by
 *   port), so the nodes cannot even ARP each other; everything else on the segment still flows.
 *   A side that is the bridge's own host end (a "local port": the control plane on a Docker
 *   network's gateway address) is never forwarded to or from: frames it receives are dropped in the
 *   input hook by their ingress port, frames it sends in the output hook by their egress port.
 * - Loss without netem (`netdev l2lab_shape`): `numgen random` drops a share of egress frames.
 */

/** Declares and deletes `family name`: removes the table if present, succeeds if not. */
export function clearTableScript(family: string, name: string): string {
  return `table ${family} ${name}\ndelete table ${family} ${name}\n`;
}

function setTableScript(family: string, name: string, body: readonly string[]): string {
  return `${clearTableScript(family, name)}table ${family} ${name} {\n${body.map((line) => `  ${line}`).join('\n')}\n}\n`;
}

const quote = (iface: string): string => `"${iface}"`;
const ifaceSet = (ifaces: readonly string[]): string => (ifaces.length === 1 ? quote(ifaces[0] ?? '') : `{ ${ifaces.map(quote).join(', ')} }`);

/** The netdev table of the API partition. */
export const API_PARTITION_TABLE = { family: 'netdev', name: 'l2lab' } as const;
/** The bridge table of node partitions. */
export const NODE_PARTITION_TABLE = { family: 'bridge', name: 'l2lab' } as const;
/** The netdev table of netem-less loss. */
export const SHAPE_TABLE = { family: 'netdev', name: 'l2lab_shape' } as const;

/** Drops IPv4 between `iface` and `peerIp` in both directions, at the device. Pure. */
export function apiPartitionScript(iface: string, peerIp: string): string {
  return setTableScript(API_PARTITION_TABLE.family, API_PARTITION_TABLE.name, [
    `chain ingress { type filter hook ingress device ${quote(iface)} priority 0; policy accept; ip saddr ${peerIp} drop; }`,
    `chain egress { type filter hook egress device ${quote(iface)} priority 0; policy accept; ip daddr ${peerIp} drop; }`,
  ]);
}

/** One direction of a partition on the bridges: frames entering on `fromPorts` and leaving on `toPorts`. */
export interface PortDrop {
  readonly fromPorts: readonly string[];
  readonly toPorts: readonly string[];
}

/**
 * Drops every frame along each of `drops`; with no drops, clears the table. `localPorts` are
 * bridges' own host ends (see the file header): a drop to one becomes an input rule, from one an
 * output rule. Pure.
 */
export function bridgePartitionScript(drops: readonly PortDrop[], localPorts: readonly string[] = []): string {
  const isLocal = (ports: readonly string[]): boolean => ports.length > 0 && ports.every((p) => localPorts.includes(p));
  const chains = { forward: [] as string[], input: [] as string[], output: [] as string[] };
  for (const d of drops.filter((drop) => drop.fromPorts.length > 0 && drop.toPorts.length > 0)) {
    if (isLocal(d.toPorts)) chains.input.push(`iifname ${ifaceSet(d.fromPorts)} drop`);
    else if (isLocal(d.fromPorts)) chains.output.push(`oifname ${ifaceSet(d.toPorts)} drop`);
    else chains.forward.push(`iifname ${ifaceSet(d.fromPorts)} oifname ${ifaceSet(d.toPorts)} drop`);
  }
  const body = (['forward', 'input', 'output'] as const).filter((hook) => chains[hook].length > 0).flatMap((hook) => [`chain ${hook} {`, `  type filter hook ${hook} priority 0; policy accept;`, ...chains[hook].map((r) => `  ${r}`), '}']);
  if (body.length === 0) return clearTableScript(NODE_PARTITION_TABLE.family, NODE_PARTITION_TABLE.name);
  return setTableScript(NODE_PARTITION_TABLE.family, NODE_PARTITION_TABLE.name, body);
}

/** The chain name of `iface` in {@link SHAPE_TABLE} (nft identifiers: letters, digits, `_`). Pure. */
export function shapeChainName(iface: string): string {
  return `egress_${iface.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Loss is drawn in steps of 0.01 %: `numgen random mod 10000` below the threshold drops. */
const LOSS_STEPS = 10_000;

/** Drops `lossPercent` % (0–100, in steps of 0.01) of the frames `iface` sends. Pure. */
export function lossScript(iface: string, lossPercent: number): string {
  const chain = shapeChainName(iface);
  const { family, name } = SHAPE_TABLE;
  const threshold = Math.round((lossPercent * LOSS_STEPS) / 100);
  // numgen's modulus bounds the compared value to 0–9999, so 100 % is a plain drop.
  const rule = threshold >= LOSS_STEPS ? 'drop' : threshold <= 0 ? undefined : `numgen random mod ${LOSS_STEPS} < ${threshold} drop`;
  return [
    `table ${family} ${name}`,
    `chain ${family} ${name} ${chain} { type filter hook egress device ${quote(iface)} priority 0; policy accept; }`,
    `flush chain ${family} ${name} ${chain}`,
    ...(rule === undefined ? [] : [`add rule ${family} ${name} ${chain} ${rule}`]),
    '',
  ].join('\n');
}

/** Removes the loss chain of `iface` if present. Pure. */
export function clearLossScript(iface: string): string {
  const chain = shapeChainName(iface);
  const { family, name } = SHAPE_TABLE;
  return [
    `table ${family} ${name}`,
    `chain ${family} ${name} ${chain} { type filter hook egress device ${quote(iface)} priority 0; policy accept; }`,
    `flush chain ${family} ${name} ${chain}`,
    `delete chain ${family} ${name} ${chain}`,
    '',
  ].join('\n');
}
