/**
 * The scenario's clients next to a cluster: one network namespace per client, plugged by a veth
 * into the bridge of the cluster network its segment is on (kind: the bridge of the Docker network
 * `kind`, found from a node's interface with `bridgePortOf`), with the scenario client's MAC and
 * address, the lab's client sysctls, and an on-link route for every pool (the VIPs are not in the
 * Docker network's subnet; ARP for them goes out on the bridge, where the announcing node
 * answers). `planKubeClients` is pure; `kube-run` runs the commands and starts the lab's prober
 * role and `NeighMonitor` in each namespace.
 */
import { createHash } from 'node:crypto';
import type { LabPlan } from '../../lab/topology/lab-plan.ts';
import { planLabSysctls, sysctlArgs } from '../../lab/topology/sysctls.ts';

/** One client as placed next to the cluster. */
export interface KubeClient {
  readonly name: string;
  readonly netns: string;
  readonly bridge: string;
  /** Host-side veth end (on the bridge, in the bridge netns). */
  readonly peer: string;
  readonly iface: string;
  readonly mac: string;
  readonly ip: string;
  readonly prefixLength: number;
}

/** The commands (argv) that make the clients, and those that remove them. */
export interface KubeClientsPlan {
  readonly clients: readonly KubeClient[];
  readonly up: readonly (readonly string[])[];
  readonly down: readonly (readonly string[])[];
}

/** A client's netns name. */
export function kubeClientNetns(runId: string, client: string): string {
  return `l2k-${runId}-${client}`;
}

/**
 * Commands for the clients of `lab` (the lab's own plan of the scenario: MACs, addresses,
 * neighbour settings, pool routes). `bridgeOf(segment)` is the bridge in `bridgeNetns`.
 * @throws Error naming the segment when it has no bridge.
 */
export function planKubeClients(lab: Pick<LabPlan, 'clients' | 'localRoutes' | 'nodes' | 'segments' | 'labNetns' | 'controlPlane'>, runId: string, bridgeNetns: string, bridgeOf: (segment: string) => string | undefined): KubeClientsPlan {
  const sysctls = planLabSysctls(lab as LabPlan);
  const clients: KubeClient[] = [];
  const up: string[][] = [];
  const down: string[][] = [];
  for (const [j, c] of lab.clients.entries()) {
    const bridge = bridgeOf(c.segment);
    if (bridge === undefined) throw new Error(`placing client ${c.name}: no cluster network bridge for its segment ${c.segment} (no node interface on it)`);
    const netns = kubeClientNetns(runId, c.name);
    // ≤ 15 characters (IFNAMSIZ), unique per run and client.
    const peer = `l2k${createHash('sha256').update(runId).digest('hex').slice(0, 8)}c${j}`.slice(0, 15);
    clients.push({ name: c.name, netns, bridge, peer, iface: c.iface, mac: c.mac, ip: c.ip, prefixLength: c.prefixLength });
    up.push(
      ['ip', 'netns', 'add', netns],
      ['ip', '-n', bridgeNetns, 'link', 'add', peer, 'type', 'veth', 'peer', 'name', c.iface, 'netns', netns],
      ['ip', '-n', bridgeNetns, 'link', 'set', peer, 'master', bridge, 'up'],
      ['ip', '-n', netns, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', netns, 'link', 'set', c.iface, 'address', c.mac],
    );
    const settings = sysctls.find((s) => s.netns === c.netns)?.settings ?? [];
    if (settings.length > 0) up.push(['ip', 'netns', 'exec', netns, 'sysctl', ...sysctlArgs(settings)]);
    up.push(['ip', '-n', netns, 'addr', 'add', `${c.ip}/${c.prefixLength}`, 'dev', c.iface], ['ip', '-n', netns, 'link', 'set', c.iface, 'up']);
    for (const cidr of lab.localRoutes) up.push(['ip', '-n', netns, 'route', 'replace', cidr, 'dev', c.iface]);
    down.push(['ip', '-n', bridgeNetns, 'link', 'del', peer], ['ip', 'netns', 'del', netns]);
  }
  return { clients, up, down };
}
