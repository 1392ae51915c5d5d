/**
 * JSON merge patch (RFC 7386), the `application/merge-patch+json` body Kubernetes accepts: objects
 * merge key by key, `null` deletes a key, arrays and scalars replace. Pure; inputs are not mutated.
 */
import type { MergePatch } from './object-store.ts';

/** Applies `patch` to `target` and returns the new value. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const base: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch as MergePatch)) {
    if (value === null) delete base[key];
    else base[key] = applyMergePatch(base[key], value);
  }
  return base;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
