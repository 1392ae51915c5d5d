/**
 * Age ordering of Kubernetes objects by `metadata.creationTimestamp`. Objects without a (parsable)
 * timestamp are treated as not created yet, so they come after every timestamped object; ties and
 * missing timestamps fall back to input order. This is a total order, so sorting is stable and
 * the result deterministic.
 */

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp, or undefined. `Date.parse` is a pure
 * function of its argument (no ambient clock), so it keeps the allocator deterministic.
 */
export function timestampMs(text: string | undefined): number | undefined {
  if (text === undefined || text === '') {
    return undefined;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Negative when (a, aIndex) is older than (b, bIndex); see the module note for the rules. */
export function compareByAge(a: string | undefined, aIndex: number, b: string | undefined, bIndex: number): number {
  const aMs = timestampMs(a);
  const bMs = timestampMs(b);
  if (aMs !== undefined && bMs !== undefined && aMs !== bMs) {
    return aMs - bMs;
  }
  if (aMs !== undefined && bMs === undefined) {
    return -1;
  }
  if (aMs === undefined && bMs !== undefined) {
    return 1;
  }
  return aIndex - bIndex;
}
