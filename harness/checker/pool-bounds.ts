/**
 * INV-POOL-BOUNDS (C21) and INV-IP-STABILITY (C19), both judged against the pools in force
 * (`pool-state` ops).
 * - pool-bounds: an IP, when it first appears on a service, lies in a block of an existing pool,
 *   and is not the first or last address of a CIDR block whose pool reserves them (blocks of one
 *   or two addresses exempt, spec §5.1). Checked at allocation time only, because toggling
 *   allowFirstLastIPs to No never revokes an assigned address.
 * - ip-stability: a service whose IPs change keeps every IP that is still inside a pool block,
 *   unless an `edit` nemesis op since its previous IPs lists it in `mayMoveIpsOf`. Releasing all
 *   IPs (deselection, deletion) is not a move.
 */
import type { HistoryOp } from '../core/history.ts';
import { parseCidr, parseIp } from '../core/ip.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import type { CheckContext } from './context.ts';
import { buildServiceIps, StepSeries } from './timeline.ts';
import { completed, F, NEMESIS, nemesisOps, readPoolState, type PoolStateOp } from './vocabulary.ts';

interface Block {
  readonly family: string;
  readonly first: bigint;
  readonly last: bigint;
  readonly cidr: boolean;
}

function parseBlock(text: string): Block | undefined {
  if (text.includes('/')) {
    const cidr = parseCidr(text);
    return cidr === undefined ? undefined : { family: cidr.family, first: cidr.first, last: cidr.last, cidr: true };
  }
  const dash = text.indexOf('-');
  const start = parseIp(dash < 0 ? text : text.slice(0, dash));
  const stop = parseIp(dash < 0 ? text : text.slice(dash + 1));
  if (start === undefined || stop === undefined || start.family !== stop.family) return undefined;
  return { family: start.family, first: start.value, last: stop.value, cidr: false };
}

/** Pools as of each `pool-state` op. */
function buildPools(ops: readonly HistoryOp[]): StepSeries<ReadonlyMap<string, PoolStateOp>> {
  const series = new StepSeries<ReadonlyMap<string, PoolStateOp>>();
  let current = new Map<string, PoolStateOp>();
  for (const op of completed(ops, F.poolState)) {
    const pool = readPoolState(op);
    current = new Map(current);
    if (pool.deleted) current.delete(pool.pool);
    else current.set(pool.pool, pool);
    series.add(pool.tMs, current);
  }
  return series;
}

/** Where `ip` stands against `pools`: inside a usable address, a reserved first/last, or outside. */
function placeIp(ip: string, pools: ReadonlyMap<string, PoolStateOp> | undefined): 'inside' | 'reserved' | 'outside' | 'not-an-ip' {
  const parsed = parseIp(ip);
  if (parsed === undefined) return 'not-an-ip';
  let reserved = false;
  for (const pool of pools?.values() ?? []) {
    for (const text of pool.blocks) {
      const block = parseBlock(text);
      if (block === undefined || block.family !== parsed.family || parsed.value < block.first || parsed.value > block.last) continue;
      const size = block.last - block.first + 1n;
      if (pool.reserveFirstLast && block.cidr && size > 2n && (parsed.value === block.first || parsed.value === block.last)) {
        reserved = true;
        continue;
      }
      return 'inside';
    }
  }
  return reserved ? 'reserved' : 'outside';
}

/** Checks INV-POOL-BOUNDS. 'unknown' without `pool-state` ops. */
export function checkPoolBounds(ops: readonly HistoryOp[], _context: CheckContext): CheckResult {
  const pools = buildPools(ops);
  if (pools.points().length === 0) return { valid: 'unknown', details: { reason: 'no pool-state ops' } };
  const violations: Violation[] = [];
  for (const [service, series] of buildServiceIps(ops)) {
    let previous: readonly string[] = [];
    for (const { tMs, value: ips } of series.points()) {
      for (const ip of ips) {
        if (previous.includes(ip)) continue;
        const place = placeIp(ip, pools.at(tMs));
        if (place !== 'inside') violations.push({ atMs: tMs, service, ip, why: place });
      }
      previous = ips;
    }
  }
  return verdict(violations, []);
}

/** Checks INV-IP-STABILITY. Moves that cannot be judged (no pool-state yet) are 'unknown'. */
export function checkIpStability(ops: readonly HistoryOp[], _context: CheckContext): CheckResult {
  const pools = buildPools(ops);
  const edits = nemesisOps(ops).filter((n) => n.f === NEMESIS.edit);
  const violations: Violation[] = [];
  const unknowns: Violation[] = [];
  for (const [service, series] of buildServiceIps(ops)) {
    let previous: { tMs: number; ips: readonly string[] } | undefined;
    for (const { tMs, value: ips } of series.points()) {
      if (previous !== undefined && ips.length > 0) {
        const since = previous.tMs;
        const permitted = edits.some((e) => e.tMs >= since && e.tMs <= tMs && e.mayMoveIpsOf.includes(service));
        for (const ip of previous.ips) {
          if (ips.includes(ip) || permitted) continue;
          const current = pools.at(tMs);
          if (current === undefined) unknowns.push({ atMs: tMs, service, ip, reason: 'no pool-state before the move' });
          else if (placeIp(ip, current) === 'inside') violations.push({ atMs: tMs, service, movedFrom: ip, movedTo: [...ips] });
        }
      }
      previous = { tMs, ips };
    }
  }
  return verdict(violations, unknowns);
}
