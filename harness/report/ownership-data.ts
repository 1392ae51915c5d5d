/**
 * The data of `ownership.svg` from a run: per IP, the MAC that answers ARP for it over time (the
 * ARP analyzer's owner periods over the history's frames), per service the Lease holder, the
 * nemesis faults in label lanes, unanswered requests and failed probes as marks. Pure.
 */
import type { HistoryOp } from '../core/history.ts';
import { analyzeArpEvents, claimKindOf, classifyArpEvent, type ArpFrameEvent } from '../analyze/index.ts';
import { buildServiceIps, type StepSeries } from '../checker/timeline.ts';
import { completed, F, readProbe } from '../checker/vocabulary.ts';
import { fitText, spanPx, type AlertBox, type FaultBar, type InstantMark, type LaneMark, type OwnerBar, type OwnershipPlotData } from './plots/ownership-spec.ts';
import { PLOT_WIDTH_PX } from './plots/style.ts';
import type { RunInfo } from './run-info.ts';
import { arpFrameEventsBySegment, leaseHolderSpans, nemesisFaults } from './run-events.ts';

/** The run's end in ms: the time reached, at least the last op. */
export function runEndMs(info: Pick<RunInfo, 'sim' | 'durationMs'>, ops: readonly HistoryOp[]): number {
  let end = info.sim.virtualMs > 0 ? info.sim.virtualMs : info.durationMs;
  for (const op of ops) if (op.tMs > end) end = op.tMs;
  return end;
}

/** MAC (lowercase) → the node or client it belongs to. */
export function macOwners(info: Pick<RunInfo, 'judge' | 'topology'>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const c of info.topology.clients) owners.set(c.mac.toLowerCase(), c.name);
  for (const i of info.judge.context.interfaces ?? []) owners.set(i.mac.toLowerCase(), i.node);
  return owners;
}

/** One IP's owner periods on one segment: the analyzer's runs of claims by one MAC. */
interface IpOwners {
  readonly ip: string;
  readonly segment: string;
  readonly periods: readonly { readonly mac: string; readonly fromUs: number; readonly lastClaimUs: number }[];
  readonly unansweredUs: readonly number[];
  /** Every claim (reply or GARP) for the IP, in time order. */
  readonly claimsUs: readonly number[];
  /** Split-brain windows: two or more MACs claiming within the analyzer's split window. */
  readonly splitBrain: readonly { readonly startUs: number; readonly endUs: number; readonly macs: readonly string[] }[];
}

/** Owner periods kept per IP (the analyzer counts the rest; a plot of more would be unreadable anyway). */
const MAX_LISTED = 100_000;

/** IPs the reports follow on the wire: every IP but the clients' own (nodes asking a client for its MAC are not a VIP's story). */
export function reportedIp(info: Pick<RunInfo, 'topology'>): (ip: string) => boolean {
  const clientIps = new Set(info.topology.clients.map((c) => c.ip));
  return (ip) => !clientIps.has(ip);
}

/** Runs the ARP analyzer on each segment's frames (time zero = the run's). */
export function ipOwners(bySegment: ReadonlyMap<string, readonly ArpFrameEvent[]>, ipFilter: (ip: string) => boolean = () => true): IpOwners[] {
  const out: IpOwners[] = [];
  for (const [segment, events] of [...bySegment].sort(([a], [b]) => a.localeCompare(b))) {
    const analysis = analyzeArpEvents(events, { originUs: 0, maxListedPerIp: MAX_LISTED, ipFilter });
    const claims = new Map<string, number[]>();
    for (const e of events) {
      if (claimKindOf(classifyArpEvent(e)) === undefined) continue;
      const list = claims.get(e.senderIp);
      if (list === undefined) claims.set(e.senderIp, [e.tUs]);
      else list.push(e.tUs);
    }
    for (const ip of analysis.ips) {
      if (ip.owners.length === 0) continue;
      out.push({
        ip: ip.ip,
        segment,
        periods: ip.owners.map((o) => ({ mac: o.mac, fromUs: o.fromUs, lastClaimUs: o.lastClaimUs })),
        unansweredUs: ip.unanswered.map((u) => u.atUs),
        claimsUs: claims.get(ip.ip) ?? [],
        splitBrain: ip.splitBrain.map((w) => ({ startUs: w.startUs, endUs: w.endUs, macs: w.macs.map((m) => m.mac) })),
      });
    }
  }
  return out;
}

/**
 * The spans in which an owner period's MAC answers: from its first claim until a request goes
 * unanswered or the IP is released (nobody answers from then on), again from its next claim, until
 * the next owner. Pure.
 */
export function answeringSpans(fromUs: number, untilUs: number, unansweredUs: readonly number[], claimsUs: readonly number[]): [number, number][] {
  const spans: [number, number][] = [];
  let start: number | undefined = fromUs;
  for (let guard = 0; start !== undefined && guard <= unansweredUs.length; guard += 1) {
    const from: number = start;
    const silent = unansweredUs.find((u) => u > from && u < untilUs);
    if (silent === undefined) {
      spans.push([from, untilUs]);
      break;
    }
    spans.push([from, silent]);
    start = claimsUs.find((c) => c > silent && c < untilUs);
  }
  return spans;
}

/**
 * When each IP stopped being any service's (LB-IPAM's `service-ips`), in µs; IPs no service ever
 * held (external IPs) are absent. Pure.
 */
export function ipReleases(serviceIps: ReadonlyMap<string, StepSeries<readonly string[]>>): Map<string, number[]> {
  const changes = [...serviceIps].flatMap(([service, series]) => series.points().map((p) => ({ service, tMs: p.tMs, ips: p.value }))).sort((a, b) => a.tMs - b.tMs);
  const current = new Map<string, readonly string[]>();
  const released = new Map<string, number[]>();
  for (const change of changes) {
    const before = new Set([...current.values()].flat());
    current.set(change.service, change.ips);
    const after = new Set([...current.values()].flat());
    for (const ip of before) {
      if (after.has(ip)) continue;
      const list = released.get(ip);
      if (list === undefined) released.set(ip, [change.tMs * 1000]);
      else list.push(change.tMs * 1000);
    }
  }
  return released;
}

/** Assigns each labelled span the first lane whose previous label and span have ended. */
function laneOf(occupiedUntilS: number[], fromS: number, untilS: number): number {
  let index = occupiedUntilS.findIndex((end) => end <= fromS);
  if (index === -1) index = occupiedUntilS.push(untilS) - 1;
  else occupiedUntilS[index] = untilS;
  return index;
}

/** Builds the ownership plot's data. */
export function ownershipPlotData(info: RunInfo, ops: readonly HistoryOp[]): OwnershipPlotData {
  const endMs = runEndMs(info, ops);
  const endS = endMs / 1000;
  const s = (ms: number): number => Number((ms / 1000).toFixed(6));
  const labelS = (label: string): number => ((label.length * 6.2 + 10) / PLOT_WIDTH_PX) * endS;
  const macOwner = macOwners(info);

  // Faults: label lanes on top.
  const { windows, instants } = nemesisFaults(ops, endMs);
  const occupied: number[] = [];
  const faultLane = (i: number): string => (i === 0 ? 'nemesis' : `nemesis ${i + 1}`);
  const spans = [...windows.map((w) => ({ kind: 'window' as const, fromMs: w.fromMs, toMs: w.toMs, label: w.open ? `${w.label} (not healed)` : w.label })), ...instants.map((i) => ({ kind: 'instant' as const, fromMs: i.atMs, toMs: i.atMs, label: i.label }))].sort((a, b) => a.fromMs - b.fromMs);
  const faults: FaultBar[] = [];
  const instantMarks: InstantMark[] = [];
  for (const span of spans) {
    const lane = faultLane(laneOf(occupied, s(span.fromMs), Math.max(s(span.toMs), s(span.fromMs) + labelS(span.label))));
    if (span.kind === 'window') faults.push({ lane, fromS: s(span.fromMs), toS: s(span.toMs), label: span.label });
    else instantMarks.push({ lane, atS: s(span.fromMs), label: span.label });
  }
  const lanes: string[] = occupied.map((_, i) => faultLane(i));

  // Lease holders and ARP owners, grouped by service.
  const holders = leaseHolderSpans(ops, endMs);
  const serviceIps = buildServiceIps(ops);
  const owners = ipOwners(arpFrameEventsBySegment(ops), reportedIp(info));
  const multiSegment = new Set(owners.map((o) => o.segment)).size > 1;
  const ipLane = (o: IpOwners): string => `${o.ip}${multiSegment ? ` on ${o.segment}` : ''}: answered by (ARP)`;
  const services = [...new Set([...holders.map((h) => h.service), ...serviceIps.keys()])].sort();
  const releasedUs = ipReleases(serviceIps);
  const placedIps = new Set<string>();
  const bars: OwnerBar[] = [];
  const alerts: AlertBox[] = [];
  const ownerKeys: string[] = info.topology.nodes.map((n) => n.name);
  const keyOf = (owner: string): string => {
    if (!ownerKeys.includes(owner)) ownerKeys.push(owner);
    return owner;
  };
  const bar = (lane: string, fromMs: number, toMs: number, owner: string, texts: readonly string[], faded: boolean): void => {
    bars.push({ lane, fromS: s(fromMs), toS: s(toMs), owner: keyOf(owner), text: fitText(texts, spanPx(fromMs / 1000, toMs / 1000, endS)), faded });
  };
  const addIp = (o: IpOwners): void => {
    const lane = ipLane(o);
    if (!lanes.includes(lane)) lanes.push(lane);
    // An IP no service holds any more is answered by nobody (until a claim says otherwise).
    const silenceUs = [...o.unansweredUs, ...(releasedUs.get(o.ip) ?? [])].sort((a, b) => a - b);
    o.periods.forEach((p, i) => {
      const nextUs = o.periods[i + 1]?.fromUs ?? endMs * 1000;
      const node = macOwner.get(p.mac);
      for (const [fromUs, toUs] of answeringSpans(p.fromUs, nextUs, silenceUs, o.claimsUs)) bar(lane, fromUs / 1000, toUs / 1000, node ?? p.mac, node === undefined ? [p.mac] : [`${node} ${p.mac}`, node], false);
    });
    for (const w of o.splitBrain) {
      const names = w.macs.map((m) => macOwner.get(m) ?? m);
      alerts.push({ lane, fromS: s(w.startUs / 1000), toS: s(Math.max(w.endUs / 1000, w.startUs / 1000 + endMs / 300)), label: `split brain: ${names.join(' + ')}` });
    }
    placedIps.add(lane);
  };
  for (const service of services) {
    const lane = `${service}: Lease held by`;
    const mine = holders.filter((h) => h.service === service);
    if (mine.length > 0) lanes.push(lane);
    for (const h of mine) bar(lane, h.fromMs, h.toMs, h.node, h.dead ? [`${h.node} (down)`, h.node] : [h.node], h.dead);
    const ips = new Set((serviceIps.get(service)?.points() ?? []).flatMap((p) => p.value));
    for (const o of owners) if (ips.has(o.ip) && !placedIps.has(ipLane(o))) addIp(o);
  }
  for (const o of owners) if (!placedIps.has(ipLane(o))) addIp(o);

  // Marks: unanswered requests and failed probes, at most one per lane per pixel pair.
  const marks: LaneMark[] = [];
  const seen = new Set<string>();
  const mark = (lane: string, atMs: number, kind: string): void => {
    const key = `${lane}|${kind}|${Math.round((atMs / endMs) * (PLOT_WIDTH_PX / 2))}`;
    if (!lanes.includes(lane) || seen.has(key)) return;
    seen.add(key);
    marks.push({ lane, atS: s(atMs), kind });
  };
  for (const o of owners) for (const atUs of o.unansweredUs) mark(ipLane(o), atUs / 1000, 'ARP request unanswered');
  for (const op of completed(ops, F.probe)) {
    const probe = readProbe(op);
    if (probe.ok) continue;
    for (const o of owners) if (o.ip === probe.vip) mark(ipLane(o), probe.tMs, 'client probe failed');
  }
  return { title: `Who answers each IP and who holds each Lease — ${info.scenario.name} (${info.world}, ${info.profile}, seed ${info.seed})`, endS: s(endMs), lanes, owners: ownerKeys, bars, alerts, faults, instants: instantMarks, marks };
}
