/**
 * A file another process replaces atomically (write a temporary file, rename it over): the pinned
 * responder map, the prober's VIP list. The reader watches the *directory* with `fs.watch` (a
 * rename replaces the inode, so a watch on the file itself would go deaf after the first change)
 * and polls as a fallback (inotify can miss a rename racing a re-arm, and the directory may not
 * exist yet). The file is re-read only when its (mtime, inode, size) changed.
 */
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.ts';

/** Default fallback poll period. */
export const WATCHED_FILE_POLL_MS = 100;

/** Callbacks of a {@link WatchedFile}. */
export interface WatchedFileOptions {
  readonly clock: Pick<Clock, 'setTimer'>;
  /** The file's new text, or undefined when it is gone. A throw is reported through `onError`; that version of the file is not read again. */
  readonly onContent: (text: string | undefined) => void;
  readonly onError?: (error: Error) => void;
  /** Default {@link WATCHED_FILE_POLL_MS}. */
  readonly pollMs?: number;
}

/** Watches one file for replacement. */
export class WatchedFile {
  readonly path: string;
  readonly #options: WatchedFileOptions;
  #seen = '';
  #watcher: FSWatcher | undefined = undefined;
  #poll: TimerHandle | undefined = undefined;
  #started = false;

  constructor(path: string, options: WatchedFileOptions) {
    this.path = path;
    this.#options = options;
  }

  /** Reads the file now (synchronously) and starts watching; idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.refresh();
    const name = basename(this.path);
    try {
      this.#watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.refresh();
      });
      this.#watcher.on('error', () => this.#stopWatcher());
    } catch {
      // The directory does not exist yet: the poll covers it.
      this.#watcher = undefined;
    }
    this.#schedulePoll();
  }

  /** Stops watching; idempotent. */
  close(): void {
    this.#started = false;
    this.#stopWatcher();
    this.#poll?.cancel();
    this.#poll = undefined;
  }

  /** Re-reads the file when it changed since the last successful read. */
  refresh(): void {
    let signature: string;
    try {
      const stat = statSync(this.path, { bigint: true });
      signature = `${stat.mtimeNs}:${stat.ino}:${stat.size}`;
    } catch {
      signature = 'absent';
    }
    if (signature === this.#seen) return;
    try {
      this.#options.onContent(signature === 'absent' ? undefined : readFileSync(this.path, 'utf8'));
      this.#seen = signature;
    } catch (error) {
      // Replaced between stat and read: the next event or poll reads the new one.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.#seen = signature;
      this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #schedulePoll(): void {
    this.#poll = this.#options.clock.setTimer(this.#options.pollMs ?? WATCHED_FILE_POLL_MS, () => {
      if (!this.#started) return;
      this.refresh();
      this.#schedulePoll();
    });
  }

  #stopWatcher(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
