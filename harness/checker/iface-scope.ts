/**
 * INV-IFACE-SCOPE (C14, M07): announcements leave only on interfaces the policy selects — never
 * on tunnels, bond slaves, veths, down links or NICs outside the `interfaces` patterns. Checked on
 * the wire (answers for a service IP from a MAC of an unselected interface), in the responder's
 * own records (`garp-sent`) and in the programmed tables (`announce-table`). Which interfaces are
 * selected follows the observer's `interfaces-selected` ops (policy and node edits), with the
 * programming delay allowed after a deselection — counting only time the node reaches the API
 * server, since a node cut off cannot learn of the edit (explore: reference iface-scope, 10,000
 * runs, random seed 87168703) — and the topology's static flag before them.
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { buildFaults, buildIfaceSelection, buildServiceIps, extendedDeadline, macIndex, wireAnswers } from './timeline.ts';
import { completed, F, nemesisOps, readAnnounceTable, readGarpSent, readInterfacesSelected } from './vocabulary.ts';
import { droppedRequestTails, electorReachesApi, tailEnds } from './api-reach.ts';

/** Checks INV-IFACE-SCOPE. 'unknown' without topology interfaces. */
export function checkIfaceScope(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const interfaces = context.interfaces ?? [];
  if (interfaces.length === 0) return { valid: 'unknown', details: { reason: 'no topology interfaces' } };
  const byMac = macIndex(interfaces);
  const { programmingDelayMs } = resolveBounds(context);
  const selection = buildIfaceSelection(ops, interfaces);
  const faults = buildFaults(ops);
  const tails = droppedRequestTails(ops, faults);
  const changeTimes = [...new Set([...nemesisOps(ops).map((n) => n.tMs), ...tailEnds(tails)])].sort((a, b) => a - b);
  const selections = completed(ops, F.interfacesSelected).map(readInterfacesSelected);
  /** When `iface` of `node` was last deselected at or before `tMs` (undefined: selected, or never was). */
  const deselectedAt = (node: string, iface: string, tMs: number): number | undefined => {
    let wasSelected = false;
    let from: number | undefined;
    for (const s of selections) {
      if (s.tMs > tMs) break;
      if (s.node !== node) continue;
      if (s.ifaces.includes(iface)) {
        wasSelected = true;
        from = undefined;
      } else if (wasSelected && from === undefined) {
        from = s.tMs;
      }
    }
    return from;
  };
  /**
   * Selected now, or deselected less than the programming delay of time the node reaches the API
   * server ago (the edit must reach it before it can reprogram).
   */
  const selected = (node: string, iface: string, tMs: number): boolean | undefined => {
    const now = selection(node, iface, tMs);
    if (now === undefined || now) return now;
    if (selection(node, iface, tMs - programmingDelayMs) === true) return true;
    const fromMs = deselectedAt(node, iface, tMs);
    return fromMs !== undefined && tMs < extendedDeadline(fromMs, programmingDelayMs, changeTimes, (t) => electorReachesApi(faults, tails, node, t));
  };
  const serviceIpSet = new Set([...buildServiceIps(ops).values()].flatMap((s) => s.points().flatMap((p) => p.value)));
  const violations: Violation[] = [];
  for (const answer of wireAnswers(ops)) {
    const owner = byMac.get(answer.senderMac);
    if (owner !== undefined && selected(owner.node, owner.iface, answer.tMs) === false && serviceIpSet.has(answer.senderIp)) {
      violations.push({ atMs: answer.tMs, kind: 'wire', ip: answer.senderIp, node: owner.node, iface: owner.iface });
    }
  }
  for (const op of completed(ops, F.garpSent)) {
    const garp = readGarpSent(op);
    if (selected(garp.node, garp.iface, garp.tMs) === false) violations.push({ atMs: garp.tMs, kind: 'garp-sent', ip: garp.ip, node: garp.node, iface: garp.iface });
  }
  for (const op of completed(ops, F.announceTable)) {
    const table = readAnnounceTable(op);
    for (const entry of table.entries) {
      if (selected(table.node, entry.iface, table.tMs) === false) violations.push({ atMs: table.tMs, kind: 'announce-table', ip: entry.ip, node: table.node, iface: entry.iface });
    }
  }
  return verdict(violations, []);
}
