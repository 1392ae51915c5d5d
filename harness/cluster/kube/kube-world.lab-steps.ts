/**
 * What `kube-world.lab.test.ts` runs inside the control plane's network namespace (only there is
 * the API server reachable), through `callInNetns`: the kube runner's API-level part against the
 * real kube-apiserver — access from a kubeconfig with a client certificate (mTLS), the cluster
 * read and plan over Node objects the step creates (`kw1`…`kw3`, as a kind cluster's workers), the
 * plan's labels applied and restored, and the shared nemesis loop over {@link KubeWorld}: kill-agent
 * of `holder-of default/web` deletes the fake agent pod on the Lease holder's node, an `edit` of
 * Node `n1` taints the cluster node mapped to it, restart-agent waits for a Ready successor pod.
 * Returns what the real objects look like afterwards, as JSON, for the test to judge.
 */
import type { KubeObject } from '../../core/object-store.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../../lab/lab-clock.ts';
import { KubeObjectStore } from '../../lab/kube/kube-object-store.ts';
import { HARNESS_IDENTITY } from '../../lab/world/lab-edits.ts';
import { runLabNemesis } from '../../lab/world/lab-nemesis.ts';
import { getProfile } from '../../profiles/profiles.ts';
import type { StepRecord } from '../../run/nemesis-driver.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { TimedAction } from '../../scenario/timeline.ts';
import { readClusterFacts } from './cluster-facts.ts';
import { loadKubeAccess } from './kube-access.ts';
import { planKubeRun } from './kube-plan.ts';
import { KubeWorld } from './kube-world.ts';
import { clusterNamedStore } from './translate-nodes.ts';

/** Arguments of {@link apiFaults}. */
export interface ApiFaultsArgs {
  readonly kubeconfig: string;
  readonly scenarioPath: string;
  readonly runId: string;
}

const identity = { identity: HARNESS_IDENTITY };
const AGENT = { 'app.kubernetes.io/name': 'l2lab-agent' };

function agentPod(name: string, node: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'l2lab-t', labels: AGENT }, spec: { nodeName: node, containers: [{ name: 'agent', image: 'l2lab-responder:test' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
}

/** See the module note. */
export async function apiFaults(args: ApiFaultsArgs): Promise<Record<string, unknown>> {
  const { scenario } = await loadScenario(args.scenarioPath);
  if (scenario === undefined) throw new Error(`${args.scenarioPath} does not load`);
  const access = loadKubeAccess(args.kubeconfig);
  const clock = new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));
  const admin = new KubeObjectStore(access, clock);
  try {
    await admin.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'l2lab-t', namespace: '' } }, identity);
    for (const name of ['kw3', 'kw1', 'kw2']) await admin.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, namespace: '', labels: { 'l2lab.io/announce': name === 'kw3' ? 'true' : 'false' } } }, identity);
    await admin.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kcp', namespace: '', labels: { 'node-role.kubernetes.io/control-plane': '', 'l2lab.io/announce': 'true' } } }, identity);
    for (const node of ['kw1', 'kw2', 'kw3']) await admin.create('pods', agentPod(`agent-${node}`, node), identity);
    await admin.create('leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'cilium-l2announce-default-web', namespace: 'kube-system' }, spec: { holderIdentity: 'kw2', leaseDurationSeconds: 15 } }, identity);

    const facts = await readClusterFacts({ provider: 'kubeconfig', target: 'l2lab', clusterName: 'lab', runId: args.runId, serverUrl: access.serverUrl, store: admin, exec: () => Promise.reject(new Error('no commands in this test')), attached: [] });
    const plan = planKubeRun(scenario, getProfile('cilium-1.16'), facts);
    const toCluster = Object.fromEntries(plan.nodes.map((n) => [n.scenario, n.cluster]));
    for (const change of plan.metadata) await admin.patch({ resource: 'nodes', namespace: '', name: change.node }, { metadata: change.apply }, identity);
    const labelsDuring = Object.fromEntries((await admin.list('nodes', '', identity)).map((n) => [n.metadata.name, n.metadata.labels?.['l2lab.io/announce'] ?? null]));

    const history = new MemoryHistory(clock);
    const world = new KubeWorld({
      plan, store: admin, exec: () => Promise.reject(new Error('no commands in this test')), clock, history, clientNetns: () => undefined, pollMs: 100,
      context: { runId: args.runId, netnsOf: (n) => n, bridgeNetns: 'none', bridgePeers: {}, agentReadyTimeoutMs: 20_000 },
    });
    const holderBefore = await world.holderOf('default/web');
    const at = (atMs: number, occurrence: string, action: TimedAction['action']): TimedAction => ({ atMs, occurrence, stepIndex: 0, action });
    const timeline: TimedAction[] = [
      at(0, 'kill@0', { action: 'kill-agent', node: { kind: 'holder-of', service: 'default/web' } }),
      at(0, 'taint@0', { action: 'edit', target: { kind: 'Node', name: 'n1' }, patch: { spec: { taints: [{ key: 'l2lab.io/test', value: 'x', effect: 'NoSchedule' }] } }, mayMoveIpsOf: [] }),
      at(0, 'outage@0', { action: 'api-outage' }),
    ];
    const steps: StepRecord[] = [];
    await runLabNemesis(scenario, timeline, { world, clock, history, adminStore: clusterNamedStore(admin, toCluster), leaseNamespace: plan.leaseNamespace }, steps);
    const podsAfterKill = (await admin.list('pods', 'l2lab-t', identity)).map((p) => p.metadata.name).sort();
    // The DaemonSet's successor on the holder's node (no controller here: the step plays it).
    await admin.create('pods', agentPod('agent-kw2-new', 'kw2'), identity);
    await world.restartAgent('n2');
    const tainted = (await admin.get({ resource: 'nodes', namespace: '', name: 'kw1' }, identity)).spec as { taints?: unknown[] } | undefined;
    for (const change of plan.metadata) await admin.patch({ resource: 'nodes', namespace: '', name: change.node }, { metadata: change.restore }, identity);
    const after = await admin.list('nodes', '', identity);
    return {
      auth: access.auth,
      nodeMap: toCluster,
      unsupportedApiOutage: plan.unsupported['api-outage'] ?? null,
      labelsDuring,
      labelsAfter: Object.fromEntries(after.map((n) => [n.metadata.name, n.metadata.labels?.['l2lab.io/announce'] ?? null])),
      annotationsAfter: Object.fromEntries(after.map((n) => [n.metadata.name, n.metadata.annotations?.['l2lab.io/interfaces'] ?? null])),
      holderBefore: holderBefore ?? null,
      steps,
      podsAfterKill,
      taints: tainted?.taints ?? [],
      problems: world.problems,
      nemesisOps: history.ops().filter((op) => op.process === 'nemesis').map((op) => ({ f: op.f, value: op.value })),
    };
  } finally {
    admin.close();
  }
}

/** Arguments of {@link wholeRun}. */
export interface WholeRunArgs {
  readonly kubeconfig: string;
  readonly scenarioPath: string;
  readonly runId: string;
  readonly runDir: string;
}

/** The runner, the step's scenario, a clock and an admin store on the test cluster. */
async function openRun(args: WholeRunArgs): Promise<{ runScenarioOnKube: typeof import('./run-kube-scenario.ts').runScenarioOnKube; scenario: Scenario; clock: LabClock; admin: KubeObjectStore }> {
  const { runScenarioOnKube } = await import('./run-kube-scenario.ts');
  const { scenario } = await loadScenario(args.scenarioPath);
  if (scenario === undefined) throw new Error(`${args.scenarioPath} does not load`);
  const clock = new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));
  return { runScenarioOnKube, scenario, clock, admin: new KubeObjectStore(loadKubeAccess(args.kubeconfig), clock) };
}

/**
 * `runScenarioOnKube` end to end on the kubeconfig provider (no node containers: API only), with
 * an agent DaemonSet this step creates and a fake DaemonSet controller (no controller-manager
 * here): once the runner sets the DaemonSet to the run, the old agent pods go and a Ready one per
 * node comes, and a deleted one is replaced. Returns the run's steps and notes, a few ops, and
 * what the cluster looks like afterwards.
 */
export async function wholeRun(args: WholeRunArgs): Promise<Record<string, unknown>> {
  const { runScenarioOnKube, scenario, clock, admin } = await openRun(args);
  const ds: KubeObject = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'l2lab-agent', namespace: 'l2lab-t', labels: AGENT },
    spec: { selector: { matchLabels: AGENT }, template: { metadata: { labels: AGENT }, spec: { containers: [{ name: 'agent', image: 'l2lab-responder:test', args: ['cluster-proc', 'node'], env: [{ name: 'L2LAB_PROFILE', value: 'cilium-1.16' }] }] } } },
  };
  await admin.create('daemonsets', ds, identity);
  let stop = false;
  let made = 0;
  const controller = (async (): Promise<void> => {
    for (let i = 0; i < 2_000 && !stop; i++) {
      const current = await admin.get({ resource: 'daemonsets', namespace: 'l2lab-t', name: 'l2lab-agent' }, identity);
      const env = ((current.spec as { template: { spec: { containers: { env?: { name: string }[] }[] } } }).template.spec.containers[0]?.env ?? []).map((e) => e.name);
      if (env.includes('L2LAB_EPOCH_MONO_NS')) {
        const pods = await admin.list('pods', 'l2lab-t', identity);
        for (const pod of pods.filter((p) => !String(p.metadata.name).startsWith('run-'))) await admin.delete({ resource: 'pods', namespace: 'l2lab-t', name: pod.metadata.name }, { ...identity, gracePeriodSeconds: 0 });
        for (const node of ['kw1', 'kw2', 'kw3']) {
          if (!pods.some((p) => String(p.metadata.name).startsWith('run-') && (p.spec as { nodeName?: string }).nodeName === node)) await admin.create('pods', agentPod(`run-${node}-${made++}`, node), identity);
        }
      }
      await clock.sleep(200);
    }
  })();
  try {
    const output = await runScenarioOnKube(scenario, { provider: 'kubeconfig', target: 'l2lab', kubeconfig: args.kubeconfig, clusterName: 'lab', nodeMap: { n1: 'kw2', n2: 'kw3', n3: 'kw1' }, runId: args.runId, seed: 1, runDir: args.runDir, agentReadyTimeoutMs: 20_000 });
    stop = true;
    await controller;
    const after = await admin.get({ resource: 'daemonsets', namespace: 'l2lab-t', name: 'l2lab-agent' }, identity);
    const nodes = await admin.list('nodes', '', identity);
    return {
      steps: output.steps,
      end: output.end,
      nodeMap: output.nodeMap,
      notes: output.notes,
      interfacesSelected: output.ops.filter((op) => op.f === 'interfaces-selected').map((op) => (op.value as { node: string }).node).sort(),
      nemesisOps: output.ops.filter((op) => op.process === 'nemesis').map((op) => ({ f: op.f, value: op.value })),
      argsAfter: (after.spec as { template: { spec: { containers: { args?: string[] }[] } } }).template.spec.containers[0]?.args ?? [],
      servicesAfter: (await admin.list('services', 'default', identity)).map((s) => s.metadata.name).filter((n) => n !== 'kubernetes'),
      poolsAfter: (await admin.list('ciliumloadbalancerippools', '', identity)).map((p) => p.metadata.name),
      taintsAfter: Object.fromEntries(nodes.map((n) => [n.metadata.name, ((n.spec as { taints?: { key: string }[] } | undefined)?.taints ?? []).map((t) => t.key)])),
      annotationsAfter: Object.fromEntries(nodes.map((n) => [n.metadata.name, n.metadata.annotations?.['l2lab.io/interfaces'] ?? null])),
    };
  } finally {
    stop = true;
    await controller.catch(() => undefined);
    admin.close();
  }
}

/**
 * `runScenarioOnKube` on the kubeconfig provider with `--target cilium`: fake Cilium agent pods
 * (`k8s-app=cilium` in kube-system), the service's Lease held by kw3, kill-agent of its holder at
 * 2 s, and the step itself giving the Service its IP at 1 s (LB-IPAM) and moving the Lease to kw1
 * at 3 s (the takeover Cilium would do). Returns
 * the steps, the became-leader ops the Lease watch recorded, the notes and the failover rows.
 */
export async function ciliumRun(args: WholeRunArgs): Promise<Record<string, unknown>> {
  const { runScenarioOnKube, scenario, clock, admin } = await openRun(args);
  const leaseRef = { resource: 'leases', namespace: 'kube-system', name: 'cilium-l2announce-default-web' };
  try {
    for (const node of ['kw1', 'kw2', 'kw3']) await admin.create('pods', { ...agentPod(`cilium-${node}`, node), metadata: { name: `cilium-${node}`, namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } } }, identity);
    await admin.patch(leaseRef, { spec: { holderIdentity: 'kw3' } }, identity);
    const takeover = (async (): Promise<void> => {
      // LB-IPAM's part (no operator here): the Service gets its IP once the run created it.
      await clock.sleep(1_000);
      await admin.patch({ resource: 'services', namespace: 'default', name: 'web' }, { status: { loadBalancer: { ingress: [{ ip: '198.18.0.240' }] } } }, identity);
      await clock.sleep(2_000);
      await admin.patch(leaseRef, { spec: { holderIdentity: 'kw1' } }, identity);
    })();
    const output = await runScenarioOnKube(scenario, { provider: 'kubeconfig', target: 'cilium', kubeconfig: args.kubeconfig, clusterName: 'lab', nodeMap: { n1: 'kw2', n2: 'kw3', n3: 'kw1' }, runId: args.runId, seed: 1, runDir: args.runDir, agentReadyTimeoutMs: 5_000 });
    await takeover;
    return {
      steps: output.steps.map((s) => ({ action: s.action, node: s.node ?? null, outcome: s.outcome })),
      became: output.ops.filter((op) => op.f === 'became-leader').map((op) => op.process),
      notes: output.notes,
      ciliumPods: (await admin.list('pods', 'kube-system', identity)).filter((p) => p.metadata.labels?.['k8s-app'] === 'cilium').map((p) => p.metadata.name).sort(),
      expectedHold: output.judge.expected.mustHold,
      leaseTakenOver: output.results.failover.components.find((c) => c.component === 'leaseTakenOver') ?? null,
    };
  } finally {
    admin.close();
  }
}
