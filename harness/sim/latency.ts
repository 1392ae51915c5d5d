/**
 * Request latency models for the simulated API server: the round trip a client sees, drawn from
 * the run's seeded {@link Rng} (never `Math.random`), half on the way in and half on the way out.
 */
import type { Rng } from '../core/rng.ts';

/** Fixed, or uniform in [minMs, maxMs]. */
export type LatencyModel =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number };

/** 1–3 ms: a healthy API server on a LAN. */
export const DEFAULT_LATENCY: LatencyModel = { kind: 'uniform', minMs: 1, maxMs: 3 };

/** @throws RangeError for negative, non-finite or inverted bounds. */
export function validateLatencyModel(model: LatencyModel): LatencyModel {
  const bad = (what: string): never => {
    throw new RangeError(`configuring sim API latency: ${what}`);
  };
  if (model.kind === 'fixed') {
    if (!Number.isFinite(model.ms) || model.ms < 0) bad(`fixed ms must be finite and ≥ 0, got ${model.ms}`);
  } else if (!Number.isFinite(model.minMs) || !Number.isFinite(model.maxMs) || model.minMs < 0 || model.maxMs < model.minMs) {
    bad(`uniform bounds must satisfy 0 ≤ minMs ≤ maxMs, got [${model.minMs}, ${model.maxMs}]`);
  }
  return model;
}

/** Draws one round-trip latency in ms (fixed models draw nothing, keeping the rng stream intact). */
export function drawLatencyMs(model: LatencyModel, rng: Rng): number {
  return model.kind === 'fixed' ? model.ms : model.minMs + (model.maxMs - model.minMs) * rng.float();
}
