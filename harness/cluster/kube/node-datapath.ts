/**
 * What the l2lab target's in-process echo needs in each mapped node's network namespace, as the
 * lab and the docker provider set it: the pools routed `local` (the echo receives what is sent to
 * a VIP), `arp_ignore=1` on the data interfaces (else the kernel answers ARP for those local
 * addresses on every node, which only the announcing responder may do), and an on-link route to
 * each client (the clients' addresses are not in the cluster network's subnet; the echo's answer
 * goes straight back on the segment). `down` undoes it (arp_ignore back to the kernel's 0). The
 * Cilium target needs none of this: its datapath answers. Pure.
 */

/** One mapped node's namespace and data interfaces (scenario segment of each). */
export interface DatapathNode {
  readonly netns: string;
  readonly interfaces: readonly { readonly name: string; readonly segment: string }[];
}

/** Commands (argv) that set the nodes up, and those that undo it. */
export interface NodeDatapathPlan {
  readonly up: readonly (readonly string[])[];
  readonly down: readonly (readonly string[])[];
}

/** Plans the node settings for `pools` (the lab's `localRoutes`) and `clients` (address, segment). */
export function planNodeDatapath(nodes: readonly DatapathNode[], pools: readonly string[], clients: readonly { readonly ip: string; readonly segment: string }[]): NodeDatapathPlan {
  const up: string[][] = [];
  const down: string[][] = [];
  for (const node of nodes) {
    for (const iface of node.interfaces) {
      up.push(['ip', 'netns', 'exec', node.netns, 'sysctl', '-q', '-w', `net/ipv4/conf/${iface.name}/arp_ignore=1`]);
      down.push(['ip', 'netns', 'exec', node.netns, 'sysctl', '-q', '-w', `net/ipv4/conf/${iface.name}/arp_ignore=0`]);
    }
    for (const cidr of pools) {
      up.push(['ip', '-n', node.netns, 'route', 'replace', 'local', cidr, 'dev', 'lo']);
      down.push(['ip', '-n', node.netns, 'route', 'del', 'local', cidr, 'dev', 'lo']);
    }
    for (const client of clients) {
      const iface = node.interfaces.find((i) => i.segment === client.segment);
      if (iface === undefined) continue;
      up.push(['ip', '-n', node.netns, 'route', 'replace', `${client.ip}/32`, 'dev', iface.name]);
      down.push(['ip', '-n', node.netns, 'route', 'del', `${client.ip}/32`, 'dev', iface.name]);
    }
  }
  return { up, down };
}
