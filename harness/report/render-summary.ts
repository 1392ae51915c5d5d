/**
 * `summary.md`: the human page of a run — what ran, the outcome, the nemesis as performed, the
 * failover components, the lease load against the model, every invariant's verdict against its
 * expectation, and the mapping's notes. Pure: `(run.json, results) → markdown`.
 */
import type { ComponentStats, InvariantVerdict, RunResults } from '../run/judge.ts';
import { plotFilesFor } from './run-plots.ts';
import { formatMs, formatRate, formatRelative, formatSeconds, formatShortSeconds } from './format.ts';
import type { RunInfo } from './run-info.ts';

/** Renders summary.md. */
export function renderSummaryMarkdown(info: RunInfo, results: RunResults): string {
  const lines: string[] = [];
  lines.push(`# ${info.scenario.name} — ${info.world}, ${info.profile}, seed ${info.seed}`, '');
  if (info.scenario.description !== '') lines.push(info.scenario.description, '');
  lines.push(outcomeLine(info, results), '');
  for (const unmet of results.unmet) lines.push(`- ${unmet}`);
  if (results.unmet.length > 0) lines.push('');
  lines.push(...runTable(info), '');
  lines.push(...nemesisSection(info));
  lines.push(...failoverSection(results));
  lines.push(...leaseLoadSection(results));
  lines.push(...auditSection(info));
  lines.push('## Invariants', '', '| invariant | kind | expected | verdict | met |', '|---|---|---|---|---|');
  for (const v of results.invariants) lines.push(`| ${v.name} | ${v.kind} | ${v.expected} | ${verdictText(v)} | ${v.met ? 'yes' : '**no**'} |`);
  lines.push('');
  if (info.notes.length > 0) {
    lines.push('## Notes', '');
    for (const note of info.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  lines.push(...filesSection(results));
  return lines.join('\n');
}

/** Links to the run directory's other files (relative: they sit beside summary.md). */
export function filesSection(results: Pick<RunResults, 'failover' | 'leaseLoad'>): string[] {
  const plots = plotFilesFor(results);
  const plotText: Readonly<Record<string, string>> = {
    'ownership.svg': 'who answers each IP and who holds each Lease over time, fault windows shaded',
    'failover-cdf.svg': 'distribution of each failover component',
    'lease-load.svg': 'Lease requests per second by verb, measured vs model',
  };
  return [
    '## Files',
    '',
    '- [timeline.txt](timeline.txt): the run in time order, one event per line',
    ...plots.map((f) => `- [${f}](${f}): ${plotText[f] ?? ''}`),
    '- [junit.xml](junit.xml): the verdicts as a JUnit test suite (for CI)',
    '- `run.json` (what ran, how it is judged), `history.jsonl` (every observation), `results.json` (verdicts and numbers)',
    '',
    ...plots.map((f) => `![${f}](${f})`),
    '',
    'Re-render every file but run.json and history.jsonl with `l2lab report <this directory>`; re-run with `l2lab replay <this directory>`.',
    '',
  ];
}

/** PASS / FAIL / UNKNOWN / INTERRUPTED with the reason. */
export function outcomeLine(info: Pick<RunInfo, 'end' | 'sim' | 'world'>, results: RunResults): string {
  if (info.end === 'interrupted') return `**INTERRUPTED** at ${formatSeconds(info.sim.virtualMs)} ${info.world === 'sim' ? 'virtual' : 'of run time'}: the verdicts below judge a partial history.`;
  switch (results.outcome) {
    case 'pass':
      return '**PASS** — every expectation met.';
    case 'safety-violation':
      return '**FAIL (safety)** — an expectation on a safety invariant is not met:';
    case 'liveness-violation':
      return '**FAIL (liveness)** — an expectation on a liveness invariant or failover bound is not met:';
    case 'unknown':
      return '**UNKNOWN** — an invariant that must hold could not be decided from the history:';
  }
}

function runTable(info: RunInfo): string[] {
  const t = info.timing.effective;
  const bug = info.scenario.bug;
  const rows: [string, string][] = [
    ['scenario', `\`${info.scenario.file}\``],
    ['world / profile / seed', `${info.world} / ${info.profile} / ${info.seed}`],
    ['duration', info.world === 'sim' ? `${formatShortSeconds(info.durationMs)} virtual, ${info.sim.events} events, ${info.sim.ops} history ops` : `${formatShortSeconds(info.durationMs)} real time (run id ${info.lab?.runId ?? '?'}), ${info.sim.ops} history ops`],
    ['lease timings', `leaseDuration ${formatShortSeconds(t.leaseDurationMs)}, renewDeadline ${formatShortSeconds(t.renewDeadlineMs)}, retryPeriod ${formatShortSeconds(t.retryPeriodMs)}${info.timing.preset === undefined ? '' : ` (${info.timing.preset})`}`],
    ['topology', `${info.topology.nodes.length} node${info.topology.nodes.length === 1 ? '' : 's'}, ${info.topology.clients.length} client${info.topology.clients.length === 1 ? '' : 's'}`],
    ['client rate limit', info.clientRateLimit === undefined ? 'none' : `qps ${info.clientRateLimit.qps}, burst ${info.clientRateLimit.burst}`],
    ['git', info.git.sha === null ? 'unknown' : `${info.git.sha.slice(0, 12)}${info.git.dirty === true ? ' (dirty)' : ''}`],
  ];
  if (bug !== undefined) rows.splice(1, 0, ['bug', `${bug.id}${bug.title === undefined ? '' : ` ${bug.title}`} (affected: ${bug.affected.join(', ') || '—'}; fixed: ${bug.fixed.join(', ') || '—'})`]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

function nemesisSection(info: RunInfo): string[] {
  if (info.steps.length === 0) return ['## Nemesis', '', 'No faults: a clean run.', ''];
  const lines = ['## Nemesis', '', '| at | action | node | outcome |', '|---|---|---|---|'];
  for (const s of info.steps) lines.push(`| ${formatSeconds(s.atMs)} | ${s.action} | ${s.node ?? ''} | ${s.outcome === 'done' ? 'done' : `skipped: ${s.reason ?? ''}`} |`);
  return [...lines, ''];
}

function failoverSection(results: RunResults): string[] {
  const rows = results.failover.rows;
  if (rows.length === 0) return ['## Failover components', '', 'No holder died in this run.', ''];
  const lines = ['## Failover components', '', `${rows.length} failover${rows.length === 1 ? '' : 's'} (one per killed holder, service, IP and client); times are ms after the fault.`, ''];
  lines.push('| component | p50 | max | bound | met |', '|---|---|---|---|---|');
  for (const c of results.failover.components) lines.push(componentRow(c));
  lines.push('', '| fault | at | dead node | service | ip | client | new holder | lease | GARP | client entry | probe |', '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    lines.push(`| ${r.fault} | ${formatSeconds(r.killMs)} | ${r.deadNode} | ${r.service} | ${r.ip} | ${r.client ?? '—'} | ${r.newHolder ?? '—'} | ${formatMs(r.leaseTakenOverMs)} | ${formatMs(r.firstGarpMs)} | ${formatMs(r.clientEntryChangedMs)} | ${formatMs(r.firstSuccessfulProbeMs)} |`);
  }
  return [...lines, ''];
}

function componentRow(c: ComponentStats): string {
  const missing = c.missing > 0 ? ` (missing in ${c.missing})` : '';
  return `| ${c.component} | ${formatMs(c.p50Ms)} | ${formatMs(c.maxMs)}${missing} | ${c.boundMs === undefined ? '—' : formatMs(c.boundMs)} | ${c.met ? 'yes' : '**no**'} |`;
}

function leaseLoadSection(results: RunResults): string[] {
  const load = results.leaseLoad;
  if (load === undefined) return ['## Lease load vs model', '', 'No measurement window (the run is too short before its first fault).', ''];
  const lines = ['## Lease load vs model', ''];
  lines.push(`Window ${formatSeconds(load.windowMs[0])} – ${formatSeconds(load.windowMs[1])} (steady state before the first fault); ${load.leases} lease${load.leases === 1 ? '' : 's'}, ${load.nodes} nodes; mean request latency ${(load.requestLatencyMs ?? 0).toFixed(1)} ms (the model's loop periods include it); tolerance ${(load.tolerance * 100).toFixed(0)} %.`, '');
  lines.push('| verb | measured req/s | model req/s | error |', '|---|---|---|---|');
  const shortWindow = load.windowMs[1] - load.windowMs[0] < 60_000;
  for (const r of load.rows) lines.push(`| ${r.verb} | ${formatRate(r.measuredPerS)} | ${formatRate(r.modelPerS)} | ${r.verb === 'list' && shortWindow ? 'n/a (window < 60 s)' : formatRelative(r.relativeError)} |`);
  lines.push(`| total | ${formatRate(load.measuredTotalPerS)} | ${formatRate(load.modelTotalPerS)} | ${formatRelative(load.modelTotalPerS > 0 ? (load.measuredTotalPerS - load.modelTotalPerS) / load.modelTotalPerS : null)} |`, '');
  if (load.underestimateFactor !== null) {
    lines.push(`The Cilium docs' sizing rule (services / renewDeadline) gives ${formatRate(load.docsFormulaPerS)} req/s for the busiest node; the model's worst case is ${load.underestimateFactor.toFixed(1)}× that. LIST is one per agent per 60 s (lease GC): a short window may see none.`, '');
  }
  return lines;
}

/** The lab's API-server-side count of Lease requests (the audit log), per identity and verb. */
export function auditSection(info: Pick<RunInfo, 'lab'>): string[] {
  const audit = info.lab?.auditLeaseRequests;
  if (audit === undefined || Object.keys(audit).length === 0) return [];
  const verbs = [...new Set(Object.values(audit).flatMap((v) => Object.keys(v)))].sort();
  const lines = ['## Lease requests at the API server (audit log, whole run)', '', 'What kube-apiserver received, per identity: count (p50 / p99 ms server-side).', ''];
  lines.push(`| identity | ${verbs.join(' | ')} |`, `|---|${verbs.map(() => '---|').join('')}`);
  for (const [user, byVerb] of Object.entries(audit).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`| ${user} | ${verbs.map((v) => { const s = byVerb[v]; return s === undefined ? '—' : `${s.count} (${s.p50Ms.toFixed(1)} / ${s.p99Ms.toFixed(1)})`; }).join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

/** `holds`, `fails at 12.345 s`, `unknown`. */
export function verdictText(v: Pick<InvariantVerdict, 'valid' | 'failedAtMs'>): string {
  if (v.valid === 'unknown') return 'unknown';
  return v.valid ? 'holds' : `fails at ${v.failedAtMs === undefined ? '?' : formatSeconds(v.failedAtMs)}`;
}
