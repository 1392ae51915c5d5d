/**
 * The nemesis timeline of the docker world, in real time (as the lab's `runLabNemesis`): node
 * faults through the container nemesis, object edits as the lab performs them, the rest recorded
 * as skipped (not performed by the docker provider). Every occurrence leaves a {@link StepRecord}.
 */
import type { Clock } from '../../core/clock.ts';
import type { History } from '../../core/history.ts';
import type { ObjectStore } from '../../core/object-store.ts';
import { performLabEdit } from '../../lab/world/lab-edits.ts';
import { resolveNodeRef, type StepRecord } from '../../run/nemesis-driver.ts';
import type { TimedAction } from '../../scenario/timeline.ts';
import type { DockerWorld } from './docker-world.ts';

/** Ports of {@link runDockerNemesis}. */
export interface DockerNemesisPorts {
  readonly world: DockerWorld;
  readonly clock: Clock;
  readonly history: History;
  readonly adminStore: ObjectStore;
  readonly leaseNamespace: string;
  readonly signal?: AbortSignal;
}

type Outcome = Pick<StepRecord, 'node' | 'outcome' | 'reason' | 'unsupported'>;

const NODE_ACTIONS = {
  'kill-agent': (w: DockerWorld, n: string) => w.killAgent(n),
  'restart-agent': (w: DockerWorld, n: string) => w.restartAgent(n),
  'kill-node': (w: DockerWorld, n: string) => w.killNode(n),
  'restart-node': (w: DockerWorld, n: string) => w.restartNode(n),
  freeze: (w: DockerWorld, n: string) => w.freeze(n),
  thaw: (w: DockerWorld, n: string) => w.thaw(n),
} as const;

/** Performs `timeline` as the clock reaches each action; resolves when the last ran or the signal aborted. */
export async function runDockerNemesis(timeline: readonly TimedAction[], ports: DockerNemesisPorts, log: StepRecord[]): Promise<void> {
  const targets = new Map<string, string>();
  for (const timed of [...timeline].sort((a, b) => a.atMs - b.atMs)) {
    const waitMs = timed.atMs - ports.clock.monotonicMs();
    if (waitMs > 0 && (await ports.clock.sleep(waitMs, ports.signal)) === 'aborted') return;
    if (ports.signal?.aborted === true) return;
    let record: Outcome;
    try {
      record = await perform(timed, targets, ports);
    } catch (error) {
      record = { outcome: 'skipped', reason: `failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    log.push({ atMs: timed.atMs, occurrence: timed.occurrence, action: timed.action.action, ...(timed.inverseOf === undefined ? {} : { inverseOf: timed.inverseOf }), ...record });
    if (record.node !== undefined) targets.set(timed.occurrence, record.node);
  }
}

async function perform(timed: TimedAction, targets: ReadonlyMap<string, string>, ports: DockerNemesisPorts): Promise<Outcome> {
  const action = timed.action;
  const nodeAction = (NODE_ACTIONS as Record<string, ((w: DockerWorld, n: string) => Promise<void>) | undefined>)[action.action];
  if (nodeAction !== undefined && 'node' in action && action.node !== undefined) {
    const holder = action.node.kind === 'holder-of' ? await ports.world.holderOf(action.node.service) : undefined;
    const node = resolveNodeRef(action.node, targets, holder);
    if ('skip' in node) return { outcome: 'skipped', reason: node.skip };
    await nodeAction(ports.world, node.name);
    return { node: node.name, outcome: 'done' };
  }
  switch (action.action) {
    case 'edit':
    case 'apply':
    case 'delete':
    case 'patch-lease':
      return performLabEdit(action, ports.adminStore, ports.history, ports.leaseNamespace);
    default:
      return { outcome: 'skipped', reason: `${action.action} is not performed by the docker provider (container faults only: kill/restart agent or node, freeze/thaw); use --world lab`, unsupported: true };
  }
}
