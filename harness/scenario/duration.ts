/**
 * Go-style durations (`3s`, `200ms`, `1m30s`, `1.5s`), the form Cilium's Helm values and the
 * `l2announcements.lease*` flags use, so a scenario's timings read like the values a user sets.
 * Scenarios work in whole milliseconds: the sim clock and the history are millisecond-based, and
 * a sub-millisecond duration in a scenario is almost always a typo.
 */

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
/** One `<number><unit>` term; `ms` before `m` so `200ms` is not read as minutes. */
const TERM = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/y;
/** Longest accepted duration: 30 days (a scenario is minutes long; more is a mistake). */
export const MAX_DURATION_MS = 30 * 24 * 3_600_000;

/** Result of {@link parseDurationMs}: the milliseconds, or what was wrong. */
export type DurationResult = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/**
 * Parses a Go-style duration into whole milliseconds. Units h, m, s, ms; terms may be combined
 * (`1m30s`) and have fractions (`1.5s`); `0` alone is zero (as Go accepts). Never throws.
 */
export function parseDurationMs(text: string): DurationResult {
  const expected = `expected a duration like 3s, 200ms or 1m30s, got ${JSON.stringify(text)}`;
  if (text === '0') return { ok: true, ms: 0 };
  if (text === '') return { ok: false, message: expected };
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const at = TERM.lastIndex;
    const match = TERM.exec(text);
    if (match === null || match.index !== at) return { ok: false, message: expected };
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  }
  // Fractions like 0.1s are exact in decimal but not in binary: round away float noise only.
  const rounded = Math.round(total * 1_000) / 1_000;
  if (!Number.isInteger(rounded)) return { ok: false, message: `expected whole milliseconds, got ${JSON.stringify(text)} (${rounded}ms)` };
  if (rounded > MAX_DURATION_MS) return { ok: false, message: `expected at most 720h, got ${JSON.stringify(text)}` };
  return { ok: true, ms: rounded };
}

/**
 * Formats whole milliseconds as Go's `time.Duration.String()` does (`1m30s`, `1.5s`, `200ms`,
 * `0s`), so `parseDurationMs(formatDurationMs(x)) === x` for every whole, non-negative `x`.
 */
export function formatDurationMs(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) return `${ms}ms`; // not a scenario value (a corrected timing); still readable
  if (ms === 0) return '0s';
  if (ms < 1_000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const restMs = ms % 60_000;
  const seconds = `${Math.floor(restMs / 1_000)}${restMs % 1_000 === 0 ? '' : `.${String(restMs % 1_000).padStart(3, '0').replace(/0+$/, '')}`}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
