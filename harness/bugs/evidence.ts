/**
 * The evidence column of `l2lab bugs`: for a catching invariant that failed, the frames and API
 * objects that show the violation, with run times (from the checker's violations and the history);
 * for one that held, what shows it holding (the takeover, the answers, the Leases that exist).
 * Pure: `(invariant, verdict, history, MAC → node) → lines`. An invariant without its own rendering
 * gets its violations' fields, so any scenario in `scenarios/bugs/` has evidence.
 */
import type { HistoryOp, HistoryValue } from '../core/history.ts';
import { F, NEMESIS_PROCESS } from '../checker/vocabulary.ts';

/** What the evidence is drawn from. */
export interface EvidenceInput {
  readonly invariant: string;
  readonly valid: boolean | 'unknown';
  readonly failedAtMs?: number;
  readonly details: { readonly [key: string]: HistoryValue | undefined };
  readonly ops: readonly HistoryOp[];
  /** Node of each data-interface MAC (lowercase). */
  readonly macOwner: ReadonlyMap<string, string>;
  /** The effective lease timings (lease-load evidence: what renewals need). */
  readonly timing?: { readonly renewDeadlineMs: number; readonly retryPeriodMs: number };
  /** The agents' client-go limit, when the scenario sets one. */
  readonly clientRateLimit?: { readonly qps: number; readonly burst: number };
}

/** At most this many lines per invariant (the table stays readable; summary.md has the same). */
export const MAX_EVIDENCE_LINES = 4;

type Rec = { readonly [key: string]: HistoryValue | undefined };

/** `12.301s`. */
export function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 100 === 0 ? 1 : 3)}s`;
}

/** `25.0–60.0s` (one time when both are equal). */
function span(fromMs: number, toMs: number): string {
  return fromMs === toMs ? `t=${fmtS(fromMs)}` : `t=${fmtS(fromMs)}–${fmtS(toMs)}`;
}

/** Evidence lines for one invariant of one run. Pure. */
export function extractEvidence(input: EvidenceInput): string[] {
  const h = new HistoryIndex(input.ops, input.macOwner);
  const violations = (Array.isArray(input.details['violations']) ? input.details['violations'] : []).filter(isRec);
  let lines: string[];
  if (input.valid === 'unknown') lines = [`unknown: ${str(input.details['reason'] ?? input.details['error']) || 'no evidence in the history'}`];
  else if (input.invariant === 'lease-load' && input.valid === false) lines = leaseLoadFailed(violations, input, h);
  else if (input.valid === false) lines = (FAILED[input.invariant] ?? genericFailed)(violations, input.details, h);
  else lines = (HELD[input.invariant] ?? genericHeld)(input.details, h);
  if (input.valid === false) {
    const total = num(input.details['violationCount']) ?? violations.length;
    if (total > 0) lines.push(`${total} violation${total === 1 ? '' : 's'}, first at ${fmtS(input.failedAtMs ?? 0)}`);
  }
  return lines.slice(0, MAX_EVIDENCE_LINES);
}

type FailedRenderer = (violations: readonly Rec[], details: Rec, h: HistoryIndex) => string[];
type HeldRenderer = (details: Rec, h: HistoryIndex) => string[];

const FAILED: Readonly<Record<string, FailedRenderer>> = {
  'lease-scope': (violations, _details, h) => {
    const byLease = groupBy(violations, (v) => str(v['lease']));
    const lines = [...byLease].slice(0, 2).map(([lease, vs]) => {
      const first = vs[0] ?? {};
      const verb = str(first['kind']) === 'lease-create' ? 'created' : str(first['kind']) === 'lease-update' ? 'written' : 'acquired';
      const service = h.serviceOfLease.get(lease);
      const why = service === undefined ? str(first['why']) : `service ${service}${h.ipsOf(service).length === 0 ? ' has no LB IP (ClusterIP-only)' : ' is not announceable'}`;
      return `t=${fmtS(num(first['atMs']) ?? 0)} Lease ${lease} ${verb}, holder ${str(first['node'])} (${why})`;
    });
    lines.push(`${h.leasesHeld().length} Leases held for ${h.announceableServices().length} announceable service${h.announceableServices().length === 1 ? '' : 's'}`);
    return lines;
  },
  reacquire: (violations, _details, h) =>
    violations.slice(0, 2).flatMap((v) => {
      const lease = str(v['lease']);
      const service = str(v['service']);
      const from = num(v['unheldSinceMs']) ?? 0;
      const last = h.lastTermBefore(lease, from);
      const lines = [`Lease ${lease} unheld from t=${fmtS(from)}${last === undefined ? ' (never held)' : ` (last holder ${last.node}${last.endReason === undefined ? '' : `: ${last.endReason}`})`}; nobody re-acquired within ${fmtS(num(v['boundMs']) ?? 0)}${h.takeoverAfter(lease, from) === undefined ? ` nor by the end (${fmtS(h.endMs)})` : ''}`];
      for (const ip of h.ipsOf(service).slice(0, 1)) lines.push(h.wire(ip, from, h.endMs));
      return lines;
    }),
  'holder-answers': (violations, _details, h) => {
    const silent = groupBy(violations.filter((v) => str(v['kind']) === 'holder-silent'), (v) => `${str(v['ip'])} ${str(v['node'])}`);
    const stray = groupBy(violations.filter((v) => str(v['kind']) === 'stray-responder'), (v) => `${str(v['ip'])} ${str(v['node'])}`);
    const lines: string[] = [];
    for (const vs of [...silent.values()].slice(0, 2)) {
      const first = vs[0] ?? {};
      const ip = str(first['ip']);
      const node = str(first['node']);
      const fromMs = num(first['requestAtMs']) ?? 0;
      const term = h.termAt(h.leaseOfService(str(first['service'])), fromMs);
      const programmed = h.programmed(node, ip, fromMs);
      lines.push(`${h.wire(ip, fromMs, h.endMs)} — holder ${node}${term === undefined ? '' : ` (Lease since ${fmtS(term.fromMs)})`}${programmed ? '' : `, ${ip} not in ${node}'s announce table`}`);
      if (!programmed) lines.push(h.tableHistory(node, ip, fromMs));
    }
    for (const vs of [...stray.values()].slice(0, 2)) {
      const first = vs[0] ?? {};
      lines.push(`t=${fmtS(num(first['atMs']) ?? 0)} ${str(first['node'])} (${str(first['mac'])}) answered for ${str(first['ip'])} without holding its Lease ×${vs.length}`);
    }
    return lines;
  },
  'holder-eligible': (violations, _details, h) =>
    violations.slice(0, 2).flatMap((v) => {
      const node = str(v['node']);
      const lease = str(v['lease']);
      const atMs = num(v['atMs']) ?? 0;
      const head = str(v['kind']) === 'became-leader-ineligible'
        ? `t=${fmtS(atMs)} ${node} acquired Lease ${lease}; eligible (policy + local backend for eTP=Local): [${strs(v['eligible']).join(', ')}]`
        : `t=${fmtS(atMs)} ${node} still holds Lease ${lease}, ineligible since ${fmtS(num(v['ineligibleSinceMs']) ?? 0)}`;
      const service = h.serviceOfLease.get(lease);
      const ip = service === undefined ? undefined : h.ipsOf(service)[0];
      return ip === undefined ? [head] : [head, h.answersBy(ip, node, atMs, h.endMs)];
    }),
  'new-ip-announced': (violations, _details, h) =>
    violations.slice(0, 2).flatMap((v) => {
      const ip = str(v['ip']);
      const from = num(v['newSinceMs']) ?? 0;
      const lease = h.leaseOfService(str(v['service']));
      const holders = h.termsOf(lease).filter((t) => t.toMs > from);
      return [
        `t=${fmtS(from)} ${ip} of ${str(v['service'])} owed an answer (in status, announceable); none within ${fmtS(num(v['boundMs']) ?? 0)}; Lease ${lease}: ${holders.length === 0 ? 'no holder' : `held by ${holders.map((t) => `${t.node} from ${fmtS(t.fromMs)}`).join(', ')}`}`,
        h.wire(ip, from, h.endMs),
      ];
    }),
  'failover-bound': (violations, _details, h) =>
    violations.slice(0, 2).flatMap((v) => {
      const killMs = num(v['killMs']) ?? 0;
      const service = str(v['service']);
      const first = num(v['firstNewMacMs']);
      const fault = h.faultAt(str(v['node']), killMs);
      const ip = h.ipsOf(service)[0];
      const head = `t=${fmtS(killMs)} holder ${str(v['node'])} of ${service} ${fault ?? 'went down'}; ${first === undefined ? 'no answer from a new MAC by the end' : `first answer from a new MAC ${fmtS(first)} later`} — bound ${fmtS(num(v['boundMs']) ?? 0)} (of time a node could take over), passed at t=${fmtS(num(v['atMs']) ?? 0)}`;
      return ip === undefined ? [head] : [head, h.wire(ip, killMs, first === undefined ? h.endMs : killMs + first)];
    }),
  'one-responder': (violations) =>
    violations.slice(0, 2).map((v) => {
      const macs = strs(v['macs']);
      const nodes = Array.isArray(v['nodes']) ? v['nodes'].map((n) => (typeof n === 'string' ? n : '?')) : [];
      return `${span(num(v['fromMs']) ?? 0, num(v['toMs']) ?? 0)} ${str(v['ip'])} claimed by two MACs: ${macs.map((m, i) => `${m} (${nodes[i] ?? '?'})`).join(' and ')} for ${fmtS(num(v['overlapMs']) ?? 0)}`;
    }),
  'shared-ip-one-node': (violations) =>
    violations.slice(0, 2).map((v) => {
      const signal = str(v['signal']);
      const how = signal === 'leases' ? 'their Leases held by different nodes' : signal === 'tables' ? "in the announce tables of different nodes" : signal;
      return `${span(num(v['splitSinceMs']) ?? 0, num(v['atMs']) ?? 0)} shared ${str(v['ip'])} announced by ${strs(v['nodes']).join(' and ')} (${how})`;
    }),
};

const HELD: Readonly<Record<string, HeldRenderer>> = {
  'failover-bound': (details) => {
    const takeovers = (Array.isArray(details['takeovers']) ? details['takeovers'] : []).filter(isRec);
    if (takeovers.length === 0) return ['no holder died: nothing to take over'];
    return takeovers.slice(0, 3).map((t) => `holder ${str(t['node'])} of ${str(t['service'])} down at t=${fmtS(num(t['killMs']) ?? 0)}: a new MAC answered ${fmtS(Math.round(num(t['latencyMs']) ?? 0))} later (${num(t['garps']) ?? 0} GARP) — bound ${fmtS(num(details['boundMs']) ?? 0)}`);
  },
  'lease-scope': (_details, h) => {
    const held = h.leasesHeld();
    const outside = h.services().filter((s) => !h.everInScope(s));
    return [
      `${held.length} Lease${held.length === 1 ? '' : 's'} held (${held.slice(0, 3).join(', ')}${held.length > 3 ? ', …' : ''}) for ${h.announceableServices().length} announceable service${h.announceableServices().length === 1 ? '' : 's'}`,
      ...(outside.length === 0 ? [] : [`no Lease for ${outside.slice(0, 3).join(', ')}${outside.length > 3 ? ', …' : ''} (not announceable)`]),
    ];
  },
  reacquire: (_details, h) => {
    const firstFault = h.firstFaultMs();
    return h.leasesHeld().slice(0, 2).map((lease) => {
      const terms = h.termsOf(lease);
      const after = firstFault === undefined ? undefined : terms.find((t) => t.fromMs >= firstFault);
      if (after !== undefined) return `Lease ${lease} re-acquired by ${after.node} at ${fmtS(after.fromMs)} (first fault at ${fmtS(firstFault ?? 0)})`;
      return `Lease ${lease} held throughout: ${terms.map((t) => `${t.node} from ${fmtS(t.fromMs)}`).join(', ')}`;
    });
  },
  'holder-answers': (_details, h) => {
    const lines: string[] = [];
    // The services still announceable at the end, and their answers since the first fault (or the term's start).
    const fault = h.firstFaultMs();
    for (const service of h.announceableServices().filter((s) => h.announceableAt(s, h.endMs)).slice(0, 2)) {
      const lease = h.leaseOfService(service);
      const last = h.termsOf(lease).at(-1);
      const ip = h.ipsOf(service)[0];
      if (last === undefined || ip === undefined) continue;
      const fromMs = Math.max(last.fromMs, fault ?? last.fromMs);
      lines.push(`holder ${last.node} (Lease since ${fmtS(last.fromMs)})${fault !== undefined && fault >= last.fromMs ? `, after the first fault at t=${fmtS(fault)}` : ''}: ${h.answersBy(ip, last.node, fromMs, h.endMs)}`);
    }
    return lines.length > 0 ? lines : ['no violation: every holder answered'];
  },
  'holder-eligible': (_details, h) =>
    h.announceableServices().slice(0, 2).map((service) => {
      const lease = h.leaseOfService(service);
      const terms = h.termsOf(lease);
      return `Lease ${lease}: ${terms.length === 0 ? 'never held' : terms.map((t) => `${t.node} from ${fmtS(t.fromMs)}`).join(', ')}; eligible [${h.eligibleAt(service, h.endMs).join(', ')}]`;
    }),
  'new-ip-announced': (details, h) => {
    const announced = (Array.isArray(details['announced']) ? details['announced'] : []).filter(isRec);
    const lines = announced.slice(0, 3).map((a) => `${str(a['ip'])} (${str(a['service'])}) answered ${fmtS(num(a['latencyMs']) ?? 0)} after it was owed`);
    return lines.length > 0 ? lines : ['no IP was owed an answer'];
  },
  'lease-load': (details) => {
    const comparison = isRec(details['comparison']) ? details['comparison'] : {};
    const rows = ['get', 'update'].map((verb) => (isRec(comparison[verb]) ? `${verb} ${fixed((comparison[verb] as Rec)['measuredPerS'])}/s (model ${fixed((comparison[verb] as Rec)['modelPerS'])}/s)` : undefined)).filter((x) => x !== undefined);
    return [`no throttling; ${rows.join(', ') || 'no model comparison'}`];
  },
};

/**
 * INV-LEASE-LOAD failed: per throttled node, how many of its Lease requests waited for the
 * client-side limiter and how long (Cilium's "Waited for …s due to client-side throttling"), then
 * what its renewals need against the docs' sizing rule (C03): a holder renews each Lease every
 * retryPeriod with one PUT (two requests, GET + PUT, where the history shows a GET per update),
 * while the docs size the client by services ÷ renewDeadline.
 */
function leaseLoadFailed(violations: readonly Rec[], input: EvidenceInput, h: HistoryIndex): string[] {
  const lines: string[] = [];
  const requests = input.ops.filter((op) => op.f === F.leaseRequest && op.type !== 'invoke' && isRec(op.value));
  const throttledNodes = [...new Set(violations.filter((v) => str(v['kind']) === 'throttled').map((v) => str(v['node'])))].sort();
  for (const node of throttledNodes.slice(0, 2)) {
    const mine = requests.filter((op) => op.process === node);
    const waits = mine.map((op) => num((op.value as Rec)['throttleWaitMs']) ?? 0).filter((w) => w > 0);
    const first = mine.find((op) => (num((op.value as Rec)['throttleWaitMs']) ?? 0) > 0);
    const mean = waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length);
    lines.push(`${span(first?.tMs ?? 0, h.endMs)} ${node}: ${waits.length} of ${mine.length} Lease requests waited for the client-side limiter ("Waited for … due to client-side throttling"), mean ${fmtS(Math.round(mean))}, longest ${fmtS(Math.round(Math.max(0, ...waits)))}`);
    const held = h.mostLeasesHeldBy(node);
    const lost = held - h.leasesHeldBy(node, h.endMs).length;
    if (input.timing !== undefined && held > 0) {
      const verb = (name: string): number => mine.filter((op) => (op.value as Rec)['verb'] === name && (op.value as Rec)['name'] !== undefined).length;
      const perRenewal = verb('update') > 0 && verb('get') >= 0.8 * verb('update') ? 2 : 1;
      const needPerS = (held * perRenewal) / (input.timing.retryPeriodMs / 1000);
      const docsPerS = held / (input.timing.renewDeadlineMs / 1000);
      const limit = input.clientRateLimit === undefined ? '' : `; configured qps ${input.clientRateLimit.qps}, burst ${input.clientRateLimit.burst}`;
      lines.push(`${node} held up to ${held} Leases: renewing each every retryPeriod ${fmtS(input.timing.retryPeriodMs)} needs ${needPerS.toFixed(2)} req/s (${perRenewal === 2 ? 'GET + PUT' : 'one PUT'} per renewal); the docs' rule says ${held} ÷ renewDeadline ${fmtS(input.timing.renewDeadlineMs)} = ${docsPerS.toFixed(2)} req/s${limit}${lost > 0 ? `; ${lost} of them lost by the end (renewals later than renewDeadline: C02)` : ''}`);
    }
  }
  for (const v of violations.filter((x) => str(x['kind']) === 'off-model').slice(0, 2)) {
    lines.push(`lease ${str(v['verb'])}s ${fixed(v['measuredPerS'])}/s measured vs ${fixed(v['modelPerS'])}/s modelled`);
  }
  for (const v of violations.filter((x) => str(x['kind']) === 'slow').slice(0, 1)) lines.push(`t=${fmtS(num(v['atMs']) ?? 0)} ${str(v['node'])} lease ${str(v['verb'])} took ${fmtS(num(v['latencyMs']) ?? 0)}`);
  return lines;
}

function genericFailed(violations: readonly Rec[]): string[] {
  return violations.slice(0, 3).map((v) => `t=${fmtS(num(v['atMs']) ?? 0)} ${Object.entries(v).filter(([k]) => k !== 'atMs').map(([k, value]) => `${k}=${renderValue(k, value)}`).join(' ')}`);
}

function genericHeld(details: Rec): string[] {
  const extra = Object.entries(details).filter(([k, v]) => k !== 'violations' && k !== 'violationCount' && (typeof v === 'number' || typeof v === 'string'));
  return [`no violation${extra.length === 0 ? '' : ` (${extra.map(([k, v]) => `${k}=${renderValue(k, v)}`).join(', ')})`}`];
}

function renderValue(key: string, value: HistoryValue | undefined): string {
  if (typeof value === 'number' && key.endsWith('Ms')) return fmtS(value);
  if (Array.isArray(value)) return `[${value.map((x) => renderValue('', x)).join(',')}]`;
  if (isRec(value)) return JSON.stringify(value);
  return String(value);
}

/** One leadership term of a node on a Lease. */
interface Term {
  readonly node: string;
  readonly lease: string;
  readonly fromMs: number;
  toMs: number;
  endReason?: string;
}

/** The few history facts the renderers need, indexed once. */
class HistoryIndex {
  readonly serviceOfLease = new Map<string, string>();
  readonly endMs: number;
  readonly #ops: readonly HistoryOp[];
  readonly #macOwner: ReadonlyMap<string, string>;
  readonly #terms: Term[] = [];
  readonly #expected = new Map<string, { tMs: number; value: Rec }[]>();
  readonly #ips = new Map<string, string[]>();

  constructor(ops: readonly HistoryOp[], macOwner: ReadonlyMap<string, string>) {
    this.#ops = ops;
    this.#macOwner = macOwner;
    this.endMs = ops.at(-1)?.tMs ?? 0;
    const open = new Map<string, Term>();
    for (const op of ops) {
      const v = isRec(op.value) ? op.value : {};
      if (op.f === F.announceExpected) {
        const service = str(v['service']);
        this.serviceOfLease.set(str(v['lease']), service);
        this.#expected.set(service, [...(this.#expected.get(service) ?? []), { tMs: op.tMs, value: v }]);
      } else if (op.f === F.serviceIps) {
        const ips = strs(v['ips']);
        if (ips.length > 0) this.#ips.set(str(v['service']), ips);
      } else if (op.f === F.becameLeader) {
        const key = `${op.process} ${str(v['lease'])}`;
        const term: Term = { node: op.process, lease: str(v['lease']), fromMs: op.tMs, toMs: Number.POSITIVE_INFINITY };
        open.set(key, term);
        this.#terms.push(term);
      } else if (op.f === F.lostLeader || op.f === F.electorExit) {
        const term = open.get(`${op.process} ${str(v['lease'])}`);
        if (term !== undefined) {
          if (op.f === F.lostLeader) term.toMs = op.tMs;
          term.endReason = `${op.f} ${str(v['reason'])} at ${fmtS(op.tMs)}`;
        }
      } else if (op.process === NEMESIS_PROCESS && (op.f === 'kill-node' || op.f === 'kill-agent' || op.f === 'freeze')) {
        for (const term of open.values()) {
          if (term.node === str(v['node']) && term.toMs === Number.POSITIVE_INFINITY) {
            term.toMs = op.tMs;
            term.endReason = `${op.f} at ${fmtS(op.tMs)}`;
          }
        }
      }
    }
  }

  services(): string[] {
    return [...this.#expected.keys()].sort();
  }

  everInScope(service: string): boolean {
    return (this.#expected.get(service) ?? []).some((p) => p.value['leaseInScope'] ?? p.value['announceable']);
  }

  announceableServices(): string[] {
    return this.services().filter((s) => (this.#expected.get(s) ?? []).some((p) => p.value['announceable'] === true));
  }

  announceableAt(service: string, tMs: number): boolean {
    return (this.#expected.get(service) ?? []).filter((p) => p.tMs <= tMs).at(-1)?.value['announceable'] === true;
  }

  eligibleAt(service: string, tMs: number): string[] {
    const points = (this.#expected.get(service) ?? []).filter((p) => p.tMs <= tMs);
    return strs(points.at(-1)?.value['eligibleNodes']);
  }

  leaseOfService(service: string): string {
    const lease = str(this.#expected.get(service)?.at(-1)?.value['lease']);
    return lease !== '' ? lease : `cilium-l2announce-${service.replace('/', '-')}`;
  }

  ipsOf(service: string): string[] {
    return this.#ips.get(service) ?? [];
  }

  /** Leases whose term by `node` is open at `tMs`. */
  leasesHeldBy(node: string, tMs: number): string[] {
    return [...new Set(this.#terms.filter((t) => t.node === node && t.fromMs <= tMs && t.toMs >= tMs).map((t) => t.lease))].sort();
  }

  /** The most Leases `node` held at once. */
  mostLeasesHeldBy(node: string): number {
    return Math.max(0, ...this.#terms.filter((t) => t.node === node).map((t) => this.leasesHeldBy(node, t.fromMs).length));
  }

  leasesHeld(): string[] {
    return [...new Set(this.#terms.map((t) => t.lease))].sort();
  }

  termsOf(lease: string): Term[] {
    return this.#terms.filter((t) => t.lease === lease);
  }

  termAt(lease: string, tMs: number): Term | undefined {
    return this.termsOf(lease).filter((t) => t.fromMs <= tMs && t.toMs >= tMs).at(-1);
  }

  lastTermBefore(lease: string, tMs: number): Term | undefined {
    return this.termsOf(lease).filter((t) => t.fromMs <= tMs).at(-1);
  }

  takeoverAfter(lease: string, tMs: number): Term | undefined {
    return this.termsOf(lease).find((t) => t.fromMs > tMs);
  }

  /** The nemesis op that took `node` down at `tMs` (`kill-node`, `kill-agent`, `freeze`, …). */
  faultAt(node: string, tMs: number): string | undefined {
    const op = this.#ops.find((o) => o.process === NEMESIS_PROCESS && Math.abs(o.tMs - tMs) < 1 && isRec(o.value) && o.value['node'] === node);
    return op === undefined ? undefined : `${op.f} at t=${fmtS(op.tMs)}`;
  }

  firstFaultMs(): number | undefined {
    return this.#ops.find((op) => op.process === NEMESIS_PROCESS)?.tMs;
  }

  /** Whether `ip` is in `node`'s last announce table at or before `tMs`. */
  programmed(node: string, ip: string, tMs: number): boolean {
    const tables = this.#ops.filter((op) => op.f === F.announceTable && op.process === node && op.tMs <= tMs);
    const last = tables.at(-1);
    const entries = last !== undefined && isRec(last.value) && Array.isArray(last.value['entries']) ? last.value['entries'].filter(isRec) : [];
    return entries.some((e) => e['ip'] === ip);
  }

  /** When `ip` left `node`'s announce table before `tMs` (and the fault just before), or that it never entered it. */
  tableHistory(node: string, ip: string, tMs: number): string {
    let present = false;
    let leftMs: number | undefined;
    let enteredMs: number | undefined;
    for (const op of this.#ops) {
      if (op.tMs > tMs) break;
      if (op.f !== F.announceTable || op.process !== node || !isRec(op.value) || !Array.isArray(op.value['entries'])) continue;
      const now = op.value['entries'].some((e) => isRec(e) && e['ip'] === ip);
      if (now && !present) enteredMs ??= op.tMs;
      if (!now && present) leftMs = op.tMs;
      present = now;
    }
    if (leftMs === undefined) return `${ip} was never in ${node}'s announce table (responder never programmed)`;
    const cause = this.#ops.filter((op) => op.process === NEMESIS_PROCESS && op.tMs <= leftMs).at(-1);
    const what = cause === undefined ? '' : ` after ${cause.f}${isRec(cause.value) ? ` ${[cause.value['verb'], cause.value['resource'], cause.value['name'] ?? cause.value['node']].filter((x) => typeof x === 'string').join(' ')}` : ''} at t=${fmtS(cause.tMs)}`;
    return `t=${fmtS(leftMs)} ${ip} left ${node}'s announce table${what} (entered at t=${fmtS(enteredMs ?? 0)})`;
  }

  #arp(ip: string, fromMs: number, toMs: number): Rec[] {
    return this.#ops.filter((op) => op.f === F.arpObserved && op.tMs >= fromMs && op.tMs <= toMs && isRec(op.value) && (op.value['targetIp'] === ip || op.value['senderIp'] === ip)).map((op) => ({ ...(op.value as Rec), tMs: op.tMs }));
  }

  /** `t=25.0–60.0s who-has 198.18.0.241 ×35, no reply` or `…, answered by n2 (02:…) ×35`. */
  wire(ip: string, fromMs: number, toMs: number): string {
    const frames = this.#arp(ip, fromMs, toMs);
    const requests = frames.filter((f) => f['kind'] === 'request' && f['targetIp'] === ip);
    const answers = frames.filter((f) => f['senderIp'] === ip && f['kind'] !== 'request' && f['kind'] !== 'probe' && f['kind'] !== 'other');
    if (requests.length === 0 && answers.length === 0) return `${span(fromMs, toMs)} no ARP for ${ip} on the wire`;
    const times = [...requests, ...answers].map((f) => num(f['tMs']) ?? 0);
    const head = `${span(Math.min(...times), Math.max(...times))} who-has ${ip} ×${requests.length}`;
    if (answers.length === 0) return `${head}, no reply`;
    const byMac = groupBy(answers, (f) => str(f['senderMac']));
    return `${head}, answered ${[...byMac].map(([mac, fs]) => `by ${this.#macOwner.get(mac) ?? '?'} (${mac}) ×${fs.length} from ${fmtS(num(fs[0]?.['tMs']) ?? 0)}`).join(', ')}`;
  }

  /** How `node` answered for `ip` in the window. */
  answersBy(ip: string, node: string, fromMs: number, toMs: number): string {
    const frames = this.#arp(ip, fromMs, toMs);
    const requests = frames.filter((f) => f['kind'] === 'request' && f['targetIp'] === ip).length;
    const mine = frames.filter((f) => f['senderIp'] === ip && f['kind'] !== 'request' && this.#macOwner.get(str(f['senderMac'])) === node);
    if (mine.length === 0) return `${node} sent no answer for ${ip} (who-has ×${requests}, ${span(fromMs, toMs)})`;
    const garps = mine.filter((f) => str(f['kind']).startsWith('gratuitous')).length;
    return `${node} (${str(mine[0]?.['senderMac'])}) answered ${ip} ×${mine.length - garps}${garps > 0 ? ` + ${garps} GARP` : ''} from t=${fmtS(num(mine[0]?.['tMs']) ?? 0)} (who-has ×${requests})`;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

function isRec(value: HistoryValue | undefined): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: HistoryValue | undefined): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function strs(value: HistoryValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

function num(value: HistoryValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function fixed(value: HistoryValue | undefined): string {
  return (num(value) ?? 0).toFixed(2);
}
