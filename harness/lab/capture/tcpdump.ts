/**
 * tcpdump on a data bridge: the lab world's wire recorder. One capture per segment writes every
 * frame (ARP and the UDP probes) to a pcap in the run directory, packet-buffered (`-U`) and in
 * immediate mode so a frame is in the file as soon as the kernel hands it over.
 *
 * Readiness is tcpdump's own "listening on" line (printed after the socket is bound and the ring
 * set up, so frames from then on are captured); stopping is SIGINT, which makes tcpdump flush,
 * close the file and print its counters, read back as {@link CaptureStats}.
 */
import type { Clock } from '../../core/clock.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { collectStderr, spawnTracked, stopTracked, type ChildExit, type OnSpawn, type SpawnedProcess, type StderrBuffer, type TrackedChild } from './tracked-child.ts';

/** Default snapshot length: tcpdump's own (whole frames; the lab's frames are small). */
export const DEFAULT_SNAPLEN_BYTES = 262_144;
/** Default wait for "listening on". */
export const DEFAULT_CAPTURE_START_TIMEOUT_MS = 5_000;
/** Default wait for tcpdump to exit after SIGINT (and again after SIGKILL). */
export const DEFAULT_CAPTURE_STOP_TIMEOUT_MS = 5_000;

/** Where and how to capture. */
export interface CaptureOptions {
  /** Network namespace of the bridge (run through `ip netns exec`); undefined = this process's own. */
  readonly netns: string | undefined;
  /** Interface to capture on (the segment bridge, e.g. `br-0`). */
  readonly iface: string;
  /** pcap file to write (created or truncated). */
  readonly pcapPath: string;
  /** `-s`; default {@link DEFAULT_SNAPLEN_BYTES}. */
  readonly snaplenBytes?: number;
  /** Wait for "listening on"; default {@link DEFAULT_CAPTURE_START_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Wait for the exit after SIGINT; default {@link DEFAULT_CAPTURE_STOP_TIMEOUT_MS}. */
  readonly stopTimeoutMs?: number;
  /** Called with PID and start time as soon as tcpdump exists (record it in the run manifest). */
  readonly onSpawn?: OnSpawn;
  /** Time source for the waits; default a {@link SystemClock}. */
  readonly clock?: Pick<Clock, 'monotonicMs' | 'sleep'>;
  /** The tcpdump binary; default `tcpdump` from PATH. */
  readonly tcpdumpPath?: string;
}

/** tcpdump's closing counters. */
export interface CaptureStats {
  /** "packets captured": frames written to the pcap. */
  readonly packets: number;
  /** "packets received by filter". */
  readonly receivedByFilter: number;
  /** "packets dropped by kernel": frames the ring lost (a capture with drops is incomplete). */
  readonly droppedByKernel: number;
}

/** A running capture. */
export interface CaptureHandle {
  readonly process: SpawnedProcess;
  readonly netns: string | undefined;
  readonly iface: string;
  readonly pcapPath: string;
  /** Spawn to "listening on", in ms (how long the capture took to start). */
  readonly startLatencyMs: number;
  /** How tcpdump ended if it already did (on its own: a vanished interface, a killed process). */
  exitStatus(): ChildExit | undefined;
  /**
   * SIGINT, then waits for the exit so the pcap is flushed and closed; idempotent (later calls
   * return the first call's promise).
   * @throws Error naming the capture when tcpdump had to be killed or printed no counters (the
   * pcap may then end in a partial record, which the reader reports).
   */
  stop(): Promise<CaptureStats>;
}

/** tcpdump's command line for a capture (pure). */
export function tcpdumpArgv(options: Pick<CaptureOptions, 'netns' | 'iface' | 'pcapPath' | 'snaplenBytes' | 'tcpdumpPath'>): string[] {
  const snaplen = options.snaplenBytes ?? DEFAULT_SNAPLEN_BYTES;
  if (!(Number.isInteger(snaplen) && snaplen > 0)) throw new RangeError(`capturing on ${options.iface}: snaplenBytes must be a positive integer, got ${snaplen}`);
  // -Z root: keep the pcap root-owned and writable in a root-only run directory (Debian's tcpdump
  // would otherwise switch to the `tcpdump` user before opening it).
  const tcpdump = [options.tcpdumpPath ?? 'tcpdump', '-i', options.iface, '-U', '-w', options.pcapPath, '--immediate-mode', '-s', String(snaplen), '-n', '-Z', 'root'];
  return options.netns === undefined ? tcpdump : ['ip', 'netns', 'exec', options.netns, ...tcpdump];
}

/** Reads tcpdump's closing counters from its stderr; undefined when they are not all there. */
export function parseTcpdumpStats(stderr: string): CaptureStats | undefined {
  const count = (what: string): number | undefined => {
    const match = new RegExp(`^(\\d+) packets? ${what}$`, 'm').exec(stderr);
    return match === null ? undefined : Number(match[1]);
  };
  const packets = count('captured');
  const receivedByFilter = count('received by filter');
  const droppedByKernel = count('dropped by kernel');
  if (packets === undefined || receivedByFilter === undefined || droppedByKernel === undefined) return undefined;
  return { packets, receivedByFilter, droppedByKernel };
}

/**
 * Starts tcpdump and resolves once it listens.
 * @throws Error naming netns, interface and limit when tcpdump exits or stays silent past
 * `timeoutMs` (tcpdump's stderr included; the process is stopped first).
 */
export async function startCapture(options: CaptureOptions): Promise<CaptureHandle> {
  const clock = options.clock ?? new SystemClock();
  const timeoutMs = options.timeoutMs ?? DEFAULT_CAPTURE_START_TIMEOUT_MS;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_CAPTURE_STOP_TIMEOUT_MS;
  const where = `tcpdump on ${options.iface} in netns ${options.netns ?? '(current)'}`;
  const argv = tcpdumpArgv(options);
  const spawnedAtMs = clock.monotonicMs();
  const tracked = await spawnTracked(where, argv, 'ignore', options.onSpawn);
  const stderr = collectStderr(tracked);

  const listening = await waitListening(tracked, stderr, timeoutMs, clock);
  if (listening !== 'listening') {
    if (listening === 'timeout') await stopTracked(tracked, 'SIGINT', stopTimeoutMs, clock).catch(() => undefined);
    const why = listening === 'timeout' ? `no 'listening on' within ${timeoutMs} ms` : `exited (${describeExit(listening)}) before listening`;
    throw new Error(`starting ${where}: ${why}; stderr: ${stderr.text().trim() || '(empty)'}`);
  }
  const startLatencyMs = clock.monotonicMs() - spawnedAtMs;

  let stopping: Promise<CaptureStats> | undefined;
  const stop = async (): Promise<CaptureStats> => {
    const { exit, killed } = await stopTracked(tracked, 'SIGINT', stopTimeoutMs, clock);
    const stats = parseTcpdumpStats(stderr.text());
    if (killed) throw new Error(`stopping ${where}: no exit within ${stopTimeoutMs} ms of SIGINT, killed; ${options.pcapPath} may end in a partial record`);
    if (stats === undefined) throw new Error(`stopping ${where}: exited (${describeExit(exit)}) without its packet counters; stderr: ${stderr.text().trim() || '(empty)'}`);
    return stats;
  };
  return {
    process: tracked.record,
    netns: options.netns,
    iface: options.iface,
    pcapPath: options.pcapPath,
    startLatencyMs,
    exitStatus: tracked.exitStatus,
    stop: () => (stopping ??= stop()),
  };
}

function describeExit(exit: ChildExit): string {
  return exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
}

async function waitListening(tracked: TrackedChild, stderr: StderrBuffer, timeoutMs: number, clock: Pick<Clock, 'sleep'>): Promise<'listening' | 'timeout' | ChildExit> {
  const abort = new AbortController();
  const outcome = await Promise.race([
    stderr.until(/listening on /).then(() => 'listening' as const),
    tracked.exited,
    clock.sleep(timeoutMs, abort.signal).then(() => 'timeout' as const),
  ]);
  abort.abort();
  return outcome;
}
