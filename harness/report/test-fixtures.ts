/**
 * Literal runs for the report tests: a small history (two nodes, one service, one client; the
 * holder's agent is killed and restarted) and the run.json fields the renderers read.
 */
import type { HistoryOp, HistoryOpType, HistoryValue } from '../core/history.ts';
import type { RunResults } from '../run/judge.ts';
import type { RunInfo } from './run-info.ts';

/** MACs of the literal topology. */
export const MAC = { n1: '02:00:00:00:00:01', n2: '02:00:00:00:00:02', c1: '02:00:00:ff:00:01' } as const;

/** Builds ops with consecutive indexes. */
export function historyOf(entries: readonly (readonly [tMs: number, process: string, type: HistoryOpType, f: string, value: HistoryValue])[]): HistoryOp[] {
  return entries.map(([tMs, process, type, f, value], index) => ({ index, tMs, process, type, f, value }));
}

const LEASE = 'cilium-l2announce-default-web';
const VIP = '198.18.0.240';

function answer(tMs: number, mac: string, kind: string, targetIp: string): readonly [number, string, HistoryOpType, string, HistoryValue] {
  return [tMs, 'wire', 'info', 'arp-observed', { segment: 'eth0', tUs: tMs * 1000, kind, ethSrc: mac, ethDst: 'ff:ff:ff:ff:ff:ff', senderMac: mac, senderIp: VIP, targetIp }];
}

/** n1 leads from 0.01 s; its agent is killed at 10 s (restarted at 25 s); n2 takes over at 13 s; c1 probes every second. */
export function literalHistory(): HistoryOp[] {
  return historyOf([
    [0, 'observer', 'info', 'announce-expected', { service: 'default/web', lease: LEASE, announceable: true, eligibleNodes: ['n1', 'n2'] }],
    [0, 'observer', 'info', 'service-ips', { service: 'default/web', ips: [VIP] }],
    [10, 'n1', 'info', 'became-leader', { lease: LEASE }],
    answer(10, MAC.n1, 'gratuitous-reply', VIP),
    [100, 'c1', 'info', 'neigh-changed', { client: 'c1', ip: VIP, mac: MAC.n1, fromMac: null, state: 'REACHABLE', fromState: 'INCOMPLETE' }],
    [1000, 'c1', 'invoke', 'probe', { client: 'c1', vip: VIP, seq: 1 }],
    [1000.2, 'c1', 'ok', 'probe', { client: 'c1', vip: VIP, seq: 1, outcome: 'answered', answeredBy: 'n1', rttMs: 0.2 }],
    [10_000, 'nemesis', 'info', 'kill-agent', { node: 'n1' }],
    [11_000, 'c1', 'invoke', 'probe', { client: 'c1', vip: VIP, seq: 2 }],
    [12_000, 'c1', 'invoke', 'probe', { client: 'c1', vip: VIP, seq: 3 }],
    [12_000, 'c1', 'fail', 'probe', { client: 'c1', vip: VIP, seq: 2, outcome: 'timeout' }],
    [13_000, 'n2', 'info', 'became-leader', { lease: LEASE }],
    answer(13_000, MAC.n2, 'gratuitous-reply', VIP),
    [13_000.05, 'c1', 'info', 'neigh-changed', { client: 'c1', ip: VIP, mac: MAC.n2, fromMac: MAC.n1, state: 'STALE', fromState: 'REACHABLE' }],
    [13_000, 'c1', 'fail', 'probe', { client: 'c1', vip: VIP, seq: 3, outcome: 'timeout' }],
    [14_000, 'c1', 'invoke', 'probe', { client: 'c1', vip: VIP, seq: 4 }],
    [14_000.2, 'c1', 'ok', 'probe', { client: 'c1', vip: VIP, seq: 4, outcome: 'answered', answeredBy: 'n2', rttMs: 0.2 }],
    [25_000, 'nemesis', 'info', 'restart-agent', { node: 'n1' }],
    [27_000, 'nemesis', 'info', 'patch-lease', { lease: LEASE, holder: 'n1' }],
  ]);
}

/** The run.json of {@link literalHistory} (the fields the renderers read; the rest is empty). */
export function literalRunInfo(): RunInfo {
  return {
    version: 1,
    scenario: { name: 'literal', file: 'scenarios/literal.yaml', description: '' },
    world: 'sim',
    profile: 'cilium-1.16',
    seed: 7,
    durationMs: 30_000,
    timing: { requested: {}, effective: { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 }, corrections: [] },
    topology: {
      nodes: [
        { name: 'n1', labels: {}, interfaces: [{ name: 'eth0', segment: 'lan', mac: MAC.n1 }] },
        { name: 'n2', labels: {}, interfaces: [{ name: 'eth0', segment: 'lan', mac: MAC.n2 }] },
      ],
      clients: [{ name: 'c1', segment: 'lan', ip: '198.18.0.200', mac: MAC.c1 }],
      segmentInterface: { lan: 'eth0' },
    },
    probes: {},
    judge: {
      context: { timing: { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 }, interfaces: [{ node: 'n1', iface: 'eth0', mac: MAC.n1, segment: 'eth0', announce: true }, { node: 'n2', iface: 'eth0', mac: MAC.n2, segment: 'eth0', announce: true }] },
      expected: { mustHold: ['one-responder'], mustFail: [], ignored: ['lease-load'] },
      failoverMaxMs: { leaseTakenOver: 5000 },
    },
    steps: [
      { atMs: 10_000, occurrence: 'kill-leader@1', action: 'kill-agent', node: 'n1', outcome: 'done' },
      { atMs: 25_000, occurrence: 'kill-leader@1/undo', action: 'restart-agent', node: 'n1', inverseOf: 'kill-leader@1', outcome: 'done' },
    ],
    notes: [],
    end: 'completed',
    sim: { virtualMs: 30_000, events: 0, ops: 19 },
    invocation: { argv: ['run', 'scenarios/literal.yaml'], out: '/tmp/x', startedAt: '2026-11-21T14:55:00.123Z', wallMs: 1500 },
    git: { sha: null, dirty: null },
  } as unknown as RunInfo;
}

/** Results with one unmet safety invariant, one ignored, one unknown allowed, one failover bound missed. */
export function literalResults(): RunResults {
  return {
    outcome: 'safety-violation',
    unmet: ['one-responder (safety): expected to hold, got fails at 13.500 s', 'failover leaseTakenOver: max 6000 ms > bound 5000 ms'],
    invariants: [
      { name: 'one-responder', kind: 'safety', valid: false, expected: 'hold', met: false, failedAtMs: 13_500, details: { overlapMs: 2500 } },
      { name: 'holder-answers', kind: 'safety', valid: true, expected: 'not-false', met: true, details: {} },
      { name: 'new-ip-announced', kind: 'liveness', valid: 'unknown', expected: 'not-false', met: true, details: {} },
      { name: 'lease-load', kind: 'liveness', valid: false, expected: 'ignore', met: true, failedAtMs: 20_000, details: {} },
    ],
    failover: {
      rows: [{ killMs: 10_000, fault: 'kill-agent', deadNode: 'n1', service: 'default/web', ip: '198.18.0.240', client: 'c1', newHolder: 'n2', leaseTakenOverMs: 6000, firstGarpMs: 3000, firstNewMacAnswerMs: 3000, clientEntryChangedMs: 3000.05, firstSuccessfulProbeMs: 4000 }],
      components: [
        { component: 'leaseTakenOver', count: 1, missing: 0, p50Ms: 6000, maxMs: 6000, boundMs: 5000, met: false },
        { component: 'firstGarp', count: 1, missing: 0, p50Ms: 3000, maxMs: 3000, met: true },
      ],
    },
  };
}
