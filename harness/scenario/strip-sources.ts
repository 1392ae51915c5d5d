/**
 * Removes `source` locations (file and line a value was written at) from a value, recursively:
 * two scenarios are the same scenario when they are equal without them (a rendered regression
 * has other line numbers than the run that found it).
 */
export function stripSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSources);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'source').map(([key, v]) => [key, stripSources(v)]));
}
