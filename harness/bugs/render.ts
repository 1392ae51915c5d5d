/**
 * What `l2lab bugs` prints and writes: the table (bug, profile, world, invariant, expected,
 * observed, evidence, result), one verdict line per bug, `results.json` and `summary.md` of the
 * bugs run. Pure.
 */
import { borderlessTable, tableText } from '../cli/table.ts';
import type { BugRow } from './row.ts';
import type { BugVerdict, JudgedBugRun } from './verdict.ts';

/** `results.json` of a bugs run. */
export interface BugsReport {
  readonly version: 1;
  readonly world: string;
  readonly exitCode: number;
  readonly problems: readonly string[];
  readonly bugs: readonly BugVerdict[];
  readonly runs: readonly {
    readonly bug: string;
    readonly title: string;
    readonly scenario: string;
    readonly file: string;
    readonly profile: string;
    readonly role: string;
    readonly world: string;
    readonly seed: number;
    readonly status: JudgedBugRun['status'];
    readonly skip?: string;
    readonly error?: string;
    readonly observations: JudgedBugRun['observations'];
    readonly otherUnmet: readonly string[];
    readonly evidence: BugRow['evidence'];
    readonly reportDir?: string;
    readonly wallMs?: number;
  }[];
}

/** Builds `results.json`. */
export function bugsReport(world: string, rows: readonly BugRow[], bugs: readonly BugVerdict[], problems: readonly string[], exitCode: number): BugsReport {
  return {
    version: 1,
    world,
    exitCode,
    problems: [...problems],
    bugs: [...bugs],
    runs: rows.map((r) => ({
      bug: r.planned.bugId,
      title: r.planned.title,
      scenario: r.planned.scenario,
      file: r.planned.file,
      profile: r.planned.profile,
      role: r.planned.role,
      world: r.planned.world,
      seed: r.planned.seed,
      status: r.judged.status,
      ...(r.planned.skip === undefined ? {} : { skip: r.planned.skip }),
      ...(r.judged.error === undefined ? {} : { error: r.judged.error }),
      observations: r.judged.observations,
      otherUnmet: r.judged.otherUnmet,
      evidence: r.evidence,
      ...(r.reportDir === undefined ? {} : { reportDir: r.reportDir }),
      ...(r.wallMs === undefined ? {} : { wallMs: r.wallMs }),
    })),
  };
}

const RESULT_TEXT: Readonly<Record<JudgedBugRun['status'], string>> = { ok: 'ok', mismatch: 'MISMATCH', skipped: 'skipped', error: 'ERROR', interrupted: 'interrupted' };

/** Table rows: one per catching invariant of each run (a skipped or failed run gets one). */
function tableRows(rows: readonly BugRow[]): string[][] {
  const out: string[][] = [];
  for (const r of rows) {
    const { planned, judged } = r;
    const base = [planned.bugId, `${planned.profile} (${planned.role})`, planned.world];
    if (judged.status === 'skipped' || judged.status === 'error' || (judged.observations.length === 0 && judged.status === 'interrupted')) {
      out.push([...base, planned.invariants.join(', '), planned.role === 'affected' ? 'fails' : 'holds', '—', planned.skip ?? judged.error ?? '', RESULT_TEXT[judged.status]]);
      continue;
    }
    judged.observations.forEach((o, i) => {
      const lines = r.evidence.find((e) => e.invariant === o.invariant)?.lines ?? [];
      const extra = i === judged.observations.length - 1 ? judged.otherUnmet.map((u) => `also unmet: ${u}`) : [];
      out.push([...base, o.invariant, o.expected, o.observed, [...lines, ...extra].join('\n'), RESULT_TEXT[judged.status]]);
    });
  }
  return out;
}

/** One line per bug. */
export function bugLine(b: BugVerdict): string {
  const note = b.noFixedProfile ? ' (no fixed profile: design issue or open bug)' : '';
  const skipped = b.skipped > 0 ? `, ${b.skipped} skipped` : '';
  const text = { reproduced: 'reproduced', 'not-reproduced': 'NOT reproduced', skipped: 'skipped (world not listed)', error: 'ERROR (a run produced no results)' }[b.verdict];
  return `${b.bugId}: ${text} — ${b.runs} run${b.runs === 1 ? '' : 's'}${skipped}${note}`;
}

/** The terminal output. */
export function renderBugsText(report: BugsReport, rows: readonly BugRow[], outDir: string): string {
  const table = borderlessTable(['bug', 'profile', 'world', 'invariant', 'expected', 'observed', 'evidence', 'result']);
  for (const row of tableRows(rows)) table.push(row);
  const lines = [tableText(table), '', ...report.bugs.map(bugLine)];
  if (report.problems.length > 0) lines.push('', 'PROBLEMS', ...report.problems.map((p) => `  ${p}`));
  lines.push('', `${verdictWord(report.exitCode)} · exit ${report.exitCode} · report ${outDir}`);
  return `${lines.join('\n')}\n`;
}

function verdictWord(code: number): string {
  return code === 0 ? 'PASS: every bug reproduced' : code === 1 ? 'FAIL: some bug did not reproduce' : code === 5 ? 'INTERRUPTED' : 'ERROR: some run or scenario could not be judged';
}

/** `summary.md` of the bugs run. */
export function renderBugsMarkdown(report: BugsReport, rows: readonly BugRow[]): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', '<br>');
  const lines = [
    `# l2lab bugs — world ${report.world}`,
    '',
    `${verdictWord(report.exitCode)} (exit ${report.exitCode}).`,
    '',
    ...report.bugs.map((b) => `- ${bugLine(b)}`),
    '',
    '| bug | profile | world | invariant | expected | observed | evidence | result |',
    '|---|---|---|---|---|---|---|---|',
    ...tableRows(rows).map((cells) => `| ${cells.map(esc).join(' | ')} |`),
  ];
  if (report.problems.length > 0) lines.push('', '## Problems', '', ...report.problems.map((p) => `- ${p}`));
  const dirs = rows.filter((r) => r.reportDir !== undefined);
  if (dirs.length > 0) lines.push('', '## Run reports', '', ...dirs.map((r) => `- ${r.planned.bugId} ${r.planned.profile}: \`${r.reportDir}\``));
  return `${lines.join('\n')}\n`;
}
