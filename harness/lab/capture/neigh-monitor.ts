/**
 * A client's ARP cache as history: `ip -n <netns> monitor neigh` prints every neighbour change the
 * kernel notifies over netlink; each line is stamped with the run clock the moment it is read,
 * parsed ({@link parseNeighLine}), and recorded as `neigh-changed` when it changes the remembered
 * state or MAC of its IP ({@link planNeighChange}). The table is seeded from `ip neigh show` once
 * the monitor is subscribed, so `fromState`/`fromMac` are right even if the client already had
 * entries (the seed itself records nothing).
 *
 * Which transitions appear is the kernel's choice (docs/history.md, "Clients in the lab world"):
 * NONE→INCOMPLETE and →DELAY are never notified. Times are when this process read the line: the
 * netlink + pipe + event-loop delay (typically well under a millisecond on an idle host) is in them.
 */
import { createInterface } from 'node:readline';
import type { Clock } from '../../core/clock.ts';
import type { History } from '../../core/history.ts';
import { systemExec, type Exec } from '../../control-plane/exec.ts';
import { planNeighChange, seedKnownNeighs, type KnownNeigh } from './neigh-change.ts';
import { parseNeighLine, type NeighEntryLine } from './neigh-line.ts';
import { netlinkSubscribers, RTNLGRP_NEIGH, waitNetlinkSubscription } from './netlink-subscription.ts';
import { collectStderr, spawnTracked, stopTracked, type OnSpawn, type SpawnedProcess, type StderrBuffer, type TrackedChild } from './tracked-child.ts';

/** Default wait for the monitor's netlink subscription. */
export const DEFAULT_NEIGH_READY_TIMEOUT_MS = 5_000;
/** Default wait for `ip monitor` to exit after SIGTERM. */
export const DEFAULT_NEIGH_STOP_TIMEOUT_MS = 5_000;

/** What to watch and where to record. */
export interface NeighMonitorOptions {
  /** The client's network namespace. */
  readonly netns: string;
  /** The client id (the ops' `process` and `value.client`). */
  readonly client: string;
  /** Only this interface (`dev`); default every interface of the namespace. */
  readonly iface?: string;
  /** The run clock (the lab's `LabClock`): stamps each line and bounds the waits. */
  readonly clock: Pick<Clock, 'monotonicMs' | 'sleep'>;
  /** Where `neigh-changed` ops go (each with an explicit `tMs`). */
  readonly history: Pick<History, 'record'>;
  /** Called with PID and start time as soon as `ip monitor` exists. */
  readonly onSpawn?: OnSpawn;
  /** Wait for the netlink subscription; default {@link DEFAULT_NEIGH_READY_TIMEOUT_MS}. */
  readonly readyTimeoutMs?: number;
  /** Wait for the exit on stop; default {@link DEFAULT_NEIGH_STOP_TIMEOUT_MS}. */
  readonly stopTimeoutMs?: number;
  /** Runs the snapshot command; default {@link systemExec}. */
  readonly exec?: Exec;
}

/** What a stopped monitor saw. */
export interface NeighMonitorSummary {
  readonly linesRead: number;
  readonly changesRecorded: number;
  /** Lines that did not parse, and an unexpected exit of `ip monitor`. */
  readonly problems: readonly string[];
}

/** A running `ip monitor neigh` reader. */
export class NeighMonitor {
  readonly process: SpawnedProcess;
  readonly #options: NeighMonitorOptions;
  readonly #tracked: TrackedChild;
  readonly #stderr: StderrBuffer;
  readonly #known = new Map<string, KnownNeigh>();
  readonly #problems: string[] = [];
  /** Lines read before the seed is in place, replayed on top of it. */
  #pending: { line: string; tMs: number }[] | undefined = [];
  #linesRead = 0;
  #changes = 0;
  #stopping: Promise<NeighMonitorSummary> | undefined;
  #stopped = false;

  private constructor(options: NeighMonitorOptions, tracked: TrackedChild) {
    this.#options = options;
    this.#tracked = tracked;
    this.process = tracked.record;
    this.#stderr = collectStderr(tracked);
    const stdout = tracked.child.stdout;
    if (stdout !== null) createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => this.#onLine(line, options.clock.monotonicMs()));
    void tracked.exited.then((exit) => {
      if (!this.#stopped) this.#problems.push(`ip monitor neigh in ${options.netns} exited on its own (${exit.signal ?? `code ${exit.code}`}; stderr: ${this.#stderr.text().trim() || '(empty)'}); later changes are not recorded`);
    });
  }

  /**
   * Starts `ip -n <netns> monitor neigh [dev <iface>]`, waits until it is subscribed to neighbour
   * notifications, then seeds the table from `ip neigh show`.
   * @throws Error naming the namespace and the limit when it does not subscribe in time, exits, or
   * the snapshot fails (the monitor is stopped first).
   */
  static async start(options: NeighMonitorOptions): Promise<NeighMonitor> {
    const dev = options.iface === undefined ? [] : ['dev', options.iface];
    const argv = ['ip', '-n', options.netns, 'monitor', 'neigh', ...dev];
    const tracked = await spawnTracked(`ip monitor neigh in ${options.netns}`, argv, 'pipe', options.onSpawn);
    const monitor = new NeighMonitor(options, tracked);
    try {
      await waitNetlinkSubscription(tracked, RTNLGRP_NEIGH, `ip monitor neigh in netns ${options.netns}`, options.readyTimeoutMs ?? DEFAULT_NEIGH_READY_TIMEOUT_MS, options.clock);
      const shown = await (options.exec ?? systemExec)('ip', ['-n', options.netns, 'neigh', 'show', ...dev], { timeoutMs: options.readyTimeoutMs ?? DEFAULT_NEIGH_READY_TIMEOUT_MS });
      monitor.#seed(shown.stdout);
    } catch (error) {
      await monitor.stop().catch(() => undefined);
      const stderr = monitor.#stderr.text().trim();
      if (stderr === '' || !(error instanceof Error)) throw error;
      throw new Error(`${error.message}; stderr: ${stderr}`, { cause: error });
    }
    return monitor;
  }

  /** The remembered table (IP → state and MAC), as the last line left it. */
  known(): ReadonlyMap<string, KnownNeigh> {
    return this.#known;
  }

  /** Problems so far (unparsed lines, an early exit). */
  problems(): readonly string[] {
    return this.#problems;
  }

  /**
   * Stops `ip monitor` (SIGTERM; SIGKILL after the stop timeout) after the lines already in the
   * pipe are read; idempotent.
   */
  stop(): Promise<NeighMonitorSummary> {
    this.#stopping ??= (async () => {
      this.#stopped = true;
      await stopTracked(this.#tracked, 'SIGTERM', this.#options.stopTimeoutMs ?? DEFAULT_NEIGH_STOP_TIMEOUT_MS, this.#options.clock);
      this.#flushPending();
      return { linesRead: this.#linesRead, changesRecorded: this.#changes, problems: [...this.#problems] };
    })();
    return this.#stopping;
  }

  #seed(showOutput: string): void {
    const entries: NeighEntryLine[] = [];
    for (const text of showOutput.split('\n')) {
      const parsed = parseNeighLine(text);
      if (parsed.kind === 'entry') entries.push(parsed);
      else if (parsed.kind === 'unparsed') this.#problems.push(`ip neigh show in ${this.#options.netns}: ${parsed.reason}: '${text}'`);
    }
    for (const [ip, entry] of seedKnownNeighs(entries)) this.#known.set(ip, entry);
    this.#flushPending();
  }

  #flushPending(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    for (const { line, tMs } of pending ?? []) this.#apply(line, tMs);
  }

  #onLine(line: string, tMs: number): void {
    this.#linesRead += 1;
    if (this.#pending !== undefined) this.#pending.push({ line, tMs });
    else this.#apply(line, tMs);
  }

  #apply(text: string, tMs: number): void {
    const parsed = parseNeighLine(text);
    if (parsed.kind === 'unparsed') {
      this.#problems.push(`ip monitor neigh in ${this.#options.netns}: ${parsed.reason}: '${text}'`);
      return;
    }
    if (parsed.kind === 'ignored') return;
    const plan = planNeighChange(this.#known.get(parsed.ip), parsed);
    if (plan.next === undefined) this.#known.delete(parsed.ip);
    else this.#known.set(parsed.ip, plan.next);
    if (plan.change === undefined) return;
    this.#changes += 1;
    const client = this.#options.client;
    this.#options.history.record({ process: client, type: 'info', f: 'neigh-changed', tMs, value: { client, ...plan.change } });
  }
}

/**
 * Inodes of NETLINK_ROUTE sockets subscribed to RTNLGRP_NEIGH in a /proc/net/netlink table. Pure.
 */
export function netlinkNeighSubscribers(table: string): string[] {
  return netlinkSubscribers(table, RTNLGRP_NEIGH);
}
