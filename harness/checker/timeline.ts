/**
 * Views derived from a history that several checkers share: who leads each lease when, which
 * nodes are down or cut off, what the model expects per service, which IPs a service has, and
 * which MAC belongs to which node. Built in one pass each; all lookups are "as of time t".
 */
import type { HistoryOp } from '../core/history.ts';
import type { TopologyInterface } from './context.ts';
import {
  API_PATH_IFACE,
  completed,
  F,
  isAnswer,
  NEMESIS,
  nemesisOps,
  readAnnounceExpected,
  readArpObserved,
  readLeadership,
  readLeaseRequest,
  readInterfacesSelected,
  readServiceIps,
  type AnnounceExpectedOp,
  type ArpObservedOp,
} from './vocabulary.ts';

/** One term of leadership of `node` over `lease`. Open ends are `Infinity`. */
export interface LeadershipTerm {
  readonly lease: string;
  readonly node: string;
  readonly fromMs: number;
  /** `lost-leader` by this node. */
  readonly lostMs: number;
  /** The node (or its agent) died or froze while leading: the elector stops, the Lease stays. */
  readonly deadMs: number;
  /** Another node became leader of the lease. */
  readonly supersededMs: number;
  /**
   * This term continues an earlier one of the same node across a freeze: a frozen (SIGSTOP) and
   * thawed process keeps its elector, which renews at the thaw without a new `became-leader`.
   */
  readonly resumed?: boolean;
}

/** End of live leadership (the elector runs and believes it leads). */
export function liveEndMs(term: LeadershipTerm): number {
  return Math.min(term.lostMs, term.deadMs, term.supersededMs);
}

/** End of holding the Lease in the API (a dead holder keeps it until someone takes over). */
export function apiEndMs(term: LeadershipTerm): number {
  return Math.min(term.lostMs, term.supersededMs);
}

/** Node/API fault intervals from nemesis ops. */
export interface Faults {
  /** Node down (killed or frozen): nothing on it runs. */
  readonly nodeDown: ReadonlyMap<string, readonly Interval[]>;
  /** Agent down (the datapath may still answer until its liveness cutoff). */
  readonly agentDown: ReadonlyMap<string, readonly Interval[]>;
  /** Node cut off from the API server. */
  readonly apiCut: ReadonlyMap<string, readonly Interval[]>;
  /** API server down for everyone. */
  readonly apiOutage: readonly Interval[];
  /** Freezes ended by a thaw with no kill in between: the processes resume where they stopped. */
  readonly paused: ReadonlyMap<string, readonly Interval[]>;
  /** netem on the node's API path (`iface` `mgmt`, or no `iface`: every interface): its requests are slowed or lost. */
  readonly apiShaped: ReadonlyMap<string, readonly Interval[]>;
}

/** A half-open time interval [fromMs, toMs). */
export interface Interval {
  readonly fromMs: number;
  readonly toMs: number;
}

/** True when `t` is inside one of `intervals`. */
export function inAny(intervals: readonly Interval[] | undefined, tMs: number): boolean {
  return intervals?.some((i) => tMs >= i.fromMs && tMs < i.toMs) ?? false;
}

const DEATHS: ReadonlySet<string> = new Set([NEMESIS.killNode, NEMESIS.freeze]);

/** Fault intervals; a fault never healed lasts to Infinity. */
export function buildFaults(ops: readonly HistoryOp[]): Faults {
  const open = new Map<string, number>();
  const out = { nodeDown: new Map<string, Interval[]>(), agentDown: new Map<string, Interval[]>(), apiCut: new Map<string, Interval[]>(), apiOutage: [] as Interval[], paused: new Map<string, Interval[]>(), apiShaped: new Map<string, Interval[]>() };
  /** Nodes whose open down interval is a freeze not (yet) overtaken by a kill. */
  const frozen = new Set<string>();
  const start = (kind: string, key: string, tMs: number) => {
    if (!open.has(`${kind}/${key}`)) open.set(`${kind}/${key}`, tMs);
  };
  const end = (kind: string, key: string, tMs: number, into: Interval[]) => {
    const from = open.get(`${kind}/${key}`);
    if (from === undefined) return;
    open.delete(`${kind}/${key}`);
    into.push({ fromMs: from, toMs: tMs });
  };
  const listFor = (map: Map<string, Interval[]>, node: string): Interval[] => {
    let list = map.get(node);
    if (list === undefined) map.set(node, (list = []));
    return list;
  };
  for (const op of nemesisOps(ops)) {
    const node = op.node ?? '';
    if (DEATHS.has(op.f)) {
      // A second freeze of a frozen node keeps it frozen (its thaw revives it; explore: reference
      // failover-bound, round 3 seed 2); a freeze of a killed node, or a kill, leaves it dead.
      if (op.f === NEMESIS.freeze && (!open.has(`node/${node}`) || frozen.has(node))) frozen.add(node);
      else frozen.delete(node);
      start('node', node, op.tMs);
    } else if (op.f === NEMESIS.restartNode || op.f === NEMESIS.thaw) {
      const from = open.get(`node/${node}`);
      // A thaw does not revive a node killed while frozen: only its restart does.
      if (op.f === NEMESIS.thaw && from !== undefined && !frozen.has(node)) continue;
      if (from !== undefined && op.f === NEMESIS.thaw && frozen.has(node)) listFor(out.paused, node).push({ fromMs: from, toMs: op.tMs });
      frozen.delete(node);
      end('node', node, op.tMs, listFor(out.nodeDown, node));
      // A booted node runs a fresh agent, even if its old one had been killed before the node.
      if (op.f === NEMESIS.restartNode) end('agent', node, op.tMs, listFor(out.agentDown, node));
    }
    else if (op.f === NEMESIS.killAgent) start('agent', node, op.tMs);
    else if (op.f === NEMESIS.restartAgent) {
      // Restarting a running agent crashes it first (the sim world does): an instant's death, so
      // its terms end there (explore: reference holder-eligible, 10,000 runs, random seed 1851432355).
      if (!open.has(`agent/${node}`) && !open.has(`node/${node}`)) listFor(out.agentDown, node).push({ fromMs: op.tMs, toMs: op.tMs });
      else end('agent', node, op.tMs, listFor(out.agentDown, node));
    }
    else if (op.f === NEMESIS.partitionApi) start('api', node, op.tMs);
    else if (op.f === NEMESIS.healApi) end('api', node, op.tMs, listFor(out.apiCut, node));
    else if (op.f === NEMESIS.apiOutage) start('outage', '', op.tMs);
    else if (op.f === NEMESIS.apiRestore) end('outage', '', op.tMs, out.apiOutage);
    else if ((op.f === NEMESIS.netem || op.f === NEMESIS.netemClear) && op.node !== undefined && (op.iface === undefined || op.iface === API_PATH_IFACE)) {
      if (op.f === NEMESIS.netem) start('shaped', node, op.tMs);
      else end('shaped', node, op.tMs, listFor(out.apiShaped, node));
    }
  }
  for (const [key, from] of open) {
    const [kind, node = ''] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const interval = { fromMs: from, toMs: Number.POSITIVE_INFINITY };
    if (kind === 'node') listFor(out.nodeDown, node).push(interval);
    else if (kind === 'agent') listFor(out.agentDown, node).push(interval);
    else if (kind === 'api') listFor(out.apiCut, node).push(interval);
    else if (kind === 'shaped') listFor(out.apiShaped, node).push(interval);
    else out.apiOutage.push(interval);
  }
  return out;
}

/** The node runs, its agent runs and it reaches the API server at `t`. */
export function nodeHealthy(faults: Faults, node: string, tMs: number): boolean {
  return !inAny(faults.nodeDown.get(node), tMs) && !inAny(faults.agentDown.get(node), tMs) && !inAny(faults.apiCut.get(node), tMs) && !inAny(faults.apiOutage, tMs);
}

/**
 * The instant by which `budgetMs` of time during which `available(t)` holds has passed since
 * `fromMs`. `available` may change only at `changeTimes` (sorted); unavailable time does not count.
 */
export function extendedDeadline(fromMs: number, budgetMs: number, changeTimes: readonly number[], available: (tMs: number) => boolean): number {
  let t = fromMs;
  let left = budgetMs;
  for (const next of [...changeTimes.filter((c) => c > fromMs), Number.POSITIVE_INFINITY]) {
    if (available(t)) {
      if (t + left <= next) return t + left;
      left -= next - t;
    }
    t = next;
    if (!Number.isFinite(t)) return t;
  }
  return Number.POSITIVE_INFINITY;
}

/** The node or its agent stopped at `t` (death for the elector). */
export function nodeDead(faults: Faults, node: string, tMs: number): boolean {
  return inAny(faults.nodeDown.get(node), tMs) || inAny(faults.agentDown.get(node), tMs);
}

/** First time ≥ `fromMs` at which `node` or its agent is down; Infinity if never. */
function firstDeathAfter(faults: Faults, node: string, fromMs: number): number {
  let first = Number.POSITIVE_INFINITY;
  for (const list of [faults.nodeDown.get(node), faults.agentDown.get(node)]) {
    for (const i of list ?? []) {
      if (i.toMs > fromMs) first = Math.min(first, Math.max(i.fromMs, fromMs));
    }
  }
  return first;
}

/** Leadership terms per lease, from `became-leader`/`lost-leader` and death faults. */
export function buildLeadership(ops: readonly HistoryOp[], faults: Faults): Map<string, LeadershipTerm[]> {
  const terms = new Map<string, LeadershipTerm[]>();
  const open = new Map<string, { node: string; fromMs: number }[]>();
  const became: { lease: string; node: string; tMs: number }[] = [];
  const written: LeaseWrite[] = [];
  const released = new Set<string>();
  for (const op of ops) {
    if (op.type === 'invoke') continue;
    if (op.f === F.leaseRequest && op.type === 'ok') {
      const r = readLeaseRequest(op);
      if ((r.verb === 'update' || r.verb === 'create') && r.name !== undefined) written.push({ node: r.node, lease: r.name, tMs: r.tMs });
    } else if (op.f === F.releasedLease) {
      released.add(`${op.process}|${readLeadership(op).lease}|${op.tMs}`);
    } else if (op.f === F.becameLeader) {
      const l = readLeadership(op);
      became.push({ lease: l.lease, node: l.node, tMs: l.tMs });
      const list = open.get(l.lease) ?? [];
      // An open term of this node whose process died since (agent killed, then restarted) gets no
      // lost-leader: it ends where the node's new term begins, so the next lost-leader closes the
      // live term, not the dead one (explore: reference holder-eligible, round 2 seed 2).
      for (let i = list.length - 1; i >= 0; i -= 1) {
        const stale = list[i];
        if (stale === undefined || stale.node !== l.node || firstDeathAfter(faults, stale.node, stale.fromMs) > l.tMs) continue;
        list.splice(i, 1);
        push(terms, l.lease, { lease: l.lease, node: l.node, fromMs: stale.fromMs, lostMs: l.tMs, deadMs: Number.POSITIVE_INFINITY, supersededMs: Number.POSITIVE_INFINITY });
      }
      list.push({ node: l.node, fromMs: l.tMs });
      open.set(l.lease, list);
    } else if (op.f === F.lostLeader) {
      const l = readLeadership(op);
      const list = open.get(l.lease) ?? [];
      const at = list.findIndex((t) => t.node === l.node);
      if (at < 0) continue;
      const [term] = list.splice(at, 1);
      if (term !== undefined) push(terms, l.lease, { lease: l.lease, node: l.node, fromMs: term.fromMs, lostMs: l.tMs, deadMs: Number.POSITIVE_INFINITY, supersededMs: Number.POSITIVE_INFINITY });
    }
  }
  for (const [lease, list] of open) {
    for (const term of list) push(terms, lease, { lease, node: term.node, fromMs: term.fromMs, lostMs: Number.POSITIVE_INFINITY, deadMs: Number.POSITIVE_INFINITY, supersededMs: Number.POSITIVE_INFINITY });
  }
  // A release is a write too (holder ""), recorded with its `released-lease` at the same instant.
  const writes = written.filter((w) => !released.has(`${w.node}|${w.lease}|${w.tMs}`));
  for (const [lease, list] of terms) {
    const next = list
      .sort((a, b) => a.fromMs - b.fromMs)
      .map((term) => {
        const other = became.find((b) => b.lease === lease && b.node !== term.node && b.tMs > term.fromMs);
        const deadMs = firstDeathAfter(faults, term.node, term.fromMs);
        return { ...term, deadMs: deadMs <= term.lostMs ? deadMs : Number.POSITIVE_INFINITY, supersededMs: other?.tMs ?? Number.POSITIVE_INFINITY };
      })
      .flatMap((term) => withResumptions(term, faults, became, writes));
    terms.set(lease, next);
  }
  return terms;
}

/**
 * `term` and its continuations: when the death that ends it is a freeze that was thawed (no kill,
 * agent still up), before the node lost or was superseded, the elector resumes at the thaw.
 */
function withResumptions(term: LeadershipTerm, faults: Faults, became: readonly { lease: string; node: string; tMs: number }[], writes: readonly LeaseWrite[]): LeadershipTerm[] {
  const out = [term];
  let last = term;
  // Bounded by the node's pause intervals: each continuation starts at a later thaw.
  for (;;) {
    const dead = last.deadMs;
    const pause = faults.paused.get(last.node)?.find((i) => i.fromMs <= dead && dead < i.toMs);
    if (pause === undefined || inAny(faults.agentDown.get(last.node), pause.toMs)) return out;
    let fromMs = pause.toMs;
    if (pause.toMs >= Math.min(last.lostMs, last.supersededMs)) {
      // Superseded while frozen: the thawed elector still believes it leads, and when the Lease is
      // free again (released) its renew loop takes it back without a new became-leader — it leads
      // from that write (explore: reference reacquire, 10,000 runs, random seed 14689039).
      if (last.lostMs <= pause.toMs) return out;
      const back = writes.find((w) => w.node === last.node && w.lease === last.lease && w.tMs >= pause.toMs && w.tMs < last.lostMs);
      if (back === undefined) return out;
      fromMs = back.tMs;
    }
    const deadMs = firstDeathAfter(faults, last.node, fromMs);
    const other = became.find((b) => b.lease === last.lease && b.node !== last.node && b.tMs > fromMs);
    const supersededMs = fromMs === pause.toMs ? Math.min(last.supersededMs, other?.tMs ?? Number.POSITIVE_INFINITY) : (other?.tMs ?? Number.POSITIVE_INFINITY);
    last = { ...last, fromMs, deadMs: deadMs <= last.lostMs ? deadMs : Number.POSITIVE_INFINITY, supersededMs, resumed: true };
    out.push(last);
  }
}

/** A successful Lease write (create or update) by a node's elector. */
interface LeaseWrite {
  readonly node: string;
  readonly lease: string;
  readonly tMs: number;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Terms live (elector leading, node alive) at `t`. */
export function liveLeadersAt(terms: readonly LeadershipTerm[] | undefined, tMs: number): string[] {
  return (terms ?? []).filter((t) => t.fromMs <= tMs && tMs < liveEndMs(t)).map((t) => t.node);
}

/** The Lease holder in the API at `t` (the last term not lost or superseded), if any. */
export function apiHolderAt(terms: readonly LeadershipTerm[] | undefined, tMs: number): LeadershipTerm | undefined {
  let holder: LeadershipTerm | undefined;
  for (const t of terms ?? []) if (t.fromMs <= tMs && tMs < apiEndMs(t)) holder = t;
  return holder;
}

/** A value that changes at recorded times ("as of t" lookups). */
export class StepSeries<T> {
  readonly #points: { tMs: number; value: T }[] = [];

  add(tMs: number, value: T): void {
    this.#points.push({ tMs, value });
  }

  /** The value as of `t` (the last point at or before it). */
  at(tMs: number): T | undefined {
    let found: T | undefined;
    for (const point of this.#points) {
      if (point.tMs > tMs) break;
      found = point.value;
    }
    return found;
  }

  points(): readonly { readonly tMs: number; readonly value: T }[] {
    return this.#points;
  }
}

/** `announce-expected` per service, and the lease → service map it implies. */
export interface Expectations {
  readonly byService: ReadonlyMap<string, StepSeries<AnnounceExpectedOp>>;
  /** The last service recorded with each Lease. */
  readonly serviceOfLease: ReadonlyMap<string, string>;
  /**
   * Every service ever recorded with each Lease, in first-seen order: more than one where services
   * sharing an IP elect together (`reference`, kube-vip ≥ 1.0.1's common lease, K01).
   */
  readonly servicesOfLease: ReadonlyMap<string, readonly string[]>;
  /**
   * service → the Lease of its last `announce-expected` (a service moves to a common Lease once it
   * shares an IP; the inverse of {@link serviceOfLease} would lose all but one sharing service).
   */
  readonly leaseOfService: ReadonlyMap<string, string>;
}

/** Builds {@link Expectations}. */
export function buildExpectations(ops: readonly HistoryOp[]): Expectations {
  const byService = new Map<string, StepSeries<AnnounceExpectedOp>>();
  const serviceOfLease = new Map<string, string>();
  const servicesOfLease = new Map<string, string[]>();
  const leaseOfService = new Map<string, string>();
  for (const op of completed(ops, F.announceExpected)) {
    const e = readAnnounceExpected(op);
    let series = byService.get(e.service);
    if (series === undefined) byService.set(e.service, (series = new StepSeries()));
    series.add(e.tMs, e);
    serviceOfLease.set(e.lease, e.service);
    const all = servicesOfLease.get(e.lease);
    if (all === undefined) servicesOfLease.set(e.lease, [e.service]);
    else if (!all.includes(e.service)) all.push(e.service);
    leaseOfService.set(e.service, e.lease);
  }
  return { byService, serviceOfLease, servicesOfLease, leaseOfService };
}

/**
 * Is `iface` of `node` selected for announcements at `t`? From the observer's
 * `interfaces-selected` ops (policy and node edits move it) where the node has any, else the
 * static topology flag; undefined for an interface the topology does not know.
 */
export type IfaceSelection = (node: string, iface: string, tMs: number) => boolean | undefined;

/** Builds an {@link IfaceSelection}. */
export function buildIfaceSelection(ops: readonly HistoryOp[], interfaces: readonly TopologyInterface[]): IfaceSelection {
  const byNode = new Map<string, StepSeries<readonly string[]>>();
  for (const op of completed(ops, F.interfacesSelected)) {
    const s = readInterfacesSelected(op);
    let series = byNode.get(s.node);
    if (series === undefined) byNode.set(s.node, (series = new StepSeries()));
    series.add(s.tMs, s.ifaces);
  }
  return (node, iface, tMs) => {
    const known = interfaces.find((i) => i.node === node && i.iface === iface);
    if (known === undefined) return undefined;
    const series = byNode.get(node);
    const first = series?.points()[0];
    if (series === undefined || first === undefined || tMs < first.tMs) return known.announce;
    return series.at(tMs)?.includes(iface) ?? false;
  };
}

/** `service-ips` per service. */
export function buildServiceIps(ops: readonly HistoryOp[]): Map<string, StepSeries<readonly string[]>> {
  const byService = new Map<string, StepSeries<readonly string[]>>();
  for (const op of completed(ops, F.serviceIps)) {
    const s = readServiceIps(op);
    let series = byService.get(s.service);
    if (series === undefined) byService.set(s.service, (series = new StepSeries()));
    series.add(s.tMs, s.ips);
  }
  return byService;
}

/** Services holding `ip` at `t`. */
export function servicesWithIp(serviceIps: ReadonlyMap<string, StepSeries<readonly string[]>>, ip: string, tMs: number): string[] {
  const out: string[] = [];
  for (const [service, series] of serviceIps) if (series.at(tMs)?.includes(ip)) out.push(service);
  return out;
}

/** Wire answers (replies and GARPs with a real sender IP), in time order. */
export function wireAnswers(ops: readonly HistoryOp[]): ArpObservedOp[] {
  return completed(ops, F.arpObserved)
    .map(readArpObserved)
    .filter((o) => isAnswer(o) && o.senderIp !== '0.0.0.0')
    .sort((a, b) => a.tMs - b.tMs);
}

/** MAC → interface (lowercased MACs). */
export function macIndex(interfaces: readonly TopologyInterface[] | undefined): Map<string, TopologyInterface> {
  return new Map((interfaces ?? []).map((i) => [i.mac.toLowerCase(), i]));
}

/** Time of the last op (the end of the observed run). */
export function endOfHistoryMs(ops: readonly HistoryOp[]): number {
  let end = 0;
  for (const op of ops) if (op.tMs > end) end = op.tMs;
  return end;
}
