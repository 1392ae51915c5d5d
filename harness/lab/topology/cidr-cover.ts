/**
 * Inclusive IPv4 ranges → the fewest CIDR blocks covering exactly their union. A pool block
 * `start: .240, stop: .243` becomes `…/30`; `.240–.246` becomes `/30 + /31 + /32`. The lab routes
 * these `local … dev lo` on every node, so the kernel delivers VIP traffic to the UDP echo backend
 * and nothing outside the pools is claimed.
 */
import { formatIp } from '../../core/ip.ts';

/** One inclusive range of IPv4 addresses as numbers (0 … 2^32-1). */
export interface Ipv4Range {
  readonly first: bigint;
  readonly last: bigint;
}

const IPV4_BITS = 32;

/** Sorts and merges overlapping or adjacent ranges. Pure. */
export function mergeRanges(ranges: readonly Ipv4Range[]): Ipv4Range[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: { first: bigint; last: bigint }[] = [];
  for (const range of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && range.first <= previous.last + 1n) {
      if (range.last > previous.last) previous.last = range.last;
    } else merged.push({ first: range.first, last: range.last });
  }
  return merged;
}

/** The largest aligned block starting at `first` that fits in `[first, last]`, as its prefix length. */
function largestBlockPrefix(first: bigint, last: bigint): number {
  let prefixLength = IPV4_BITS;
  // Grow while the block stays aligned on `first` and ends at or before `last`; at most 32 steps.
  while (prefixLength > 0) {
    const size = 1n << BigInt(IPV4_BITS - prefixLength + 1);
    if (first % size !== 0n || first + size - 1n > last) break;
    prefixLength -= 1;
  }
  return prefixLength;
}

/**
 * The minimal CIDR cover of the union of `ranges` (exact: no address outside them), in address
 * order, as `a.b.c.d/len` text. Pure.
 */
export function cidrCover(ranges: readonly Ipv4Range[]): string[] {
  const cidrs: string[] = [];
  for (const range of mergeRanges(ranges)) {
    let first = range.first;
    // Each step covers at least one address, so the loop ends after at most 2 × 32 blocks per range.
    while (first <= range.last) {
      const prefixLength = largestBlockPrefix(first, range.last);
      cidrs.push(`${formatIp('IPv4', first)}/${prefixLength}`);
      first += 1n << BigInt(IPV4_BITS - prefixLength);
    }
  }
  return cidrs;
}
