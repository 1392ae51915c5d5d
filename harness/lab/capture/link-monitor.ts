/**
 * A node's link state as events: `ip -o [-n <netns>] monitor link` prints every RTM_NEWLINK the
 * kernel sends; each line is stamped with the run clock when read, parsed ({@link parseLinkLine})
 * and turned into an up/down transition of a watched interface ({@link planLinkTransition}). Once
 * the monitor is subscribed, `ip -j link show` gives the state to start from (lines read before it
 * are replayed on top): an interface already down is reported down at once.
 *
 * The monitor dying on its own is a problem (reported), and it is restarted — at most
 * `maxRestarts` times, each after a short pause — with a fresh read of the state, so a change made
 * while no monitor ran is reported too. Spawned like the capture layer's other helpers
 * ({@link spawnTracked}): own process group, PID + start time announced through `onSpawn`; under
 * `setpriv --pdeathsig TERM` (util-linux), so it never outlives the process that started it.
 */
import { createInterface } from 'node:readline';
import type { Clock } from '../../core/clock.ts';
import { systemExec, type Exec } from '../../control-plane/exec.ts';
import { parseLinkLine, parseLinkShowJson, planLinkTransition, type LinkTransition } from './link-line.ts';
import { RTNLGRP_LINK, waitNetlinkSubscription } from './netlink-subscription.ts';
import { collectStderr, spawnTracked, stopTracked, type OnSpawn, type TrackedChild } from './tracked-child.ts';

/** Default wait for the subscription and for the initial `ip -j link show`. */
export const DEFAULT_LINK_READY_TIMEOUT_MS = 5_000;
/** Default wait for `ip monitor` to exit after SIGTERM. */
export const DEFAULT_LINK_STOP_TIMEOUT_MS = 5_000;
/** Default bound on restarts of a monitor that exited on its own. */
export const DEFAULT_LINK_MAX_RESTARTS = 5;
/** Pause before restart n is n × this. */
const RESTART_PAUSE_MS = 200;

/** What to watch and whom to tell. */
export interface LinkMonitorOptions {
  /** The interfaces whose transitions are reported (others are ignored). */
  readonly ifaces: readonly string[];
  /** A namespace to watch (`ip -n`); default the caller's own. */
  readonly netns?: string;
  /** The run clock: stamps each line and bounds the waits. */
  readonly clock: Pick<Clock, 'monotonicMs' | 'sleep'>;
  /** A watched interface went down or came back, seen at `tMs`. */
  readonly onTransition: (iface: string, transition: LinkTransition, tMs: number) => void;
  /** Something went wrong after start (an unparsed line, an exit, a failed restart). */
  readonly onProblem: (message: string) => void;
  /** Called with PID and start time as soon as each `ip monitor` exists. */
  readonly onSpawn?: OnSpawn;
  /** Default {@link DEFAULT_LINK_READY_TIMEOUT_MS}. */
  readonly readyTimeoutMs?: number;
  /** Default {@link DEFAULT_LINK_STOP_TIMEOUT_MS}. */
  readonly stopTimeoutMs?: number;
  /** Default {@link DEFAULT_LINK_MAX_RESTARTS}. */
  readonly maxRestarts?: number;
  /** Runs `ip -j link show`; default {@link systemExec}. */
  readonly exec?: Exec;
}

/** A running `ip monitor link` reader. */
export class LinkMonitor {
  readonly #options: LinkMonitorOptions;
  readonly #watched: ReadonlySet<string>;
  readonly #known = new Map<string, boolean>();
  readonly #where: string;
  #child: TrackedChild | undefined;
  /** Lines of the current child read before its state snapshot is in place. */
  #pending: { line: string; tMs: number }[] | undefined;
  #restarts = 0;
  #stopped = false;
  #restarting: Promise<void> = Promise.resolve();

  private constructor(options: LinkMonitorOptions) {
    this.#options = options;
    this.#watched = new Set(options.ifaces);
    this.#where = options.netns === undefined ? 'this netns' : `netns ${options.netns}`;
  }

  /**
   * Starts the monitor, waits for its subscription and reads the current state (a watched
   * interface that is down is reported at once; one that does not exist is a problem).
   * @throws Error naming the namespace and the limit when it does not come up in time.
   */
  static async start(options: LinkMonitorOptions): Promise<LinkMonitor> {
    const monitor = new LinkMonitor(options);
    await monitor.#run();
    return monitor;
  }

  /** The state last seen per watched interface (true = up). */
  known(): ReadonlyMap<string, boolean> {
    return this.#known;
  }

  /** How often the monitor was restarted. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The current `ip monitor` process (for tests and logs). */
  get pid(): number | undefined {
    return this.#child?.record.pid;
  }

  /** Stops `ip monitor` (SIGTERM, SIGKILL after the stop timeout) and any restart; idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#restarting;
    const child = this.#child;
    if (child !== undefined) await stopTracked(child, 'SIGTERM', this.#options.stopTimeoutMs ?? DEFAULT_LINK_STOP_TIMEOUT_MS, this.#options.clock);
  }

  async #run(): Promise<void> {
    const o = this.#options;
    const timeoutMs = o.readyTimeoutMs ?? DEFAULT_LINK_READY_TIMEOUT_MS;
    const netnsArgs = o.netns === undefined ? [] : ['-n', o.netns];
    const what = `ip monitor link in ${this.#where}`;
    // setpriv --pdeathsig: the monitor ends with its parent, also when the agent is SIGKILLed (the
    // kill-agent fault) — else it would linger until teardown's sweep of the node's namespace.
    const tracked = await spawnTracked(what, ['setpriv', '--pdeathsig', 'TERM', 'ip', '-o', ...netnsArgs, 'monitor', 'link'], 'pipe', o.onSpawn);
    this.#child = tracked;
    this.#pending = [];
    const stderr = collectStderr(tracked);
    const stdout = tracked.child.stdout;
    if (stdout !== null) createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => this.#onLine(tracked, line, o.clock.monotonicMs()));
    try {
      await waitNetlinkSubscription(tracked, RTNLGRP_LINK, what, timeoutMs, o.clock);
      const shown = await (o.exec ?? systemExec)('ip', ['-j', ...netnsArgs, 'link', 'show'], { timeoutMs });
      this.#seed(parseLinkShowJson(shown.stdout), o.clock.monotonicMs());
    } catch (error) {
      await stopTracked(tracked, 'SIGKILL', o.stopTimeoutMs ?? DEFAULT_LINK_STOP_TIMEOUT_MS, o.clock).catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message.startsWith('starting') ? message : `reading link state in ${this.#where} (limit ${timeoutMs} ms): ${message}`}; stderr: ${stderr.text().trim() || '(empty)'}`, { cause: error });
    }
    void tracked.exited.then((exit) => {
      if (this.#stopped || this.#child !== tracked) return;
      this.#restarting = this.#restart(`${what} exited on its own (${exit.signal ?? `code ${exit.code}`}; stderr: ${stderr.text().trim() || '(empty)'})`);
    });
  }

  async #restart(why: string): Promise<void> {
    const limit = this.#options.maxRestarts ?? DEFAULT_LINK_MAX_RESTARTS;
    for (;;) {
      if (this.#restarts >= limit) {
        this.#options.onProblem(`${why}; gave up after ${limit} restarts: link changes are no longer seen`);
        return;
      }
      this.#restarts += 1;
      this.#options.onProblem(`${why}; restarting it (${this.#restarts} of at most ${limit})`);
      await this.#options.clock.sleep(RESTART_PAUSE_MS * this.#restarts);
      if (this.#stopped) return;
      try {
        // A stop() meanwhile waits for this and then stops the new child.
        await this.#run();
        return;
      } catch (error) {
        why = `restarting ip monitor link in ${this.#where}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }

  #seed(states: ReadonlyMap<string, boolean>, tMs: number): void {
    for (const iface of this.#watched) {
      const up = states.get(iface);
      if (up === undefined) this.#options.onProblem(`link state in ${this.#where}: no interface ${iface}`);
      else this.#apply(iface, up, tMs);
    }
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    for (const { line, tMs: at } of pending) this.#applyLine(line, at);
  }

  #onLine(from: TrackedChild, line: string, tMs: number): void {
    if (from !== this.#child) return;
    if (this.#pending !== undefined) this.#pending.push({ line, tMs });
    else this.#applyLine(line, tMs);
  }

  #applyLine(text: string, tMs: number): void {
    const parsed = parseLinkLine(text);
    if (parsed.kind === 'unparsed') this.#options.onProblem(`ip monitor link in ${this.#where}: ${parsed.reason}: '${text}'`);
    else if (parsed.kind === 'link' && this.#watched.has(parsed.iface)) this.#apply(parsed.iface, parsed.up, tMs);
  }

  #apply(iface: string, up: boolean, tMs: number): void {
    const transition = planLinkTransition(this.#known.get(iface), up);
    this.#known.set(iface, up);
    if (transition !== undefined) this.#options.onTransition(iface, transition, tMs);
  }
}
