/**
 * The failover benchmark's analysis (issue 5 "Numbers"): the spread of each failover component
 * over many kills (from `results.json`'s `failover.rows`), and each takeover checked against the
 * documented window [leaseDuration − renewDeadline, leaseDuration + renewDeadline] plus the
 * candidates' poll jitter (2.2 × retryPeriod). A takeover outside it gets a reason read from the
 * history: how long before the kill the holder last renewed, the new holder's longest pause
 * between polls of the Lease (a starved process), the slowest lease request, failed requests.
 * Pure.
 */
import type { HistoryOp } from '../../core/history.ts';
import { COMPONENT_FIELD, type FailoverComponents } from '../../checker/failover-components.ts';
import { completed, F, readLeaseRequest, type LeaseRequestOp } from '../../checker/vocabulary.ts';
import { failoverWindow, JITTER_FACTOR, leaseName, type LeaseTiming } from '../../l2/lease.ts';
import { FAILOVER_COMPONENTS, type FailoverComponentName } from '../../scenario/types.ts';
import { spreadOf, type Spread } from './spread.ts';

/** The spread of one component over every failover row (ms after the kill). */
export interface ComponentSpread {
  readonly component: FailoverComponentName;
  /** Rows where the component never happened. */
  readonly missing: number;
  readonly spread: Spread | undefined;
}


/** p50 / p90 / max of every component over `rows`. */
export function componentSpreads(rows: readonly FailoverComponents[]): ComponentSpread[] {
  return FAILOVER_COMPONENTS.map((component) => {
    const values = rows.map((r) => r[COMPONENT_FIELD[component]]).filter((v): v is number => typeof v === 'number');
    return { component, missing: rows.length - values.length, spread: spreadOf(values) };
  });
}

/** Where a takeover may land, ms after the holder's death. */
export interface TakeoverWindow {
  /** leaseDuration − renewDeadline (the docs' lower edge). */
  readonly lowMs: number;
  /** leaseDuration + renewDeadline + 2.2 × retryPeriod (the docs' upper edge plus the poll jitter). */
  readonly highMs: number;
  /** The code-level model (client-go): [stored duration − retryPeriod, stored duration + 4.4 × retryPeriod]. */
  readonly modelLowMs: number;
  readonly modelHighMs: number;
}

/** The takeover window of `timing` (effective values). */
export function takeoverWindow(timing: LeaseTiming): TakeoverWindow {
  const w = failoverWindow(timing);
  return { lowMs: w.docsMinMs, highMs: w.docsMaxMs + (1 + JITTER_FACTOR) * timing.retryPeriodMs, modelLowMs: w.fromHolderDeathMinMs, modelHighMs: w.fromHolderDeathMaxMs };
}

/** One kill's takeover, with what the history says about it. */
export interface TakeoverTrial {
  /** 1-based, in kill order. */
  readonly trial: number;
  readonly killMs: number;
  readonly deadNode: string;
  readonly service: string;
  readonly newHolder: string | null;
  /** Lease taken over, ms after the kill (null: never). */
  readonly takeoverMs: number | null;
  readonly inside: boolean;
  /** How long before the kill the dead holder's last successful renewal of the Lease completed. */
  readonly lastRenewAgeMs: number | null;
  /** Takeover measured from that renewal (client-go's clock starts there). */
  readonly sinceLastRenewMs: number | null;
  /** The new holder's longest pause between two requests for the Lease, last renewal → takeover. */
  readonly maxPollGapMs: number | null;
  /** The slowest lease request (any node, any Lease) completed between the kill and the takeover. */
  readonly maxLatencyMs: number | null;
  /** Lease requests that did not succeed in that interval, by outcome. */
  readonly failures: Readonly<Record<string, number>>;
  /** Why the takeover is outside the window (only then). */
  readonly reason?: string;
}

/**
 * Checks each kill's takeover against {@link takeoverWindow}; one trial per (kill, service).
 * `ops` is the run's history (`history.jsonl`).
 */
export function takeoverTrials(rows: readonly FailoverComponents[], ops: readonly HistoryOp[], timing: LeaseTiming): TakeoverTrial[] {
  const window = takeoverWindow(timing);
  const requests = completed(ops, F.leaseRequest).map(readLeaseRequest);
  const seen = new Set<string>();
  const trials: TakeoverTrial[] = [];
  for (const row of [...rows].sort((a, b) => a.killMs - b.killMs)) {
    const key = `${row.killMs} ${row.service}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [namespace = '', name = ''] = row.service.split('/');
    const lease = leaseName(namespace, name);
    const onLease = requests.filter((r) => r.name === lease);
    const lastRenew = onLease.filter((r) => r.node === row.deadNode && r.verb === 'update' && r.outcome === 'ok' && r.tMs <= row.killMs).at(-1);
    const takeoverAtMs = row.leaseTakenOverMs === null ? undefined : row.killMs + row.leaseTakenOverMs;
    const endMs = takeoverAtMs ?? row.killMs + window.highMs;
    const between = requests.filter((r) => r.tMs >= row.killMs && r.tMs <= endMs);
    const failures: Record<string, number> = {};
    for (const r of between.filter((x) => x.outcome !== 'ok')) failures[r.outcome] = (failures[r.outcome] ?? 0) + 1;
    const maxLatency = Math.max(...between.map((r) => r.latencyMs));
    const gap = row.newHolder === null ? undefined : maxGap(onLease.filter((r) => r.node === row.newHolder), lastRenew?.tMs ?? row.killMs, endMs);
    const takeoverMs = row.leaseTakenOverMs;
    const inside = takeoverMs !== null && takeoverMs >= window.lowMs && takeoverMs <= window.highMs;
    const trial = {
      trial: trials.length + 1,
      killMs: row.killMs,
      deadNode: row.deadNode,
      service: row.service,
      newHolder: row.newHolder,
      takeoverMs,
      inside,
      lastRenewAgeMs: lastRenew === undefined ? null : row.killMs - lastRenew.tMs,
      sinceLastRenewMs: lastRenew === undefined || takeoverAtMs === undefined ? null : takeoverAtMs - lastRenew.tMs,
      maxPollGapMs: gap ?? null,
      maxLatencyMs: Number.isFinite(maxLatency) ? maxLatency : null,
      failures,
    };
    trials.push(inside ? trial : { ...trial, reason: reasonOf(trial, window, timing) });
  }
  return trials;
}

/** Longest interval between consecutive request completions of `requests` inside [fromMs, toMs]. */
function maxGap(requests: readonly LeaseRequestOp[], fromMs: number, toMs: number): number | undefined {
  const times = [fromMs, ...requests.map((r) => r.tMs).filter((t) => t > fromMs && t < toMs), toMs];
  let gap: number | undefined;
  for (let i = 1; i < times.length; i += 1) gap = Math.max(gap ?? 0, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return gap;
}

/** What the history shows about a takeover outside the window, most telling first. */
function reasonOf(t: Omit<TakeoverTrial, 'reason'>, window: TakeoverWindow, timing: LeaseTiming): string {
  const ms = (x: number): string => `${Math.round(x)} ms`;
  const parts: string[] = [];
  if (t.takeoverMs === null) parts.push('no other node took the Lease over before the history moved on (next fault or end of run)');
  else if (t.takeoverMs < window.lowMs) parts.push(`taken over ${ms(t.takeoverMs)} after the kill, before leaseDuration − renewDeadline`);
  else parts.push(`taken over ${ms(t.takeoverMs)} after the kill, past leaseDuration + renewDeadline + 2.2 × retryPeriod (${ms(window.highMs)})`);
  if (t.lastRenewAgeMs !== null && t.lastRenewAgeMs > timing.retryPeriodMs * (1 + JITTER_FACTOR)) parts.push(`the holder's last successful renewal was ${ms(t.lastRenewAgeMs)} before the kill (its renewals were already late)`);
  if (t.sinceLastRenewMs !== null) parts.push(`${ms(t.sinceLastRenewMs)} after that renewal`);
  const pollLimitMs = (1 + JITTER_FACTOR) * timing.retryPeriodMs;
  if (t.maxPollGapMs !== null && t.maxPollGapMs > pollLimitMs + timing.retryPeriodMs) parts.push(`the new holder did not poll the Lease for ${ms(t.maxPollGapMs)} (jittered period ≤ ${ms(pollLimitMs)}: the process was starved or its requests slow)`);
  if (t.maxLatencyMs !== null && t.maxLatencyMs > timing.retryPeriodMs) parts.push(`a lease request took ${ms(t.maxLatencyMs)} (> retryPeriod)`);
  const failed = Object.entries(t.failures);
  if (failed.length > 0) parts.push(`failed lease requests: ${failed.map(([outcome, n]) => `${n} × ${outcome}`).join(', ')}`);
  return parts.join('; ');
}
