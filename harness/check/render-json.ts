import type { CheckReport } from './report.ts';

/** The report as stable, pretty JSON; bigint counters become decimal strings (IPv6-safe). */
export function renderCheckJson(report: CheckReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}
