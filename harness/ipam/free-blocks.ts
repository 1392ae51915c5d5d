/**
 * The free space of one LB range, as Cilium's 1.15+ `ipalloc.HashAllocator` keeps it: a list of
 * free blocks (inclusive, bigint). `takeLowestOfSmallest` is that allocator's `AllocAny` (first
 * address of the smallest free block, spec §5.4); `takeRandom` is the 1.13/1.14 k8s bitmap
 * allocator's random scan (random offset, then the next free address, wrapping).
 */
import type { Rng } from '../core/rng.ts';

interface Block {
  from: bigint;
  to: bigint;
}

/** Free addresses of one inclusive range; mutable, owned by a single `allocate` call. */
export class FreeBlocks {
  /** Sorted by `from`, non-overlapping, non-adjacent. */
  readonly #blocks: Block[];

  constructor(first: bigint, last: bigint) {
    this.#blocks = first <= last ? [{ from: first, to: last }] : [];
  }

  /** Number of free addresses. */
  countFree(): bigint {
    let count = 0n;
    for (const block of this.#blocks) {
      count += block.to - block.from + 1n;
    }
    return count;
  }

  /** Whether `ip` is free. */
  isFree(ip: bigint): boolean {
    return this.#indexOf(ip) !== -1;
  }

  /** Marks `ip` as used; false when it was not free (in use or out of range). */
  take(ip: bigint): boolean {
    const index = this.#indexOf(ip);
    const block = this.#blocks[index];
    if (block === undefined) {
      return false;
    }
    if (block.from === block.to) {
      this.#blocks.splice(index, 1);
    } else if (ip === block.from) {
      block.from += 1n;
    } else if (ip === block.to) {
      block.to -= 1n;
    } else {
      this.#blocks.splice(index, 1, { from: block.from, to: ip - 1n }, { from: ip + 1n, to: block.to });
    }
    return true;
  }

  /**
   * §5.4 (1.15+): takes the first address of the smallest free block. Cilium's heap breaks size
   * ties in heap order; we break them by the lowest address so the result is deterministic.
   */
  takeLowestOfSmallest(): bigint | undefined {
    let best: Block | undefined;
    for (const block of this.#blocks) {
      if (best === undefined || block.to - block.from < best.to - best.from) {
        best = block;
      }
    }
    if (best === undefined) {
      return undefined;
    }
    const ip = best.from;
    this.take(ip);
    return ip;
  }

  /**
   * §5.4 (1.13/1.14): k8s `randomScanStrategy`: a random offset in [lowInclusive, highInclusive],
   * then the first free address at or after it, wrapping to the lowest free one.
   */
  takeRandom(rng: Rng, lowInclusive: bigint, highInclusive: bigint): bigint | undefined {
    if (this.#blocks.length === 0 || lowInclusive > highInclusive) {
      return undefined;
    }
    const offset = rng.bigIntBetween(lowInclusive, highInclusive);
    const ip = this.#firstFreeAtOrAfter(offset) ?? this.#firstFreeAtOrAfter(lowInclusive);
    if (ip === undefined || ip > highInclusive) {
      return undefined;
    }
    this.take(ip);
    return ip;
  }

  #firstFreeAtOrAfter(ip: bigint): bigint | undefined {
    for (const block of this.#blocks) {
      if (block.to >= ip) {
        return block.from > ip ? block.from : ip;
      }
    }
    return undefined;
  }

  /** Binary search for the block containing `ip`; -1 when none. */
  #indexOf(ip: bigint): number {
    let low = 0;
    let high = this.#blocks.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const block = this.#blocks[middle];
      if (block === undefined) {
        return -1;
      }
      if (ip < block.from) {
        high = middle - 1;
      } else if (ip > block.to) {
        low = middle + 1;
      } else {
        return middle;
      }
    }
    return -1;
  }
}
