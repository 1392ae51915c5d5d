/**
 * Pool blocks → LB ranges (spec §5.1). A block is `{cidr}` or `{start, stop}` (`start` alone is one
 * address, `cidr` wins when set); every range is inclusive. Whether the first and last address of
 * a CIDR block are reserved depends on the profile's reading of `allowFirstLastIPs` (C21).
 */
import type { IpFamily, IpPool, PoolBlock } from '../model/types.ts';
import type { IpamSwitches } from '../profiles/profile.ts';
import { formatIp, parseCidr, parseIp } from '../core/ip.ts';

/** One inclusive address range of a pool, before any allocation. */
export interface RangeSpec {
  readonly pool: string;
  /** Index of the block in `IpPool.blocks` (spec order). */
  readonly blockIndex: number;
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  readonly fromCidr: boolean;
  /** §5.1 / C21: first and last address are pre-allocated (counted as used, never handed out). */
  readonly reservesFirstLast: boolean;
  /** `from - to`, as Cilium's conflict messages print a range. */
  readonly label: string;
}

/** A block that makes the pool upsert fail (§5.6): Cilium logs it, retries, writes no status. */
export interface InvalidBlock {
  readonly index: number;
  readonly value: string;
  readonly reason: string;
}

export type BlockResult = { readonly ok: true; readonly range: RangeSpec } | { readonly ok: false; readonly invalid: InvalidBlock };

/**
 * §5.1 / C21: does this pool reserve first/last of its CIDR blocks? 1.13/1.14 always; 1.15 unless
 * `Yes`; 1.16+ only on an explicit `No` (PR #33151 flipped the default).
 */
export function poolReservesFirstLast(pool: IpPool, switches: IpamSwitches): boolean {
  switch (switches.firstLastIPs) {
    case 'always-reserve':
      return true;
    case 'unset-reserves':
      return pool.allowFirstLastIPs !== 'Yes';
    case 'unset-allows':
      return pool.allowFirstLastIPs === 'No';
  }
}

/** Text of a block for messages: the CIDR, `start-stop`, or the single start address. */
export function blockText(block: PoolBlock): string {
  if (block.cidr !== undefined && block.cidr !== '') {
    return block.cidr;
  }
  return block.stop === undefined || block.stop === '' ? (block.start ?? '') : `${block.start ?? ''}-${block.stop}`;
}

/** Parses one block of `pool` into a range, or says why the pool upsert fails on it (§5.6). */
export function rangeFromBlock(pool: IpPool, blockIndex: number, switches: IpamSwitches): BlockResult {
  const block = pool.blocks[blockIndex];
  if (block === undefined) {
    return invalid(blockIndex, '', 'no such block');
  }
  const value = blockText(block);
  // §5.1: `cidr` wins when set, as Cilium's ipRangeFromBlock checks it first.
  if (block.cidr !== undefined && block.cidr !== '') {
    const cidr = parseCidr(block.cidr);
    if (cidr === undefined) {
      return invalid(blockIndex, value, `error parsing cidr '${block.cidr}': not an address/prefix-length`);
    }
    // §5.1 / C21: reservation applies only to CIDR blocks with more than two addresses (/31, /32,
    // /127, /128 would otherwise lose every address).
    const reserves = poolReservesFirstLast(pool, switches) && cidr.last - cidr.first >= 2n;
    // C21 (#29410): the development allocator's range ran one address past the block.
    const last = switches.cidrRangeOffByOne === true ? cidr.last + 1n : cidr.last;
    return ok(pool.name, blockIndex, cidr.family, cidr.first, last, true, reserves);
  }
  const start = parseIp(block.start ?? '');
  if (start === undefined) {
    return invalid(blockIndex, value, `error parsing start ip '${block.start ?? ''}'`);
  }
  if (block.stop === undefined || block.stop === '') {
    return ok(pool.name, blockIndex, start.family, start.value, start.value, false, false);
  }
  const stop = parseIp(block.stop);
  if (stop === undefined) {
    return invalid(blockIndex, value, `error parsing stop ip '${block.stop}'`);
  }
  if (stop.family !== start.family) {
    return invalid(blockIndex, value, `'start' ${block.start ?? ''} and 'stop' ${block.stop} are of different address families`);
  }
  if (start.value > stop.value) {
    return invalid(blockIndex, value, `'start' ${block.start ?? ''} is after 'stop' ${block.stop}`);
  }
  return ok(pool.name, blockIndex, start.family, start.value, stop.value, false, false);
}

function ok(
  pool: string,
  blockIndex: number,
  family: IpFamily,
  first: bigint,
  last: bigint,
  fromCidr: boolean,
  reservesFirstLast: boolean,
): BlockResult {
  const label = `${formatIp(family, first)} - ${formatIp(family, last)}`;
  return { ok: true, range: { pool, blockIndex, family, first, last, fromCidr, reservesFirstLast, label } };
}

function invalid(index: number, value: string, reason: string): BlockResult {
  return { ok: false, invalid: { index, value, reason } };
}
