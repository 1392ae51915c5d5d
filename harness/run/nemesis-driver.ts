/**
 * Runs a scenario's nemesis timeline on a sim world: every {@link TimedAction} becomes one kernel
 * event at its virtual time; node targets are resolved when the event fires (`holder-of` reads the
 * Lease in the store at that instant, `target-of` names the node an earlier occurrence acted on).
 * Each occurrence leaves one {@link StepRecord}: done, or skipped with the reason (no holder at
 * that instant, a restart of a node that is running, an interface the resolved node lacks, or an
 * action the sim world does not model — never silently). Every action of the vocabulary is
 * modelled today; {@link SIM_UNSUPPORTED} stays the place to list one a new world feature lacks.
 */
import type { NemesisAction, NodeRef } from '../scenario/nemesis-types.ts';
import type { TimedAction } from '../scenario/timeline.ts';
import type { Scenario } from '../scenario/types.ts';
import type { LinkShape } from '../core/net.ts';
import { MGMT_IFACE, type ResponderWorld } from '../sim/responder-world.ts';
import { ScenarioEditor } from './scenario-edits.ts';

/** What one timed action did. */
export interface StepRecord {
  readonly atMs: number;
  readonly occurrence: string;
  readonly action: string;
  /** The node it acted on (resolved), when it has one. */
  readonly node?: string;
  readonly outcome: 'done' | 'skipped';
  /** Why it was skipped. */
  readonly reason?: string;
  /** True when skipped because the sim world does not model the action (results are incomplete). */
  readonly unsupported?: boolean;
  readonly inverseOf?: string;
}

/** Actions the sim world does not model, with why (none today). */
export const SIM_UNSUPPORTED: Readonly<Partial<Record<NemesisAction['action'], string>>> = {};

/**
 * Schedules every action of `timeline` on the world's kernel; returns the (growing) log.
 * `segmentInterface` maps scenario segments to the sim segment (interface name) carrying them.
 */
export function scheduleNemesis(world: ResponderWorld, scenario: Scenario, timeline: readonly TimedAction[], segmentInterface: Readonly<Record<string, string>>): StepRecord[] {
  const log: StepRecord[] = [];
  const targets = new Map<string, string>();
  const editor = new ScenarioEditor(world, scenario);
  for (const timed of timeline) {
    world.kernel.at(timed.atMs, () => {
      const record = perform(world, editor, timed, targets, segmentInterface);
      log.push({ atMs: timed.atMs, occurrence: timed.occurrence, action: timed.action.action, ...(timed.inverseOf === undefined ? {} : { inverseOf: timed.inverseOf }), ...record });
      if (record.node !== undefined) targets.set(timed.occurrence, record.node);
    }, `nemesis ${timed.occurrence}`);
  }
  return log;
}

type Outcome = Pick<StepRecord, 'node' | 'outcome' | 'reason' | 'unsupported'>;

function perform(world: ResponderWorld, editor: ScenarioEditor, timed: TimedAction, targets: ReadonlyMap<string, string>, segmentInterface: Readonly<Record<string, string>>): Outcome {
  const action = timed.action;
  const unsupported = SIM_UNSUPPORTED[action.action];
  if ('node' in action && action.node !== undefined) {
    const node = resolveNode(world, action.node, targets);
    if ('skip' in node) return { outcome: 'skipped', reason: node.skip };
    if (unsupported !== undefined) return { node: node.name, outcome: 'skipped', reason: unsupported, unsupported: true };
    return { node: node.name, ...nodeAction(world, action, node.name) };
  }
  if (unsupported !== undefined) return { outcome: 'skipped', reason: unsupported, unsupported: true };
  switch (action.action) {
    case 'netem':
      if (action.client === undefined) break;
      world.netem({ client: action.client }, shapeOf(action));
      return { outcome: 'done' };
    case 'netem-clear':
      if (action.client === undefined) break;
      world.netemClear({ client: action.client });
      return { outcome: 'done' };
    case 'partition-nodes': {
      const groups: string[][] = [];
      const seen = new Set<string>();
      for (const group of action.groups) {
        const names: string[] = [];
        for (const ref of group) {
          const node = resolveNode(world, ref, targets);
          if ('skip' in node) return { outcome: 'skipped', reason: node.skip };
          if (seen.has(node.name)) return { outcome: 'skipped', reason: `partition-nodes: ${node.name} is in two groups at this instant` };
          seen.add(node.name);
          names.push(node.name);
        }
        groups.push(names);
      }
      world.partitionNodes(groups);
      return { outcome: 'done' };
    }
    case 'heal-nodes':
      world.healNodes();
      return { outcome: 'done' };
    case 'api-outage':
      world.apiOutage(true);
      return { outcome: 'done' };
    case 'api-restore':
      world.apiOutage(false);
      return { outcome: 'done' };
    case 'restart-operator':
      world.restartOperator();
      return { outcome: 'done' };
    case 'segment-down':
    case 'segment-up': {
      const iface = segmentInterface[action.segment];
      if (iface === undefined) return { outcome: 'skipped', reason: `no node interface on segment ${action.segment}` };
      for (const name of world.nodeNames) {
        if (!world.node(name).ports.has(iface)) continue;
        if (action.action === 'segment-down') world.linkDown(name, iface);
        else world.linkUp(name, iface);
      }
      return { outcome: 'done' };
    }
    case 'edit':
    case 'apply':
    case 'delete':
    case 'patch-lease':
      return editor.perform(action);
    default:
      break;
  }
  return { outcome: 'skipped', reason: `${action.action} is not modelled by the sim world`, unsupported: true };
}

function nodeAction(world: ResponderWorld, action: NemesisAction, node: string): Outcome {
  switch (action.action) {
    case 'kill-node':
      world.killNode(node);
      break;
    case 'restart-node':
      if (!world.restartNode(node)) return { outcome: 'skipped', reason: `restart-node: ${node} is running (only a killed node boots again)` };
      break;
    case 'netem':
    case 'netem-clear': {
      const iface = action.iface;
      if (iface !== undefined && iface !== MGMT_IFACE && !world.node(node).ports.has(iface)) return { outcome: 'skipped', reason: `${action.action}: ${node} has no interface ${iface}` };
      const target = { node, ...(iface === undefined ? {} : { iface }) };
      if (action.action === 'netem') world.netem(target, shapeOf(action));
      else world.netemClear(target);
      break;
    }
    case 'kill-agent':
      world.killAgent(node);
      break;
    case 'restart-agent':
      world.restartAgent(node);
      break;
    case 'freeze':
      world.freezeAgent(node);
      break;
    case 'thaw':
      world.thawAgent(node);
      break;
    case 'partition-api':
      world.partitionApi(node);
      break;
    case 'heal-api':
      world.healApi(node);
      break;
    case 'link-down':
      world.linkDown(node, action.iface);
      break;
    case 'link-up':
      world.linkUp(node, action.iface);
      break;
    default:
      return { outcome: 'skipped', reason: `${action.action} on a node is not modelled by the sim world`, unsupported: true };
  }
  return { outcome: 'done' };
}

/** The netem shape a step asks for (the fields it sets). Pure; every world's driver uses it. */
export function shapeOf(action: Extract<NemesisAction, { action: 'netem' }>): LinkShape {
  return { ...(action.delayMs === undefined ? {} : { delayMs: action.delayMs }), ...(action.jitterMs === undefined ? {} : { jitterMs: action.jitterMs }), ...(action.lossPercent === undefined ? {} : { lossPercent: action.lossPercent }) };
}

function resolveNode(world: ResponderWorld, ref: NodeRef, targets: ReadonlyMap<string, string>): { readonly name: string } | { readonly skip: string } {
  return resolveNodeRef(ref, targets, ref.kind === 'holder-of' ? world.holderOf(ref.service) : undefined);
}

/**
 * A node name, or why there is none at this instant. Pure: `holder` is the holder of the
 * referenced service's Lease now ('' released, undefined absent), read by the world's driver —
 * synchronously in sim, from the real API server in lab.
 */
export function resolveNodeRef(ref: NodeRef, targets: ReadonlyMap<string, string>, holder: string | undefined): { readonly name: string } | { readonly skip: string } {
  switch (ref.kind) {
    case 'node':
      return { name: ref.name };
    case 'holder-of':
      if (holder === undefined || holder === '') return { skip: `holder-of ${ref.service}: the Lease ${holder === undefined ? 'does not exist' : 'is released'} at this instant` };
      return { name: holder };
    case 'target-of': {
      const name = targets.get(ref.step);
      return name === undefined ? { skip: `target-of ${ref.step}: that occurrence acted on no node` } : { name };
    }
  }
}
