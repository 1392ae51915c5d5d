/**
 * The prober of one client: every `intervalMs` it sends one sequence-numbered UDP probe to each
 * VIP through the client's neighbour cache and records the outcome as `probe` ops
 * (docs/history.md "Clients"): `invoke {client, vip, seq}`, then `ok {…, outcome: 'answered',
 * answeredBy, rttMs}` when the echo arrives, or `fail {…, outcome: 'unreachable'}` when the
 * neighbour cache drops the packet (resolution failed), or `fail {…, outcome: 'timeout'}` when
 * no echo came within `timeoutMs`. Timeouts are judged at probe ticks (so at most one interval
 * late; no kernel event per probe); an echo after its timeout is ignored.
 *
 * {@link Prober} is the bookkeeping; {@link proberTask} the loop, a task on the kernel.
 */
import type { Clock, SleepOutcome } from '../core/clock.ts';
import type { History } from '../core/history.ts';
import { sleep, sleepEffect, type Task } from '../core/task.ts';
import type { ClientListener } from './sim-client.ts';

/** Prober settings. */
export interface ProbeSettings {
  /** Time between probe rounds (one probe per VIP per round). */
  readonly intervalMs: number;
  /** A probe without echo for this long fails with `timeout` (≥ intervalMs is sensible). */
  readonly timeoutMs: number;
  /** First round at this virtual time. Default: one interval after start. */
  readonly startMs?: number;
}

/** Default: a probe per VIP every second, 1 s timeout. */
export const DEFAULT_PROBE: ProbeSettings = { intervalMs: 1_000, timeoutMs: 1_000 };

/** Ports of a {@link Prober}. */
export interface ProberPorts {
  readonly clock: Pick<Clock, 'monotonicMs'>;
  readonly history: History;
  /** The VIPs to probe now (sorted). */
  readonly vips: () => readonly string[];
  /** Hands a packet to the client's neighbour cache. */
  readonly send: (vip: string, packetId: number) => void;
}

interface Outstanding {
  readonly vip: string;
  readonly seq: number;
  readonly sentAtMs: number;
}

/** Probe bookkeeping of one client. */
export class Prober implements ClientListener {
  readonly client: string;
  readonly settings: ProbeSettings;
  readonly stats = { sent: 0, answered: 0, timeouts: 0, unreachable: 0 };
  readonly #ports: ProberPorts;
  readonly #outstanding = new Map<number, Outstanding>();
  readonly #seqs = new Map<string, number>();
  #nextPacketId = 1;

  /** @throws RangeError when the interval or timeout is not positive and finite. */
  constructor(client: string, settings: ProbeSettings, ports: ProberPorts) {
    for (const key of ['intervalMs', 'timeoutMs'] as const) {
      if (!(Number.isFinite(settings[key]) && settings[key] > 0)) throw new RangeError(`prober of ${client}: ${key} must be a positive finite number, got ${settings[key]}`);
    }
    this.client = client;
    this.settings = settings;
    this.#ports = ports;
  }

  /** One round: expire overdue probes, then one probe per VIP. */
  tick(): void {
    const nowMs = this.#ports.clock.monotonicMs();
    for (const [packetId, probe] of this.#outstanding) {
      if (probe.sentAtMs + this.settings.timeoutMs > nowMs) continue;
      this.#outstanding.delete(packetId);
      this.stats.timeouts += 1;
      this.#complete('fail', probe, { outcome: 'timeout' });
    }
    for (const vip of this.#ports.vips()) {
      const seq = (this.#seqs.get(vip) ?? 0) + 1;
      this.#seqs.set(vip, seq);
      const packetId = this.#nextPacketId;
      this.#nextPacketId += 1;
      this.#outstanding.set(packetId, { vip, seq, sentAtMs: nowMs });
      this.stats.sent += 1;
      this.#ports.history.record({ process: this.client, type: 'invoke', f: 'probe', value: { client: this.client, vip, seq } });
      this.#ports.send(vip, packetId);
    }
  }

  onEcho(packetId: number, answeredBy: string | undefined): void {
    const probe = this.#outstanding.get(packetId);
    if (probe === undefined) return;
    this.#outstanding.delete(packetId);
    this.stats.answered += 1;
    this.#complete('ok', probe, { outcome: 'answered', answeredBy: answeredBy ?? null, rttMs: this.#ports.clock.monotonicMs() - probe.sentAtMs });
  }

  onDrop(packetId: number, _reason: string): void {
    const probe = this.#outstanding.get(packetId);
    if (probe === undefined) return;
    this.#outstanding.delete(packetId);
    this.stats.unreachable += 1;
    this.#complete('fail', probe, { outcome: 'unreachable' });
  }

  #complete(type: 'ok' | 'fail', probe: Outstanding, extra: { readonly [key: string]: string | number | null }): void {
    this.#ports.history.record({ process: this.client, type, f: 'probe', value: { client: this.client, vip: probe.vip, seq: probe.seq, ...extra } });
  }
}

/** The prober loop: a round every interval until `signal` aborts. */
export function* proberTask(prober: Prober, clock: Pick<Clock, 'monotonicMs'>, signal: AbortSignal): Task<void> {
  const first = (prober.settings.startMs ?? clock.monotonicMs() + prober.settings.intervalMs) - clock.monotonicMs();
  if (first > 0 && (yield* sleep(first, signal)) === 'aborted') return;
  // Bounded by the signal and the kernel's run limits: each turn sleeps one interval.
  for (;;) {
    prober.tick();
    if (((yield sleepEffect(prober.settings.intervalMs, signal)) as SleepOutcome) === 'aborted') return;
  }
}
