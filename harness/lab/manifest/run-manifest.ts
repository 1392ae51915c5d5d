/**
 * The run manifest of one lab run: created before the first namespace, appended to *before* each
 * creation (so a crash in between leaves at worst a record of something that does not exist, which
 * teardown tolerates), and shrunk as teardown removes things. Every write replaces the file
 * atomically (temp file + rename), and writes are serialised, so a reader never sees half a file or
 * an older list after a newer one.
 *
 * Several processes may hold the same manifest (the CLI creates it, the orchestrator inside the lab
 * netns loads it and records its processes, the CLI tears down): each write re-reads the file and
 * applies its change to what is on disk, so no process drops another's records. Two writes from
 * different processes within the same instant can still race (there is no lock); the run's
 * processes record one at a time, so this is not expected.
 */
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { readProcStat } from '../../control-plane/processes.ts';
import { labResourceSchema, runManifestSchema, sameResource, type LabResource, type RunManifestData } from './schema.ts';

export type { LabResource, RunManifestData } from './schema.ts';

/** Where manifests live unless overridden (`--runs-dir`, `L2LAB_RUNS_DIR`). */
export const DEFAULT_RUNS_DIR = process.env.L2LAB_RUNS_DIR ?? '/run/l2lab/runs';

/** A manifest that cannot be created, read or written; the message names the file. */
export class ManifestError extends Error {
  readonly code = 'lab-manifest';
}

/** The owner of a run: a process identified by PID and start time. */
export interface RunOwner {
  readonly pid: number;
  readonly startTimeTicks: number;
}

/** Options of {@link RunManifest.create}. */
export interface CreateManifestOptions {
  readonly runId: string;
  /** The run directory (history, pcaps, logs); recorded, never removed by teardown. */
  readonly runDir: string;
  /** Default {@link DEFAULT_RUNS_DIR}. */
  readonly runsDir?: string;
  /** Default: this process. */
  readonly owner?: RunOwner;
  /** Wall time for `createdAt`; default the system clock. */
  readonly clock?: Clock;
}

/** The manifest path of `runId` in `runsDir`. */
export function manifestPath(runsDir: string, runId: string): string {
  return join(runsDir, `${runId}.json`);
}

/** `path: message` lines of a zod error. Pure. */
export function zodMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length === 0 ? '(top)' : issue.path.join('.')}: ${issue.message}`);
}

/** Parses manifest text. @throws ManifestError naming `path` and every schema problem. */
export function parseManifest(text: string, path: string): RunManifestData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${path}: not a run manifest: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = runManifestSchema.safeParse(json);
  if (!parsed.success) throw new ManifestError(`${path}: not a run manifest: ${zodMessages(parsed.error).join('; ')}`);
  return parsed.data;
}

async function writeAtomically(path: string, data: RunManifestData): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** This process as a run owner. */
export async function currentOwner(): Promise<RunOwner> {
  const stat = await readProcStat(process.pid);
  if (stat === undefined) throw new ManifestError(`reading /proc/${process.pid}/stat for the run owner's start time: not readable`);
  return { pid: process.pid, startTimeTicks: stat.startTimeTicks };
}

/** One run's manifest file and its in-memory copy. */
export class RunManifest {
  readonly path: string;
  #data: RunManifestData;
  #removed = false;
  /** Serialises writes: each one starts after the previous finished. */
  #writes: Promise<void> = Promise.resolve();

  private constructor(path: string, data: RunManifestData) {
    this.path = path;
    this.#data = data;
  }

  /**
   * Writes a new manifest (no resources yet).
   * @throws ManifestError when one already exists for the run id (two runs must never share one) or the directory is not writable.
   */
  static async create(options: CreateManifestOptions): Promise<RunManifest> {
    const runsDir = options.runsDir ?? DEFAULT_RUNS_DIR;
    const path = manifestPath(runsDir, options.runId);
    const owner = options.owner ?? (await currentOwner());
    const clock = options.clock ?? new SystemClock();
    const data = runManifestSchema.safeParse({
      kind: 'l2lab-lab-run',
      version: 1,
      runId: options.runId,
      ownerPid: owner.pid,
      ownerStartTicks: owner.startTimeTicks,
      createdAt: new Date(clock.wallMs()).toISOString(),
      runDir: options.runDir,
      resources: [],
    });
    if (!data.success) throw new ManifestError(`creating run manifest ${path}: ${zodMessages(data.error).join('; ')}`);
    try {
      await mkdir(runsDir, { recursive: true, mode: 0o700 });
      // A hard link of the complete temp file appears atomically and fails if a manifest for this
      // run id exists: no reader ever sees an empty or partial file, and two runs never share one.
      const tmp = `${path}.tmp-${process.pid}`;
      await writeFile(tmp, `${JSON.stringify(data.data, null, 2)}\n`, { mode: 0o600 });
      try {
        await link(tmp, path);
      } finally {
        await rm(tmp, { force: true });
      }
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'a manifest for this run id already exists' : error instanceof Error ? error.message : String(error);
      throw new ManifestError(`creating run manifest ${path}: ${reason}`, { cause: error });
    }
    return new RunManifest(path, data.data);
  }

  /** Reads and validates a manifest file. @throws ManifestError naming the file. */
  static async load(path: string): Promise<RunManifest> {
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new ManifestError(`reading run manifest ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    return new RunManifest(path, parseManifest(text, path));
  }

  /** The manifest as last written. */
  get data(): RunManifestData {
    return this.#data;
  }

  /** The run id the manifest belongs to. */
  get runId(): string {
    return this.#data.runId;
  }

  /** The process that owns the run; the run is dead once it is gone. */
  get owner(): RunOwner {
    return { pid: this.#data.ownerPid, startTimeTicks: this.#data.ownerStartTicks };
  }

  /** Recorded resources in creation order (teardown walks them backwards). */
  get resources(): readonly LabResource[] {
    return this.#data.resources;
  }

  /** True once {@link remove} deleted the file. */
  get removed(): boolean {
    return this.#removed;
  }

  /** Records one resource before it is created (a duplicate is recorded once). */
  async record(resource: LabResource): Promise<void> {
    await this.recordAll([resource]);
  }

  /** Records several resources with one write, before creating them. */
  async recordAll(resources: readonly LabResource[]): Promise<void> {
    const checked = resources.map((resource) => {
      const parsed = labResourceSchema.safeParse(resource);
      if (!parsed.success) throw new ManifestError(`recording ${JSON.stringify(resource)} in ${this.path}: ${zodMessages(parsed.error).join('; ')}`);
      return parsed.data;
    });
    await this.#update((current) => {
      const added = checked.filter((r, i) => !current.some((c) => sameResource(c, r)) && checked.findIndex((o) => sameResource(o, r)) === i);
      return added.length === 0 ? current : [...current, ...added];
    });
  }

  /**
   * Records a started process by PID and start time (read from /proc when not given).
   * @throws ManifestError when the process is already gone.
   */
  async recordProcess(proc: { readonly name: string; readonly pid: number; readonly startTimeTicks?: number }, netns?: string): Promise<void> {
    const startTimeTicks = proc.startTimeTicks ?? (await readProcStat(proc.pid))?.startTimeTicks;
    if (startTimeTicks === undefined) throw new ManifestError(`recording process ${proc.name} (pid ${proc.pid}) in ${this.path}: it is not running`);
    await this.record({ kind: 'process', name: proc.name, pid: proc.pid, startTimeTicks, ...(netns === undefined ? {} : { netns }) });
  }

  /** Drops a resource that no longer exists (teardown removed it, or a process exited). */
  async forget(resource: LabResource): Promise<void> {
    await this.#update((current) => (current.some((c) => sameResource(c, resource)) ? current.filter((c) => !sameResource(c, resource)) : current));
  }

  /** Deletes the manifest file (the run is gone); idempotent. Later writes are refused. */
  async remove(): Promise<void> {
    await this.#writes;
    this.#removed = true;
    await rm(this.path, { force: true });
  }

  /**
   * Re-reads the file, taking in what other processes recorded. A missing file means the run was
   * torn down elsewhere: the manifest then counts as removed.
   * @throws ManifestError when the file is not a valid manifest of this run.
   */
  async reload(): Promise<void> {
    const reading = this.#writes.then(async () => {
      const onDisk = await this.#readDisk();
      if (onDisk === undefined) this.#removed = true;
      else this.#data = onDisk;
    });
    this.#writes = reading.catch(() => undefined);
    await reading;
  }

  async #readDisk(): Promise<RunManifestData | undefined> {
    const text = await readFile(this.path, 'utf8').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ManifestError(`reading run manifest ${this.path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    if (text === undefined) return undefined;
    const data = parseManifest(text, this.path);
    if (data.runId !== this.#data.runId) throw new ManifestError(`${this.path}: holds run ${data.runId}, expected ${this.#data.runId}`);
    return data;
  }

  #update(change: (current: readonly LabResource[]) => readonly LabResource[]): Promise<void> {
    const write = this.#writes.then(async () => {
      if (this.#removed) throw new ManifestError(`writing run manifest ${this.path}: the manifest was removed (the run is torn down)`);
      // Apply the change to the file's list: another process may have recorded since our last look.
      const current = (await this.#readDisk()) ?? this.#data;
      const resources = change(current.resources);
      if (resources === current.resources) {
        this.#data = current;
        return;
      }
      const next = { ...current, resources: [...resources] };
      try {
        await writeAtomically(this.path, next);
      } catch (error) {
        throw new ManifestError(`writing run manifest ${this.path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      this.#data = next;
    });
    // A failed write must not wedge later ones; the caller sees the failure through `write`.
    this.#writes = write.catch(() => undefined);
    return write;
  }
}

/** One file of a runs directory: a valid manifest or why it is not one. */
export type ManifestEntry = { readonly path: string; readonly ok: true; readonly manifest: RunManifest } | { readonly path: string; readonly ok: false; readonly error: string };

/** Every `*.json` in `runsDir` (none when the directory does not exist), sorted by name. */
export async function listManifests(runsDir: string): Promise<ManifestEntry[]> {
  const names = await readdir(runsDir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
    throw new ManifestError(`listing run manifests in ${runsDir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  const entries: ManifestEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const path = join(runsDir, name);
    try {
      entries.push({ path, ok: true, manifest: await RunManifest.load(path) });
    } catch (error) {
      entries.push({ path, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return entries;
}
