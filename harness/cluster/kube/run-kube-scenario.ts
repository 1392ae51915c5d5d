/**
 * One scenario on an existing cluster — kind, Talos-in-Docker, or any kubeconfig — judged by the
 * sim's checkers, as the lab and the docker provider judge theirs. Order:
 *
 * 1. access from the kubeconfig (`kube-access.ts`); the cluster read (`cluster-facts.ts`: Nodes,
 *    and for kind/Talos each node container's netns attached as `l2k-<run>-<node>` with its MACs,
 *    the host netns — where Docker's bridges are — as `l2k-<run>-host`); the plan (`kube-plan.ts`);
 * 2. the mapped nodes labelled and annotated as the scenario's (the others lose its label keys);
 *    for the l2lab target the agent DaemonSet set to the run (epoch, profile, timings, echo role,
 *    state dir `/var/run/l2lab/<run>`: `agent-run-settings.ts`), every mapped node's new agent pod
 *    Ready, and the nodes' netns set for the echo (`node-datapath.ts`: local pool routes,
 *    arp_ignore, client routes);
 * 3. the observer's watches (`WatchedObserver`, events renamed to scenario nodes), the clients
 *    (`kube-clients.ts`: netns + veth on the segment's bridge, the lab's prober and NeighMonitor),
 *    tcpdump on each segment's bridge;
 * 4. time zero: the scenario's objects (not its Nodes: the cluster has its own), the nemesis in
 *    real time (`runLabNemesis` over {@link KubeWorld}; what the world cannot do is recorded as
 *    skipped and unsupported), the run to its duration;
 * 5. collection: pcaps, client histories, and for the l2lab target the agents' histories copied
 *    out of the node containers (`docker cp` of the hostPath state dir); every op renamed to the
 *    scenario's nodes (`translate-nodes.ts`), merged, rebased and judged.
 *
 * Everything made carries the run id and is removed in `finally` (objects, labels, the DaemonSet
 * put back, clients, captures, attached names); an aborted signal (SIGINT) ends the run early and
 * still tears down.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { topologyInterfaces } from '../../checker/topology-interfaces.ts';
import type { KubeObject } from '../../core/object-store.ts';
import { StoreError } from '../../core/store-errors.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { mergeHistories } from '../../lab/capture/merge-histories.ts';
import { NeighMonitor } from '../../lab/capture/neigh-monitor.ts';
import { startCapture } from '../../lab/capture/tcpdump.ts';
import { KubeObjectStore } from '../../lab/kube/kube-object-store.ts';
import { ModelObjectStore, realResourcesFor } from '../../lab/kube/model-store.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../../lab/lab-clock.ts';
import { labExec, type LabExec } from '../../lab/net/lab-exec.ts';
import { RunManifest } from '../../lab/manifest/run-manifest.ts';
import { teardownLab } from '../../lab/manifest/teardown.ts';
import { planLab } from '../../lab/topology/plan-lab.ts';
import { HARNESS_IDENTITY } from '../../lab/world/lab-edits.ts';
import { runLabNemesis } from '../../lab/world/lab-nemesis.ts';
import { LAB_OBSERVER_LAG_MS, rebase, type LabRunOutput } from '../../lab/world/lab-run.ts';
import { planRealObjects, policyApiOf } from '../../lab/world/real-objects.ts';
import { killRoleProcess, startRoleProcess, type RoleProcess } from '../../lab/world/role-process.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { judgeRun } from '../../run/judge.ts';
import type { StepRecord } from '../../run/nemesis-driver.ts';
import { judgeInputFor } from '../../run/run-scenario.ts';
import { worldOptionsFor } from '../../run/scenario-world.ts';
import { nemesisTimeline, type TimedAction } from '../../scenario/timeline.ts';
import type { Scenario } from '../../scenario/types.ts';
import { WatchedObserver } from '../observe/watched-observer.ts';
import { bridgePortOf } from '../wire/bridge-port.ts';
import { attachContainerNetns, detachNetns } from '../wire/container-netns.ts';
import { daemonSetForRun } from './agent-run-settings.ts';
import { nodeNetnsName, readClusterFacts } from './cluster-facts.ts';
import { loadKubeAccess } from './kube-access.ts';
import { planKubeClients } from './kube-clients.ts';
import { planKubeRun, type KubeProvider, type KubeRunPlan, type KubeTarget } from './kube-plan.ts';
import { planNodeDatapath } from './node-datapath.ts';
import { leaseWatchOp, type LeaseHolders } from './lease-watch-ops.ts';
import { AGENT_EVIDENCE_INVARIANTS, ciliumTimingOf, withoutAgentEvidence } from './cilium-timing.ts';
import type { LeaseTiming } from '../../l2/lease.ts';
import { KubeWorld } from './kube-world.ts';
import { collectSources, type RunCapture } from '../observe/collect-sources.ts';
import { clusterNamedStore, eventInScenarioNames, opInScenarioNames } from './translate-nodes.ts';

/** Options of {@link runScenarioOnKube}. */
export interface KubeRunOptions {
  readonly provider: KubeProvider;
  readonly target: KubeTarget;
  readonly kubeconfig: string;
  readonly context?: string;
  /** kind / Talos cluster name. */
  readonly clusterName: string;
  readonly nodeMap?: Readonly<Record<string, string>>;
  readonly runId: string;
  readonly seed: number;
  readonly profile?: string;
  /** The report directory's `cluster/` part (pcaps, histories, state). */
  readonly runDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (line: string) => void;
  /** Bound of a wait for agent pods to be Ready (rollout, restart-agent). Default 180 s. */
  readonly agentReadyTimeoutMs?: number;
  readonly exec?: LabExec;
  /** Where the run manifest goes (what `l2lab reap` reads); default the lab's runs directory. */
  readonly runsDir?: string;
}

/** What a cluster run produced. */
export interface KubeRunOutput extends Omit<LabRunOutput, 'auditLeaseRequests'> {
  readonly nodeMap: Readonly<Record<string, string>>;
}

/** Annotation naming the run on every object a run creates. */
export const RUN_ANNOTATION = 'l2lab.io/run';

/** The l2lab agent DaemonSet's hostPath; each run uses its own directory under it. */
const AGENT_STATE_ROOT = '/var/run/l2lab';

/**
 * Runs `scenario` on the cluster and judges it.
 * @throws UserError for a bad kubeconfig or a cluster the scenario does not fit; Error from a
 *   bring-up step (after tearing down what it made).
 */
export async function runScenarioOnKube(scenario: Scenario, options: KubeRunOptions): Promise<KubeRunOutput> {
  const progress = options.onProgress ?? ((): void => {});
  const exec = options.exec ?? labExec;
  const readyTimeoutMs = options.agentReadyTimeoutMs ?? 180_000;
  const worldPlan = worldOptionsFor(scenario, { seed: options.seed, ...(options.profile === undefined ? {} : { profile: options.profile }) });
  const profile = getProfile(worldPlan.profile);
  const access = loadKubeAccess(options.kubeconfig, options.context);
  const wall = new SystemClock();
  const admin = new KubeObjectStore(access, wall);
  const cleanup: (() => Promise<unknown>)[] = [];
  const attached: string[] = [];
  const problems: string[] = [];
  const phases: Record<string, number> = {};
  let t = wall.monotonicMs();
  const lap = (name: string): void => {
    phases[name] = Math.round(wall.monotonicMs() - t);
    t = wall.monotonicMs();
  };
  const hostNetns = `l2k-${options.runId}-host`;
  const containers = options.provider !== 'kubeconfig';
  // What this machine gets (attached names, client namespaces, tcpdump) is recorded before it is
  // made, as the lab does, so a run killed with SIGKILL is cleaned up by `l2lab reap`.
  const manifest = containers ? await RunManifest.create({ runId: options.runId, runDir: options.runDir, ...(options.runsDir === undefined ? {} : { runsDir: options.runsDir }) }) : undefined;
  const recordName = async (name: string): Promise<void> => manifest?.record({ kind: 'netns-name', name });
  const recordSpawn = (netns: string) => async (p: { readonly name: string; readonly pid: number; readonly startTimeTicks?: number }): Promise<void> =>
    manifest?.recordProcess({ name: p.name, pid: p.pid, ...(p.startTimeTicks === undefined ? {} : { startTimeTicks: p.startTimeTicks }) }, netns);
  try {
    // --- the cluster and the plan -------------------------------------------------------------
    if (containers) {
      await recordName(hostNetns);
      await attachContainerNetns(hostNetns, 1, exec, 'the host (Docker bridges)');
      attached.push(hostNetns);
    }
    const facts = await readClusterFacts({ provider: options.provider, target: options.target, clusterName: options.clusterName, runId: options.runId, serverUrl: access.serverUrl, store: admin, exec, attached, beforeAttach: recordName });
    const plan = planKubeRun(scenario, profile, facts, options.nodeMap);
    const toCluster = Object.fromEntries(plan.nodes.map((n) => [n.scenario, n.cluster]));
    progress(`cluster ${options.clusterName} (${options.provider}, target ${options.target}): ${plan.nodes.map((n) => `${n.scenario}=${n.cluster}`).join(' ')}`);
    for (const change of plan.metadata) {
      await admin.patch({ resource: 'nodes', namespace: '', name: change.node }, { metadata: change.apply }, { identity: HARNESS_IDENTITY });
      cleanup.push(() => admin.patch({ resource: 'nodes', namespace: '', name: change.node }, { metadata: change.restore }, { identity: HARNESS_IDENTITY }));
    }
    const epoch = labEpochNow();
    const monoNs = parseEpochMonoNs(epoch.epochMonoNs);
    const clock = new LabClock(monoNs);
    const timing = options.target === 'cilium' ? await ciliumTiming(admin) : scenario.timing.effective;
    if (options.target === 'cilium') problems.push(`judged with Cilium's configured Lease timing ${timing.leaseDurationMs}/${timing.renewDeadlineMs}/${timing.retryPeriodMs} ms (kube-system/cilium-config), not the scenario's ${scenario.timing.effective.leaseDurationMs}/${scenario.timing.effective.renewDeadlineMs}/${scenario.timing.effective.retryPeriodMs} ms`);
    const agentStateDir = `${AGENT_STATE_ROOT}/${options.runId}`;
    if (options.target === 'l2lab') {
      const ports = [...new Set([7, ...scenario.manifests.services.map((s) => s.ports?.[0]?.port).filter((p): p is number => p !== undefined)])];
      await rollAgents(admin, plan, { epochMonoNs: epoch.epochMonoNs, profile: profile.name, leaseDurationMs: timing.leaseDurationMs, renewDeadlineMs: timing.renewDeadlineMs, retryPeriodMs: timing.retryPeriodMs, echoPorts: ports, seed: options.seed, stateDir: agentStateDir }, clock, readyTimeoutMs, cleanup, options.signal);
      progress(`agent DaemonSet set to the run; ${plan.nodes.length} agent pod(s) Ready`);
    }
    lap('clusterMs');

    // --- observer, clients, captures ------------------------------------------------------------
    const history = new MemoryHistory(clock);
    const model = new ModelObjectStore(admin, (m) => problems.push(m), realResourcesFor(policyApiOf(scenario)));
    const watched = new WatchedObserver({ profile, history, modelStore: model, leaseNamespace: plan.leaseNamespace, vipsPath: join(options.runDir, 'vips.json'), onProblem: (m) => problems.push(m), mapEvent: (resource, event) => eventInScenarioNames(resource, event, plan.toScenario) });
    cleanup.push(() => watched.stop());
    await watched.watch();
    // Real Cilium records no elector ops: its Leases, as the API shows them, stand in for them.
    let stopLeaseWatch = (): void => {};
    if (options.target === 'cilium') {
      const holders: LeaseHolders = new Map();
      const mapped = new Set(plan.nodes.map((n) => n.cluster));
      const handle = admin.watch('leases', plan.leaseNamespace, (event) => {
        const op = leaseWatchOp(event, holders, mapped);
        if (op !== undefined) history.record(op);
      }, { identity: HARNESS_IDENTITY });
      stopLeaseWatch = () => handle.stop();
      cleanup.push(async () => stopLeaseWatch());
    }
    const bridgeOfSegment = new Map<string, string>();
    const bridgePeers: Record<string, string> = {};
    if (containers) {
      for (const node of plan.nodes) {
        for (const iface of node.interfaces) {
          const port = await bridgePortOf(nodeNetnsName(options.runId, node.cluster), iface.name, hostNetns, exec);
          bridgePeers[`${node.scenario}/${iface.name}`] = port.peer;
          if (!bridgeOfSegment.has(iface.segment)) bridgeOfSegment.set(iface.segment, port.bridge);
        }
      }
    }
    const lab = planLab(scenario, options.runId);
    if (options.target === 'l2lab' && containers) {
      const datapath = planNodeDatapath(plan.nodes.map((n) => ({ netns: nodeNetnsName(options.runId, n.cluster), interfaces: n.interfaces })), lab.localRoutes, lab.clients.map((c) => ({ ip: c.ip, segment: c.segment })));
      cleanup.push(async () => {
        for (const argv of datapath.down) await exec(argv[0] ?? 'true', argv.slice(1)).catch(() => undefined);
      });
      for (const argv of datapath.up) await exec(argv[0] ?? 'true', argv.slice(1));
    }
    const procDir = join(options.runDir, 'proc');
    await mkdir(procDir, { recursive: true });
    const neighHistory = new MemoryHistory(clock);
    const monitors: NeighMonitor[] = [];
    const probers: RoleProcess[] = [];
    const clientNetns = new Map<string, string>();
    if (scenario.topology.clients.length > 0 && !containers) {
      problems.push('no clients: the kubeconfig provider has no bridge to plug them into (no probes, no neighbour caches, no capture)');
    } else if (scenario.topology.clients.length > 0) {
      const clients = planKubeClients(lab, options.runId, hostNetns, (segment) => bridgeOfSegment.get(segment));
      cleanup.push(async () => {
        for (const argv of clients.down) await exec(argv[0] ?? 'true', argv.slice(1)).catch(() => undefined);
      });
      await manifest?.recordAll(clients.clients.map((c) => ({ kind: 'netns' as const, name: c.netns })));
      for (const argv of clients.up) await exec(argv[0] ?? 'true', argv.slice(1));
      const servicePort = (service: string): number => scenario.manifests.services.find((s) => `${s.namespace}/${s.name}` === service)?.ports?.[0]?.port ?? 7;
      for (const client of clients.clients) {
        clientNetns.set(client.name, client.netns);
        const probes = worldPlan.probes[client.name];
        if (probes !== undefined) {
          const prober = await startRoleProcess({
            name: `${client.name}-prober`, role: 'prober', netns: client.netns, dir: procDir, readyTimeoutMs: 20_000, runId: options.runId, onSpawn: recordSpawn(client.netns),
            config: { client: client.name, services: probes.services.map((service) => ({ service, port: servicePort(service) })), ratePerSecond: 1000 / probes.intervalMs, timeoutMs: probes.timeoutMs, vipsPath: join(options.runDir, 'vips.json'), epochMonoNs: epoch.epochMonoNs, historyPath: join(procDir, `${client.name}-prober.history.jsonl`) },
          });
          probers.push(prober);
          cleanup.push(() => killRoleProcess(prober));
        }
        const monitor = await NeighMonitor.start({ netns: client.netns, client: client.name, iface: client.iface, clock, history: neighHistory, onSpawn: recordSpawn(client.netns) });
        cleanup.push(() => monitor.stop());
        monitors.push(monitor);
      }
    }
    const pcapDir = join(options.runDir, 'pcap');
    await mkdir(pcapDir, { recursive: true });
    const captures: RunCapture[] = [];
    for (const [segment, bridge] of bridgeOfSegment) {
      const path = join(pcapDir, `${segment}.pcap`);
      const capture = await startCapture({ netns: hostNetns, iface: bridge, pcapPath: path, snaplenBytes: 256, onSpawn: recordSpawn(hostNetns) });
      cleanup.push(() => capture.stop());
      captures.push({ capture, path, segment: worldPlan.segmentInterface[segment] ?? segment });
    }
    lap('observeMs');

    // --- time zero: objects, nemesis, run -------------------------------------------------------
    const t0Ms = clock.monotonicMs();
    const runClock = new LabClock(monoNs + BigInt(Math.round(t0Ms * 1e6)));
    const objects = planRealObjects(scenario, plan.leaseNamespace);
    for (const { resource, object } of objects.objects.filter((o) => o.resource !== 'nodes')) {
      const meta = object.metadata as { name: string; namespace?: string; annotations?: Record<string, string> };
      // The run id as an annotation (a label could change what a selector in the scenario matches).
      const marked = { ...object, metadata: { ...meta, annotations: { ...(meta.annotations ?? {}), [RUN_ANNOTATION]: options.runId } } };
      try {
        await admin.create(resource, marked as unknown as KubeObject, { identity: HARNESS_IDENTITY });
      } catch (error) {
        // A namespace the cluster already has (the Lease namespace, kube-system) is not ours to remove.
        if (resource === 'namespaces' && error instanceof StoreError && error.code === 'store-conflict') continue;
        throw error;
      }
      cleanup.push(() => admin.delete({ resource, namespace: meta.namespace ?? '', name: meta.name }, { identity: HARNESS_IDENTITY }));
    }
    const world = new KubeWorld({
      plan, store: admin, exec, clock: runClock, history, clientNetns: (c) => clientNetns.get(c),
      context: { runId: options.runId, netnsOf: (node) => nodeNetnsName(options.runId, toCluster[node] ?? node), bridgeNetns: hostNetns, bridgePeers, agentReadyTimeoutMs: readyTimeoutMs },
    });
    cleanup.push(async () => {
      for (const name of world.attachedNetns) await detachNetns(name, exec).catch(() => undefined);
    });
    lap('objectsMs');
    progress(`cluster world up: cluster ${phases.clusterMs} ms, observation ${phases.observeMs} ms; running ${scenario.durationMs / 1000} s`);

    const timeline = nemesisTimeline(scenario);
    const windowEndMs = Math.min(scenario.expectations.leaseLoad?.toMs ?? timeline[0]?.atMs ?? scenario.durationMs, scenario.durationMs);
    let candidates: ReturnType<typeof watched.observer.leaseCandidates> | undefined;
    const snapshot = runClock.setTimer(Math.max(0, windowEndMs - runClock.monotonicMs()), () => void (candidates = watched.observer.leaseCandidates()));
    const { performed, skipped } = splitUnsupported(timeline, plan);
    const steps: StepRecord[] = [...skipped];
    await runLabNemesis(scenario, performed, { world, clock: runClock, history, adminStore: clusterNamedStore(admin, toCluster), leaseNamespace: plan.leaseNamespace, ...(options.signal === undefined ? {} : { signal: options.signal }) }, steps);
    steps.sort((a, b) => a.atMs - b.atMs);
    const remainingMs = scenario.durationMs - runClock.monotonicMs();
    if (remainingMs > 0 && options.signal?.aborted !== true) await runClock.sleep(remainingMs, options.signal);
    const runMs = runClock.monotonicMs();
    const end = options.signal?.aborted === true ? 'interrupted' : 'completed';
    snapshot.cancel();
    candidates ??= watched.observer.leaseCandidates();
    lap('runMs');

    // --- collection and judgement ------------------------------------------------------------------
    for (const prober of probers) await killRoleProcess(prober).catch(() => undefined);
    await watched.stop();
    stopLeaseWatch();
    const historyDirs = [procDir];
    if (options.target === 'l2lab' && containers) {
      for (const node of plan.nodes) {
        const dir = join(options.runDir, 'state', node.scenario);
        await mkdir(dir, { recursive: true });
        await exec('docker', ['cp', `${node.container ?? node.cluster}:${agentStateDir}/.`, dir], { timeoutMs: 120_000 }).then(
          () => historyDirs.push(dir),
          (error: unknown) => void problems.push(`copying the agent histories of ${node.cluster}: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    } else if (options.target === 'l2lab') {
      problems.push('agent histories not collected: the kubeconfig provider cannot reach the nodes\' hostPath (judged from the API, and the wire where there is one)');
    }
    const sources = await collectSources({ ops: history.ops(), captures, epochWallUs: epoch.epochWallUs, monitors, neighOps: neighHistory.ops(), historyDirs }, problems);
    problems.push(...world.problems);
    const ops = rebase(mergeHistories(sources).map((op) => opInScenarioNames(op, plan.toScenario)), t0Ms).filter((op) => op.tMs <= runMs);
    lap('collectMs');
    const interfaces = topologyInterfaces(scenario.manifests, plan.nodes.flatMap((n) => {
      const topo = scenario.topology.nodes.find((s) => s.name === n.scenario);
      return n.interfaces.map((i) => ({ node: n.scenario, iface: i.name, mac: i.mac ?? topo?.interfaces.find((x) => x.name === i.name)?.mac ?? '', segment: worldPlan.segmentInterface[i.segment] ?? i.segment }));
    }));
    const judged = judgeInputFor(scenario, worldPlan.profile, {
      timing,
      interfaces,
      bounds: { observerLagMs: LAB_OBSERVER_LAG_MS },
      leaseLoad: { input: { services: candidates, nodeCount: scenario.topology.nodes.length, retryPeriodMs: timing.retryPeriodMs, renewDeadlineMs: timing.renewDeadlineMs, optimisticRenew: profile.l2.optimisticRenew } },
    });
    const blind = options.target === 'cilium' ? withoutAgentEvidence(judged.expected) : undefined;
    const judge = blind === undefined ? judged : { ...judged, expected: blind.expected };
    if (blind !== undefined) problems.push(`target cilium: ${AGENT_EVIDENCE_INVARIANTS.join(', ')} are reported only (their evidence is the agents' own ops, which Cilium does not record)${blind.moved.length > 0 ? `; the scenario expected ${blind.moved.join(', ')}` : ''}`);
    const notes = [...worldPlan.notes, ...plan.notes, `nodes: ${plan.nodes.map((n) => `${n.scenario}=${n.cluster}`).join(', ')}`, ...objects.skipped, ...problems.slice(0, 50), ...(problems.length > 50 ? [`… and ${problems.length - 50} more problems`] : [])];
    return { ops, steps, plan: worldPlan, judge, results: judgeRun(ops, judge), end, phasesMs: phases, notes, runMs, nodeMap: toCluster };
  } finally {
    for (const undo of cleanup.reverse()) await undo().catch((error: unknown) => void progress(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
    for (const name of attached.reverse()) await detachNetns(name, exec).catch(() => undefined);
    // Whatever the closures could not undo is still recorded: teardown retries it, then drops the file.
    if (manifest !== undefined) await teardownLab(manifest, { exec }).catch((error: unknown) => void progress(`cleanup: ${error instanceof Error ? error.message : String(error)} ('l2lab reap' retries)`));
    admin.close();
  }
}

/** Timeline actions this world performs, and step records for those it cannot (unsupported). */
export function splitUnsupported(timeline: readonly TimedAction[], plan: Pick<KubeRunPlan, 'unsupported'>): { performed: TimedAction[]; skipped: StepRecord[] } {
  const performed: TimedAction[] = [];
  const skipped: StepRecord[] = [];
  for (const timed of timeline) {
    const reason = plan.unsupported[timed.action.action];
    if (reason === undefined) performed.push(timed);
    else skipped.push({ atMs: timed.atMs, occurrence: timed.occurrence, action: timed.action.action, outcome: 'skipped', reason, unsupported: true, ...(timed.inverseOf === undefined ? {} : { inverseOf: timed.inverseOf }) });
  }
  return { performed, skipped };
}

/**
 * Sets the l2lab agent DaemonSet to the run (and back at the end), then waits until every mapped
 * node runs a new agent pod that is Ready.
 * @throws Error naming the DaemonSet or the nodes whose pods did not come up within the bound.
 */
async function rollAgents(admin: KubeObjectStore, plan: KubeRunPlan, settings: Parameters<typeof daemonSetForRun>[1], clock: LabClock, timeoutMs: number, cleanup: (() => Promise<unknown>)[], signal: AbortSignal | undefined): Promise<void> {
  const selector = Object.entries(plan.agents.labels);
  const matches = (o: KubeObject): boolean => selector.every(([k, v]) => (o.metadata.labels as Record<string, string> | undefined)?.[k] === v);
  const daemonSets = (await admin.list('daemonsets', plan.agents.namespace, { identity: HARNESS_IDENTITY })).filter(matches);
  const original = daemonSets[0];
  if (original === undefined || daemonSets.length > 1) {
    throw new Error(`setting the l2lab agents to the run: ${daemonSets.length === 0 ? 'no' : String(daemonSets.length)} DaemonSet(s) labelled ${selector.map(([k, v]) => `${k}=${v}`).join(',')} (run 'l2lab cluster up --target l2lab' first, or use --target cilium)`);
  }
  const before = new Set((await admin.list('pods', original.metadata.namespace, { identity: HARNESS_IDENTITY })).map((p) => String(p.metadata.uid)));
  await admin.replace('daemonsets', daemonSetForRun(original, settings), { identity: HARNESS_IDENTITY });
  cleanup.push(async () => {
    const current = await admin.get({ resource: 'daemonsets', namespace: original.metadata.namespace, name: original.metadata.name }, { identity: HARNESS_IDENTITY });
    await admin.replace('daemonsets', { ...original, metadata: { ...original.metadata, resourceVersion: current.metadata.resourceVersion } }, { identity: HARNESS_IDENTITY });
  });
  const deadline = clock.monotonicMs() + timeoutMs;
  let waiting = plan.nodes.map((n) => n.cluster);
  for (let i = 0; i < 100_000 && waiting.length > 0; i++) {
    const pods = (await admin.list('pods', original.metadata.namespace, { identity: HARNESS_IDENTITY })).filter((p) => matches(p) && !before.has(String(p.metadata.uid)) && isReady(p));
    waiting = waiting.filter((node) => !pods.some((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === node));
    if (waiting.length === 0) return;
    if (clock.monotonicMs() > deadline) break;
    if ((await clock.sleep(1000, signal)) === 'aborted') throw new Error('setting the l2lab agents to the run: interrupted (SIGINT); tearing down');
  }
  throw new Error(`setting the l2lab agents to the run: no new Ready agent pod on ${waiting.join(', ')} within ${timeoutMs} ms (kubectl -n ${original.metadata.namespace} get pods -o wide)`);
}

/** A real Cilium's Lease timing (`cilium-timing.ts`); Cilium's defaults when its ConfigMap is not readable. */
async function ciliumTiming(admin: KubeObjectStore): Promise<LeaseTiming> {
  const config = await admin.get({ resource: 'configmaps', namespace: 'kube-system', name: 'cilium-config' }, { identity: HARNESS_IDENTITY }).catch(() => undefined);
  return ciliumTimingOf(((config as { data?: Record<string, string> } | undefined)?.data) ?? {});
}

function isReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
