/**
 * Which pools the operator actually knows (spec §5.1, §5.6). A pool the API server would not
 * accept under the profile (unserved apiVersion, `spec.blocks` before 1.15, `spec.cidrs` from 1.16)
 * never reaches the operator; a pool with an invalid block fails its upsert and gets no status.
 * Neither kind takes part in conflicts or allocation, and both say why.
 */
import type { IpPool } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { type InvalidBlock, type RangeSpec, rangeFromBlock } from './ip-range.ts';

/** A pool as the allocator sees it. `ranges` is empty unless `accepted`. */
export interface PoolSetup {
  readonly pool: IpPool;
  readonly inputIndex: number;
  /** Served by the API server and every block valid: the operator manages this pool. */
  readonly accepted: boolean;
  readonly rejectedFields: readonly string[];
  readonly invalidBlocks: readonly InvalidBlock[];
  readonly ranges: readonly RangeSpec[];
}

/** Validates `pool` against the profile and parses its blocks (spec order). */
export function setUpPool(pool: IpPool, inputIndex: number, profile: Profile): PoolSetup {
  const rejectedFields = rejectedFieldsOf(pool, profile);
  const invalidBlocks: InvalidBlock[] = [];
  const ranges: RangeSpec[] = [];
  if (rejectedFields.length === 0) {
    for (let index = 0; index < pool.blocks.length; index += 1) {
      const result = rangeFromBlock(pool, index, profile.ipam);
      if (result.ok) {
        ranges.push(result.range);
      } else {
        // §5.6: Cilium stops at the first bad block; we list them all so `check` can name each.
        invalidBlocks.push(result.invalid);
      }
    }
  }
  const accepted = rejectedFields.length === 0 && invalidBlocks.length === 0;
  return { pool, inputIndex, accepted, rejectedFields, invalidBlocks, ranges: accepted ? ranges : [] };
}

/**
 * §5.1 / §6: fields and API versions the profile's CRD does not serve. We treat them as a failed
 * apply (kubectl's default strict field validation) rather than silent pruning, so no allocation
 * happens from such a pool.
 */
function rejectedFieldsOf(pool: IpPool, profile: Profile): string[] {
  const rejected: string[] = [];
  if (!profile.ipam.poolApiVersions.includes(pool.apiVersion)) {
    rejected.push(`apiVersion ${pool.apiVersion} is not served by ${profile.name}`);
  }
  const blocksCount = pool.blocks.length - pool.cidrsCount;
  if (blocksCount > 0 && !profile.ipam.blocksField) {
    rejected.push(`spec.blocks is not served by ${profile.name}`);
  }
  if (pool.cidrsCount > 0 && !profile.ipam.cidrsField) {
    rejected.push(`spec.cidrs is not served by ${profile.name}`);
  }
  return rejected;
}
