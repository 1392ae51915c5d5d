/** Number formatting shared by summary.md and the CLI text (units in the names, fixed decimals). */

/** Milliseconds as `1234 ms` (rounded), `—` for null. */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : `${Math.round(ms)} ms`;
}

/** Seconds with 3 decimals from ms: `10.000 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** Short seconds from ms: `40 s`, `2.5 s`. */
export function formatShortSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))} s`;
}

/** Requests per second, 2 decimals. */
export function formatRate(perS: number): string {
  return perS.toFixed(2);
}

/** A signed relative error as `+1.2 %`, `—` for null. */
export function formatRelative(error: number | null): string {
  if (error === null) return '—';
  const pct = error * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)} %`;
}
