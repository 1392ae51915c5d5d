/**
 * netem in the simulation: the shaping a scenario's `netem` step puts on one interface, and the
 * pure draws that apply it. As `tc qdisc … netem` on that interface, it shapes what the interface
 * *sends* (its egress): each frame is lost with the loss rate, else delayed by `delay ± jitter`
 * (uniform, floored at 0, as netem's default distribution). On the API path (`mgmt`) the traffic is
 * a TCP connection, so a lost transmission is not a lost request: TCP sends it again after the
 * retransmission timeout (Linux: 200 ms minimum, doubling, at most 15 retransmissions), and only a
 * request whose every transmission is lost is gone (the client then times out).
 *
 * Draws come from the caller's {@link Rng} and are made only for a non-zero loss or jitter, in a
 * fixed order (loss first, then jitter), so a shaped run is as deterministic as any other.
 */
import type { LinkShape } from '../core/net.ts';
import type { Rng } from '../core/rng.ts';

/** Shaping of one interface's egress, validated and in the units the sim uses. */
export interface NetemShape {
  /** Added one-way delay (ms, ≥ 0). */
  readonly delayMs: number;
  /** The delay varies uniformly within ± this (ms, ≥ 0). */
  readonly jitterMs: number;
  /** Probability in [0, 1] that one transmission is lost. */
  readonly lossRate: number;
}

/** Linux's minimum TCP retransmission timeout (`TCP_RTO_MIN`). */
export const TCP_RTO_MIN_MS = 200;
/** Linux's maximum TCP retransmission timeout (`TCP_RTO_MAX`). */
export const TCP_RTO_MAX_MS = 120_000;
/** Retransmissions before Linux gives a connection up (`tcp_retries2` default). */
export const TCP_MAX_RETRANSMISSIONS = 15;

/**
 * A scenario's shaping (`delayMs`, `jitterMs`, `lossPercent`, each optional) as a {@link NetemShape}.
 * @throws RangeError naming `what` for a negative or non-finite delay or jitter, or a loss outside 0–100 %.
 */
export function netemShape(what: string, shape: LinkShape): NetemShape {
  const delayMs = shape.delayMs ?? 0;
  const jitterMs = shape.jitterMs ?? 0;
  const lossPercent = shape.lossPercent ?? 0;
  if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`netem on ${what}: delayMs must be finite and ≥ 0, got ${delayMs}`);
  if (!(Number.isFinite(jitterMs) && jitterMs >= 0)) throw new RangeError(`netem on ${what}: jitterMs must be finite and ≥ 0, got ${jitterMs}`);
  if (!(lossPercent >= 0 && lossPercent <= 100)) throw new RangeError(`netem on ${what}: lossPercent must be in [0, 100], got ${lossPercent}`);
  return { delayMs, jitterMs, lossRate: lossPercent / 100 };
}

/** True when applying `shape` draws from an rng (loss or jitter set). */
export function netemDraws(shape: NetemShape): boolean {
  return shape.lossRate > 0 || shape.jitterMs > 0;
}

/** One frame through a shaped egress: its extra delay in ms, or undefined when netem drops it. */
export function drawFrameDelayMs(shape: NetemShape, rng: Rng): number | undefined {
  if (shape.lossRate > 0 && rng.float() < shape.lossRate) return undefined;
  return jitteredDelayMs(shape, rng);
}

/**
 * One request over a shaped TCP connection: the extra delay until it is through (netem delay plus
 * the retransmission timeouts of lost transmissions), or undefined when every transmission is lost.
 */
export function drawTcpDelayMs(shape: NetemShape, rng: Rng): number | undefined {
  let waitedMs = 0;
  let rtoMs = TCP_RTO_MIN_MS;
  // Bounded: the first transmission and at most TCP_MAX_RETRANSMISSIONS more.
  for (let sent = 0; sent <= TCP_MAX_RETRANSMISSIONS; sent += 1) {
    if (!(shape.lossRate > 0 && rng.float() < shape.lossRate)) return waitedMs + jitteredDelayMs(shape, rng);
    waitedMs += rtoMs;
    rtoMs = Math.min(rtoMs * 2, TCP_RTO_MAX_MS);
  }
  return undefined;
}

function jitteredDelayMs(shape: NetemShape, rng: Rng): number {
  if (shape.jitterMs === 0) return shape.delayMs;
  return Math.max(0, shape.delayMs + (rng.float() * 2 - 1) * shape.jitterMs);
}
