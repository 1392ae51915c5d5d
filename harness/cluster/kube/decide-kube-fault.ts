/**
 * The nemesis of the cluster world on a real cluster, as data: which Docker commands, netns
 * commands and API calls perform each fault (`decideKubeFault`, pure); `kube-world.ts` runs them.
 *
 * | fault | what is done |
 * |---|---|
 * | kill-agent | the target's agent pod on the node is deleted, grace 0 (its DaemonSet starts a new one at once: as a crashed Cilium pod) |
 * | restart-agent | waits (bounded) until the DaemonSet's pod on the node is Ready again |
 * | kill-node / restart-node | `docker kill` / `docker start` of the node container (then waits for its agent) |
 * | freeze / thaw | `docker pause` / `docker unpause` of the node container (every process of the node, datapath too) |
 * | partition-api / heal-api | an nftables table in the node container's netns dropping TCP to the API server's addresses and port / the table deleted |
 * | api-outage / api-restore | `docker pause` / `docker unpause` of the control-plane container(s) |
 * | restart-operator | the operator pods deleted, grace 0 (their Deployment starts new ones) |
 * | link-down / link-up | the bridge-side veth of the node's interface down / up (in the host netns, attached under a run name) |
 * | netem / netem-clear | `tc netem` on the node's interface, in its container's netns |
 *
 * The partition drops by destination address and port: on kind the agent reaches the control-plane
 * container's 6443 directly; on Talos it talks to KubePrism on localhost:7445, which forwards to
 * the control planes' 6443 — the same packets leave the node, so one rule covers both.
 */
import type { LinkShape } from '../../core/net.ts';
import { netemArgs } from '../../lab/net/lab-net.ts';
import type { KubeRunPlan } from './kube-plan.ts';

/** A fault with its node resolved (scenario names). */
export type KubeFault =
  | { readonly action: 'kill-agent' | 'restart-agent' | 'kill-node' | 'restart-node' | 'freeze' | 'thaw' | 'partition-api' | 'heal-api'; readonly node: string }
  | { readonly action: 'link-down' | 'link-up'; readonly node: string; readonly iface: string }
  | { readonly action: 'netem'; readonly node: string; readonly iface: string; readonly shape: LinkShape }
  | { readonly action: 'netem-clear'; readonly node: string; readonly iface: string }
  | { readonly action: 'api-outage' | 'api-restore' | 'restart-operator' };

/** One thing to do. */
export type KubeFaultStep =
  /** Record the nemesis op (before the fault, as every world does). */
  | { readonly kind: 'record'; readonly f: string; readonly value: Readonly<Record<string, string | number>> }
  | { readonly kind: 'docker'; readonly args: readonly string[] }
  /** (Re-)name a container's netns: a restarted container has a new one. */
  | { readonly kind: 'attach-netns'; readonly container: string; readonly netns: string }
  | { readonly kind: 'exec'; readonly argv: readonly string[]; readonly stdin?: string; readonly tolerateFailure?: boolean }
  | { readonly kind: 'delete-pods'; readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly node?: string }
  | { readonly kind: 'await-agent-ready'; readonly node: string; readonly timeoutMs: number }
  | { readonly kind: 'skip'; readonly reason: string };

/** What {@link decideKubeFault} needs besides the plan. */
export interface KubeFaultContext {
  readonly plan: Pick<KubeRunPlan, 'nodes' | 'agents' | 'controlPlaneContainers' | 'apiServer' | 'unsupported'>;
  readonly runId: string;
  /** The attached name of a node container's netns (`l2k-<run>-<scenario node>`). */
  readonly netnsOf: (node: string) => string;
  /** The netns holding the cluster network's bridges, attached under a run name (`l2k-<run>-host`). */
  readonly bridgeNetns: string;
  /** The bridge-side veth of a node interface (`bridgePortOf`), by `node/iface`; absent: not found. */
  readonly bridgePeers: Readonly<Record<string, string>>;
  readonly agentReadyTimeoutMs: number;
}

/** The nftables table of a run's API partitions (one per node netns). */
export function partitionTable(runId: string): string {
  return `l2lab_${runId.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** The steps of `fault`; a single `skip` when this world cannot perform it. */
export function decideKubeFault(fault: KubeFault, ctx: KubeFaultContext): KubeFaultStep[] {
  const unsupported = ctx.plan.unsupported[fault.action];
  if (unsupported !== undefined) return [{ kind: 'skip', reason: unsupported }];
  if (!('node' in fault)) return globalFault(fault, ctx);
  const node = ctx.plan.nodes.find((n) => n.scenario === fault.node);
  if (node === undefined) return [{ kind: 'skip', reason: `no node ${fault.node} in the run's node map` }];
  const record: KubeFaultStep = { kind: 'record', f: fault.action, value: 'iface' in fault ? { node: fault.node, iface: fault.iface } : { node: fault.node } };
  const container = node.container;
  const needsContainer = (): KubeFaultStep[] | undefined => (container === undefined ? [{ kind: 'skip', reason: `${fault.action}: cluster node ${node.cluster} is not a Docker container` }] : undefined);
  switch (fault.action) {
    case 'kill-agent':
      return [record, { kind: 'delete-pods', namespace: ctx.plan.agents.namespace, labels: ctx.plan.agents.labels, node: node.cluster }];
    case 'restart-agent':
      return [record, { kind: 'await-agent-ready', node: node.cluster, timeoutMs: ctx.agentReadyTimeoutMs }];
    case 'kill-node':
      return needsContainer() ?? [record, { kind: 'docker', args: ['kill', container ?? ''] }];
    case 'restart-node':
      return needsContainer() ?? [record, { kind: 'docker', args: ['start', container ?? ''] }, { kind: 'await-agent-ready', node: node.cluster, timeoutMs: ctx.agentReadyTimeoutMs }];
    case 'freeze':
      return needsContainer() ?? [record, { kind: 'docker', args: ['pause', container ?? ''] }];
    case 'thaw':
      return needsContainer() ?? [record, { kind: 'docker', args: ['unpause', container ?? ''] }];
    case 'partition-api':
    case 'heal-api': {
      const refused = needsContainer();
      if (refused !== undefined) return refused;
      if (fault.action === 'partition-api' && ctx.plan.apiServer.addresses.length === 0) return [{ kind: 'skip', reason: 'partition-api: the API server address is unknown' }];
      const netns = ctx.netnsOf(fault.node);
      const table = partitionTable(ctx.runId);
      const script = fault.action === 'partition-api' ? partitionScript(table, ctx.plan.apiServer) : `table inet ${table}\ndelete table inet ${table}\n`;
      return [record, { kind: 'attach-netns', container: container ?? '', netns }, { kind: 'exec', argv: ['ip', 'netns', 'exec', netns, 'nft', '-f', '-'], stdin: script }];
    }
    case 'link-down':
    case 'link-up': {
      const peer = ctx.bridgePeers[`${fault.node}/${fault.iface}`];
      if (peer === undefined) return [{ kind: 'skip', reason: `${fault.action}: no bridge port found for ${fault.node}/${fault.iface} (cluster node ${node.cluster})` }];
      return [record, { kind: 'exec', argv: ['ip', '-n', ctx.bridgeNetns, 'link', 'set', peer, fault.action === 'link-down' ? 'down' : 'up'] }];
    }
    case 'netem':
    case 'netem-clear': {
      const refused = needsContainer();
      if (refused !== undefined) return refused;
      const netns = ctx.netnsOf(fault.node);
      const exec: KubeFaultStep = fault.action === 'netem'
        ? { kind: 'exec', argv: ['tc', ...netemArgs(netns, fault.iface, fault.shape)] }
        : { kind: 'exec', argv: ['tc', '-n', netns, 'qdisc', 'del', 'dev', fault.iface, 'root'], tolerateFailure: true };
      return [record, { kind: 'attach-netns', container: container ?? '', netns }, exec];
    }
  }
}

function globalFault(fault: Extract<KubeFault, { action: 'api-outage' | 'api-restore' | 'restart-operator' }>, ctx: KubeFaultContext): KubeFaultStep[] {
  const record: KubeFaultStep = { kind: 'record', f: fault.action, value: {} };
  switch (fault.action) {
    case 'api-outage':
    case 'api-restore':
      if (ctx.plan.controlPlaneContainers.length === 0) return [{ kind: 'skip', reason: `${fault.action}: no control-plane container` }];
      return [record, ...ctx.plan.controlPlaneContainers.map((c): KubeFaultStep => ({ kind: 'docker', args: [fault.action === 'api-outage' ? 'pause' : 'unpause', c] }))];
    case 'restart-operator':
      return [record, { kind: 'delete-pods', namespace: ctx.plan.agents.operatorNamespace, labels: ctx.plan.agents.operatorLabels }];
  }
}

/** Drops the node's TCP to the API server, both ways (requests and answers time out, as in the lab). */
function partitionScript(table: string, api: KubeRunPlan['apiServer']): string {
  const addresses = api.addresses.join(', ');
  return [
    `table inet ${table} {`,
    '  chain output {',
    '    type filter hook output priority 0; policy accept;',
    `    ip daddr { ${addresses} } tcp dport ${api.port} drop`,
    '  }',
    '  chain input {',
    '    type filter hook input priority 0; policy accept;',
    `    ip saddr { ${addresses} } tcp sport ${api.port} drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}
