/**
 * Pool conflicts (spec §5.6). Ranges overlap when they are of the same family and their inclusive
 * bounds intersect. A pool overlapping itself is conflicting; of two overlapping pools the newer
 * one (later creationTimestamp) is marked, whichever was edited. A marked pool's ranges are all
 * disabled, and a marked pool no longer marks others (Cilium skips pools already conflicting).
 */
import type { RangeSpec } from './ip-range.ts';
import type { PoolSetup } from './pool-setup.ts';
import { compareByAge } from './timestamps.ts';

/** Why a pool is conflicting: Cilium's `PoolConflict` message. */
export interface PoolConflict {
  readonly message: string;
}

/** §5.6: decides which accepted pools are conflicting; keyed by pool name. */
export function decidePoolConflicts(pools: readonly PoolSetup[]): ReadonlyMap<string, PoolConflict> {
  const byAge = pools
    .filter((setup) => setup.accepted)
    .slice()
    .sort((a, b) => compareByAge(a.pool.creationTimestamp, a.inputIndex, b.pool.creationTimestamp, b.inputIndex));
  const conflicts = new Map<string, PoolConflict>();
  const settled: PoolSetup[] = [];
  for (const setup of byAge) {
    const internal = firstOverlap(setup.ranges, setup.ranges, true);
    if (internal !== undefined) {
      conflicts.set(setup.pool.name, { message: conflictMessage(internal[0], internal[1], setup.pool.name) });
      continue;
    }
    // Older pools that are not themselves marked win; the newest of an overlapping pair loses.
    for (const older of settled) {
      const overlap = firstOverlap(setup.ranges, older.ranges, false);
      if (overlap !== undefined) {
        conflicts.set(setup.pool.name, { message: conflictMessage(overlap[0], overlap[1], older.pool.name) });
        break;
      }
    }
    if (!conflicts.has(setup.pool.name)) {
      settled.push(setup);
    }
  }
  return conflicts;
}

/** Whether two ranges overlap: same family, inclusive bounds intersect (§5.6). */
export function rangesOverlap(a: RangeSpec, b: RangeSpec): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

function firstOverlap(
  outer: readonly RangeSpec[],
  inner: readonly RangeSpec[],
  samePool: boolean,
): readonly [RangeSpec, RangeSpec] | undefined {
  for (let i = 0; i < outer.length; i += 1) {
    for (let j = 0; j < inner.length; j += 1) {
      const a = outer[i];
      const b = inner[j];
      if (a === undefined || b === undefined || (samePool && i === j)) {
        continue;
      }
      if (rangesOverlap(a, b)) {
        return [a, b];
      }
    }
  }
  return undefined;
}

/** Cilium's wording (markPoolConflicting), so `check` output reads like `kubectl describe`. */
function conflictMessage(target: RangeSpec, collision: RangeSpec, collisionPool: string): string {
  return `Pool conflicts since range '${target.label}' overlaps range '${collision.label}' from IP Pool '${collisionPool}'`;
}
