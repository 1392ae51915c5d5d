/**
 * How `explore` runs a resolved scenario in the sim: the {@link ScenarioSimRunner} port. The
 * mapping scenario → `ResponderWorld` belongs to the runner (`harness/run/scenario-world.ts`, shared
 * with `l2lab run`); until that lands, {@link interimSimRunner} maps the subset of the scenario
 * vocabulary the explorer generates. Replace it by the runner's mapping when it exists: exploration
 * and `l2lab run` must replay a regression identically.
 */
import type { HistoryOp } from '../core/history.ts';
import type { CheckContext } from '../checker/context.ts';
import { L2_POLICIES, NODES } from '../agent/model-objects.ts';
import { getProfile } from '../profiles/profiles.ts';
import { nemesisTimeline, type TimedAction } from '../scenario/timeline.ts';
import type { NodeRef, Scenario } from '../scenario/types.ts';
import { ResponderWorld, type SimClientSpec } from '../sim/responder-world.ts';

/** What a sim run leaves for the checkers. */
export interface SimRunOutcome {
  readonly ops: readonly HistoryOp[];
  readonly context: CheckContext;
}

/** Runs `scenario` in the sim with `seed` to its duration. */
export type ScenarioSimRunner = (scenario: Scenario, options: { readonly seed: number }) => SimRunOutcome;

/** Event budget of one explored run (a runaway world is an error, not a hang). */
const MAX_EVENTS_PER_RUN = 5_000_000;

/** The explorer's own mapping (interim; see the module comment). */
export const interimSimRunner: ScenarioSimRunner = (scenario, { seed }) => {
  const clients: SimClientSpec[] = scenario.topology.clients.map((c) => {
    const rate = scenario.workload.probes.find((p) => p.clients.includes(c.name))?.ratePerSecond;
    return {
      id: c.name,
      segment: segmentInterface(scenario, c.segment),
      ip: c.ip,
      mac: c.mac,
      neighbour: c.arp,
      probe: rate === undefined ? false : { intervalMs: 1_000 / rate, timeoutMs: Math.max(1_000 / rate, 400) },
    };
  });
  const world = new ResponderWorld({
    seed,
    manifests: scenario.manifests,
    profile: getProfile(scenario.profile),
    timing: scenario.timing.requested,
    ...(scenario.clientRateLimit === undefined ? {} : { rateLimit: scenario.clientRateLimit }),
    clients,
  });
  const targets = new Map<string, string>();
  for (const action of nemesisTimeline(scenario)) {
    if (action.atMs > scenario.durationMs) break;
    runTo(world, action.atMs);
    applyAction(world, action, targets);
  }
  runTo(world, scenario.durationMs);
  return { ops: world.history.ops(), context: world.checkContext() };
};

function runTo(world: ResponderWorld, untilMs: number): void {
  const result = world.runUntil(untilMs, MAX_EVENTS_PER_RUN);
  if (result.stoppedBy === 'event-budget') throw new Error(`sim run: event budget of ${MAX_EVENTS_PER_RUN} spent before ${untilMs} ms`);
}

/** The world's segments are named after interfaces: the interface nodes attach to `segment` with. */
function segmentInterface(scenario: Scenario, segment: string): string {
  for (const node of scenario.topology.nodes) for (const i of node.interfaces) if (i.segment === segment) return i.name;
  return 'eth0';
}

function resolveNode(world: ResponderWorld, ref: NodeRef, targets: ReadonlyMap<string, string>): string | undefined {
  if (ref.kind === 'node') return ref.name;
  if (ref.kind === 'target-of') return targets.get(ref.step);
  const holder = world.holderOf(ref.service);
  return holder === undefined || holder === '' || !world.nodeNames.includes(holder) ? undefined : holder;
}

function applyAction(world: ResponderWorld, timed: TimedAction, targets: Map<string, string>): void {
  const a = timed.action;
  if ('node' in a && a.node !== undefined) {
    const node = resolveNode(world, a.node, targets);
    if (node === undefined) return; // holder-of a service nobody holds: nothing to hit
    targets.set(timed.occurrence, node);
    const alive = world.node(node).alive;
    switch (a.action) {
      case 'kill-node': if (alive) world.killNode(node); return;
      case 'kill-agent': if (alive) world.killAgent(node); return;
      case 'restart-agent': if (alive) world.restartAgent(node); return;
      case 'freeze': world.freezeAgent(node); return;
      case 'thaw': world.thawAgent(node); return;
      case 'partition-api': world.partitionApi(node); return;
      case 'heal-api': world.healApi(node); return;
      case 'link-down': world.linkDown(node, a.iface); return;
      case 'link-up': world.linkUp(node, a.iface); return;
      default: throw new Error(`explore sim runner: action ${a.action} is not supported`);
    }
  }
  switch (a.action) {
    case 'api-outage': world.apiOutage(true); return;
    case 'api-restore': world.apiOutage(false); return;
    case 'restart-operator': world.restartOperator(); return;
    case 'edit': {
      const patch = a.patch as { metadata?: { labels?: Record<string, string | null> }; spec?: Record<string, unknown> };
      if (a.target.kind === 'Node') world.apply({ verb: 'patch', ref: { resource: NODES, namespace: '', name: a.target.name }, patch: { spec: { labels: patch.metadata?.labels ?? {} } } }, [...a.mayMoveIpsOf]);
      else if (a.target.kind === 'CiliumL2AnnouncementPolicy') {
        const selector = patch.spec?.nodeSelector as { matchLabels?: Record<string, string> } | undefined;
        world.apply({ verb: 'patch', ref: { resource: L2_POLICIES, namespace: '', name: a.target.name }, patch: { spec: { nodeSelector: { matchLabels: selector?.matchLabels ?? {}, matchExpressions: [] } } } }, [...a.mayMoveIpsOf]);
      } else throw new Error(`explore sim runner: edits of ${a.target.kind} are not supported`);
      return;
    }
    default:
      throw new Error(`explore sim runner: action ${a.action} is not supported`);
  }
}
