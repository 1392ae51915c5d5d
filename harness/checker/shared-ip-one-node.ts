/**
 * INV-SHARED-IP-ONE-NODE (M03, K01, C22): all services sharing one IP are announced by one node.
 * Two signals, each allowed to disagree for at most `overlapMs` (a handover):
 * - leases: the live leaders of the sharing services' Leases are the same node (one lease per
 *   service in Cilium, so two holders for one IP is possible — the M03/K01 shape);
 * - tables: at most one node has the IP in its `announce-table` (while two or more services share it).
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { leaseOfService } from './holder-answers.ts';
import { buildExpectations, buildFaults, buildLeadership, buildServiceIps, endOfHistoryMs, liveEndMs, liveLeadersAt, servicesWithIp } from './timeline.ts';
import { completed, F, readAnnounceTable } from './vocabulary.ts';

/** Checks INV-SHARED-IP-ONE-NODE. */
export function checkSharedIpOneNode(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const { overlapMs } = resolveBounds(context);
  const serviceIps = buildServiceIps(ops);
  const leadership = buildLeadership(ops, buildFaults(ops));
  const leaseOf = buildExpectations(ops).leaseOfService;
  const endMs = endOfHistoryMs(ops);
  const tables = completed(ops, F.announceTable).map(readAnnounceTable);
  const violations: Violation[] = [];

  const ips = new Set([...serviceIps.values()].flatMap((s) => s.points().flatMap((p) => p.value)));
  const changeTimes = [
    ...[...serviceIps.values()].flatMap((s) => s.points().map((p) => p.tMs)),
    ...[...leadership.values()].flat().flatMap((t) => [t.fromMs, liveEndMs(t)]),
    ...tables.map((t) => t.tMs),
    endMs,
  ];
  const times = [...new Set(changeTimes)].filter((t) => Number.isFinite(t) && t <= endMs).sort((a, b) => a - b);

  const tableOwnersAt = (ip: string, tMs: number): Set<string> => {
    // One service per IP is one-responder's case, judged on the wire: a killed agent's pinned map
    // keeps the pair after its datapath's liveness cutoff silenced it.
    if (servicesWithIp(serviceIps, ip, tMs).length < 2) return new Set();
    const latest = new Map<string, boolean>();
    for (const table of tables) if (table.tMs <= tMs) latest.set(table.node, table.entries.some((e) => e.ip === ip));
    return new Set([...latest].filter(([, has]) => has).map(([node]) => node));
  };
  const leaseOwnersAt = (ip: string, tMs: number): Set<string> => {
    const sharing = servicesWithIp(serviceIps, ip, tMs);
    if (sharing.length < 2) return new Set();
    return new Set(sharing.flatMap((service) => liveLeadersAt(leadership.get(leaseOfService(service, leaseOf)), tMs)));
  };

  for (const ip of ips) {
    for (const [signal, ownersAt] of [['leases', leaseOwnersAt], ['tables', tableOwnersAt]] as const) {
      let splitFromMs: number | undefined;
      for (const t of times) {
        const owners = ownersAt(ip, t);
        if (owners.size >= 2) {
          splitFromMs ??= t;
          if (t - splitFromMs > overlapMs) {
            violations.push({ atMs: splitFromMs + overlapMs, ip, signal, nodes: [...owners].sort(), splitSinceMs: splitFromMs });
            break;
          }
        } else splitFromMs = undefined;
      }
    }
  }
  return verdict(violations, [], { boundMs: overlapMs });
}
