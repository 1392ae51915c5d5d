/**
 * The terminal summary of `l2lab run`: one header line, the faults, the failover components
 * (p50 / max / bound), the lease load against the model, the verdicts, and the outcome with the
 * report directory. Pure; borderless cli-table3 columns as `l2lab check` prints them.
 */
import { borderlessTable, tableText } from '../cli/table.ts';
import type { RunResults } from '../run/judge.ts';
import { formatMs, formatRate, formatRelative, formatSeconds, formatShortSeconds } from './format.ts';
import type { RunInfo } from './run-info.ts';
import { verdictText } from './render-summary.ts';


/** The CLI text of a finished (or interrupted) run; `reportDir` is where the files went. */
export function renderRunText(info: RunInfo, results: RunResults, reportDir: string): string {
  const lines: string[] = [];
  const t = info.timing.effective;
  lines.push(`l2lab run ${info.scenario.name} · ${info.world} · profile ${info.profile} · seed ${info.seed} · ${formatShortSeconds(info.sim.virtualMs)} ${info.world === 'sim' ? 'virtual' : 'real'} in ${(info.invocation.wallMs / 1000).toFixed(2)} s`);
  lines.push(`  lease ${formatShortSeconds(t.leaseDurationMs)} / renew ${formatShortSeconds(t.renewDeadlineMs)} / retry ${formatShortSeconds(t.retryPeriodMs)} · ${info.topology.nodes.length} nodes · ${info.topology.clients.length} client${info.topology.clients.length === 1 ? '' : 's'}`);
  lines.push(`  faults: ${info.steps.length === 0 ? 'none' : info.steps.map((s) => `${formatShortSeconds(s.atMs)} ${s.action}${s.node === undefined ? '' : ` ${s.node}`}${s.outcome === 'skipped' ? ' (skipped)' : ''}`).join(', ')}`);
  lines.push('');
  lines.push(...failoverLines(results));
  lines.push(...leaseLoadLines(results));
  lines.push(...verdictLines(results));
  for (const note of info.notes) lines.push(`NOTE  ${note}`);
  if (info.notes.length > 0) lines.push('');
  lines.push(`${outcomeWord(info, results)} · report ${reportDir}`);
  return `${lines.join('\n')}\n`;
}

function failoverLines(results: RunResults): string[] {
  const rows = results.failover.rows;
  if (rows.length === 0) return ['FAILOVER  no holder died in this run', ''];
  const kills = [...new Set(rows.map((r) => `${r.fault} ${r.deadNode} at ${formatSeconds(r.killMs)}`))];
  const t = borderlessTable(['component', 'p50', 'max', 'bound', '']);
  for (const c of results.failover.components) {
    t.push([c.component, formatMs(c.p50Ms), `${formatMs(c.maxMs)}${c.missing > 0 ? ` (${c.missing} missing)` : ''}`, c.boundMs === undefined ? '' : formatMs(c.boundMs), c.met ? '' : 'EXCEEDED']);
  }
  return [`FAILOVER  ms after the fault · ${kills.join('; ')} · ${rows.length} failover${rows.length === 1 ? '' : 's'}`, tableText(t), ''];
}

function leaseLoadLines(results: RunResults): string[] {
  const load = results.leaseLoad;
  if (load === undefined) return ['LEASE LOAD  no steady-state window before the first fault', ''];
  const t = borderlessTable(['verb', 'measured/s', 'model/s', 'error']);
  const windowMs = load.windowMs[1] - load.windowMs[0];
  for (const r of load.rows) t.push([r.verb, formatRate(r.measuredPerS), formatRate(r.modelPerS), r.verb === 'list' && windowMs < 60_000 ? 'n/a: 1 per agent per 60 s' : formatRelative(r.relativeError)]);
  const totalError = load.modelTotalPerS > 0 ? (load.measuredTotalPerS - load.modelTotalPerS) / load.modelTotalPerS : null;
  t.push(['total', formatRate(load.measuredTotalPerS), formatRate(load.modelTotalPerS), formatRelative(totalError)]);
  const docs = load.underestimateFactor === null ? '' : `\n  Cilium docs' rule (services / renewDeadline): ${formatRate(load.docsFormulaPerS)} req/s for the busiest node; the model's worst case is ${load.underestimateFactor.toFixed(1)}× that`;
  return [`LEASE LOAD  requests/s vs the model · window ${formatSeconds(load.windowMs[0])}–${formatSeconds(load.windowMs[1])} (before the first fault) · ${load.leases} lease${load.leases === 1 ? '' : 's'}, ${load.nodes} nodes · request latency ${(load.requestLatencyMs ?? 0).toFixed(1)} ms`, tableText(t), ...(docs === '' ? [] : [docs.slice(1)]), ''];
}

function verdictLines(results: RunResults): string[] {
  const t = borderlessTable(['invariant', 'kind', 'expected', 'verdict', '']);
  for (const v of results.invariants) t.push([v.name, v.kind, v.expected, verdictText(v), v.met ? '' : 'UNMET']);
  return ['VERDICTS', tableText(t), ''];
}

function outcomeWord(info: RunInfo, results: RunResults): string {
  if (info.end === 'interrupted') return `INTERRUPTED at ${formatSeconds(info.sim.virtualMs)} ${info.world === 'sim' ? 'virtual' : 'of run time'}`;
  switch (results.outcome) {
    case 'pass':
      return 'PASS: every expectation met';
    case 'safety-violation':
      return `FAIL (safety): ${results.unmet.join('; ')}`;
    case 'liveness-violation':
      return `FAIL (liveness): ${results.unmet.join('; ')}`;
    case 'unknown':
      return `UNKNOWN: ${results.unmet.join('; ')}`;
  }
}
