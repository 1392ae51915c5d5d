/**
 * How one scenario runs on an existing cluster (kind, Talos-in-Docker, any kubeconfig): which
 * cluster node plays which scenario node, the labels and interface annotation the run puts on the
 * nodes (and takes off at the end), where the Leases are, how to find the agent pods, and which
 * nemesis actions this world cannot perform (recorded as skipped with the reason). Pure: the
 * runner reads the cluster (`ClusterFacts`) and executes the plan.
 *
 * - Mapping: the schedulable workers sorted by name (`n1`… in topology order), or `--node-map
 *   n1=kind-worker,…`. Too few schedulable nodes is refused, naming what the cluster has.
 * - Interfaces keep their names: the scenario's `eth0` is the node's eth0 (the `kind` Docker
 *   network on kind), `eth1` the second network `cluster up` attaches. MACs come from the nodes.
 * - Nodes outside the map lose the scenario's label keys for the run (restored at the end), so a
 *   kind worker labelled `l2lab.io/announce=true` by the kind config does not announce unseen.
 */
import { serviceLeaseName } from '../../agent/lease-group.ts';
import { leaseName } from '../../l2/lease.ts';
import { INTERFACES_ANNOTATION } from '../../model/parse/kinds/node.ts';
import type { Profile } from '../../profiles/profile.ts';
import type { NemesisActionName } from '../../scenario/nemesis-types.ts';
import type { Scenario } from '../../scenario/types.ts';

/** Where the cluster comes from. */
export type KubeProvider = 'kind' | 'talos' | 'k3s' | 'kubeconfig';
/** What announces: l2lab's responder (`kind/manifests/`) or real Cilium. */
export type KubeTarget = 'l2lab' | 'cilium';

/** The Lease namespace of the l2lab target: `L2LAB_LEASE_NAMESPACE` of `kind/manifests/agent-daemonset.yaml`. */
export const L2LAB_TARGET_LEASE_NAMESPACE = 'kube-system';
/** Cilium's `l2announcements` Leases live in the agent's namespace. */
export const CILIUM_LEASE_NAMESPACE = 'kube-system';

/** One cluster node as the runner read it. */
export interface ClusterNodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Carries `node-role.kubernetes.io/control-plane`. */
  readonly controlPlane: boolean;
  /** Not cordoned and no NoSchedule/NoExecute taint. */
  readonly schedulable: boolean;
  /** Interface → MAC, read inside the node (empty: the provider cannot look inside). */
  readonly macs: Readonly<Record<string, string>>;
  /** The node's Docker container (kind, Talos-in-Docker); undefined for a kubeconfig cluster. */
  readonly container?: string;
}

/** What the runner knows of the cluster before planning. */
export interface ClusterFacts {
  readonly provider: KubeProvider;
  readonly target: KubeTarget;
  /** kind / Talos cluster name (container names derive from it). */
  readonly clusterName: string;
  readonly nodes: readonly ClusterNodeFacts[];
  /** The API server as the nodes reach it: addresses (control-plane containers' IPs) and port. */
  readonly apiServer: { readonly addresses: readonly string[]; readonly port: number };
}

/** One scenario node on its cluster node. */
export interface MappedNode {
  readonly scenario: string;
  readonly cluster: string;
  readonly container?: string;
  readonly interfaces: readonly { readonly name: string; readonly segment: string; readonly mac?: string }[];
}

/** A merge patch of a Node's labels/annotations for the run, and the one that undoes it. */
export interface NodeMetadataChange {
  readonly node: string;
  readonly apply: { readonly labels: Readonly<Record<string, string | null>>; readonly annotations: Readonly<Record<string, string | null>> };
  readonly restore: { readonly labels: Readonly<Record<string, string | null>>; readonly annotations: Readonly<Record<string, string | null>> };
}

/** The agent pods of the target (kill-agent deletes the one on a node; restart-agent waits for its successor). */
export interface AgentPods {
  /** '' = every namespace (the l2lab target's namespace is `l2lab-<run of cluster up>`). */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Operator pods (restart-operator deletes them; their Deployment starts new ones). */
  readonly operatorNamespace: string;
  readonly operatorLabels: Readonly<Record<string, string>>;
}

/** The plan of one scenario run on a cluster. */
export interface KubeRunPlan {
  readonly nodes: readonly MappedNode[];
  /** Cluster node name → scenario node name (the one translation table; see `translate-nodes.ts`). */
  readonly toScenario: Readonly<Record<string, string>>;
  readonly metadata: readonly NodeMetadataChange[];
  readonly leaseNamespace: string;
  readonly leaseNameOf: (service: string) => string;
  readonly agents: AgentPods;
  /** Containers `api-outage` pauses. */
  readonly controlPlaneContainers: readonly string[];
  readonly apiServer: ClusterFacts['apiServer'];
  /** Actions this world does not perform, with the reason (recorded as skipped, unsupported). */
  readonly unsupported: Readonly<Partial<Record<NemesisActionName, string>>>;
  readonly notes: readonly string[];
}

/** A plan that cannot be made (user input or cluster shape): the runner turns it into exit 2. */
export class KubePlanError extends Error {
  override readonly name = 'KubePlanError';
}

/**
 * Parses `--node-map n1=kind-worker,n2=kind-worker2`.
 * @throws KubePlanError for a malformed entry or a node mapped twice.
 */
export function parseNodeMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(entry);
    if (match === null) throw new KubePlanError(`--node-map: '${entry}' is not scenarioNode=clusterNode`);
    const [, from = '', to = ''] = match;
    if (from in map) throw new KubePlanError(`--node-map: ${from} is mapped twice`);
    map[from] = to;
  }
  return map;
}

/** The control-plane containers of a kind, Talos-in-Docker or k3s cluster (none for a kubeconfig cluster). */
export function controlPlaneContainersOf(provider: KubeProvider, clusterName: string, nodes: readonly ClusterNodeFacts[]): string[] {
  if (provider === 'kubeconfig') return [];
  const fromNodes = nodes.filter((n) => n.controlPlane && n.container !== undefined).map((n) => n.container ?? '');
  if (fromNodes.length > 0) return fromNodes.sort();
  if (provider === 'k3s') return [`${clusterName}-server`];
  return [provider === 'kind' ? `${clusterName}-control-plane` : `${clusterName}-controlplane-1`];
}

const NODE_CONTAINER_ACTIONS = ['kill-node', 'restart-node', 'freeze', 'thaw', 'partition-api', 'heal-api'] as const;
const WIRE_ACTIONS = ['link-down', 'link-up', 'segment-down', 'segment-up', 'netem', 'netem-clear'] as const;

/**
 * Plans `scenario` on the cluster.
 * @throws KubePlanError when the cluster has too few schedulable nodes, the node map names a node
 *   it does not have, or a scenario interface is missing on its cluster node.
 */
export function planKubeRun(scenario: Pick<Scenario, 'topology'>, profile: Profile, facts: ClusterFacts, nodeMap?: Readonly<Record<string, string>>): KubeRunPlan {
  const wanted = scenario.topology.nodes;
  const byName = new Map(facts.nodes.map((n) => [n.name, n]));
  const schedulable = facts.nodes.filter((n) => n.schedulable && !n.controlPlane).map((n) => n.name).sort();
  const describeCluster = (): string => facts.nodes.map((n) => `${n.name}${n.controlPlane ? ' (control plane)' : n.schedulable ? '' : ' (unschedulable)'}`).join(', ') || 'no nodes';
  let mapping: [string, string][];
  if (nodeMap !== undefined && Object.keys(nodeMap).length > 0) {
    const unknown = Object.keys(nodeMap).filter((n) => !wanted.some((w) => w.name === n));
    if (unknown.length > 0) throw new KubePlanError(`--node-map names ${unknown.join(', ')}, which the scenario does not have (its nodes: ${wanted.map((w) => w.name).join(', ')})`);
    const missing = wanted.filter((w) => nodeMap[w.name] === undefined).map((w) => w.name);
    if (missing.length > 0) throw new KubePlanError(`--node-map maps no cluster node to ${missing.join(', ')}`);
    mapping = wanted.map((w) => [w.name, nodeMap[w.name] ?? '']);
    const absent = mapping.filter(([, c]) => !byName.has(c)).map(([, c]) => c);
    if (absent.length > 0) throw new KubePlanError(`--node-map: the cluster has no node ${absent.join(', ')} (it has ${describeCluster()})`);
    const twice = mapping.map(([, c]) => c).filter((c, i, all) => all.indexOf(c) !== i);
    if (twice.length > 0) throw new KubePlanError(`--node-map: ${twice[0]} plays two scenario nodes`);
  } else {
    if (schedulable.length < wanted.length) throw new KubePlanError(`the scenario has ${wanted.length} nodes, the cluster ${schedulable.length} schedulable worker(s): ${describeCluster()} (add workers, or map nodes with --node-map n1=<node>,…)`);
    mapping = wanted.map((w, k) => [w.name, schedulable[k] ?? '']);
  }
  const notes: string[] = [];
  const toScenario: Record<string, string> = {};
  const nodes: MappedNode[] = [];
  for (const [scenarioName, clusterName] of mapping) {
    const topo = wanted.find((w) => w.name === scenarioName);
    const cluster = byName.get(clusterName);
    if (topo === undefined || cluster === undefined) continue;
    toScenario[clusterName] = scenarioName;
    const interfaces = topo.interfaces.map((i) => {
      const mac = cluster.macs[i.name];
      if (mac === undefined && Object.keys(cluster.macs).length > 0) throw new KubePlanError(`scenario node ${scenarioName} has ${i.name} (segment ${i.segment}); cluster node ${clusterName} has ${Object.keys(cluster.macs).sort().join(', ')}`);
      return { name: i.name, segment: i.segment, ...(mac === undefined ? {} : { mac }) };
    });
    nodes.push({ scenario: scenarioName, cluster: clusterName, ...(cluster.container === undefined ? {} : { container: cluster.container }), interfaces });
  }
  if (facts.nodes.every((n) => Object.keys(n.macs).length === 0)) notes.push('node MACs unknown (the kubeconfig provider cannot look inside nodes): the wire is judged by IP, the interface checks by the announcing side only');
  const metadata = metadataChanges(scenario, facts.nodes, mapping);
  const leaseNamespace = facts.target === 'cilium' ? CILIUM_LEASE_NAMESPACE : L2LAB_TARGET_LEASE_NAMESPACE;
  const leaseNameOf = (service: string): string => {
    const [namespace = '', name = ''] = service.split('/');
    return facts.target === 'cilium' ? leaseName(namespace, name) : serviceLeaseName(namespace, name, profile);
  };
  const agents: AgentPods = facts.target === 'cilium'
    ? { namespace: 'kube-system', labels: { 'k8s-app': 'cilium' }, operatorNamespace: 'kube-system', operatorLabels: { 'io.cilium/app': 'operator' } }
    : { namespace: '', labels: { 'app.kubernetes.io/name': 'l2lab-agent' }, operatorNamespace: '', operatorLabels: { 'app.kubernetes.io/name': 'l2lab-operator' } };
  const unsupported: Partial<Record<NemesisActionName, string>> = {};
  if (facts.provider === 'kubeconfig') {
    for (const action of [...NODE_CONTAINER_ACTIONS, 'api-outage', 'api-restore'] as const) unsupported[action] = `${action} needs the nodes as Docker containers; the kubeconfig provider has none (use --provider kind or talos)`;
  }
  if (facts.provider === 'kubeconfig') {
    for (const action of WIRE_ACTIONS) unsupported[action] = `${action} needs the nodes' links on a Docker bridge; the kubeconfig provider has none`;
  }
  // Node-to-node grudges need per-pair filters on a bridge the cluster shares with the API path
  // and the CNI's tunnels; not performed here.
  for (const action of ['partition-nodes', 'heal-nodes'] as const) unsupported[action] = `${action} is not performed on a cluster (node-to-node filters on the shared bridge would cut the CNI too); use --world lab or --provider docker`;
  if (facts.target === 'cilium') notes.push('target cilium: no agent histories (Cilium records none); judged from the wire (tcpdump on the bridge), the API (watches) and the clients');
  return { nodes, toScenario, metadata, leaseNamespace, leaseNameOf, agents, controlPlaneContainers: controlPlaneContainersOf(facts.provider, facts.clusterName, facts.nodes), apiServer: facts.apiServer, unsupported, notes };
}

/**
 * Mapped nodes get the scenario node's labels and the interface annotation; other nodes lose the
 * scenario's label keys. `restore` puts back what was there (null = was absent).
 */
function metadataChanges(scenario: Pick<Scenario, 'topology'>, cluster: readonly ClusterNodeFacts[], mapping: readonly (readonly [string, string])[]): NodeMetadataChange[] {
  const keys = new Set(scenario.topology.nodes.flatMap((n) => Object.keys(n.labels)));
  const changes: NodeMetadataChange[] = [];
  for (const node of [...cluster].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const scenarioName = mapping.find(([, c]) => c === node.name)?.[0];
    const topo = scenario.topology.nodes.find((n) => n.name === scenarioName);
    const labels: Record<string, string | null> = {};
    const restoreLabels: Record<string, string | null> = {};
    if (topo !== undefined) {
      for (const [key, value] of Object.entries(topo.labels)) {
        if (node.labels[key] === value) continue;
        labels[key] = value;
        restoreLabels[key] = node.labels[key] ?? null;
      }
    } else {
      for (const key of keys) {
        if (node.labels[key] === undefined) continue;
        labels[key] = null;
        restoreLabels[key] = node.labels[key] ?? null;
      }
    }
    const annotations: Record<string, string | null> = topo === undefined ? {} : { [INTERFACES_ANNOTATION]: topo.interfaces.map((i) => i.name).join(',') };
    const restoreAnnotations: Record<string, string | null> = topo === undefined ? {} : { [INTERFACES_ANNOTATION]: null };
    if (Object.keys(labels).length === 0 && Object.keys(annotations).length === 0) continue;
    changes.push({ node: node.name, apply: { labels, annotations }, restore: { labels: restoreLabels, annotations: restoreAnnotations } });
  }
  return changes;
}
