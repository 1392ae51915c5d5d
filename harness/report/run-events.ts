/**
 * What happened in a run, read from its history for the reports (timeline.txt, ownership.svg):
 * fault windows and instants from the nemesis ops, Lease holders per service, and the history's
 * ARP frames as the ARP analyzer's input events. Pure; times are ms since the run's time zero.
 */
import type { HistoryOp, HistoryValue } from '../core/history.ts';
import type { ArpFrameEvent } from '../analyze/index.ts';
import { apiEndMs, buildExpectations, buildFaults, buildLeadership } from '../checker/timeline.ts';
import { completed, F, NEMESIS, NEMESIS_PROCESS, readArpObserved } from '../checker/vocabulary.ts';

/** A fault with a duration (a kill until its restart, a partition until its heal …). */
export interface FaultWindow {
  readonly fromMs: number;
  /** The healing op's time, or the end of the run when it was never healed (`open`). */
  readonly toMs: number;
  readonly open: boolean;
  /** The starting action (`kill-agent`, `api-outage` …). */
  readonly action: string;
  /** `kill-agent n2`, `netem n1/eth0 100±10 ms 5 % loss`. */
  readonly label: string;
}

/** A nemesis action without a duration (an edit, a Lease patch, a deselection), or a heal with no open fault. */
export interface FaultInstant {
  readonly atMs: number;
  readonly action: string;
  readonly label: string;
}

/** Start action → the actions that end it. */
const ENDED_BY: Readonly<Record<string, readonly string[]>> = {
  [NEMESIS.killNode]: [NEMESIS.restartNode],
  [NEMESIS.freeze]: [NEMESIS.thaw, NEMESIS.restartNode],
  [NEMESIS.killAgent]: [NEMESIS.restartAgent, NEMESIS.restartNode],
  [NEMESIS.partitionApi]: [NEMESIS.healApi],
  [NEMESIS.apiOutage]: [NEMESIS.apiRestore],
  [NEMESIS.linkDown]: [NEMESIS.linkUp],
  [NEMESIS.netem]: [NEMESIS.netemClear],
  [NEMESIS.partitionNodes]: [NEMESIS.healNodes],
};

const ENDERS: ReadonlySet<string> = new Set(Object.values(ENDED_BY).flat());

type Obj = Readonly<Record<string, HistoryValue>>;

function valueOf(op: HistoryOp): Obj {
  return op.value !== null && typeof op.value === 'object' && !Array.isArray(op.value) ? (op.value as Obj) : {};
}

function text(value: HistoryValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** What a nemesis op acts on, as a key: windows pair a start and an end with the same target. */
function targetOf(f: string, v: Obj): string {
  if (f === NEMESIS.apiOutage || f === NEMESIS.apiRestore || f === NEMESIS.partitionNodes || f === NEMESIS.healNodes) return '';
  const who = text(v['node']) ?? text(v['client']) ?? '';
  const iface = text(v['iface']);
  return (f === NEMESIS.linkDown || f === NEMESIS.linkUp || f === NEMESIS.netem || f === NEMESIS.netemClear) && iface !== undefined ? `${who}/${iface}` : who;
}

/** A short human label of a nemesis op. Pure. */
export function nemesisLabel(op: Pick<HistoryOp, 'f' | 'value'>): string {
  const v = valueOf(op as HistoryOp);
  const target = targetOf(op.f, v);
  const parts = [op.f];
  if (target !== '') parts.push(target);
  if (op.f === NEMESIS.netem) {
    const delay = typeof v['delayMs'] === 'number' ? v['delayMs'] : 0;
    const jitter = typeof v['jitterMs'] === 'number' ? v['jitterMs'] : 0;
    const loss = typeof v['lossPercent'] === 'number' ? v['lossPercent'] : 0;
    parts.push(`${delay}${jitter > 0 ? `±${jitter}` : ''} ms${loss > 0 ? ` ${loss} % loss` : ''}`);
  } else if (op.f === NEMESIS.partitionNodes && Array.isArray(v['groups'])) {
    parts.push((v['groups'] as HistoryValue[]).map((g) => `[${Array.isArray(g) ? g.join(',') : ''}]`).join(' | '));
  } else if (op.f === NEMESIS.cancelElector || op.f === NEMESIS.patchLease) {
    const what = text(v['service']) ?? text(v['lease']);
    if (what !== undefined) parts.push(what);
    if (op.f === NEMESIS.patchLease && text(v['holder']) !== undefined) parts.push(`→ ${text(v['holder'])}`);
  } else if (op.f === NEMESIS.edit) {
    const what = text(v['resource']) ?? text(v['kind']);
    const name = text(v['name']);
    parts.push([text(v['verb']), what === undefined ? name : `${what}${name === undefined ? '' : `/${name}`}`].filter((x) => x !== undefined).join(' '));
  } else if (op.f === NEMESIS.partitionApi && text(v['mode']) !== undefined) {
    parts.push(`(${text(v['mode'])})`);
  }
  return parts.join(' ');
}

/** Fault windows (start op paired with its healing op on the same target) and instants. Pure. */
export function nemesisFaults(ops: readonly HistoryOp[], endMs: number): { readonly windows: FaultWindow[]; readonly instants: FaultInstant[] } {
  const open: { action: string; target: string; fromMs: number; label: string }[] = [];
  const windows: FaultWindow[] = [];
  const instants: FaultInstant[] = [];
  for (const op of ops) {
    if (op.process !== NEMESIS_PROCESS || op.type === 'invoke') continue;
    const v = valueOf(op);
    const target = targetOf(op.f, v);
    if (ENDED_BY[op.f] !== undefined) {
      if (!open.some((o) => o.action === op.f && o.target === target)) open.push({ action: op.f, target, fromMs: op.tMs, label: nemesisLabel(op) });
      continue;
    }
    if (ENDERS.has(op.f)) {
      const node = text(v['node']);
      const closing = open.filter((o) => (ENDED_BY[o.action] ?? []).includes(op.f) && (o.target === target || (node !== undefined && o.target === node)));
      for (const o of closing) {
        windows.push({ fromMs: o.fromMs, toMs: op.tMs, open: false, action: o.action, label: o.label });
        open.splice(open.indexOf(o), 1);
      }
      if (closing.length > 0) continue;
    }
    instants.push({ atMs: op.tMs, action: op.f, label: nemesisLabel(op) });
  }
  for (const o of open) windows.push({ fromMs: o.fromMs, toMs: Math.max(endMs, o.fromMs), open: true, action: o.action, label: o.label });
  return { windows: windows.sort((a, b) => a.fromMs - b.fromMs || a.label.localeCompare(b.label)), instants };
}

/** Who holds a service's Lease in the API over a span; `dead` when the holder (node or agent) is down and the Lease merely outlives it. */
export interface HolderSpan {
  readonly service: string;
  readonly lease: string;
  readonly node: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly dead: boolean;
}

/** Lease holders per service from the elector ops and the faults (the checkers' leadership terms). Pure. */
export function leaseHolderSpans(ops: readonly HistoryOp[], endMs: number): HolderSpan[] {
  const serviceOf = buildExpectations(ops).serviceOfLease;
  const spans: HolderSpan[] = [];
  for (const [lease, terms] of buildLeadership(ops, buildFaults(ops))) {
    const service = serviceOf.get(lease) ?? lease;
    for (const term of terms) {
      const toMs = Math.min(apiEndMs(term), endMs);
      const deadMs = Math.max(term.fromMs, Math.min(term.deadMs, toMs));
      if (deadMs > term.fromMs) spans.push({ service, lease, node: term.node, fromMs: term.fromMs, toMs: deadMs, dead: false });
      if (toMs > deadMs) spans.push({ service, lease, node: term.node, fromMs: deadMs, toMs, dead: true });
    }
  }
  return spans.sort((a, b) => a.service.localeCompare(b.service) || a.fromMs - b.fromMs);
}

/** ARP opcode of an `arp-observed` kind (the sim does not record the opcode). */
function opcodeOf(kind: string, recorded: HistoryValue | undefined): number {
  if (typeof recorded === 'number') return recorded;
  if (kind === 'reply' || kind === 'gratuitous-reply') return 2;
  if (kind === 'request' || kind === 'gratuitous-request' || kind === 'probe') return 1;
  return 0;
}

/**
 * The history's `arp-observed` frames as the ARP analyzer's events, per segment (one broadcast
 * domain each), in time order. `tUs` is µs since the run's time zero, floored (the analyzer counts
 * integer µs); the sim records no target MAC (zero MAC then).
 */
export function arpFrameEventsBySegment(ops: readonly HistoryOp[]): Map<string, ArpFrameEvent[]> {
  const bySegment = new Map<string, ArpFrameEvent[]>();
  for (const op of completed(ops, F.arpObserved)) {
    const observed = readArpObserved(op);
    const v = valueOf(op);
    const event: ArpFrameEvent = {
      tUs: Math.floor(observed.tMs * 1000),
      op: opcodeOf(observed.kind, v['opcode']),
      senderMac: observed.senderMac.toLowerCase(),
      senderIp: observed.senderIp,
      targetMac: (text(v['targetMac']) ?? '00:00:00:00:00:00').toLowerCase(),
      targetIp: observed.targetIp,
      ...(observed.ethDst === undefined ? {} : { ethDst: observed.ethDst.toLowerCase() }),
    };
    let list = bySegment.get(observed.segment);
    if (list === undefined) bySegment.set(observed.segment, (list = []));
    list.push(event);
  }
  for (const list of bySegment.values()) list.sort((a, b) => a.tUs - b.tUs);
  return bySegment;
}
