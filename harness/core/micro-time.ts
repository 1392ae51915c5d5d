/**
 * Kubernetes `MicroTime` text (RFC 3339 with microseconds, UTC: `2026-01-02T03:04:05.678901Z`)
 * from epoch milliseconds, computed arithmetically so simulated code never touches `Date`
 * (civil-from-days after H. Hinnant's public-domain algorithm).
 */

const MS_PER_DAY = 86_400_000;

// The date part of the last day formatted: a run stamps thousands of times within one day.
let cachedDays = Number.NaN;
let cachedDatePrefix = '';

/**
 * Formats epoch milliseconds (rounded to the microsecond) as MicroTime. Microseconds are exact while
 * `epochMs` < 2^41 (year 2039); later instants lose the last digit to double precision.
 */
export function formatMicroTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`formatting MicroTime: ${epochMs} is not a finite epoch ms`);
  // Rounded, not floored: epoch ms with a fraction are not exact in binary (….123 may be ….12299…).
  const totalUs = Math.round(epochMs * 1000);
  const days = Math.floor(totalUs / (MS_PER_DAY * 1000));
  const usOfDay = totalUs - days * MS_PER_DAY * 1000;
  if (days !== cachedDays) {
    const { year, month, day } = civilFromDays(days);
    cachedDays = days;
    cachedDatePrefix = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T`;
  }
  const seconds = Math.floor(usOfDay / 1_000_000);
  const micros = usOfDay - seconds * 1_000_000;
  // The date-and-second prefix of the last second formatted (renewals stamp many times a second).
  if (seconds !== cachedSeconds || days !== cachedSecondsDays) {
    const hh = Math.floor(seconds / 3600);
    const mm = Math.floor((seconds % 3600) / 60);
    const ss = seconds % 60;
    cachedSeconds = seconds;
    cachedSecondsDays = days;
    cachedSecondPrefix = `${cachedDatePrefix}${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.`;
  }
  const millis = Math.floor(micros / 1000);
  return `${cachedSecondPrefix}${DIGITS3[millis]}${DIGITS3[micros - millis * 1000]}Z`;
}

/** '000' … '999': the microsecond field from two table lookups (every Lease write formats one). */
const DIGITS3: readonly string[] = Array.from({ length: 1000 }, (_, i) => pad(i, 3));

let cachedSeconds = Number.NaN;
let cachedSecondsDays = Number.NaN;
let cachedSecondPrefix = '';

function civilFromDays(daysSinceEpoch: number): { year: number; month: number; day: number } {
  const z = daysSinceEpoch + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
