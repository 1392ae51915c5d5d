import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { getProfile } from '../../profiles/profiles.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import type { Scenario } from '../../scenario/types.ts';
import { KubePlanError, L2LAB_TARGET_LEASE_NAMESPACE, parseNodeMap, planKubeRun, type ClusterFacts, type ClusterNodeFacts } from './kube-plan.ts';

const { scenario: loaded } = await loadScenario('scenarios/leader-kill.yaml');
if (loaded === undefined) throw new Error('leader-kill.yaml does not load');
const scenario: Scenario = loaded;
const profile = getProfile('cilium-1.16');

const node = (name: string, extra: Partial<ClusterNodeFacts> = {}): ClusterNodeFacts => ({
  name,
  labels: name.endsWith('control-plane') ? { 'node-role.kubernetes.io/control-plane': '' } : { 'l2lab.io/announce': 'true' },
  controlPlane: name.endsWith('control-plane'),
  schedulable: !name.endsWith('control-plane'),
  macs: { eth0: `02:42:ac:12:00:0${name.length % 10}`, eth1: '02:42:c6:13:00:02', lo: '00:00:00:00:00:00' },
  container: name,
  ...extra,
});

/** kind's shape: the workers listed out of order, so sorting is visible. */
const kind = (nodes: readonly ClusterNodeFacts[] = [node('l2lab-k1-worker3'), node('l2lab-k1-control-plane'), node('l2lab-k1-worker'), node('l2lab-k1-worker2')]): ClusterFacts => ({
  provider: 'kind', target: 'l2lab', clusterName: 'l2lab-k1', nodes, apiServer: { addresses: ['172.18.0.2'], port: 6443 },
});

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof KubePlanError) return error.message;
    throw error;
  }
  throw new Error('expected a KubePlanError');
}

describe('planKubeRun', () => {
  it('maps scenario nodes to the schedulable workers sorted by name, MACs from the cluster', () => {
    const plan = planKubeRun(scenario, profile, kind());
    expect(plan.nodes.map((n) => `${n.scenario}=${n.cluster}`)).toEqual(['n1=l2lab-k1-worker', 'n2=l2lab-k1-worker2', 'n3=l2lab-k1-worker3']);
    expect(plan.toScenario).toEqual({ 'l2lab-k1-worker': 'n1', 'l2lab-k1-worker2': 'n2', 'l2lab-k1-worker3': 'n3' });
    expect(plan.nodes[0]?.interfaces).toEqual([{ name: 'eth0', segment: 'lan', mac: node('l2lab-k1-worker').macs['eth0'] }]);
    expect(plan.nodes[0]?.container).toBe('l2lab-k1-worker');
    expect(plan.controlPlaneContainers).toEqual(['l2lab-k1-control-plane']);
  });

  it('follows an explicit --node-map, and refuses one naming unknown nodes or a node twice', () => {
    const plan = planKubeRun(scenario, profile, kind(), parseNodeMap('n1=l2lab-k1-worker3, n2=l2lab-k1-worker,n3=l2lab-k1-control-plane'));
    expect(plan.nodes.map((n) => n.cluster)).toEqual(['l2lab-k1-worker3', 'l2lab-k1-worker', 'l2lab-k1-control-plane']);
    expect(refusal(() => planKubeRun(scenario, profile, kind(), { n1: 'a', n2: 'l2lab-k1-worker', n3: 'l2lab-k1-worker2' }))).toBe('--node-map: the cluster has no node a (it has l2lab-k1-worker3, l2lab-k1-control-plane (control plane), l2lab-k1-worker, l2lab-k1-worker2)');
    expect(refusal(() => planKubeRun(scenario, profile, kind(), { n1: 'l2lab-k1-worker', n2: 'l2lab-k1-worker', n3: 'l2lab-k1-worker2' }))).toBe('--node-map: l2lab-k1-worker plays two scenario nodes');
    expect(refusal(() => planKubeRun(scenario, profile, kind(), { n1: 'l2lab-k1-worker' }))).toBe('--node-map maps no cluster node to n2, n3');
    expect(refusal(() => parseNodeMap('n1:kind-worker'))).toBe("--node-map: 'n1:kind-worker' is not scenarioNode=clusterNode");
  });

  it('refuses a cluster with too few schedulable workers, naming what it has', () => {
    const cordoned = kind([node('l2lab-k1-control-plane'), node('l2lab-k1-worker'), node('l2lab-k1-worker2', { schedulable: false })]);
    expect(refusal(() => planKubeRun(scenario, profile, cordoned))).toBe('the scenario has 3 nodes, the cluster 1 schedulable worker(s): l2lab-k1-control-plane (control plane), l2lab-k1-worker, l2lab-k1-worker2 (unschedulable) (add workers, or map nodes with --node-map n1=<node>,…)');
  });

  it('refuses a scenario interface the cluster node lacks', () => {
    const noEth0 = kind([node('a', { macs: { eth1: '02:00:00:00:00:01' } }), node('b'), node('c')]);
    expect(refusal(() => planKubeRun(scenario, profile, noEth0))).toBe('scenario node n1 has eth0 (segment lan); cluster node a has eth1');
  });

  it('labels mapped nodes, takes the scenario label keys off the others, and restores both', () => {
    const extra = kind([node('l2lab-k1-control-plane'), node('w1', { labels: {} }), node('w2'), node('w3', { labels: { 'l2lab.io/announce': 'false' } }), node('w4')]);
    const plan = planKubeRun(scenario, profile, extra);
    const change = (name: string) => plan.metadata.find((m) => m.node === name);
    expect(change('w1')).toEqual({ node: 'w1', apply: { labels: { 'l2lab.io/announce': 'true' }, annotations: { 'l2lab.io/interfaces': 'eth0' } }, restore: { labels: { 'l2lab.io/announce': null }, annotations: { 'l2lab.io/interfaces': null } } });
    expect(change('w2')?.apply.labels).toEqual({}); // already labelled so: nothing to change or restore
    expect(change('w3')?.restore.labels).toEqual({ 'l2lab.io/announce': 'false' });
    expect(change('w4')).toEqual({ node: 'w4', apply: { labels: { 'l2lab.io/announce': null }, annotations: {} }, restore: { labels: { 'l2lab.io/announce': 'true' }, annotations: {} } });
    expect(change('l2lab-k1-control-plane')).toBeUndefined();
  });

  it('puts the Leases where each target keeps them, and finds each target’s agent pods', () => {
    const l2lab = planKubeRun(scenario, profile, kind());
    expect(l2lab.leaseNamespace).toBe('kube-system');
    expect(l2lab.leaseNameOf('default/web')).toBe('cilium-l2announce-default-web');
    expect(l2lab.agents.labels).toEqual({ 'app.kubernetes.io/name': 'l2lab-agent' });
    const cilium = planKubeRun(scenario, profile, { ...kind(), target: 'cilium' });
    expect(cilium.leaseNamespace).toBe('kube-system');
    expect(cilium.agents).toMatchObject({ namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } });
    expect(cilium.notes.join('\n')).toMatch(/no agent histories/);
  });

  it('lists what each provider cannot do: no node containers or links behind a kubeconfig, no node partitions anywhere', () => {
    const kindPlan = planKubeRun(scenario, profile, kind());
    expect(kindPlan.unsupported['kill-node']).toBeUndefined();
    expect(kindPlan.unsupported['link-down']).toBeUndefined();
    expect(kindPlan.unsupported['partition-nodes']).toMatch(/use --world lab/);
    const kc = planKubeRun(scenario, profile, { ...kind([node('a', { macs: {}, container: undefined }), node('b', { macs: {} }), node('c', { macs: {} })]), provider: 'kubeconfig' });
    expect(kc.unsupported['kill-node']).toMatch(/kubeconfig provider has none/);
    expect(kc.unsupported['api-outage']).toMatch(/kubeconfig provider has none/);
    expect(kc.unsupported['netem']).toMatch(/kubeconfig provider has none/);
    expect(kc.unsupported['kill-agent']).toBeUndefined();
    expect(kc.controlPlaneContainers).toEqual([]);
    expect(kc.notes.join('\n')).toMatch(/MACs unknown/);
  });

  it('k3s is a provider of node containers like kind: the agents are the workers, the server container is paused for an API outage', () => {
    const k3sNode = (name: string, server = false): ClusterNodeFacts => node(name, server ? { labels: { 'node-role.kubernetes.io/control-plane': 'true' }, controlPlane: true, schedulable: true } : {});
    const plan = planKubeRun(scenario, profile, { ...kind([k3sNode('l2lab-s1-server', true), k3sNode('l2lab-s1-a2'), k3sNode('l2lab-s1-a1'), k3sNode('l2lab-s1-a3')]), provider: 'k3s', clusterName: 'l2lab-s1' });
    expect(plan.nodes.map((n) => n.cluster)).toEqual(['l2lab-s1-a1', 'l2lab-s1-a2', 'l2lab-s1-a3']);
    expect(plan.unsupported['kill-node']).toBeUndefined();
    expect(plan.unsupported['api-outage']).toBeUndefined();
    expect(plan.controlPlaneContainers).toEqual(['l2lab-s1-server']);
    // No container name known from the Nodes: the server's name follows the k3s plan.
    expect(planKubeRun(scenario, profile, { ...kind([k3sNode('l2lab-s1-server', true), k3sNode('l2lab-s1-a1'), k3sNode('l2lab-s1-a2'), k3sNode('l2lab-s1-a3')].map((n) => (n.controlPlane ? { ...n, container: undefined } : n))), provider: 'k3s', clusterName: 'l2lab-s1' }).controlPlaneContainers).toEqual(['l2lab-s1-server']);
  });

  it('uses the Lease namespace the agent DaemonSet is configured with', () => {
    const docs = readFileSync('kind/manifests/agent-daemonset.yaml', 'utf8').split(/^---$/m).map((d) => parse(d) as { kind?: string; spec?: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } });
    const env = docs.find((d) => d.kind === 'DaemonSet')?.spec?.template.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'L2LAB_LEASE_NAMESPACE')?.value).toBe(L2LAB_TARGET_LEASE_NAMESPACE);
  });
});
