import { uniformBigInt } from 'pure-rand/distribution/uniformBigInt';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/**
 * The randomness port: seeded and splittable, so one `--seed` rules a run and each component
 * draws from its own stream (`rng.fork('ipam')`) without disturbing the others.
 */
export interface Rng {
  /** Uniform integer in [fromInclusive, toInclusive]. */
  intBetween(fromInclusive: number, toInclusive: number): number;
  /** Uniform bigint in [fromInclusive, toInclusive] (IPv6 ranges). */
  bigIntBetween(fromInclusive: bigint, toInclusive: bigint): bigint;
  /** Uniform float in [0, 1). */
  float(): number;
  /** An independent stream derived from this one's seed and `label` (stable across runs). */
  fork(label: string): Rng;
}

/** Seeded {@link Rng} over pure-rand's xoroshiro128+; forks hash the label into a new seed. */
export class SeededRng implements Rng {
  readonly #seed: number;
  readonly #generator: RandomGenerator;

  constructor(seed: number) {
    this.#seed = seed | 0;
    this.#generator = xoroshiro128plus(this.#seed);
  }

  intBetween(fromInclusive: number, toInclusive: number): number {
    return uniformInt(this.#generator, fromInclusive, toInclusive);
  }

  bigIntBetween(fromInclusive: bigint, toInclusive: bigint): bigint {
    return uniformBigInt(this.#generator, fromInclusive, toInclusive);
  }

  float(): number {
    return uniformInt(this.#generator, 0, 0x7fff_ffff) / 0x8000_0000;
  }

  fork(label: string): Rng {
    return new SeededRng(hashLabel(this.#seed, label));
  }
}

/** FNV-1a over the seed and the label: stable, cheap, good enough to separate streams. */
function hashLabel(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i += 1) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
