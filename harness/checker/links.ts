/**
 * Which node interfaces have their link down when (`link-down` … `link-up` nemesis ops): a request
 * never reaches a downed interface, and a node whose every interface is down cannot announce
 * anything — the clocks of INV-NEW-IP-ANNOUNCED and INV-FAILOVER-BOUND wait for a link (explore:
 * reference, 10,000 runs, random seed 1795535630: the only eligible node's link down 5–12 s).
 */
import type { HistoryOp } from '../core/history.ts';
import type { TopologyInterface } from './context.ts';
import { inAny, type Interval } from './timeline.ts';
import { NEMESIS, nemesisOps } from './vocabulary.ts';

/** Link-down intervals by `node/iface` (`node/` when the op names no interface: all of them). */
export type LinksDown = ReadonlyMap<string, readonly Interval[]>;

/** Builds the {@link LinksDown} of a history; a link never brought up again stays down. */
export function buildLinksDown(ops: readonly HistoryOp[]): LinksDown {
  const open = new Map<string, number>();
  const out = new Map<string, Interval[]>();
  const close = (key: string, toMs: number): void => {
    const fromMs = open.get(key);
    if (fromMs === undefined) return;
    open.delete(key);
    out.set(key, [...(out.get(key) ?? []), { fromMs, toMs }]);
  };
  for (const op of nemesisOps(ops)) {
    if (op.node === undefined) continue;
    const key = `${op.node}/${op.iface ?? ''}`;
    if (op.f === NEMESIS.linkDown && !open.has(key)) open.set(key, op.tMs);
    else if (op.f === NEMESIS.linkUp) close(key, op.tMs);
  }
  for (const key of [...open.keys()]) close(key, Number.POSITIVE_INFINITY);
  return out;
}

/** Is `iface` of `node` down at some instant of [fromMs, toMs]? */
export function linkDownWithin(links: LinksDown, node: string, iface: string, fromMs: number, toMs: number): boolean {
  const overlaps = (intervals: readonly Interval[] | undefined): boolean => intervals?.some((i) => i.fromMs <= toMs && fromMs < i.toMs) ?? false;
  return overlaps(links.get(`${node}/${iface}`)) || overlaps(links.get(`${node}/`));
}

/**
 * Has `node` an interface it announces on with its link up at `t`? Its interfaces for the service
 * (`announce-expected.ifaces`) when given, else those the topology flags (any when none is).
 * True for a node the topology lists no interface of.
 */
export function someLinkUp(links: LinksDown, interfaces: readonly TopologyInterface[], node: string, tMs: number, forService?: readonly string[]): boolean {
  const all = interfaces.filter((i) => i.node === node);
  const flagged = all.filter((i) => i.announce);
  const own = forService !== undefined ? all.filter((i) => forService.includes(i.iface)) : flagged.length > 0 ? flagged : all;
  if (forService !== undefined && own.length === 0) return false;
  if (own.length === 0) return true;
  return own.some((i) => !inAny(links.get(`${node}/${i.iface}`), tMs) && !inAny(links.get(`${node}/`), tMs));
}
