/**
 * One scenario run in the `lab` world, from inside the lab namespace (the CLI re-executes itself
 * there, see `host-entry.ts`): build the topology, start the real control plane in its namespace,
 * open the observer's watches, create the scenario's objects, start captures and every process,
 * run the nemesis timeline in real time until the duration, stop everything, turn pcaps, neighbour
 * changes and process histories into one history, and judge it with the sim's checkers —
 * unchanged. Teardown is the caller's (LIFO over the run manifest), so an exception anywhere still
 * leaves nothing behind.
 *
 * Time zero of the history is the run epoch, taken just before captures and processes start; the
 * scenario's `at:` times count from there, as virtual time counts from world start in sim.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryOp } from '../../core/history.ts';
import type { ObjectStore } from '../../core/object-store.ts';
import type { Clock } from '../../core/clock.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { mergeHistories } from '../capture/merge-histories.ts';
import { summarizeAuditForRun } from '../capture/audit-window.ts';
import type { LeaseLoadInput } from '../../l2/lease-load.ts';
import { topologyInterfaces } from '../../checker/topology-interfaces.ts';
import { F } from '../../checker/vocabulary.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { checkTimingOf } from '../../impl/metallb/sim-seam.ts';
import { judgeRun } from '../../run/judge.ts';
import { realResourcesFor } from '../kube/model-store.ts';
import type { StepRecord } from '../../run/nemesis-driver.ts';
import { judgeInputFor, type SimRunOutput } from '../../run/run-scenario.ts';
import { worldOptionsFor } from '../../run/scenario-world.ts';
import { nemesisTimeline } from '../../scenario/timeline.ts';
import type { Scenario } from '../../scenario/types.ts';
import { HARNESS_IDENTITY } from './lab-edits.ts';
import { runLabNemesis } from './lab-nemesis.ts';
import { LabWorld, type LabControlPlane, type LabFabric, type LabPlacement } from './lab-world.ts';
import { planRealObjects, policyApiOf } from './real-objects.ts';
import type { RoleProcess } from './role-process.ts';

/**
 * How far the lab observer's model ops may trail what an agent acted on (`observerLagMs`): watch
 * delivery to two processes plus the observer's parse, on a loaded 2-core VM measured up to ~60 ms.
 */
export const LAB_OBSERVER_LAG_MS = 250;

/** Cilium's announce Leases live in the agent's namespace. */
export const LAB_LEASE_NAMESPACE = 'kube-system';

/** A capture or monitor the run started; `stop()` ends it and yields its history entries. */
export interface RunningObservation {
  stop(): Promise<{ readonly ops: readonly { readonly tMs: number; readonly process: string; readonly type: HistoryOp['type']; readonly f: string; readonly value: HistoryOp['value'] }[]; readonly problems: readonly string[] }>;
}

/** The parts of the lab other modules build (topology, control plane, captures, stores, clock). */
export interface LabParts {
  /** Creates namespaces, bridges, links; returns where everything lives and the fault adapter. */
  buildTopology(scenario: Scenario, onProgress: (line: string) => void): Promise<{ readonly placement: LabPlacement; readonly fabric: LabFabric; readonly bridges: readonly { readonly segment: string; readonly bridge: string }[]; readonly labNetns: string }>;
  /** Starts etcd + kube-apiserver in the control-plane namespace. */
  startControlPlane(nodeNames: readonly string[], onProgress: (line: string) => void): Promise<LabControlPlane>;
  /** A store of real objects as `identityId`. */
  realStore(controlPlane: LabControlPlane, identityId: string): ObjectStore;
  /** The model view over a real store; `resources` maps model resources to real ones (default Cilium's). */
  modelStore(real: ObjectStore, onProblem: (message: string) => void, resources?: Readonly<Record<string, string>>): ObjectStore;
  /** The shared run epoch, a clock counting from it, and clocks counting from a later instant. */
  epoch(): { readonly epochMonoNs: string; readonly epochWallUs: number; readonly clock: Clock; clockFrom(offsetMs: number): Clock };
  /** tcpdump on a bridge of the lab netns; ops are `arp-observed` with `segment` as given. */
  startCapture(labNetns: string, bridge: string, segment: string, pcapPath: string, epochWallUs: number): Promise<RunningObservation>;
  /** `ip monitor neigh` of a client. */
  startNeighMonitor(client: string, netns: string, iface: string, clock: Clock): Promise<RunningObservation>;
  /** Reads one process's history file (complete lines; a torn last line is a problem). */
  readProcessHistory(path: string): Promise<{ readonly ops: readonly HistoryOp[]; readonly problems: readonly string[] }>;
  /** Records a started process in the run manifest. */
  recordProcess(process: Omit<RoleProcess, 'exited'>): Promise<void>;
}

/** Options of {@link runScenarioInLab}. */
export interface LabRunOptions {
  readonly seed: number;
  /** The lab run id (processes carry it in their environment). */
  readonly runId?: string;
  readonly profile?: string;
  /** Where pcaps, process files and logs go (the report directory's `lab/`). */
  readonly runDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (line: string) => void;
}

/** What a lab run produced: what a sim run does (no kernel events), and the lab's own facts. */
export interface LabRunOutput extends Omit<SimRunOutput, 'events'> {
  readonly end: 'completed' | 'interrupted';
  /** Wall ms of each phase (bring-up, run, collection). */
  readonly phasesMs: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
  /** Run-relative ms at which the run reached its duration (or stopped). */
  readonly runMs: number;
  /** The API server's own count of Lease requests over the run, per identity and verb (audit log). */
  readonly auditLeaseRequests: Readonly<Record<string, Readonly<Record<string, { readonly count: number; readonly p50Ms: number; readonly p99Ms: number }>>>>;
}

/**
 * Runs `scenario` in the lab and judges it.
 * @throws Error from any bring-up step (the caller tears down).
 */
export async function runScenarioInLab(scenario: Scenario, parts: LabParts, options: LabRunOptions): Promise<LabRunOutput> {
  const progress = options.onProgress ?? ((): void => {});
  const plan = worldOptionsFor(scenario, { seed: options.seed, ...(options.profile === undefined ? {} : { profile: options.profile }) });
  const profile = getProfile(plan.profile);
  const phases: Record<string, number> = {};
  const wall = (): number => performance.now();
  let t = wall();
  const notes: string[] = [];

  const topology = await parts.buildTopology(scenario, progress);
  phases.topologyMs = Math.round(wall() - t);
  t = wall();
  const controlPlane = await parts.startControlPlane(topology.placement.nodes.map((n) => n.name), progress);
  phases.controlPlaneMs = Math.round(wall() - t);
  t = wall();

  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    return await runBroughtUp();
  } finally {
    // On success these are already stopped (idempotent); on an error they must not keep the process alive.
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined);
  }

  async function runBroughtUp(): Promise<LabRunOutput> {
    const epoch = parts.epoch();
    const history = new MemoryHistory(epoch.clock);
    const admin = parts.realStore(controlPlane, 'admin');
    const problems: string[] = [];
    const model = parts.modelStore(admin, (m) => problems.push(m), realResourcesFor(policyApiOf(scenario)));
    const world = new LabWorld({
      scenario, profile, seed: options.seed, ...(options.runId === undefined ? {} : { runId: options.runId }), runDir: options.runDir, epochMonoNs: epoch.epochMonoNs, clock: epoch.clock, history,
      adminStore: admin, modelStore: model, controlPlane, fabric: topology.fabric, placement: topology.placement,
      leaseNamespace: LAB_LEASE_NAMESPACE, probes: plan.probes, onSpawn: (p) => parts.recordProcess(p), onProgress: progress,
    });
    cleanup.push(() => world.stopAll());
    await world.watch();
    const observations: RunningObservation[] = [];
    await mkdir(join(options.runDir, 'pcap'), { recursive: true });
    for (const { segment, bridge } of topology.bridges) {
      const sim = plan.segmentInterface[segment] ?? segment;
      const capture = await parts.startCapture(topology.labNetns, bridge, sim, join(options.runDir, 'pcap', `${segment}.pcap`), epoch.epochWallUs);
      observations.push(capture);
      cleanup.push(() => capture.stop());
    }
    for (const client of topology.placement.clients) {
      const monitor = await parts.startNeighMonitor(client.name, client.netns, 'eth0', epoch.clock);
      observations.push(monitor);
      cleanup.push(() => monitor.stop());
    }
    await world.start();
    // Time zero of the scenario: the agents and the operator are running (as in sim, where they
    // start with the world), and now the cluster's objects appear. Ops before it (process
    // start-up) are dropped and every time is rebased onto it below.
    const t0Ms = epoch.clock.monotonicMs();
    const clock = epoch.clockFrom(t0Ms);
    const objects = planRealObjects(scenario, LAB_LEASE_NAMESPACE);
    notes.push(...objects.skipped);
    for (const { resource, object } of objects.objects) {
      await admin.create(resource, object as never, { identity: HARNESS_IDENTITY }).catch((error: unknown) => {
        throw new Error(`creating ${String(object.kind)} ${JSON.stringify((object.metadata as { name?: string }).name)} in the lab API server: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    phases.processesMs = Math.round(wall() - t);
    progress(`lab up: topology ${phases.topologyMs} ms, control plane ${phases.controlPlaneMs} ms, captures + processes + objects ${phases.processesMs} ms`);
    t = wall();

    // The lease-load model's input: the candidates at the end of the measurement window.
    const timeline = nemesisTimeline(scenario);
    const windowEndMs = Math.min(scenario.expectations.leaseLoad?.toMs ?? timeline[0]?.atMs ?? scenario.durationMs, scenario.durationMs);
    let candidates: LeaseLoadInput['services'] | undefined;
    const snapshot = clock.setTimer(Math.max(0, windowEndMs - clock.monotonicMs()), () => void (candidates = world.observer.leaseCandidates()));
    const steps: StepRecord[] = [];
    await runLabNemesis(scenario, timeline, { world, clock, history, adminStore: admin, leaseNamespace: LAB_LEASE_NAMESPACE, ...(options.signal === undefined ? {} : { signal: options.signal }) }, steps);
    const remainingMs = scenario.durationMs - clock.monotonicMs();
    if (remainingMs > 0 && options.signal?.aborted !== true) {
      progress(`running to ${scenario.durationMs / 1000} s`);
      await clock.sleep(remainingMs, options.signal);
    }
    const runMs = clock.monotonicMs();
    const end = options.signal?.aborted === true ? 'interrupted' : 'completed';
    snapshot.cancel();
    candidates ??= world.observer.leaseCandidates();
    phases.runMs = Math.round(wall() - t);
    t = wall();

    await world.stopAll();
    const sources: HistoryOp[][] = [[...history.ops()]];
    for (const observation of observations) {
      const { ops, problems: p } = await observation.stop();
      sources.push(ops.map((op, index) => ({ index, ...op })));
      problems.push(...p);
    }
    for (const path of world.historyFiles()) {
      const { ops, problems: p } = await parts.readProcessHistory(path);
      sources.push([...ops]);
      problems.push(...p, ...processProblems(ops));
    }
    problems.push(...world.problems);
    const auditLeaseRequests = await auditCounts(controlPlane.auditLogPath, epoch.epochWallUs + t0Ms * 1000, epoch.epochWallUs + (t0Ms + runMs) * 1000).catch((error: unknown) => {
      problems.push(`audit log: ${error instanceof Error ? error.message : String(error)}`);
      return {};
    });
    const ops = rebase(mergeHistories(sources), t0Ms).filter((op) => op.tMs <= runMs);
    phases.collectMs = Math.round(wall() - t);

    const interfaces = topologyInterfaces(scenario.manifests, scenario.topology.nodes.flatMap((n) => n.interfaces.map((i) => ({ node: n.name, iface: i.name, mac: i.mac, segment: plan.segmentInterface[i.segment] ?? i.segment }))));
    // The checkers judge with what the sim world does: memberlist's bound for a MetalLB profile.
    const timing = checkTimingOf(profile, scenario.topology.nodes.length, scenario.timing.effective);
    const base = {
      timing,
      interfaces,
      // The observer is one more watcher of the API server: its model ops may trail the agents.
      bounds: { observerLagMs: LAB_OBSERVER_LAG_MS },
      // MetalLB takes no Leases: no lease-load model (as the sim world's check context).
      ...(profile.implementation === 'metallb' ? {} : { leaseLoad: { input: { services: candidates, nodeCount: scenario.topology.nodes.length, retryPeriodMs: timing.retryPeriodMs, renewDeadlineMs: timing.renewDeadlineMs, optimisticRenew: profile.l2.optimisticRenew, ...(profile.kubeVip === undefined ? {} : { leaseGc: false }) } } }),
    };
    const judge = judgeInputFor(scenario, plan.profile, base);
    notes.push(...plan.notes, ...problems.slice(0, 50), ...(problems.length > 50 ? [`… and ${problems.length - 50} more problems (see the process logs)`] : []));
    return { ops, steps, plan, judge, results: judgeRun(ops, judge), end, phasesMs: phases, notes, runMs, auditLeaseRequests };
  }
}

/**
 * The history on the scenario's time axis: ops before `t0Ms` (process start-up) dropped, every
 * `tMs` — and a wire op's run-relative `tUs` — moved back by `t0Ms`, indexes renumbered. Pure.
 */
export function rebase(ops: readonly HistoryOp[], t0Ms: number): HistoryOp[] {
  return ops
    .filter((op) => op.tMs >= t0Ms)
    .map((op, index) => {
      const value = op.value;
      const tUs = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { tUs?: unknown }).tUs : undefined;
      const shifted = typeof tUs === 'number' ? { ...(value as object), tUs: Math.round(tUs - t0Ms * 1000) } : value;
      return { ...op, index, tMs: op.tMs - t0Ms, value: shifted as HistoryOp['value'] };
    });
}

/** Lease requests per identity and verb the API server received in `[fromUs, toUs)` (wall µs). */
async function auditCounts(path: string, fromUs: number, toUs: number): Promise<LabRunOutput['auditLeaseRequests']> {
  const { summary } = await summarizeAuditForRun(path, fromUs, toUs);
  return Object.fromEntries(Object.entries(summary).map(([user, verbs]) => [user, Object.fromEntries(Object.entries(verbs).map(([verb, stats]) => [verb, { count: stats.count, p50Ms: stats.latency.p50Ms, p99Ms: stats.latency.p99Ms }]))]));
}

/** The `process-problem` ops a role process recorded (a helper of it failed), as problem lines. */
function processProblems(ops: readonly HistoryOp[]): string[] {
  return ops.filter((op) => op.f === F.processProblem).map((op) => {
    const value = op.value as { readonly message?: unknown } | null;
    return `${op.process}: ${typeof value?.message === 'string' ? value.message : JSON.stringify(op.value)}`;
  });
}
