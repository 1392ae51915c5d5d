/**
 * `timeline.txt`: the run in time order, one line per event a person reading an incident wants —
 * nemesis actions, the IPs each service holds, Lease holder changes, what the wire shows (first owner, GARPs, owner changes
 * with their gaps, unanswered requests, split brain: the ARP analyzer's timeline), MAC changes in
 * the clients' neighbour caches, probe outcomes changing and the first probe after each fault,
 * checker failures at their time. Pure: `(run.json, results, history) → text`.
 */
import { analyzeArpEvents, buildTimeline } from '../analyze/index.ts';
import type { HistoryOp, HistoryValue } from '../core/history.ts';
import { buildServiceIps } from '../checker/timeline.ts';
import { completed, F, NEMESIS_PROCESS, readProbe } from '../checker/vocabulary.ts';
import type { RunResults } from '../run/judge.ts';
import { verdictText } from './render-summary.ts';
import { macOwners, reportedIp, runEndMs } from './ownership-data.ts';
import type { RunInfo } from './run-info.ts';
import { arpFrameEventsBySegment, leaseHolderSpans, nemesisFaults, nemesisLabel } from './run-events.ts';

/** One timeline line before formatting. */
export interface TimelineLine {
  readonly tMs: number;
  /** Column 2: run, nemesis, ipam, lease, arp, client, probe, check. */
  readonly what: string;
  readonly text: string;
}

/** How far a recorded nemesis op may be from its scenario step's time and still be matched to it. */
const STEP_MATCH_MS = 1_000;

/** Ties at one instant: faults first, then what they cause, verdicts last. */
const ORDER: Readonly<Record<string, number>> = { run: 0, nemesis: 1, ipam: 2, lease: 3, arp: 4, client: 5, probe: 6, check: 7 };

/** `+12.345s` (ms → seconds with 3 decimals, signed). */
export function relativeTime(tMs: number): string {
  return `${tMs < 0 ? '-' : '+'}${(Math.abs(tMs) / 1000).toFixed(3)}s`;
}

/** Aligns lines into columns: the time right-aligned, the kind padded. Pure. */
export function formatTimelineLines(lines: readonly TimelineLine[]): string[] {
  const sorted = lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.tMs - b.l.tMs || (ORDER[a.l.what] ?? 9) - (ORDER[b.l.what] ?? 9) || a.i - b.i);
  const times = sorted.map(({ l }) => relativeTime(l.tMs));
  const timeWidth = Math.max(0, ...times.map((t) => t.length));
  const whatWidth = Math.max(0, ...lines.map((l) => l.what.length));
  return sorted.map(({ l }, i) => `${(times[i] ?? '').padStart(timeWidth)}  ${l.what.padEnd(whatWidth)}  ${l.text}`.trimEnd());
}

type Obj = Readonly<Record<string, HistoryValue>>;

function field(op: HistoryOp, key: string): string | undefined {
  const value = op.value !== null && typeof op.value === 'object' && !Array.isArray(op.value) ? (op.value as Obj)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function seqOf(op: HistoryOp): string {
  const value = op.value !== null && typeof op.value === 'object' && !Array.isArray(op.value) ? (op.value as Obj)['seq'] : undefined;
  return typeof value === 'number' ? String(value) : '';
}

/** The timeline's lines (unformatted). Probe lines are at the probe's send time. Pure. */
export function timelineLines(info: RunInfo, results: RunResults, ops: readonly HistoryOp[]): TimelineLine[] {
  const endMs = runEndMs(info, ops);
  const owners = macOwners(info);
  const who = (mac: string | undefined | null): string => (mac === undefined || mac === null ? 'none' : owners.has(mac.toLowerCase()) ? `${mac} (${owners.get(mac.toLowerCase())})` : mac);
  const lines: TimelineLine[] = [];
  const add = (tMs: number, what: string, text: string): void => {
    lines.push({ tMs, what, text });
  };

  // Nemesis: every action, with the scenario step it came from and when a window heals.
  const { windows } = nemesisFaults(ops, endMs);
  const nemesis = ops.filter((op) => op.process === NEMESIS_PROCESS && op.type !== 'invoke');
  // The scenario step each op came from: same action and node, the nearest in time (the lab
  // records the op when the action is done, a few ms after the step's time), each step once.
  const unmatched = info.steps.filter((s) => s.outcome === 'done');
  for (const op of nemesis) {
    const candidates = unmatched.filter((s) => s.action === op.f && (s.node === undefined || s.node === field(op, 'node')) && Math.abs(s.atMs - op.tMs) <= STEP_MATCH_MS);
    const step = candidates.sort((a, b) => Math.abs(a.atMs - op.tMs) - Math.abs(b.atMs - op.tMs))[0];
    if (step !== undefined) unmatched.splice(unmatched.indexOf(step), 1);
    const window = windows.find((w) => w.fromMs === op.tMs && w.action === op.f && w.label === nemesisLabel(op));
    const until = window === undefined ? '' : window.open ? ', not healed before the end' : `, until ${relativeTime(window.toMs)}`;
    add(op.tMs, 'nemesis', `${nemesisLabel(op)}${step === undefined ? '' : ` [${step.occurrence}]`}${until === '' ? '' : ` (${until.slice(2)})`}`);
  }
  for (const s of info.steps.filter((x) => x.outcome === 'skipped')) add(s.atMs, 'nemesis', `${s.action}${s.node === undefined ? '' : ` ${s.node}`} [${s.occurrence}] skipped: ${s.reason ?? ''}`);

  // LB-IPAM: the IPs each service holds.
  for (const [service, series] of [...buildServiceIps(ops)].sort(([a], [b]) => a.localeCompare(b))) {
    let before: readonly string[] = [];
    for (const point of series.points()) {
      const ips = point.value;
      if (ips.join() === before.join()) continue;
      add(point.tMs, 'ipam', `${service}: ${before.length === 0 ? 'gets' : 'IPs'} ${before.length === 0 ? ips.join(', ') : `${before.join(', ')} → ${ips.length === 0 ? 'none' : ips.join(', ')}`}`);
      before = ips;
    }
  }

  // Lease holders per service.
  const spans = leaseHolderSpans(ops, endMs);
  for (const [i, span] of spans.entries()) {
    const prev = spans[i - 1]?.service === span.service ? spans[i - 1] : undefined;
    const next = spans[i + 1]?.service === span.service ? spans[i + 1] : undefined;
    if (span.dead) add(span.fromMs, 'lease', `${span.service}: holder ${span.node} is down; its Lease stays until taken over or expired`);
    else if (prev === undefined || prev.toMs < span.fromMs) add(span.fromMs, 'lease', `${span.service}: ${span.node} takes the Lease${prev === undefined ? '' : ` (unheld since ${relativeTime(prev.toMs)})`}`);
    else if (prev.node !== span.node) add(span.fromMs, 'lease', `${span.service}: Lease taken over ${prev.node} → ${span.node}`);
    else add(span.fromMs, 'lease', `${span.service}: ${span.node} leads again`);
    if ((next === undefined || next.fromMs > span.toMs) && span.toMs < endMs) add(span.toMs, 'lease', `${span.service}: ${span.node} no longer holds the Lease`);
  }

  // The wire, as the ARP analyzer reads it.
  const bySegment = arpFrameEventsBySegment(ops);
  for (const [segment, events] of bySegment) {
    const analysis = analyzeArpEvents(events, { originUs: 0, maxListedPerIp: 100_000, ipFilter: reportedIp(info) });
    const onSegment = bySegment.size > 1 ? ` on ${segment}` : '';
    for (const entry of buildTimeline(analysis)) {
      // The sim records no ARP target MAC (the events carry a zero MAC): do not print one.
      const plain = info.world === 'sim' ? entry.text.replace(', target MAC 00:00:00:00:00:00', '') : entry.text;
      const text = plain.replace(/\b([0-9a-f]{2}(?::[0-9a-f]{2}){5})\b/g, (mac) => (mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff' ? mac : who(mac)));
      add(entry.atUs / 1000, 'arp', `${entry.ip}${onSegment}: ${text}`);
    }
  }

  // Clients' neighbour caches: the MAC they use for an IP changed.
  for (const op of completed(ops, F.neighChanged)) {
    const mac = field(op, 'mac');
    const fromMac = field(op, 'fromMac');
    if (mac === undefined || mac === fromMac) continue;
    const client = field(op, 'client') ?? op.process;
    add(op.tMs, 'client', `${client}: ${field(op, 'ip') ?? '?'} → ${who(mac)}${fromMac === undefined ? ' (first resolution)' : `, was ${who(fromMac)}`} [${field(op, 'state') ?? '?'}]`);
  }

  // Probes: outcome changes per client and VIP, and the first probe after each nemesis action.
  const last = new Map<string, { ok: boolean; by: string | undefined; sinceMs: number; failures: number }>();
  const pendingAfter = new Map<string, string>();
  let faultIndex = 0;
  // In send order: a timeout is judged a round late, after later probes may have been answered.
  const sentMs = new Map<string, number>();
  for (const op of ops) if (op.f === F.probe && op.type === 'invoke') sentMs.set(`${field(op, 'client') ?? op.process}|${field(op, 'vip') ?? ''}|${seqOf(op)}`, op.tMs);
  const probes = completed(ops, F.probe)
    .map((op, i) => ({ op, i, atMs: sentMs.get(`${field(op, 'client') ?? op.process}|${field(op, 'vip') ?? ''}|${seqOf(op)}`) ?? op.tMs }))
    .sort((a, b) => a.atMs - b.atMs || a.i - b.i);
  const probeKeys = [...new Set(probes.map(({ op: p }) => `${field(p, 'client') ?? p.process} → ${field(p, 'vip') ?? '?'}`))];
  for (const { op, atMs } of probes) {
    const probe = { ...readProbe(op), tMs: atMs };
    while (faultIndex < nemesis.length && (nemesis[faultIndex]?.tMs ?? Infinity) <= probe.tMs) {
      const fault = nemesis[faultIndex];
      if (fault !== undefined) for (const key of probeKeys) pendingAfter.set(key, nemesisLabel(fault));
      faultIndex += 1;
    }
    const key = `${probe.client} → ${probe.vip}`;
    const outcome = probe.ok ? `answered by ${probe.answeredBy ?? '?'}` : `failed (${field(op, 'outcome') ?? op.type})`;
    const before = last.get(key);
    const after = pendingAfter.get(key);
    if (before === undefined) add(probe.tMs, 'probe', `${key}: first probe ${outcome}`);
    else if (before.ok && !probe.ok) add(probe.tMs, 'probe', `${key}: probes start failing: ${outcome}`);
    else if (!before.ok && probe.ok) add(probe.tMs, 'probe', `${key}: ${outcome} again after ${before.failures} failed probe${before.failures === 1 ? '' : 's'} (${((probe.tMs - before.sinceMs) / 1000).toFixed(3)} s)`);
    else if (probe.ok && before.by !== probe.answeredBy) add(probe.tMs, 'probe', `${key}: now ${outcome} (was ${before.by ?? '?'})`);
    else if (after !== undefined) add(probe.tMs, 'probe', `${key}: first probe after ${after}: ${outcome}`);
    pendingAfter.delete(key);
    if (before === undefined || before.ok !== probe.ok) last.set(key, { ok: probe.ok, by: probe.answeredBy, sinceMs: probe.tMs, failures: probe.ok ? 0 : 1 });
    else last.set(key, { ...before, by: probe.answeredBy, failures: before.failures + (probe.ok ? 0 : 1) });
  }

  // Verdicts at the time the checker found the violation.
  for (const v of results.invariants) {
    if (v.valid !== false) continue;
    add(v.failedAtMs ?? endMs, 'check', `${v.name} (${v.kind}) ${verdictText(v).replace(/ at .*$/, '')} — ${v.expected === 'ignore' ? 'ignored on this profile' : `expected ${v.expected === 'not-false' ? 'not to fail' : `to ${v.expected}`}: ${v.met ? 'as expected' : 'UNMET'}`}`);
  }
  add(0, 'run', `${info.scenario.name} starts (${info.world}, ${info.profile}, seed ${info.seed})`);
  add(endMs, 'run', `${info.end === 'interrupted' ? 'interrupted' : 'ends'}: ${info.end === 'completed' && results.outcome === 'pass' ? 'PASS' : results.outcome === 'pass' ? 'no unmet expectation in the partial history' : `${results.outcome.toUpperCase()}, ${results.unmet.length} unmet expectation${results.unmet.length === 1 ? '' : 's'}`}`);
  return lines;
}

/** Renders timeline.txt. Pure. */
export function renderTimelineText(info: RunInfo, results: RunResults, ops: readonly HistoryOp[]): string {
  const header = [
    `# ${info.scenario.name} — ${info.world}, profile ${info.profile}, seed ${info.seed}`,
    `# Times are seconds since the run's time zero (${info.world === 'sim' ? 'virtual time' : 'the run epoch'}); MACs carry their node in parentheses.`,
    '',
  ];
  return `${[...header, ...formatTimelineLines(timelineLines(info, results, ops))].join('\n')}\n`;
}
