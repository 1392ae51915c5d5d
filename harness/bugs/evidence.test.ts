import { describe, expect, it } from 'vitest';
import type { HistoryOp, HistoryValue } from '../core/history.ts';
import { extractEvidence } from './evidence.ts';

let index = 0;
const op = (tMs: number, process: string, f: string, value: HistoryValue, type: HistoryOp['type'] = 'info'): HistoryOp => ({ index: index++, tMs, process, type, f, value });
const macOwner = new Map([['02:00:00:00:00:00', 'n1'], ['02:00:00:01:01:00', 'n2']]);
const expected = (tMs: number, service: string, announceable: boolean): HistoryOp =>
  op(tMs, 'observer', 'announce-expected', { service, lease: `cilium-l2announce-${service.replace('/', '-')}`, announceable, eligibleNodes: ['n1', 'n2'] });
const who = (tMs: number, ip: string): HistoryOp => op(tMs, 'wire', 'arp-observed', { segment: 'lan', tUs: tMs * 1000, kind: 'request', senderMac: '02:00:00:ff:00:01', senderIp: '198.18.0.200', targetIp: ip });
const reply = (tMs: number, ip: string, mac: string, kind = 'reply'): HistoryOp => op(tMs, 'wire', 'arp-observed', { segment: 'lan', tUs: tMs * 1000, kind, senderMac: mac, senderIp: ip, targetIp: '198.18.0.200' });

describe('extractEvidence', () => {
  it('lease-scope: names the Lease of a ClusterIP-only service, its holder and when it was created', () => {
    const ops = [expected(0, 'default/web', true), expected(0, 'default/dns', false), op(0, 'observer', 'service-ips', { service: 'default/web', ips: ['198.18.0.241'] }), op(312, 'n1', 'became-leader', { lease: 'cilium-l2announce-default-dns' }), op(400, 'n2', 'became-leader', { lease: 'cilium-l2announce-default-web' })];
    const lines = extractEvidence({
      invariant: 'lease-scope', valid: false, failedAtMs: 301, ops, macOwner,
      details: { violationCount: 3, violations: [{ atMs: 301, kind: 'lease-create', node: 'n1', lease: 'cilium-l2announce-default-dns', why: 'service default/dns is not announceable' }, { atMs: 312, kind: 'became-leader', node: 'n1', lease: 'cilium-l2announce-default-dns', why: '' }] },
    });
    expect(lines).toEqual([
      't=0.301s Lease cilium-l2announce-default-dns created, holder n1 (service default/dns has no LB IP (ClusterIP-only))',
      '2 Leases held for 1 announceable service',
      '3 violations, first at 0.301s',
    ]);
  });

  it('reacquire: the last holder, how its term ended, and the unanswered who-has on the wire', () => {
    const ops = [
      expected(0, 'default/web', true), op(0, 'observer', 'service-ips', { service: 'default/web', ips: ['198.18.0.241'] }),
      op(500, 'n2', 'became-leader', { lease: 'cilium-l2announce-default-web' }),
      op(18_855, 'n2', 'lost-leader', { lease: 'cilium-l2announce-default-web', reason: 'renew-failed' }),
      op(18_855, 'n2', 'elector-exit', { lease: 'cilium-l2announce-default-web', reason: 'lost-not-reacquired' }),
      who(25_000, '198.18.0.241'), who(26_000, '198.18.0.241'), who(40_000, '198.18.0.241'),
    ];
    const lines = extractEvidence({ invariant: 'reacquire', valid: false, failedAtMs: 23_295, ops, macOwner, details: { violationCount: 1, violations: [{ atMs: 23_295, service: 'default/web', lease: 'cilium-l2announce-default-web', unheldSinceMs: 18_855, boundMs: 4_440 }] } });
    expect(lines).toEqual([
      'Lease cilium-l2announce-default-web unheld from t=18.855s (last holder n2: elector-exit lost-not-reacquired at 18.855s); nobody re-acquired within 4.440s nor by the end (40.0s)',
      't=25.0s–40.0s who-has 198.18.0.241 ×3, no reply',
      '1 violation, first at 23.295s',
    ]);
  });

  it('reacquire holding: who took the Lease back after the first fault', () => {
    const ops = [expected(0, 'default/web', true), op(500, 'n1', 'became-leader', { lease: 'cilium-l2announce-default-web' }), op(8_000, 'nemesis', 'patch-lease', { lease: 'cilium-l2announce-default-web', holder: 'ghost' }), op(11_326, 'n2', 'became-leader', { lease: 'cilium-l2announce-default-web' })];
    expect(extractEvidence({ invariant: 'reacquire', valid: true, ops, macOwner, details: { violationCount: 0, violations: [] } })).toEqual(['Lease cilium-l2announce-default-web re-acquired by n2 at 11.326s (first fault at 8.0s)']);
  });

  it('holder-answers: the silent holder, its unprogrammed table, and the wire', () => {
    const ops = [
      expected(0, 'default/web', true), op(0, 'observer', 'service-ips', { service: 'default/web', ips: ['198.18.0.241'] }),
      op(19_200, 'n2', 'became-leader', { lease: 'cilium-l2announce-default-web' }),
      op(19_100, 'n2', 'announce-table', { node: 'n2', entries: [] }),
      who(25_000, '198.18.0.241'), who(60_000, '198.18.0.241'),
    ];
    const lines = extractEvidence({ invariant: 'holder-answers', valid: false, failedAtMs: 26_000, ops, macOwner, details: { violationCount: 2, violations: [{ atMs: 26_000, kind: 'holder-silent', ip: '198.18.0.241', node: 'n2', service: 'default/web', requestAtMs: 25_000 }, { atMs: 61_000, kind: 'holder-silent', ip: '198.18.0.241', node: 'n2', service: 'default/web', requestAtMs: 60_000 }] } });
    expect(lines).toEqual([
      "t=25.0s–60.0s who-has 198.18.0.241 ×2, no reply — holder n2 (Lease since 19.2s), 198.18.0.241 not in n2's announce table",
      "198.18.0.241 was never in n2's announce table (responder never programmed)",
      '2 violations, first at 26.0s',
    ]);
  });

  it('holder-answers (C07): when the IP left the holder’s table, and the fault just before', () => {
    const ops = [
      expected(0, 'default/b', true), op(0, 'observer', 'service-ips', { service: 'default/b', ips: ['198.18.0.241'] }),
      op(10, 'n1', 'became-leader', { lease: 'cilium-l2announce-default-b' }),
      op(12, 'n1', 'announce-table', { node: 'n1', entries: [{ ip: '198.18.0.241', iface: 'eth0' }] }),
      op(10_000, 'nemesis', 'edit', { verb: 'delete', resource: 'services', name: 'a' }),
      op(10_003, 'n1', 'announce-table', { node: 'n1', entries: [] }),
      who(22_000, '198.18.0.241'),
    ];
    const lines = extractEvidence({ invariant: 'holder-answers', valid: false, failedAtMs: 23_000, ops, macOwner, details: { violationCount: 1, violations: [{ atMs: 23_000, kind: 'holder-silent', ip: '198.18.0.241', node: 'n1', service: 'default/b', requestAtMs: 22_000 }] } });
    expect(lines[1]).toBe("t=10.003s 198.18.0.241 left n1's announce table after edit delete services a at t=10.0s (entered at t=0.012s)");
  });

  it('holder-answers holding: the holder’s answers with its MAC', () => {
    const ops = [expected(0, 'default/web', true), op(0, 'observer', 'service-ips', { service: 'default/web', ips: ['198.18.0.241'] }), op(500, 'n2', 'became-leader', { lease: 'cilium-l2announce-default-web' }), reply(501, '198.18.0.241', '02:00:00:01:01:00', 'gratuitous-reply'), who(1_000, '198.18.0.241'), reply(1_001, '198.18.0.241', '02:00:00:01:01:00')];
    expect(extractEvidence({ invariant: 'holder-answers', valid: true, ops, macOwner, details: { violationCount: 0, violations: [] } })).toEqual([
      'holder n2 (Lease since 0.5s): n2 (02:00:00:01:01:00) answered 198.18.0.241 ×1 + 1 GARP from t=0.501s (who-has ×1)',
    ]);
  });

  it('lease-load (C03): the throttled node’s waits, and what its renewals need against the docs’ rule', () => {
    const lease = (i: number): string => `cilium-l2announce-default-web-${i}`;
    const request = (tMs: number, verb: string, name: string, throttleWaitMs: number): HistoryOp => op(tMs, 'n1', 'lease-request', { verb, name, outcome: 'ok', latencyMs: throttleWaitMs + 2, ...(throttleWaitMs > 0 ? { throttleWaitMs } : {}) }, 'ok');
    const ops = [
      ...[0, 1, 2, 3].map((i) => op(100 + i, 'n1', 'became-leader', { lease: lease(i) })),
      request(30_000, 'update', lease(0), 0),
      request(32_000, 'update', lease(1), 1_500),
      request(34_000, 'update', lease(2), 2_500),
      request(36_000, 'update', lease(3), 2_000),
    ];
    const lines = extractEvidence({
      invariant: 'lease-load', valid: false, failedAtMs: 32_000, ops, macOwner,
      timing: { renewDeadlineMs: 5_000, retryPeriodMs: 2_000 }, clientRateLimit: { qps: 1, burst: 2 },
      details: { violationCount: 3, violations: [{ atMs: 32_000, kind: 'throttled', node: 'n1', verb: 'update', lease: lease(1), throttleWaitMs: 1_500 }] },
    });
    expect(lines).toEqual([
      't=32.0s–36.0s n1: 3 of 4 Lease requests waited for the client-side limiter ("Waited for … due to client-side throttling"), mean 2.0s, longest 2.5s',
      "n1 held up to 4 Leases: renewing each every retryPeriod 2.0s needs 2.00 req/s (one PUT per renewal); the docs' rule says 4 ÷ renewDeadline 5.0s = 0.80 req/s; configured qps 1, burst 2",
      '3 violations, first at 32.0s',
    ]);
  });

  it('an invariant without its own rendering lists its violations’ fields', () => {
    const lines = extractEvidence({ invariant: 'ip-stability', valid: false, failedAtMs: 15_005, ops: [], macOwner, details: { violationCount: 1, violations: [{ atMs: 15_005, service: 'default/web', movedFrom: '198.18.0.241', movedTo: ['198.18.0.242'] }] } });
    expect(lines).toEqual(['t=15.005s service=default/web movedFrom=198.18.0.241 movedTo=[198.18.0.242]', '1 violation, first at 15.005s']);
  });

  it('failover-bound: the kill, when a new MAC was heard, the bound, and the wire since the kill', () => {
    const ops = [expected(0, 'default/web', true), op(0, 'observer', 'service-ips', { service: 'default/web', ips: ['198.18.0.240'] }), op(11_000, 'nemesis', 'kill-node', { node: 'n1' }), who(12_000, '198.18.0.240'), reply(24_900, '198.18.0.240', '02:00:00:01:01:00')];
    const lines = extractEvidence({ invariant: 'failover-bound', valid: false, failedAtMs: 20_440, ops, macOwner, details: { violationCount: 1, violations: [{ atMs: 20_440, node: 'n1', service: 'default/web', killMs: 11_000, boundMs: 4_440, firstNewMacMs: 13_900 }] } });
    expect(lines).toEqual([
      't=11.0s holder n1 of default/web kill-node at t=11.0s; first answer from a new MAC 13.9s later — bound 4.440s (of time a node could take over), passed at t=20.440s',
      't=12.0s–24.9s who-has 198.18.0.240 ×1, answered by n2 (02:00:00:01:01:00) ×1 from 24.9s',
      '1 violation, first at 20.440s',
    ]);
  });

  it('one-responder: the two MACs, their nodes and how long both claimed the IP', () => {
    const lines = extractEvidence({ invariant: 'one-responder', valid: false, failedAtMs: 15_007, ops: [], macOwner, details: { violationCount: 1, violations: [{ atMs: 15_007, ip: '198.18.0.240', macs: ['02:00:00:01:01:00', '02:00:00:00:00:00'], nodes: ['n2', 'n1'], fromMs: 10_007, toMs: 37_007, overlapMs: 27_000 }] } });
    expect(lines[0]).toBe('t=10.007s–37.007s 198.18.0.240 claimed by two MACs: 02:00:00:01:01:00 (n2) and 02:00:00:00:00:00 (n1) for 27.0s');
  });

  it('unknown says why', () => {
    expect(extractEvidence({ invariant: 'one-responder', valid: 'unknown', ops: [], macOwner, details: { reason: 'no ARP replies or GARPs observed on the wire' } })).toEqual(['unknown: no ARP replies or GARPs observed on the wire']);
  });
});
