/**
 * INV-LEASE-SCOPE (bug catalog §0, C01): an announce Lease is held and renewed only for services
 * the model says are in scope (`leaseInScope`: selected by a policy, with an address of a type the
 * policy enables, no foreign loadBalancerClass). Interface patterns are not part of the definition:
 * a policy whose patterns match no device still scopes a Lease (Cilium's candidacy ignores them;
 * that nothing then answers is C14, INV-HOLDER-ANSWERS' and INV-IFACE-SCOPE's business) — unless the
 * profile's candidacy requires a device (`candidacyRequiresDevice`), which the model then follows. Evidence: `became-leader` and successful lease `create`/`update` requests,
 * judged against the `announce-expected` op in force at that time; after a service stops being
 * announceable its leader may keep writing — and a candidate still acquire, acting on the scope it
 * saw — for `deselectGraceMs` (cancel → release). A service not in scope at any instant of that
 * window (C01's ClusterIP) gets no grace.
 * The inverse (an announceable service never gets a holder, C05) is `reacquire`'s job.
 */
import type { HistoryOp } from '../core/history.ts';
import { verdict, type CheckResult, type Violation } from './check-result.ts';
import { resolveBounds, type CheckContext } from './context.ts';
import { buildExpectations, buildFaults } from './timeline.ts';
import { completed, F, readLeadership, readLeaseRequest } from './vocabulary.ts';

/** Checks INV-LEASE-SCOPE. 'unknown' when the history has no `announce-expected` ops. */
export function checkLeaseScope(ops: readonly HistoryOp[], context: CheckContext): CheckResult {
  const { deselectGraceMs, observerLagMs } = resolveBounds(context);
  const expectations = buildExpectations(ops);
  if (expectations.byService.size === 0) return { valid: 'unknown', details: { reason: 'no announce-expected ops: nothing says which services are announceable' } };
  const violations: Violation[] = [];

  const faults = buildFaults(ops);
  /**
   * `t` − `graceMs`, counting only time `node` was running: a frozen node cannot cancel, so its
   * grace after a deselection resumes at the thaw (explore: reference-lease-scope-s11).
   */
  const graceStart = (node: string, tMs: number, graceMs: number): number => {
    let cursor = tMs;
    let left = graceMs;
    const down = (faults.nodeDown.get(node) ?? []).filter((i) => i.fromMs < tMs).sort((a, b) => b.fromMs - a.fromMs);
    for (const i of down) {
      if (i.toMs < cursor) {
        if (cursor - i.toMs >= left) return cursor - left;
        left -= cursor - i.toMs;
      }
      cursor = Math.min(cursor, i.fromMs);
    }
    return cursor - left;
  };

  /**
   * Why `lease` may not be written by `node` at `t`, or undefined when it may: a Lease several
   * services elect on together (shared IP: `reference`, kube-vip's common lease) may be written
   * while any of them is in scope.
   */
  const outOfScope = (lease: string, node: string, tMs: number, graceMs: number): string | undefined => {
    const services = expectations.servicesOfLease.get(lease) ?? [];
    if (services.length === 0) return 'lease of no service the model knows';
    let why: string | undefined;
    for (const service of services) {
      const one = serviceOutOfScope(service, node, tMs, graceMs);
      if (one === undefined) return undefined;
      why ??= one;
    }
    return why;
  };

  /** Why a Lease of `service` may not be written by `node` at `t`, or undefined when it may. */
  const serviceOutOfScope = (service: string, node: string, tMs: number, graceMs: number): string | undefined => {
    const series = expectations.byService.get(service);
    const now = series?.at(tMs);
    if (now?.leaseInScope === true) return undefined;
    // The model may record the change the writer already acted on a little later (lab observer).
    if (observerLagMs > 0 && series?.points().some((p) => p.tMs > tMs && p.tMs <= tMs + observerLagMs && p.value.leaseInScope)) return undefined;
    // In scope at some instant of the grace window: a scope shorter than the grace counts too
    // (explore: reference lease-scope, 10,000 runs, random seed 1755279927 — in scope for 1 s,
    // released 6 ms after it ended).
    const fromMs = graceMs > 0 ? graceStart(node, tMs, graceMs) : tMs;
    if (graceMs > 0 && (series?.at(fromMs)?.leaseInScope === true || series?.points().some((p) => p.tMs > fromMs && p.tMs <= tMs && p.value.leaseInScope))) return undefined;
    return `service ${service} is not announceable`;
  };

  for (const op of completed(ops, F.becameLeader)) {
    const l = readLeadership(op);
    // The grace applies to acquisitions too: the agent may act on a scope that ended a moment ago,
    // before it has seen the change (explore: reference lease-scope, 10,000 runs, random seed
    // 162315258 — a CREATE sent 1 ms after the LB IP took the service out of scope). A service
    // never in scope during the window (C01's ClusterIP) is flagged as before.
    const why = outOfScope(l.lease, l.node, l.tMs, deselectGraceMs);
    if (why !== undefined) violations.push({ atMs: l.tMs, kind: 'became-leader', node: l.node, lease: l.lease, why });
  }
  for (const op of completed(ops, F.leaseRequest)) {
    const r = readLeaseRequest(op);
    if (op.type !== 'ok' || (r.verb !== 'create' && r.verb !== 'update') || r.name === undefined) continue;
    const why = outOfScope(r.name, r.node, r.tMs, deselectGraceMs);
    if (why !== undefined) violations.push({ atMs: r.tMs, kind: `lease-${r.verb}`, node: r.node, lease: r.name, why });
  }
  return verdict(violations, []);
}
