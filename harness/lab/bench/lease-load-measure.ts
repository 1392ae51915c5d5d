/**
 * The lease-load benchmark's analysis (issue 5 "Numbers"): lease requests per second by verb on
 * the real API server against `estimateLeaseLoad`, in total and per node, with the requests'
 * latency and errors, from a run's history (`lease-request` completions, recorded by each agent).
 *
 * The window is the run's own: it opens 2 × leaseDuration after the *last* agent's first lease
 * request (agents start one by one on a loaded machine, so a fixed offset from the run epoch can
 * catch the first elections) and closes at the scenario's declared end. Every node is a candidate
 * for every service (the generated scenarios select them all). Pure.
 */
import type { HistoryOp } from '../../core/history.ts';
import { completed, F, readLeadership, readLeaseRequest } from '../../checker/vocabulary.ts';
import { estimateLeaseLoad, type LeaseLoadInput } from '../../l2/lease-load.ts';
import type { LeaseTiming } from '../../l2/lease.ts';
import { spreadOf, type Spread } from './spread.ts';

/** The client-go limiter's refusal: such a request never reached the server. */
const THROTTLED = 'store-throttled';

/** Input of {@link measureLeaseLoad}. */
export interface LeaseLoadMeasureInput {
  readonly nodes: readonly string[];
  /** Lease names (one per service; every node a candidate). */
  readonly leases: readonly string[];
  readonly timing: LeaseTiming;
  /** Profile `l2.optimisticRenew`. */
  readonly optimisticRenew: boolean;
  /** Whether every agent runs the 60 s lease GC LIST (Cilium); kube-vip has none. Default true. */
  readonly leaseGc?: boolean;
  /** The scenario's declared window (the window never opens before `fromMs` nor closes after `toMs`). */
  readonly declaredFromMs: number;
  readonly declaredToMs: number;
}

/** Requests per second by verb (`other` = create/delete, one-offs). */
export interface VerbRates {
  readonly get: number;
  readonly update: number;
  readonly list: number;
  readonly other: number;
  readonly total: number;
}

/** One node's measured load against the model given the Leases it held. */
export interface NodeLoad {
  readonly node: string;
  readonly measuredPerS: number;
  readonly leasesHeld: number;
  readonly modelPerS: number;
}

/** What {@link measureLeaseLoad} found. */
export interface LeaseLoadMeasurement {
  readonly fromMs: number;
  readonly toMs: number;
  /** When the last agent issued its first lease request (undefined: some agent never did). */
  readonly lastAgentUpMs: number | undefined;
  /** Nodes that issued no lease request at all. */
  readonly silentNodes: readonly string[];
  /** False when the window is shorter than 10 × retryPeriod (the model comparison is then weak). */
  readonly windowOk: boolean;
  readonly measured: VerbRates;
  /** The model with the measured mean latency (client-go's loops are sliding). */
  readonly model: VerbRates;
  /**
   * The model at zero latency: what the elections ask for. A server that keeps up stays near it;
   * an overloaded one slows every loop down, and `model` follows the latency while this does not.
   */
  readonly idealModel: VerbRates;
  /** (measured − model) / model of the total. */
  readonly relativeError: number | null;
  readonly perNode: readonly NodeLoad[];
  readonly perNodeMeasured: Spread | undefined;
  /** Mean per node by the model (total / nodes). */
  readonly perNodeModelMeanPerS: number;
  /** Latency of successful get/update requests in the window. */
  readonly latencyMs: Spread | undefined;
  /** Requests that took longer than retryPeriod (C02's symptom). */
  readonly slowerThanRetryPeriod: number;
  /** Completed requests in the window, and those that failed, by outcome. */
  readonly requests: number;
  readonly failures: Readonly<Record<string, number>>;
}

/**
 * Measures the steady-state lease load of a run. Counts completions inside [fromMs, toMs);
 * throttled requests (refused client-side) are failures, not load.
 */
export function measureLeaseLoad(ops: readonly HistoryOp[], input: LeaseLoadMeasureInput): LeaseLoadMeasurement {
  const requests = completed(ops, F.leaseRequest).map(readLeaseRequest);
  const firstByNode = new Map<string, number>();
  for (const r of requests) if (!firstByNode.has(r.node)) firstByNode.set(r.node, r.tMs);
  const silentNodes = input.nodes.filter((n) => !firstByNode.has(n));
  const lastAgentUpMs = silentNodes.length > 0 ? undefined : Math.max(...input.nodes.map((n) => firstByNode.get(n) ?? 0));
  const fromMs = Math.max(input.declaredFromMs, (lastAgentUpMs ?? 0) + 2 * input.timing.leaseDurationMs);
  const toMs = input.declaredToMs;
  const windowS = Math.max(0, toMs - fromMs) / 1000;
  const inWindow = requests.filter((r) => r.tMs >= fromMs && r.tMs < toMs);
  const reached = inWindow.filter((r) => r.outcome !== THROTTLED);
  const perS = (n: number): number => (windowS > 0 ? n / windowS : 0);
  const count = (verb: string): number => reached.filter((r) => r.verb === verb).length;
  const other = reached.filter((r) => r.verb !== 'get' && r.verb !== 'update' && r.verb !== 'list').length;
  const measured: VerbRates = { get: perS(count('get')), update: perS(count('update')), list: perS(count('list')), other: perS(other), total: perS(reached.length) };

  const timed = reached.filter((r) => r.outcome === 'ok' && (r.verb === 'get' || r.verb === 'update'));
  const latency = spreadOf(timed.map((r) => r.latencyMs));
  const base: LeaseLoadInput = {
    services: input.leases.map((name) => ({ name, candidateNodes: input.nodes })),
    nodeCount: input.nodes.length,
    retryPeriodMs: input.timing.retryPeriodMs,
    renewDeadlineMs: input.timing.renewDeadlineMs,
    optimisticRenew: input.optimisticRenew,
    requestLatencyMs: latency?.mean ?? 0,
    ...(input.leaseGc === false ? { leaseGc: false } : {}),
  };
  const estimate = estimateLeaseLoad(base);
  const model: VerbRates = { ...estimate.byVerbPerS, other: 0, total: estimate.clusterTotalPerS };
  const ideal = estimateLeaseLoad({ ...base, requestLatencyMs: 0 });
  const idealModel: VerbRates = { ...ideal.byVerbPerS, other: 0, total: ideal.clusterTotalPerS };

  const held = leasesHeldAt(ops, (fromMs + toMs) / 2);
  const rates = loopRates(base);
  const perNode = input.nodes.map((node): NodeLoad => {
    const leasesHeld = held.get(node) ?? 0;
    return { node, measuredPerS: perS(reached.filter((r) => r.node === node).length), leasesHeld, modelPerS: leasesHeld * rates.leaderPerS + (input.leases.length - leasesHeld) * rates.candidatePerS + rates.listPerS };
  });
  const failures: Record<string, number> = {};
  for (const r of inWindow.filter((x) => x.outcome !== 'ok')) failures[r.outcome] = (failures[r.outcome] ?? 0) + 1;
  return {
    fromMs,
    toMs,
    lastAgentUpMs,
    silentNodes,
    windowOk: toMs - fromMs >= 10 * input.timing.retryPeriodMs,
    measured,
    model,
    idealModel,
    relativeError: model.total > 0 ? (measured.total - model.total) / model.total : null,
    perNode,
    perNodeMeasured: spreadOf(perNode.map((n) => n.measuredPerS)),
    perNodeModelMeanPerS: input.nodes.length > 0 ? model.total / input.nodes.length : 0,
    latencyMs: latency,
    slowerThanRetryPeriod: reached.filter((r) => r.latencyMs > input.timing.retryPeriodMs).length,
    requests: inWindow.length,
    failures,
  };
}

/** Per-loop rates of the model: a leader's renewals, a candidate's polls, an agent's GC LIST. */
function loopRates(base: LeaseLoadInput): { leaderPerS: number; candidatePerS: number; listPerS: number } {
  const one = estimateLeaseLoad({ ...base, services: [{ name: 'l', candidateNodes: ['a'] }], nodeCount: 1 });
  const two = estimateLeaseLoad({ ...base, services: [{ name: 'l', candidateNodes: ['a', 'b'] }], nodeCount: 1 });
  const leaderPerS = one.byVerbPerS.get + one.byVerbPerS.update;
  return { leaderPerS, candidatePerS: two.byVerbPerS.get + two.byVerbPerS.update - leaderPerS, listPerS: one.byVerbPerS.list };
}

/** How many Leases each node held at `atMs` (from `became-leader` / `lost-leader`). */
export function leasesHeldAt(ops: readonly HistoryOp[], atMs: number): Map<string, number> {
  const holder = new Map<string, string>();
  for (const op of ops) {
    if (op.tMs > atMs || op.type === 'invoke') continue;
    if (op.f === F.becameLeader) {
      const l = readLeadership(op);
      holder.set(l.lease, l.node);
    } else if (op.f === F.lostLeader) {
      const l = readLeadership(op);
      if (holder.get(l.lease) === l.node) holder.delete(l.lease);
    }
  }
  const out = new Map<string, number>();
  for (const node of holder.values()) out.set(node, (out.get(node) ?? 0) + 1);
  return out;
}
