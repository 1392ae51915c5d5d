/**
 * One cell of the lease-load grid (issue 4, C03): an {@link ElectionWorld} of `nodes` agents, each
 * a candidate for every one of `services` Leases, runs past its start-up, then the sim API
 * server's exact request counts over a window are turned into GET/PUT/LIST per second and set
 * against `estimateLeaseLoad` (spec §4). Deterministic for a seed: the bench prints the cells, the
 * tests pin a few of them within 5 %.
 */
import { estimateLeaseLoad } from '../l2/lease-load.ts';
import { LEASE_GC_PERIOD_MS } from '../election/lease-gc.ts';
import { ElectionWorld } from './election-world.ts';

/** Options of {@link measureLeaseLoad}. */
export interface LeaseLoadCellOptions {
  readonly nodes: number;
  readonly services: number;
  readonly retryPeriodMs: number;
  readonly seed: number;
  /** Leader renews with one PUT (≥ 1.16) or GET+PUT. Default true. */
  readonly optimisticRenew?: boolean;
  /**
   * About how many requests the window should hold (default 400,000): the window is the smallest
   * whole number of lease-GC periods that reaches it, between 1 and 10 periods.
   */
  readonly targetRequests?: number;
}

/** Requests per second by verb. */
export interface VerbRates {
  readonly get: number;
  readonly update: number;
  readonly list: number;
}

/** Result of {@link measureLeaseLoad}. */
export interface LeaseLoadCell {
  readonly windowMs: number;
  readonly measured: VerbRates;
  readonly model: VerbRates;
  /** measured / model − 1 per verb (0 when both are 0). */
  readonly diff: VerbRates;
}

/**
 * Warm-up before the window: every lease is taken in the first round trips; half a GC period puts
 * the window's edges between two LIST rounds (each agent LISTs once per period, first at +60 s), so
 * a window of whole periods holds exactly one LIST per agent per period.
 */
const WARMUP_MS = LEASE_GC_PERIOD_MS / 2;
const MAX_PERIODS = 10;

/** Runs one grid cell (see the module comment). */
export function measureLeaseLoad(options: LeaseLoadCellOptions): LeaseLoadCell {
  const nodes = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
  const services = Array.from({ length: options.services }, (_, i) => `default/s${i + 1}`);
  const optimisticRenew = options.optimisticRenew ?? true;
  const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: options.retryPeriodMs };
  const model = estimateLeaseLoad({
    services: services.map((name) => ({ name, candidateNodes: nodes })),
    nodeCount: nodes.length,
    retryPeriodMs: options.retryPeriodMs,
    renewDeadlineMs: timing.renewDeadlineMs,
    optimisticRenew,
  }).byVerbPerS;
  const modelPerPeriod = (model.get + model.update + model.list) * (LEASE_GC_PERIOD_MS / 1000);
  const periods = Math.min(MAX_PERIODS, Math.max(1, Math.ceil((options.targetRequests ?? 400_000) / modelPerPeriod)));
  const windowMs = periods * LEASE_GC_PERIOD_MS;

  const world = new ElectionWorld({ seed: options.seed, nodes, services, switches: { optimisticRenew, reacquireAfterLoss: true, releaseSetsOneSecond: true }, timing, recordHistory: false });
  world.runUntil(WARMUP_MS, Number.MAX_SAFE_INTEGER);
  const count = (): VerbRates => ({ get: world.server.accounting.total({ verb: 'get' }), update: world.server.accounting.total({ verb: 'update' }), list: world.server.accounting.total({ verb: 'list' }) });
  const before = count();
  world.runUntil(WARMUP_MS + windowMs, Number.MAX_SAFE_INTEGER);
  const after = count();
  const perS = (verb: keyof VerbRates): number => (after[verb] - before[verb]) / (windowMs / 1000);
  const measured = { get: perS('get'), update: perS('update'), list: perS('list') };
  const diff = (verb: keyof VerbRates): number => (model[verb] === 0 ? (measured[verb] === 0 ? 0 : Number.POSITIVE_INFINITY) : measured[verb] / model[verb] - 1);
  return { windowMs, measured, model, diff: { get: diff('get'), update: diff('update'), list: diff('list') } };
}
