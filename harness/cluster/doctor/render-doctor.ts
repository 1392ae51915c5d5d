/**
 * The doctor's report as text (one line per world/provider, then each missing piece with the
 * command that brings it) or JSON (the report as is). Pure.
 */
import type { DoctorReport } from './decide-doctor.ts';

/** Text for a terminal or a CI log. */
export function renderDoctorText(report: DoctorReport): string {
  const lines = [`l2lab doctor: what this machine can run (${report.root ? 'root' : 'not root'})`];
  for (const w of report.worlds) {
    const name = w.provider === undefined ? w.world : `${w.world} --provider ${w.provider}`;
    lines.push(`${w.ready ? 'yes' : 'no '}  ${name}${w.ready ? '' : `: ${w.missing.length} missing`}`);
    for (const m of w.missing) lines.push(`       missing ${m.what}`, `         → ${m.install}`);
    for (const n of w.notes) lines.push(`       note: ${n}`);
  }
  const ready = report.worlds.filter((w) => w.ready).length;
  lines.push(`${ready} of ${report.worlds.length} can run here.`);
  return `${lines.join('\n')}\n`;
}

/** JSON, stable key order as built. */
export function renderDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
