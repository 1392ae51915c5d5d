/**
 * Instants in the analyzer's output: µs relative to the capture's first frame, absolute epoch µs
 * and UTC text with all six decimals (what Wireshark's "UTC date and time of day" shows).
 */

/** An instant as the JSON report gives it. */
export interface ReportTime {
  /** µs after the capture's first frame. */
  readonly relUs: number;
  /** µs since the Unix epoch. */
  readonly epochUs: number;
  /** RFC 3339 UTC with microseconds. */
  readonly utc: string;
}

/** Formats epoch µs as `2025-11-21T04:40:00.000160Z` (exact to the µs; no clock is read). */
export function formatUtcUs(epochUs: number): string {
  if (!Number.isSafeInteger(epochUs) || Math.abs(epochUs) > 8.64e18) return `(invalid time ${epochUs} µs)`;
  const seconds = Math.floor(epochUs / 1_000_000);
  const micros = epochUs - seconds * 1_000_000;
  const text = new Date(seconds * 1000).toISOString(); // …:SS.000Z
  return `${text.slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

/** Formats a relative µs as seconds with six decimals (`4.312345`, `-0.000010`). */
export function formatSecondsUs(us: number): string {
  const sign = us < 0 ? '-' : '';
  const abs = Math.abs(us);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`;
}

/** Builds the {@link ReportTime} of `epochUs` against `originUs`. */
export function reportTime(epochUs: number, originUs: number): ReportTime {
  return { relUs: epochUs - originUs, epochUs, utc: formatUtcUs(epochUs) };
}
