/**
 * The lab's "pinned BPF map": the node's {@link ResponderMap} shared by the agent process (writer)
 * and the datapath process (reader) through one JSON file, `<runDir>/node/<node>/responder-map.json`.
 *
 * - The writer ({@link PinnedMapWriter}, in the agent) rewrites the whole file on every insert,
 *   delete, clear and liveness stamp, atomically (write a temporary file, then rename over the
 *   old one), so a reader never sees half a file and a SIGKILL of the agent leaves the last
 *   complete state. On start it loads the file: entries pinned by a previous agent stay
 *   programmed, and the reconciler re-claims them without a GARP (`reconcile.ts` relies on it).
 * - The reader ({@link PinnedMapReader}, in the datapath) watches the file (`watched-file.ts`:
 *   directory `fs.watch` plus a 100 ms poll); it serves the read API the `ArpResponder` uses from the last good snapshot
 *   and keeps the `responses_sent` counters itself (the eBPF program's bump). A file that
 *   disappears (the node was killed) empties the map.
 *
 * Both extend `ResponderMap` (a class with private state, so only a subclass fits where the agent
 * and the responder want one) and override every method they serve.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { responderKey, ResponderMap, type ResponderKey } from '../datapath/responder-map.ts';
import { WatchedFile } from './watched-file.ts';

/** Poll period of the reader's fallback (also bounds how stale a missed change can be). */
export const PINNED_MAP_POLL_MS = 100;

/** What the file holds. */
export interface PinnedMapState {
  /** Agent liveness (monotonic ms since the run epoch), absent before the first stamp. */
  readonly livenessStampMs: number | undefined;
  /** Programmed pairs sorted by key text. */
  readonly entries: readonly ResponderKey[];
}

const fileSchema = z.strictObject({
  version: z.literal(1),
  livenessStampMs: z.number().nullable(),
  entries: z.array(z.strictObject({ ip: z.string().min(1), iface: z.string().min(1) })),
});

/** The file's text for a state (stable key order, one line). */
export function encodePinnedMap(state: PinnedMapState): string {
  return `${JSON.stringify({ version: 1, livenessStampMs: state.livenessStampMs ?? null, entries: state.entries.map((k) => ({ ip: k.ip, iface: k.interface })) })}\n`;
}

/**
 * Parses the file's text.
 * @throws Error naming `path` and the first problem when the text is not a pinned map.
 */
export function decodePinnedMap(text: string, path: string): PinnedMapState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`reading the pinned responder map ${path}: not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`reading the pinned responder map ${path}: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`}`);
  }
  return { livenessStampMs: parsed.data.livenessStampMs ?? undefined, entries: parsed.data.entries.map((e) => ({ ip: e.ip, interface: e.iface })) };
}

/** Writes `text` to `path` atomically (same-directory temporary file, then rename). */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}

/** The agent's side: a ResponderMap whose every change is persisted to the file. */
export class PinnedMapWriter extends ResponderMap {
  readonly path: string;
  #loading = false;

  /**
   * Loads `path` when it exists (a previous agent's pinned entries and stamp), else starts empty
   * and creates the directory.
   * @throws Error naming the path when the existing file is not a pinned map or cannot be written.
   */
  constructor(path: string) {
    super();
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) {
      this.#persist();
      return;
    }
    const state = decodePinnedMap(readFileSync(path, 'utf8'), path);
    this.#loading = true;
    try {
      for (const key of state.entries) this.insert(key);
      if (state.livenessStampMs !== undefined) this.stampLiveness(state.livenessStampMs);
    } finally {
      this.#loading = false;
    }
  }

  override insert(key: ResponderKey): boolean {
    const inserted = super.insert(key);
    if (inserted) this.#persist();
    return inserted;
  }

  override delete(key: ResponderKey): boolean {
    const deleted = super.delete(key);
    if (deleted) this.#persist();
    return deleted;
  }

  override clear(): void {
    super.clear();
    this.#persist();
  }

  override stampLiveness(nowMs: number): void {
    super.stampLiveness(nowMs);
    this.#persist();
  }

  #persist(): void {
    if (this.#loading) return;
    writeAtomically(this.path, encodePinnedMap({ livenessStampMs: this.livenessStampMs, entries: this.keys() }));
  }
}

/** Options of {@link PinnedMapReader}. */
export interface PinnedMapReaderOptions {
  /** Schedules the fallback poll. */
  readonly clock: Pick<Clock, 'setTimer'>;
  /** Told when a snapshot could not be read (kept the previous one). */
  readonly onError?: (error: Error) => void;
  /** Told after each new snapshot (tests, logs). */
  readonly onChange?: (state: PinnedMapState) => void;
  /** Default {@link PINNED_MAP_POLL_MS}. */
  readonly pollMs?: number;
}

/** The datapath's side: a read-only view of the file, refreshed on change. */
export class PinnedMapReader extends ResponderMap {
  readonly path: string;
  readonly #options: PinnedMapReaderOptions;
  readonly #file: WatchedFile;
  #byKey = new Map<string, ResponderKey>();
  #stampMs: number | undefined = undefined;
  readonly #responses = new Map<string, number>();

  constructor(path: string, options: PinnedMapReaderOptions) {
    super();
    this.path = path;
    this.#options = options;
    this.#file = new WatchedFile(path, {
      clock: options.clock,
      pollMs: options.pollMs ?? PINNED_MAP_POLL_MS,
      onContent: (text) => this.#apply(text === undefined ? { livenessStampMs: undefined, entries: [] } : decodePinnedMap(text, path)),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }

  /** Reads the file now and starts watching it; idempotent. */
  start(): void {
    this.#file.start();
  }

  /** Stops watching; the last snapshot stays readable. */
  close(): void {
    this.#file.close();
  }

  /** Re-reads the file when it changed; a missing file empties the map. */
  refresh(): void {
    this.#file.refresh();
  }

  #apply(state: PinnedMapState): void {
    this.#byKey = new Map(state.entries.map((key) => [responderKey(key.ip, key.interface), key]));
    this.#stampMs = state.livenessStampMs;
    for (const text of [...this.#responses.keys()]) if (!this.#byKey.has(text)) this.#responses.delete(text);
    this.#options.onChange?.(state);
  }

  override get size(): number {
    return this.#byKey.size;
  }

  override has(ip: string, interfaceName: string): boolean {
    return this.#byKey.has(responderKey(ip, interfaceName));
  }

  override hasIp(ip: string): boolean {
    for (const key of this.#byKey.values()) if (key.ip === ip) return true;
    return false;
  }

  override countResponse(ip: string, interfaceName: string): void {
    const text = responderKey(ip, interfaceName);
    if (this.#byKey.has(text)) this.#responses.set(text, (this.#responses.get(text) ?? 0) + 1);
  }

  override responsesSent(ip: string, interfaceName: string): number {
    return this.#responses.get(responderKey(ip, interfaceName)) ?? 0;
  }

  override keys(): ResponderKey[] {
    return [...this.#byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);
  }

  override get livenessStampMs(): number | undefined {
    return this.#stampMs;
  }

  /** @throws Error: the datapath never programs the map; the agent's writer does. */
  override insert(key: ResponderKey): boolean {
    throw new Error(`inserting ${responderKey(key.ip, key.interface)} into the pinned map reader of ${this.path}: the reader is read-only`);
  }

  /** @throws Error: read-only (see {@link PinnedMapReader.insert}). */
  override delete(key: ResponderKey): boolean {
    throw new Error(`deleting ${responderKey(key.ip, key.interface)} from the pinned map reader of ${this.path}: the reader is read-only`);
  }

  /** @throws Error: read-only (see {@link PinnedMapReader.insert}). */
  override clear(): void {
    throw new Error(`clearing the pinned map reader of ${this.path}: the reader is read-only`);
  }

  /** @throws Error: read-only (see {@link PinnedMapReader.insert}). */
  override stampLiveness(_nowMs: number): void {
    throw new Error(`stamping liveness through the pinned map reader of ${this.path}: the reader is read-only`);
  }
}
