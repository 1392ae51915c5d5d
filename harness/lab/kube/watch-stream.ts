/**
 * The pure parts of a resuming Kubernetes watch: splitting the stream into lines, reading one
 * watch event line, the backoff between re-opens, the resume point, and — after `410 Gone`, or a
 * break before any resourceVersion was seen — the events a re-LIST implies against what the
 * watcher had delivered (client-go's reflector re-lists and its informer diffs the same way).
 */
import type { KubeObject, WatchEvent } from '../../core/object-store.ts';

/** One decoded line of a watch stream. */
export type WatchLine =
  | { readonly kind: 'event'; readonly type: WatchEvent['type']; readonly object: Record<string, unknown> }
  | { readonly kind: 'bookmark'; readonly resourceVersion: string | undefined }
  | { readonly kind: 'error'; readonly code: number | undefined; readonly message: string }
  | { readonly kind: 'malformed'; readonly detail: string };

/** Splits `pending + chunk` into complete lines and the unterminated rest. */
export function splitLines(pending: string, chunk: string): { readonly lines: string[]; readonly rest: string } {
  const text = pending + chunk;
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.filter((line) => line.trim() !== ''), rest };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes one line (`{"type": …, "object": …}`). Never throws. */
export function parseWatchLine(line: string): WatchLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: 'malformed', detail: `not JSON: ${line.slice(0, 120)}` };
  }
  if (!isRecord(parsed) || typeof parsed['type'] !== 'string' || !isRecord(parsed['object'])) return { kind: 'malformed', detail: `not a watch event: ${line.slice(0, 120)}` };
  const type = parsed['type'];
  const object = parsed['object'];
  switch (type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { kind: 'event', type, object };
    case 'BOOKMARK': {
      const metadata = object['metadata'];
      const rv = isRecord(metadata) && typeof metadata['resourceVersion'] === 'string' ? metadata['resourceVersion'] : undefined;
      return { kind: 'bookmark', resourceVersion: rv };
    }
    case 'ERROR':
      return { kind: 'error', code: typeof object['code'] === 'number' ? object['code'] : undefined, message: typeof object['message'] === 'string' ? object['message'] : JSON.stringify(object).slice(0, 200) };
    default:
      return { kind: 'malformed', detail: `unknown watch event type ${type}` };
  }
}

/** Backoff before the `attempt`-th consecutive re-open (0-based): start × 2^attempt, capped. */
export function watchBackoffMs(attempt: number, startMs: number, maxMs: number): number {
  return Math.min(maxMs, startMs * 2 ** Math.min(attempt, 30));
}

/**
 * The resume point after seeing `seen`: the larger of the two as etcd revisions (numeric strings).
 * The first connection's synthetic ADDED events come in key order, not revision order; resuming
 * from their largest revision replays at most deletions the watcher never saw objects for.
 */
export function laterResourceVersion(current: string | undefined, seen: string | undefined): string | undefined {
  if (seen === undefined || seen === '') return current;
  if (current === undefined) return seen;
  const a = Number(current);
  const b = Number(seen);
  if (Number.isFinite(a) && Number.isFinite(b)) return b > a ? seen : current;
  return seen;
}

/** `namespace/name` of an object. */
export function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}

/**
 * The events that bring a watcher which delivered `delivered` (by key) to the state of a LIST
 * taken at `listResourceVersion`: DELETED for what is gone (stamped with the list's
 * resourceVersion, so a consumer comparing revisions applies it), then ADDED for what is new and
 * MODIFIED for what changed, both in key order. Pure.
 */
export function resyncEvents(delivered: ReadonlyMap<string, KubeObject>, listed: readonly KubeObject[], listResourceVersion: string): WatchEvent[] {
  const byKey = new Map(listed.map((object) => [objectKey(object), object]));
  const events: WatchEvent[] = [];
  for (const key of [...delivered.keys()].sort()) {
    const previous = delivered.get(key);
    if (previous === undefined || byKey.has(key)) continue;
    events.push({ type: 'DELETED', object: { ...previous, metadata: { ...previous.metadata, resourceVersion: listResourceVersion } } });
  }
  for (const key of [...byKey.keys()].sort()) {
    const object = byKey.get(key);
    if (object === undefined) continue;
    const previous = delivered.get(key);
    if (previous === undefined) events.push({ type: 'ADDED', object });
    else if (previous.metadata.resourceVersion !== object.metadata.resourceVersion) events.push({ type: 'MODIFIED', object });
  }
  return events;
}
