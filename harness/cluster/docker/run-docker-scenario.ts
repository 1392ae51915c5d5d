/**
 * One scenario in the cluster world on the docker provider: the lab's wire and control plane, with
 * the nodes as containers of the responder image. Order: networks (one per segment + management,
 * in l2lab's own Docker daemon, whose namespace holds the bridges), the real kube-apiserver + etcd
 * in that namespace on the management gateway, the operator container, every node container
 * (datapath + echo) then every agent container at once, the client (prober) containers; sysctls
 * and `local` pool routes set through each container's network namespace (attached as
 * `l2d-<run>-<name>`), the containers' bridge ports found for the lab's fault adapter
 * (`DockerWire`); tcpdump on every data bridge, `ip monitor neigh` in each client; then the
 * scenario's objects (time zero), the nemesis in real time (the lab's `runLabNemesis` over
 * `DockerWorld`), and the sim's checkers on the merged history — as the lab does. Everything made
 * carries the run id and is removed at the end, whatever happened (the bridge partition table in
 * the daemon's namespace too).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { topologyInterfaces } from '../../checker/topology-interfaces.ts';
import { downControlPlane } from '../../control-plane/down.ts';
import { stopProcess, type ProcessRecord } from '../../control-plane/processes.ts';
import { upControlPlane } from '../../control-plane/up.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { mergeHistories } from '../../lab/capture/merge-histories.ts';
import { NeighMonitor } from '../../lab/capture/neigh-monitor.ts';
import { startCapture } from '../../lab/capture/tcpdump.ts';
import { KubeObjectStore } from '../../lab/kube/kube-object-store.ts';
import { ModelObjectStore } from '../../lab/kube/model-store.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../../lab/lab-clock.ts';
import { HARNESS_IDENTITY } from '../../lab/world/lab-edits.ts';
import { collectSources, type RunCapture } from '../observe/collect-sources.ts';
import { runLabNemesis } from '../../lab/world/lab-nemesis.ts';
import { controlPlaneOf } from '../../lab/world/lab-parts.ts';
import { LAB_LEASE_NAMESPACE, LAB_OBSERVER_LAG_MS, rebase, type LabRunOutput } from '../../lab/world/lab-run.ts';
import { planRealObjects } from '../../lab/world/real-objects.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { judgeRun } from '../../run/judge.ts';
import type { StepRecord } from '../../run/nemesis-driver.ts';
import { judgeInputFor } from '../../run/run-scenario.ts';
import { worldOptionsFor } from '../../run/scenario-world.ts';
import { nemesisTimeline } from '../../scenario/timeline.ts';
import type { Scenario } from '../../scenario/types.ts';
import { DOCKER_PROVIDER_NETNS } from '../plan/docker-daemon.ts';
import { connectNetwork, containerOps, createNetwork, listLabelled, removeLabelled, startContainer, useDockerDaemon, type ContainerSpec } from './docker-engine.ts';
import { planDockerWorld } from './docker-plan.ts';
import { DockerWire } from './docker-wire.ts';
import { DockerWorld } from './docker-world.ts';

const run = promisify(execFile);

/** Options of {@link runScenarioInDocker}. */
export interface DockerRunOptions {
  readonly runId: string;
  readonly seed: number;
  readonly profile?: string;
  /** The responder image (local, never pulled). */
  readonly image: string;
  /** Report directory's `cluster/` part: pcaps, container state, control plane. */
  readonly runDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (line: string) => void;
}

/** What a docker run produced: a lab run's output, and what cleanup left (nothing, unless it failed). */
export interface DockerRunOutput extends Omit<LabRunOutput, 'auditLeaseRequests'> {
  readonly leftovers: { readonly containers: readonly string[]; readonly networks: readonly string[]; readonly netns: readonly string[] };
}

/** Runs `scenario` on the docker provider and judges it. @throws Error from a bring-up step (after cleaning up). */
export async function runScenarioInDocker(scenario: Scenario, options: DockerRunOptions): Promise<DockerRunOutput> {
  useDockerDaemon();
  const progress = options.onProgress ?? ((): void => {});
  const worldPlan = worldOptionsFor(scenario, { seed: options.seed, ...(options.profile === undefined ? {} : { profile: options.profile }) });
  const profile = getProfile(worldPlan.profile);
  const plan = planDockerWorld(scenario, options.runId);
  const label = `${plan.label.key}=${plan.label.value}`;
  const labels = { [plan.label.key]: plan.label.value };
  const cleanup: (() => Promise<unknown>)[] = [];
  const phases: Record<string, number> = {};
  const wall = new SystemClock();
  let t = wall.monotonicMs();
  const lap = (name: string): void => {
    phases[name] = Math.round(wall.monotonicMs() - t);
    t = wall.monotonicMs();
  };
  const wire = new DockerWire({ plan, pidOf: (container) => containerOps.pid(container) });
  let output: Omit<DockerRunOutput, 'leftovers'> | undefined;
  try {
    // --- networks and control plane --------------------------------------------------------------
    for (const network of [...plan.networks, plan.mgmt]) {
      await createNetwork(network, labels);
      progress(`network ${network.name} (${network.subnet}, bridge ${network.bridge})`);
    }
    const cpDir = join(options.runDir, 'cp');
    cleanup.push(() => downControlPlane(cpDir, { keepLogs: true }));
    await upControlPlane({ runDir: cpDir, nodeNames: plan.nodes.map((n) => n.name), netns: DOCKER_PROVIDER_NETNS, address: plan.mgmt.gateway, onProgress: progress });
    // An API outage restarts kube-apiserver; the run record (downControlPlane) names only the first.
    const restarted: ProcessRecord[] = [];
    cleanup.push(async () => {
      for (const p of restarted) await stopProcess(p, 5_000, 5_000);
    });
    const cp = await controlPlaneOf(cpDir, DOCKER_PROVIDER_NETNS, { recordProcess: async (p) => void restarted.push(p) }, progress);
    const secrets = join(options.runDir, 'secrets');
    await mkdir(secrets, { recursive: true });
    await writeFile(join(secrets, 'ca.crt'), cp.caPem);
    for (const id of ['operator', ...plan.nodes.map((n) => `node-${n.name.replace(/^node-/, '')}`)]) await writeFile(join(secrets, `${id}.token`), cp.tokenOf(id));
    lap('controlPlaneMs');

    // --- containers ----------------------------------------------------------------------------
    const epoch = labEpochNow();
    const monoNs = parseEpochMonoNs(epoch.epochMonoNs);
    const clock = new LabClock(monoNs);
    const timing = scenario.timing.effective;
    const common = (state: string): Pick<ContainerSpec, 'image' | 'labels'> & { env: Record<string, string>; binds: ContainerSpec['binds'] } => ({
      image: options.image,
      labels,
      env: { L2LAB_STATE_DIR: '/state', L2LAB_EPOCH_MONO_NS: epoch.epochMonoNs, L2LAB_PROFILE: profile.name, L2LAB_API_SERVER: cp.serverUrl, L2LAB_CA_FILE: '/secrets/ca.crt' },
      binds: [{ source: state, target: '/state' }, { source: secrets, target: '/secrets', mode: 'ro' }],
    });
    const rateLimit: Record<string, string> = scenario.clientRateLimit === undefined ? {} : { L2LAB_QPS: String(scenario.clientRateLimit.qps), L2LAB_BURST: String(scenario.clientRateLimit.burst) };
    const stateOf = (what: string): string => join(options.runDir, 'state', what);
    for (const what of ['operator', ...plan.nodes.map((n) => n.name), ...plan.clients.map((c) => c.name)]) await mkdir(stateOf(what), { recursive: true });
    const vipsDir = join(options.runDir, 'vips');
    await mkdir(vipsDir, { recursive: true });
    cleanup.push(() => removeLabelled(label));

    const op = common(stateOf('operator'));
    await startContainer({ ...op, name: plan.operatorContainer, command: ['cluster-proc', 'operator'], env: { ...op.env, L2LAB_TOKEN_FILE: '/secrets/operator.token', L2LAB_SEED: String(options.seed), ...rateLimit }, capabilities: [], network: { name: plan.mgmt.name, ip: plan.lab.controlPlane.ip.replace(/\.1$/, '.2'), mac: '02:00:c6:13:f8:02' }, readyLines: 1 });
    progress('operator container up');

    const admin = new KubeObjectStore({ serverUrl: cp.serverUrl, caPem: cp.caPem, token: cp.tokenOf('admin') }, new SystemClock());
    const problems: string[] = [];
    const model = new ModelObjectStore(admin, (m) => problems.push(m));
    const history = new MemoryHistory(clock);
    const world = new DockerWorld({ plan, profile, history, clock, modelStore: model, adminStore: admin, leaseNamespace: LAB_LEASE_NAMESPACE, nodeStateDir: stateOf, vipsPath: join(vipsDir, 'vips.json'), readyTimeoutMs: 120_000, wire, controlPlane: cp });
    cleanup.push(() => world.stop());
    await world.watch();

    const ports = [...new Set([7, ...scenario.manifests.services.map((s) => s.ports?.[0]?.port).filter((p): p is number => p !== undefined)])];
    await Promise.all(plan.nodes.map(async (node) => {
      const c = common(stateOf(node.name));
      await startContainer({ ...c, name: node.container, command: ['cluster-proc', 'datapath,echo'], env: { ...c.env, NODE_NAME: node.name, L2LAB_DEVICES: node.data.iface, L2LAB_LEASE_DURATION: `${timing.leaseDurationMs}ms`, L2LAB_ECHO_PORTS: ports.join(',') }, capabilities: ['NET_ADMIN', 'NET_RAW', 'SYS_NICE'], network: { name: node.data.network, ip: node.data.ip, mac: node.data.mac }, readyLines: 2 });
      await connectNetwork(plan.mgmt.name, node.container, node.mgmtIp);
      await wire.attach(node.name);
      await wire.applyNetwork(node.name);
    }));
    progress(`${plan.nodes.length} node container(s) up (datapath + echo)`);
    await Promise.all(plan.nodes.map(async (node, k) => {
      const c = common(stateOf(node.name));
      await startContainer({
        ...c, name: node.agentContainer, command: ['cluster-proc', 'agent'],
        env: { ...c.env, NODE_NAME: node.name, L2LAB_DEVICES: node.data.iface, L2LAB_TOKEN_FILE: `/secrets/node-${node.name.replace(/^node-/, '')}.token`, L2LAB_LEASE_NAMESPACE: LAB_LEASE_NAMESPACE, L2LAB_LEASE_DURATION: `${timing.leaseDurationMs}ms`, L2LAB_LEASE_RENEW_DEADLINE: `${timing.renewDeadlineMs}ms`, L2LAB_LEASE_RETRY_PERIOD: `${timing.retryPeriodMs}ms`, L2LAB_SEED: String(options.seed * 1000 + k * 10), ...rateLimit },
        capabilities: ['NET_ADMIN', 'NET_RAW'], network: { container: node.container }, readyLines: 1,
      });
    }));
    progress(`${plan.nodes.length} agent container(s) up`);
    for (const client of plan.clients) {
      const c = common(stateOf(client.name));
      const probes = worldPlan.probes[client.name];
      const servicePort = (service: string): number => scenario.manifests.services.find((s) => `${s.namespace}/${s.name}` === service)?.ports?.[0]?.port ?? 7;
      await startContainer({
        ...c, name: client.container, command: ['cluster-proc', 'prober'], binds: [...c.binds, { source: vipsDir, target: '/vips', mode: 'ro' }],
        env: { ...c.env, L2LAB_CLIENT: client.name, L2LAB_PROBE_SERVICES: (probes?.services ?? []).map((s) => `${s}:${servicePort(s)}`).join(','), L2LAB_PROBE_RATE: String(probes === undefined ? 1 : 1000 / probes.intervalMs), L2LAB_PROBE_TIMEOUT_MS: String(probes?.timeoutMs ?? 1000), L2LAB_VIPS_FILE: '/vips/vips.json' },
        capabilities: ['NET_ADMIN', 'NET_RAW'], network: { name: client.network, ip: client.ip, mac: client.mac }, readyLines: 1,
      });
      await wire.attach(client.name);
      await wire.applyNetwork(client.name);
    }
    await wire.resolve();
    lap('containersMs');

    // --- observation, objects, nemesis -----------------------------------------------------------
    const pcapDir = join(options.runDir, 'pcap');
    await mkdir(pcapDir, { recursive: true });
    const captures: RunCapture[] = [];
    for (const network of plan.networks) {
      const path = join(pcapDir, `${network.segment}.pcap`);
      const capture = await startCapture({ netns: DOCKER_PROVIDER_NETNS, iface: network.bridge, pcapPath: path, snaplenBytes: 256 });
      cleanup.push(() => capture.stop());
      captures.push({ capture, path, segment: worldPlan.segmentInterface[network.segment ?? ''] ?? network.segment ?? '' });
    }
    const neighHistory = new MemoryHistory(clock);
    const monitors: NeighMonitor[] = [];
    for (const client of plan.clients) {
      const monitor = await NeighMonitor.start({ netns: client.netns, client: client.name, iface: 'eth0', clock, history: neighHistory });
      cleanup.push(() => monitor.stop());
      monitors.push(monitor);
    }
    const t0Ms = clock.monotonicMs();
    const runClock = new LabClock(monoNs + BigInt(Math.round(t0Ms * 1e6)));
    const objects = planRealObjects(scenario, LAB_LEASE_NAMESPACE);
    for (const { resource, object } of objects.objects) await admin.create(resource, object as never, { identity: HARNESS_IDENTITY });
    lap('objectsMs');
    progress(`docker world up: control plane ${phases.controlPlaneMs} ms, containers ${phases.containersMs} ms; running ${scenario.durationMs / 1000} s`);

    const timeline = nemesisTimeline(scenario);
    const windowEndMs = Math.min(scenario.expectations.leaseLoad?.toMs ?? timeline[0]?.atMs ?? scenario.durationMs, scenario.durationMs);
    let candidates: ReturnType<typeof world.observer.leaseCandidates> | undefined;
    const snapshot = runClock.setTimer(Math.max(0, windowEndMs - runClock.monotonicMs()), () => void (candidates = world.observer.leaseCandidates()));
    const steps: StepRecord[] = [];
    await runLabNemesis(scenario, timeline, { world, clock: runClock, history, adminStore: admin, leaseNamespace: LAB_LEASE_NAMESPACE, ...(options.signal === undefined ? {} : { signal: options.signal }) }, steps);
    const remainingMs = scenario.durationMs - runClock.monotonicMs();
    if (remainingMs > 0 && options.signal?.aborted !== true) await runClock.sleep(remainingMs, options.signal);
    const runMs = runClock.monotonicMs();
    const end = options.signal?.aborted === true ? 'interrupted' : 'completed';
    snapshot.cancel();
    candidates ??= world.observer.leaseCandidates();
    lap('runMs');

    // --- collection and judgement ----------------------------------------------------------------
    await removeLabelled(label); // every container gone: histories are complete
    await world.stop();
    const historyDirs = ['operator', ...plan.nodes.map((n) => n.name), ...plan.clients.map((c) => c.name)].map(stateOf);
    const sources = await collectSources({ ops: history.ops(), captures, epochWallUs: epoch.epochWallUs, monitors, neighOps: neighHistory.ops(), historyDirs }, problems);
    problems.push(...world.problems);
    const ops = rebase(mergeHistories(sources), t0Ms).filter((op) => op.tMs <= runMs);
    lap('collectMs');
    const interfaces = topologyInterfaces(scenario.manifests, scenario.topology.nodes.flatMap((n) => n.interfaces.map((i) => ({ node: n.name, iface: i.name, mac: i.mac, segment: worldPlan.segmentInterface[i.segment] ?? i.segment }))));
    const judge = judgeInputFor(scenario, worldPlan.profile, {
      timing,
      interfaces,
      bounds: { observerLagMs: LAB_OBSERVER_LAG_MS },
      leaseLoad: { input: { services: candidates, nodeCount: scenario.topology.nodes.length, retryPeriodMs: timing.retryPeriodMs, renewDeadlineMs: timing.renewDeadlineMs, optimisticRenew: profile.l2.optimisticRenew } },
    });
    const notes = [...worldPlan.notes, ...objects.skipped, ...problems.slice(0, 50), ...(problems.length > 50 ? [`… and ${problems.length - 50} more problems`] : [])];
    output = { ops, steps, plan: worldPlan, judge, results: judgeRun(ops, judge), end, phasesMs: phases, notes, runMs };
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined);
    // The bridge partition table lives in the daemon's namespace, which outlives the run.
    await (async () => wire.net.healNodes())().catch(() => undefined);
    await wire.detachAll();
  }
  const left = await listLabelled(label);
  const netnsLeft = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(`l2d-${options.runId}-`));
  return { ...output, leftovers: { ...left, netns: netnsLeft } };
}
