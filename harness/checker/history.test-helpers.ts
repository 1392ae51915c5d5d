/**
 * Literal histories for checker tests (Jepsen's `invoke-op`/`ok-op`/`history` helpers): each call
 * appends one op with an explicit time, and `ops` numbers them in order.
 */
import type { HistoryOp, HistoryOpType, HistoryValue } from '../core/history.ts';
import type { CheckContext, TopologyInterface } from './context.ts';

export const WEB = 'default/web';
export const WEB_LEASE = 'cilium-l2announce-default-web';
export const VIP = '10.0.0.100';
export const MAC = { n1: '02:00:00:00:01:01', n2: '02:00:00:00:02:01', n3: '02:00:00:00:03:01', n1lxc: '02:00:00:00:01:99' } as const;

export const INTERFACES: readonly TopologyInterface[] = [
  { node: 'n1', iface: 'eth0', mac: MAC.n1, segment: 's1', announce: true },
  { node: 'n1', iface: 'lxc0', mac: MAC.n1lxc, segment: 's1', announce: false },
  { node: 'n2', iface: 'eth0', mac: MAC.n2, segment: 's1', announce: true },
  { node: 'n3', iface: 'eth0', mac: MAC.n3, segment: 's1', announce: true },
];

/** Cilium defaults 15 s / 5 s / 2 s: failover bound 24.4 s, overlap bound 8 s. */
export const CONTEXT: CheckContext = { timing: { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 }, interfaces: INTERFACES };

/** Builds a literal history. */
export class LiteralHistory {
  readonly #ops: HistoryOp[] = [];

  op(tMs: number, process: string, f: string, value: HistoryValue, type: HistoryOpType = 'info'): this {
    this.#ops.push({ index: this.#ops.length, tMs, process, type, f, value });
    return this;
  }

  get ops(): readonly HistoryOp[] {
    return [...this.#ops].sort((a, b) => a.tMs - b.tMs || a.index - b.index).map((op, index) => ({ ...op, index }));
  }

  expected(tMs: number, service: string, lease: string, announceable: boolean, eligibleNodes: readonly string[]): this {
    return this.op(tMs, 'model', 'announce-expected', { service, lease, announceable, eligibleNodes: [...eligibleNodes] });
  }

  webExpected(tMs: number, eligibleNodes: readonly string[] = ['n1', 'n2', 'n3'], announceable = true): this {
    return this.expected(tMs, WEB, WEB_LEASE, announceable, eligibleNodes);
  }

  ips(tMs: number, service: string, ips: readonly string[]): this {
    return this.op(tMs, 'observer', 'service-ips', { service, ips: [...ips] });
  }

  became(tMs: number, node: string, lease = WEB_LEASE): this {
    return this.op(tMs, node, 'became-leader', { lease });
  }

  lost(tMs: number, node: string, lease = WEB_LEASE, reason = 'renew-failed'): this {
    return this.op(tMs, node, 'lost-leader', { lease, reason });
  }

  /** An ARP answer seen on the wire (reply by default). */
  answer(tMs: number, senderMac: string, senderIp = VIP, kind = 'reply'): this {
    return this.op(tMs, 'wire', 'arp-observed', { segment: 's1', tUs: tMs * 1000, kind, senderMac, senderIp, targetIp: kind === 'reply' ? '10.0.0.50' : senderIp });
  }

  request(tMs: number, targetIp = VIP): this {
    return this.op(tMs, 'wire', 'arp-observed', { segment: 's1', tUs: tMs * 1000, kind: 'request', senderMac: '02:00:00:00:0c:01', senderIp: '10.0.0.50', targetIp });
  }

  nemesis(tMs: number, f: string, value: HistoryValue = {}): this {
    return this.op(tMs, 'nemesis', f, value);
  }

  leaseRequest(tMs: number, node: string, verb: string, extra: { [key: string]: HistoryValue } = {}, type: HistoryOpType = 'ok'): this {
    return this.op(tMs, node, 'lease-request', { verb, name: WEB_LEASE, outcome: type === 'ok' ? 'ok' : 'store-conflict', latencyMs: 5, ...extra }, type);
  }

  pool(tMs: number, pool: string, blocks: readonly string[], reserveFirstLast = true): this {
    return this.op(tMs, 'observer', 'pool-state', { pool, blocks: [...blocks], reserveFirstLast });
  }
}

export const history = (): LiteralHistory => new LiteralHistory();
