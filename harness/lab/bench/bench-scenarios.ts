/**
 * Scenarios the lab benchmark (`bench/lab-bench.ts`, issue 5 "Numbers") generates: many leader
 * kills in one bring-up, the lease-load grid (no nemesis, every node a candidate for every
 * service), and a minimal 3-node run for bring-up time. Pure: each returns YAML text in the
 * scenario format (`docs/scenarios.md`), so a test can parse what the benchmark runs.
 */
import { stringify } from 'yaml';
import { formatDurationMs } from '../../scenario/duration.ts';

/** A generated scenario: its `metadata.name` and the file's text. */
export interface BenchScenario {
  readonly name: string;
  readonly yaml: string;
}

/** The lease timing presets the grid uses (`fast` 3 s / 1 s / 200 ms, `cilium-default` 15 s / 5 s / 2 s). */
export type BenchTimings = 'fast' | 'cilium-default';

/** Lease timings of the presets, ms. */
export const BENCH_TIMINGS: Readonly<Record<BenchTimings, { readonly leaseDurationMs: number; readonly renewDeadlineMs: number; readonly retryPeriodMs: number }>> = {
  fast: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 },
  'cilium-default': { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 },
};

/** The announce label every generated node carries (the policy selects it). */
const ANNOUNCE = { 'l2lab.io/announce': 'true' };
/** 64 VIPs, inside the segment's /24 and clear of node (.10+k) and client (.200+j) addresses. */
const POOL_CIDR = '198.18.0.64/26';
/** The pool's usable size: enough for the grid's largest service count. */
export const MAX_BENCH_SERVICES = 62;

function topology(nodes: number, clients: number): Record<string, unknown> {
  return {
    segments: [{ name: 'lan' }],
    nodes: Array.from({ length: nodes }, (_, k) => ({ name: `n${k + 1}`, labels: ANNOUNCE, interfaces: [{ name: 'eth0', segment: 'lan' }] })),
    ...(clients === 0 ? {} : { clients: Array.from({ length: clients }, (_, j) => ({ name: `c${j + 1}`, segment: 'lan' })) }),
  };
}

function manifests(services: number): Record<string, unknown>[] {
  return [
    { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumL2AnnouncementPolicy', metadata: { name: 'lan' }, spec: { nodeSelector: { matchLabels: ANNOUNCE }, interfaces: ['^eth0$'], loadBalancerIPs: true } },
    { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'lan' }, spec: { blocks: [{ cidr: POOL_CIDR }] } },
    ...Array.from({ length: services }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: serviceName(services, i), namespace: 'default' },
      spec: { type: 'LoadBalancer', ports: [{ port: 7, protocol: 'UDP' }] },
    })),
  ];
}

/** `web` for a single service, else `svc-01` … (sorted names sort like their numbers). */
function serviceName(services: number, i: number): string {
  return services === 1 ? 'web' : `svc-${String(i + 1).padStart(2, '0')}`;
}

function render(header: readonly string[], doc: Record<string, unknown>): string {
  return `${header.map((line) => `# ${line}`).join('\n')}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** The faults a failover benchmark injects on the holder (each undone by its inverse with `downMs`). */
export const BENCH_FAULTS = ['kill-agent', 'kill-node', 'freeze', 'link-down'] as const;
export type BenchFault = (typeof BENCH_FAULTS)[number];

/** Lease timings: a preset, or explicit values (ms). */
export type BenchTimingSpec = BenchTimings | { readonly leaseDurationMs: number; readonly renewDeadlineMs: number; readonly retryPeriodMs: number };

/** Options of {@link failoverTrialsScenario}. */
export interface FailoverTrialsOptions {
  /** Faults of the holder (≥ 1, ≤ 1000). */
  readonly trials: number;
  /** Time between faults; must leave the takeover, the restart and the settling of the Lease. */
  readonly everyMs: number;
  /**
   * How long the fault lasts (the `for:` inverse: restart, thaw, link up); shorter than `everyMs`.
   * Undefined: never undone (a single-fault trial that ends before it would matter).
   */
  readonly downMs?: number;
  /** The first fault (after every agent is up and the Lease is held). */
  readonly firstKillMs: number;
  /** Behaviour profile (default `cilium-1.16`); `reference` prunes pinned entries on agent start. */
  readonly profile?: string;
  /** Fault injected on the holder of the first service (default `kill-agent`). */
  readonly fault?: BenchFault;
  /** Nodes, all candidates (default 3). */
  readonly nodes?: number;
  /** LoadBalancer services (default 1, `web`; more are `svc-01` …); the fault targets the first one's holder. */
  readonly services?: number;
  /** Lease timings (default `fast`). */
  readonly timings?: BenchTimingSpec;
  /** The client's neighbour settings as the scenario format writes them (`clients[].arp`: `arpAccept`, `baseReachableTime: 30s`, …). */
  readonly clientArp?: Readonly<Record<string, string | number | boolean>>;
  /** Run time after the last fault (default `everyMs`). */
  readonly tailMs?: number;
  /** Seed written into the scenario (default 1). */
  readonly seed?: number;
}

/** The lease timings (ms) of `spec`. */
export function timingOf(spec: BenchTimingSpec): { readonly leaseDurationMs: number; readonly renewDeadlineMs: number; readonly retryPeriodMs: number } {
  return typeof spec === 'string' ? BENCH_TIMINGS[spec] : spec;
}

/** The `timings` field of a scenario document for `spec`. */
function timingsField(spec: BenchTimingSpec): string | Record<string, string> {
  if (typeof spec === 'string') return spec;
  return { leaseDuration: formatDurationMs(spec.leaseDurationMs), renewDeadline: formatDurationMs(spec.renewDeadlineMs), retryPeriod: formatDurationMs(spec.retryPeriodMs) };
}

/**
 * `nodes` nodes (default 3), one client probing every service 10×/s, lease timings (default fast),
 * and the holder of the first service's Lease hit by `fault` (default: its agent SIGKILLed)
 * `trials` times (`repeat`), each undone `downMs` later (`for:`). The restart comes after the
 * failover bound so that every kill is judged (a holder revived before the deadline is not), and
 * the next kill comes once the restarted agent is a candidate again. With a profile that keeps
 * pinned entries across an agent restart (`pruneOnAgentStart` off, every Cilium release
 * modelled), a restarted agent that takes the Lease over later sends no GARP for the pair its
 * previous life pinned (`docs/lab.md`): the GARP component then measures that behaviour.
 * `l2lab bench failover` generates its sim trials (one fault, no `for`) and its lab runs here too.
 */
export function failoverTrialsScenario(options: FailoverTrialsOptions): BenchScenario {
  const { trials, everyMs, downMs, firstKillMs } = options;
  if (!(Number.isInteger(trials) && trials >= 1 && trials <= 1_000)) throw new RangeError(`failover trials: ${trials} kills; expected 1 … 1000`);
  if (downMs !== undefined && !(downMs > 0 && downMs < everyMs)) throw new RangeError(`failover trials: the agent stays down ${downMs} ms; expected 0 < down < every (${everyMs} ms)`);
  const nodes = options.nodes ?? 3;
  const services = options.services ?? 1;
  if (!(Number.isInteger(nodes) && nodes >= 2 && nodes <= 200)) throw new RangeError(`failover trials: ${nodes} nodes; expected 2 … 200 (a takeover needs another candidate)`);
  if (!(Number.isInteger(services) && services >= 1 && services <= MAX_BENCH_SERVICES)) throw new RangeError(`failover trials: ${services} services; expected 1 … ${MAX_BENCH_SERVICES} (the pool ${POOL_CIDR})`);
  const profile = options.profile ?? 'cilium-1.16';
  const fault = options.fault ?? 'kill-agent';
  const timings = options.timings ?? 'fast';
  const general = fault !== 'kill-agent' || nodes !== 3 || services !== 1 || timings !== 'fast' || options.clientArp !== undefined;
  const name = general ? `bench-${fault}-x${trials}-${nodes}n-${services}s-${profile.replaceAll('.', '')}` : `bench-leader-kill-x${trials}-${profile.replaceAll('.', '')}`;
  const durationMs = firstKillMs + (trials - 1) * everyMs + (options.tailMs ?? everyMs);
  const target = serviceName(services, 0);
  const step = {
    at: formatDurationMs(firstKillMs),
    id: 'fault-leader',
    action: fault,
    node: { 'holder-of': `default/${target}` },
    ...(fault === 'link-down' ? { iface: 'eth0' } : {}),
    ...(downMs === undefined ? {} : { for: formatDurationMs(downMs) }),
    ...(trials === 1 ? {} : { repeat: { every: formatDurationMs(everyMs), times: trials } }),
  };
  const topo = topology(nodes, 1);
  const clients = options.clientArp === undefined ? (topo.clients as Record<string, unknown>[]) : (topo.clients as Record<string, unknown>[]).map((c) => ({ ...c, arp: { ...options.clientArp } }));
  const doc = {
    apiVersion: 'l2lab.io/v1alpha1',
    kind: 'Scenario',
    metadata: { name, description: `${fault} on the holder of default/${target}'s lease ${trials} times (benchmark).` },
    profile,
    worlds: ['sim', 'lab'],
    duration: formatDurationMs(durationMs),
    seed: options.seed ?? 1,
    timings: timingsField(timings),
    topology: { ...topo, clients },
    manifests: manifests(services),
    workload: { probes: [{ clients: ['c1'], services: Array.from({ length: services }, (_, i) => `default/${serviceName(services, i)}`), ratePerSecond: 10 }] },
    nemesis: [step],
    expectations: { hold: ['one-responder', 'holder-eligible', 'holder-answers', 'failover-bound', 'reacquire', 'lease-scope'] },
  };
  const every = trials === 1 ? '' : `, every ${formatDurationMs(everyMs)}`;
  const undo = downMs === undefined ? 'never undone' : `each undone after ${formatDurationMs(downMs)}`;
  return { name, yaml: render([`${name} — generated by the failover benchmark: ${trials} × ${fault} of the holder in one bring-up${every},`, `${undo}; the failover components of every fault are the benchmark's samples.`], doc) };
}

/** Options of {@link leaseLoadScenario}. */
export interface LeaseLoadScenarioOptions {
  readonly nodes: number;
  readonly services: number;
  readonly timings: BenchTimingSpec;
  /** Each agent's client-go token bucket (Helm `k8sClientRateLimit`); default unlimited. */
  readonly clientRateLimit?: { readonly qps: number; readonly burst: number };
  /** Behaviour profile (default `cilium-1.16`). */
  readonly profile?: string;
  /** Expected time from the run epoch until every agent runs (grows with the node count). */
  readonly agentsUpMs: number;
  /** Length of the measurement window after the Leases settle (≥ 10 × retryPeriod). */
  readonly windowMs: number;
}

/** The measurement window a lease-load scenario declares, and its duration. */
export interface LeaseLoadPlan {
  readonly fromMs: number;
  readonly toMs: number;
  readonly durationMs: number;
}

/**
 * Where the lease-load window of a generated scenario sits: it opens 2 × leaseDuration after the
 * agents are expected up (the elections settle) and spans `windowMs`, rounded to whole seconds.
 */
export function leaseLoadPlan(options: LeaseLoadScenarioOptions): LeaseLoadPlan {
  const timing = timingOf(options.timings);
  if (!(options.windowMs >= 10 * timing.retryPeriodMs)) throw new RangeError(`lease-load window ${options.windowMs} ms: expected ≥ 10 × retryPeriod (${10 * timing.retryPeriodMs} ms)`);
  const fromMs = Math.ceil((options.agentsUpMs + 2 * timing.leaseDurationMs) / 1_000) * 1_000;
  const toMs = fromMs + Math.ceil(options.windowMs / 1_000) * 1_000;
  return { fromMs, toMs, durationMs: toMs };
}

/**
 * `nodes` nodes, `services` LoadBalancer services, every node a candidate for every Lease, no
 * client, no nemesis: only the elections' steady state, with the lease-load window set explicitly.
 */
export function leaseLoadScenario(options: LeaseLoadScenarioOptions): BenchScenario {
  const { nodes, services, timings } = options;
  if (!(Number.isInteger(nodes) && nodes >= 1 && nodes <= 200)) throw new RangeError(`lease-load: ${nodes} nodes; expected 1 … 200`);
  if (!(Number.isInteger(services) && services >= 1 && services <= MAX_BENCH_SERVICES)) throw new RangeError(`lease-load: ${services} services; expected 1 … ${MAX_BENCH_SERVICES} (the pool ${POOL_CIDR})`);
  const plan = leaseLoadPlan(options);
  const timingName = typeof timings === 'string' ? timings : `r${timings.retryPeriodMs}ms`;
  const limit = options.clientRateLimit;
  const name = `bench-lease-load-${nodes}n-${services}s-${timingName}${limit === undefined ? '' : `-q${limit.qps}b${limit.burst}`}`;
  const doc = {
    apiVersion: 'l2lab.io/v1alpha1',
    kind: 'Scenario',
    metadata: { name, description: `Lease load: ${nodes} nodes × ${services} services, ${timingName} timings (lab benchmark).` },
    profile: options.profile ?? 'cilium-1.16',
    worlds: ['sim', 'lab'],
    duration: formatDurationMs(plan.durationMs),
    seed: 1,
    timings: timingsField(timings),
    ...(limit === undefined ? {} : { clientRateLimit: { qps: limit.qps, burst: limit.burst } }),
    topology: topology(nodes, 0),
    manifests: manifests(services),
    expectations: { leaseLoad: { from: formatDurationMs(plan.fromMs), to: formatDurationMs(plan.toMs) } },
  };
  return { name, yaml: render([`${name} — generated by bench/lab-bench.ts: the elections' steady-state load on the real API server,`, `measured from ${formatDurationMs(plan.fromMs)} to ${formatDurationMs(plan.toMs)} (2 × leaseDuration after the agents are expected up).`], doc) };
}

/** 3 nodes, one client, one service, 1 s: the run is the bring-up (timed in `run.json`). */
export function bringUpScenario(): BenchScenario {
  const name = 'bench-bring-up';
  const doc = {
    apiVersion: 'l2lab.io/v1alpha1',
    kind: 'Scenario',
    metadata: { name, description: 'Lab bring-up: 3 nodes, one client, one service (lab benchmark).' },
    profile: 'cilium-1.16',
    worlds: ['sim', 'lab'],
    duration: '1s',
    seed: 1,
    timings: 'fast',
    topology: topology(3, 1),
    manifests: manifests(1),
    workload: { probes: [{ clients: ['c1'], services: ['default/web'], ratePerSecond: 10 }] },
  };
  return { name, yaml: render([`${name} — generated by bench/lab-bench.ts: a 3-node lab brought up and torn down; run.json's lab.phasesMs is the sample.`], doc) };
}
