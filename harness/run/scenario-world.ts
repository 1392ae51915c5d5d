/**
 * Scenario → `sim` world: the resolved {@link Scenario} (topology, manifests, profile, timings,
 * client rate limit, workload) mapped onto {@link ResponderWorldOptions}, and the world built from
 * them. Pure except for {@link buildWorld}, which constructs the world (virtual time 0, nothing
 * run yet). `l2lab run` and `l2lab explore` share this mapping, so a regression file replays the
 * world `explore` found it in.
 *
 * What the sim world can and cannot represent:
 * - its L2 segments are keyed by interface name (every node's `eth0` is on segment `eth0`), so
 *   each scenario segment must carry exactly one interface name, and each interface name must
 *   live on one segment — anything else is a {@link ScenarioWorldError} naming the line;
 * - node MACs are the world's `nodeMac(k, i)` (the scenario's defaults); an explicit `mac` that
 *   differs is reported in `notes` and the world's MAC is what the history and the checkers use;
 * - probes are UDP echo probes to each target service's current ingress IPs at the highest rate
 *   any probe spec of the client asks for; the destination port is not modelled.
 */
import { metallbRunNote } from '../impl/metallb/sim-seam.ts';
import type { FdbSettings } from '../sim/sim-segment.ts';
import { parseCidr } from '../core/ip.ts';
import type { RateLimit } from '../election/api-client.ts';
import { getProfile, PROFILES } from '../profiles/profiles.ts';
import { implementationTiming } from '../impl/kube-vip/default-timing.ts';
import type { SourceRef } from '../model/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { nodeMac, ResponderWorld, type ResponderWorldOptions, type SimClientSpec } from '../sim/responder-world.ts';

/** Options of {@link buildWorld} / {@link worldOptionsFor}. */
export interface BuildWorldOptions {
  /** The run's seed (the scenario's `seed` is only the CLI's default). */
  readonly seed: number;
  /** Profile override (the CLI's `--profile`); default the scenario's. */
  readonly profile?: string;
  /** Record a history (default true; benchmarks may turn it off). */
  readonly recordHistory?: boolean;
}

/** A problem that makes the scenario unrunnable in `sim`, located in the scenario file. */
export interface WorldIssue {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** The scenario uses something the sim world cannot represent. */
export class ScenarioWorldError extends Error {
  readonly issues: readonly WorldIssue[];

  constructor(message: string, issues: readonly WorldIssue[]) {
    super(message);
    this.name = 'ScenarioWorldError';
    this.issues = issues;
  }
}

/** Probe timeout floor: a probe is given at least this long for its echo. */
export const PROBE_TIMEOUT_MIN_MS = 500;

/** What a client probes: per client id, the services (`ns/name`) and the probe interval. */
export interface ClientProbePlan {
  readonly services: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** The world options of a scenario, plus what the mapping had to approximate. */
export interface WorldPlan {
  readonly options: ResponderWorldOptions;
  /** Profile name in effect. */
  readonly profile: string;
  /** Scenario segment → the interface name (= sim segment) that carries it. */
  readonly segmentInterface: Readonly<Record<string, string>>;
  /** Per client: what it probes (absent = keeps a cache, sends no probes). */
  readonly probes: Readonly<Record<string, ClientProbePlan>>;
  /** Approximations worth telling the user (reported in run.json and summary.md). */
  readonly notes: readonly string[];
}

/**
 * Maps a scenario onto world options. Pure.
 * @throws ScenarioWorldError when the topology or profile cannot be represented in `sim`.
 */
export function worldOptionsFor(scenario: Scenario, options: BuildWorldOptions): WorldPlan {
  const issues: WorldIssue[] = [];
  const issue = (source: SourceRef, message: string): void => void issues.push({ file: source.file, line: source.line, message });
  const profile = options.profile ?? scenario.profile;
  if (!PROFILES.has(profile)) issue(scenario.source, `unknown profile ${JSON.stringify(profile)}: expected one of ${[...PROFILES.keys()].join(', ')}`);
  const segmentInterface = mapSegments(scenario, issue);
  const notes: string[] = [];
  scenario.topology.nodes.forEach((node, k) =>
    node.interfaces.forEach((iface, i) => {
      const mac = nodeMac(k, i);
      if (iface.mac.toLowerCase() !== mac) notes.push(`${node.name}/${iface.name}: sim uses MAC ${mac}, not the scenario's ${iface.mac}`);
    }),
  );
  const probes = probePlans(scenario);
  const clients = scenario.topology.clients.map((client): SimClientSpec => {
    const segment = segmentInterface[client.segment];
    const subnet = scenario.topology.segments.find((s) => s.name === client.segment)?.subnet ?? '';
    const prefixLength = parseCidr(subnet)?.prefixLength ?? 24;
    if (segment === undefined) issue(client.source, `client ${client.name} is on segment ${client.segment}, which no node interface is attached to: the sim world needs a node interface on every client's segment`);
    const plan = probes[client.name];
    return {
      id: client.name,
      segment: segment ?? client.segment,
      ip: client.ip,
      mac: client.mac,
      neighbour: { ...client.arp, prefixLength },
      probe: plan === undefined ? false : { intervalMs: plan.intervalMs, timeoutMs: plan.timeoutMs },
    };
  });
  if (issues.length > 0) throw new ScenarioWorldError(`scenario ${scenario.name} cannot run in the sim world`, issues);
  const rateLimit: RateLimit | undefined = scenario.clientRateLimit;
  const timing = implementationTiming(getProfile(profile), scenario.timing.effective, scenario.timing.preset);
  if (timing.note !== undefined) notes.push(timing.note);
  const metallbNote = metallbRunNote(getProfile(profile), scenario.topology.nodes.length);
  if (metallbNote !== undefined) notes.push(metallbNote);
  return {
    options: {
      seed: options.seed,
      manifests: scenario.manifests,
      profile: getProfile(profile),
      timing: timing.timing,
      ...segmentFdbs(scenario, segmentInterface),
      ...(rateLimit === undefined ? {} : { rateLimit }),
      clients,
      ...(options.recordHistory === undefined ? {} : { recordHistory: options.recordHistory }),
    },
    profile,
    segmentInterface,
    probes,
    notes,
  };
}

/** Builds the world of a scenario at virtual time 0 (see {@link worldOptionsFor}). */
export function buildWorld(scenario: Scenario, options: BuildWorldOptions): ResponderWorld {
  return buildWorldFromPlan(worldOptionsFor(scenario, options)).world;
}

/** The world of a plan, with probe targets kept current (each client's services' ingress IPs). */
export function buildWorldFromPlan(plan: WorldPlan): { readonly world: ResponderWorld; readonly plan: WorldPlan } {
  // Targets are filled in place on every Service commit: the prober reads `vips` each round.
  const targets = new Map<string, string[]>(Object.keys(plan.probes).map((client) => [client, []]));
  const clients = (plan.options.clients ?? []).map((spec) => {
    const vips = targets.get(spec.id);
    return vips === undefined ? spec : { ...spec, vips };
  });
  const world = new ResponderWorld({ ...plan.options, clients });
  const refresh = (): void => {
    for (const [client, vips] of targets) {
      const ips = [...new Set((plan.probes[client]?.services ?? []).flatMap((s) => world.ingressIps(s)))].sort();
      vips.splice(0, vips.length, ...ips);
    }
  };
  world.server.onCommit((resource) => {
    if (resource === 'services') refresh();
  });
  refresh();
  return { world, plan };
}

/** Scenario segment → the single interface name its node ports use. */
function mapSegments(scenario: Scenario, issue: (source: SourceRef, message: string) => void): Record<string, string> {
  const namesOn = new Map<string, Set<string>>();
  const segmentsOf = new Map<string, Set<string>>();
  for (const node of scenario.topology.nodes) {
    for (const iface of node.interfaces) {
      namesOn.set(iface.segment, (namesOn.get(iface.segment) ?? new Set()).add(iface.name));
      segmentsOf.set(iface.name, (segmentsOf.get(iface.name) ?? new Set()).add(iface.segment));
    }
  }
  const out: Record<string, string> = {};
  for (const segment of scenario.topology.segments) {
    const names = [...(namesOn.get(segment.name) ?? [])].sort();
    if (names.length > 1) issue(segment.source, `segment ${segment.name} carries interfaces ${names.join(', ')}: the sim world keys segments by interface name, so every node's interface on one segment must have the same name`);
    const [name] = names;
    if (name !== undefined) out[segment.name] = name;
  }
  for (const [name, segments] of segmentsOf) {
    if (segments.size > 1) {
      const first = scenario.topology.nodes.find((n) => n.interfaces.some((i) => i.name === name));
      issue(first?.source ?? scenario.source, `interface name ${name} is used on segments ${[...segments].sort().join(', ')}: the sim world keys segments by interface name, so one name must stay on one segment`);
    }
  }
  return out;
}

/** The segments' bridge FDB settings (M06), keyed by the sim segment (interface name); none when no segment has one. */
function segmentFdbs(scenario: Scenario, segmentInterface: Readonly<Record<string, string>>): { segmentFdb?: Record<string, FdbSettings> } {
  const out: Record<string, FdbSettings> = {};
  for (const segment of scenario.topology.segments) {
    const iface = segmentInterface[segment.name];
    if (segment.fdb !== undefined && iface !== undefined) out[iface] = segment.fdb;
  }
  return Object.keys(out).length === 0 ? {} : { segmentFdb: out };
}

/** Per client: every service any probe spec gives it, at the fastest rate asked. */
function probePlans(scenario: Scenario): Record<string, ClientProbePlan> {
  const plans: Record<string, { services: Set<string>; rate: number }> = {};
  for (const probe of scenario.workload.probes) {
    for (const client of probe.clients) {
      const plan = (plans[client] ??= { services: new Set(), rate: 0 });
      for (const service of probe.services) plan.services.add(service);
      plan.rate = Math.max(plan.rate, probe.ratePerSecond);
    }
  }
  const out: Record<string, ClientProbePlan> = {};
  for (const [client, plan] of Object.entries(plans)) {
    if (plan.rate <= 0 || plan.services.size === 0) continue;
    const intervalMs = Math.max(1, Math.round(1000 / plan.rate));
    out[client] = { services: [...plan.services].sort(), intervalMs, timeoutMs: Math.max(intervalMs, PROBE_TIMEOUT_MIN_MS) };
  }
  return out;
}
