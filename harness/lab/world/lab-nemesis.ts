/**
 * Runs a scenario's nemesis timeline in a real-time world — the lab, or the cluster world's docker
 * provider (both implement {@link NemesisWorld}): each {@link TimedAction} is performed when the
 * run clock reaches its `atMs` (actions due at once run in timeline order, one after the other, as
 * the sim kernel runs same-instant events). Targets resolve when the action runs — `holder-of`
 * reads the Lease from the real API server at that moment — and every occurrence leaves a
 * {@link StepRecord}, done or skipped with the reason, exactly as in sim.
 */
import type { Clock } from '../../core/clock.ts';
import { complete } from '../../core/net.ts';
import { resolveNodeRef, shapeOf, type StepRecord } from '../../run/nemesis-driver.ts';
import type { NemesisAction, NodeRef } from '../../scenario/nemesis-types.ts';
import type { TimedAction } from '../../scenario/timeline.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { History } from '../../core/history.ts';
import type { ObjectStore } from '../../core/object-store.ts';
import type { Grudge, LinkShape } from '../../core/net.ts';
import { performLabEdit } from './lab-edits.ts';

/**
 * The faults a real-time world performs, each recording its nemesis op in the history as the sim's
 * `ResponderWorld` does (`LabWorld`, `DockerWorld`).
 */
export interface NemesisWorld {
  /** The holder in a service's Lease now ('' released, undefined absent). */
  holderOf(service: string): Promise<string | undefined>;
  killNode(node: string): Promise<void>;
  restartNode(node: string): Promise<void>;
  killAgent(node: string): Promise<void>;
  restartAgent(node: string): Promise<void>;
  freeze(node: string): void | Promise<void>;
  thaw(node: string): void | Promise<void>;
  partitionApi(node: string): Promise<void>;
  healApi(node: string): Promise<void>;
  linkDown(node: string, iface: string): Promise<void>;
  linkUp(node: string, iface: string): Promise<void>;
  /** API server outage on (`true`) or over (`false`: serving again). */
  apiOutage(down: boolean): Promise<void>;
  restartOperator(): Promise<void>;
  /** netem on a node or client interface (`mgmt` = a node's API link); `undefined` clears it. */
  netem(target: { readonly node?: string; readonly client?: string }, iface: string, shape: LinkShape | undefined): Promise<void>;
  partitionNodes(grudge: Grudge): Promise<void>;
  healNodes(): Promise<void>;
}

/** Ports of {@link runLabNemesis}. */
export interface LabNemesisPorts {
  readonly world: NemesisWorld;
  readonly clock: Clock;
  readonly history: History;
  readonly adminStore: ObjectStore;
  readonly leaseNamespace: string;
  /** Stops the schedule early (SIGINT). */
  readonly signal?: AbortSignal;
}

type Outcome = Pick<StepRecord, 'node' | 'outcome' | 'reason' | 'unsupported'>;

/**
 * Performs `timeline` (sorted by `atMs`) as the clock reaches each action; resolves when the last
 * one ran or the signal aborted. The log grows as actions run.
 */
export async function runLabNemesis(scenario: Scenario, timeline: readonly TimedAction[], ports: LabNemesisPorts, log: StepRecord[]): Promise<void> {
  const targets = new Map<string, string>();
  const ordered = [...timeline].sort((a, b) => a.atMs - b.atMs);
  for (const timed of ordered) {
    const waitMs = timed.atMs - ports.clock.monotonicMs();
    if (waitMs > 0 && (await ports.clock.sleep(waitMs, ports.signal)) === 'aborted') return;
    if (ports.signal?.aborted === true) return;
    let record: Outcome;
    try {
      record = await perform(scenario, timed, targets, ports);
    } catch (error) {
      record = { outcome: 'skipped', reason: `failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    log.push({ atMs: timed.atMs, occurrence: timed.occurrence, action: timed.action.action, ...(timed.inverseOf === undefined ? {} : { inverseOf: timed.inverseOf }), ...record });
    if (record.node !== undefined) targets.set(timed.occurrence, record.node);
  }
}

async function perform(scenario: Scenario, timed: TimedAction, targets: ReadonlyMap<string, string>, ports: LabNemesisPorts): Promise<Outcome> {
  const { world } = ports;
  const action = timed.action;
  if ('node' in action && action.node !== undefined && action.action !== 'netem' && action.action !== 'netem-clear') {
    const node = await resolveNode(world, action.node, targets);
    if ('skip' in node) return { outcome: 'skipped', reason: node.skip };
    return { node: node.name, ...(await nodeAction(world, action, node.name)) };
  }
  switch (action.action) {
    case 'api-outage':
      await world.apiOutage(true);
      return { outcome: 'done' };
    case 'api-restore':
      await world.apiOutage(false);
      return { outcome: 'done' };
    case 'restart-operator':
      await world.restartOperator();
      return { outcome: 'done' };
    case 'segment-down':
    case 'segment-up': {
      const members = scenario.topology.nodes.flatMap((n) => n.interfaces.filter((i) => i.segment === action.segment).map((i) => ({ node: n.name, iface: i.name })));
      if (members.length === 0) return { outcome: 'skipped', reason: `no node interface on segment ${action.segment}` };
      for (const m of members) {
        if (action.action === 'segment-down') await world.linkDown(m.node, m.iface);
        else await world.linkUp(m.node, m.iface);
      }
      return { outcome: 'done' };
    }
    case 'netem':
    case 'netem-clear': {
      const target = action.node === undefined ? undefined : await resolveNode(world, action.node, targets);
      if (target !== undefined && 'skip' in target) return { outcome: 'skipped', reason: target.skip };
      const who = target === undefined ? (action.client === undefined ? undefined : { client: action.client }) : { node: target.name };
      if (who === undefined) return { outcome: 'skipped', reason: `${action.action} names neither a node nor a client` };
      const shape = action.action === 'netem' ? shapeOf(action) : undefined;
      await world.netem(who, action.iface ?? 'eth0', shape);
      return { ...(target === undefined ? {} : { node: target.name }), outcome: 'done' };
    }
    case 'partition-nodes': {
      const groups: string[][] = [];
      for (const group of action.groups) {
        const names: string[] = [];
        for (const ref of group) {
          const node = await resolveNode(world, ref, targets);
          if ('skip' in node) return { outcome: 'skipped', reason: node.skip };
          names.push(node.name);
        }
        groups.push(names);
      }
      const grudge = new Map<string, Set<string>>();
      groups.forEach((group, i) => {
        const others = groups.filter((_, j) => j !== i).flat();
        for (const node of group) grudge.set(node, new Set(others));
      });
      await world.partitionNodes(complete(grudge));
      return { outcome: 'done' };
    }
    case 'heal-nodes':
      await world.healNodes();
      return { outcome: 'done' };
    case 'edit':
    case 'apply':
    case 'delete':
    case 'patch-lease':
      return performLabEdit(action, ports.adminStore, ports.history, ports.leaseNamespace);
    default:
      return { outcome: 'skipped', reason: `${action.action} is not implemented by the lab world`, unsupported: true };
  }
}

async function nodeAction(world: NemesisWorld, action: NemesisAction, node: string): Promise<Outcome> {
  switch (action.action) {
    case 'kill-node':
      await world.killNode(node);
      break;
    case 'restart-node':
      await world.restartNode(node);
      break;
    case 'kill-agent':
      await world.killAgent(node);
      break;
    case 'restart-agent':
      await world.restartAgent(node);
      break;
    case 'freeze':
      await world.freeze(node);
      break;
    case 'thaw':
      await world.thaw(node);
      break;
    case 'partition-api':
      await world.partitionApi(node);
      break;
    case 'heal-api':
      await world.healApi(node);
      break;
    case 'link-down':
      await world.linkDown(node, action.iface);
      break;
    case 'link-up':
      await world.linkUp(node, action.iface);
      break;
    default:
      return { outcome: 'skipped', reason: `${action.action} on a node is not implemented by the lab world`, unsupported: true };
  }
  return { outcome: 'done' };
}

function resolveNode(world: NemesisWorld, ref: NodeRef, targets: ReadonlyMap<string, string>): Promise<{ readonly name: string } | { readonly skip: string }> {
  if (ref.kind !== 'holder-of') return Promise.resolve(resolveNodeRef(ref, targets, undefined));
  return world.holderOf(ref.service).then((holder) => resolveNodeRef(ref, targets, holder));
}
