/**
 * The whole responder in the simulator: operator, agents, electors, datapaths and one L2 segment.
 * Expectations are literal where the run is deterministic (one seed), and on the history and the
 * segment capture — never on wall time.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../core/history.ts';
import { historyToJsonl } from '../history/jsonl.ts';
import { getProfile } from '../profiles/profiles.ts';
import { CLIENT_MAC, ResponderWorld, type ResponderWorldOptions } from './responder-world.ts';
import { backend, l2Policy, lbPool, lbService, manifests, simNode, threeNodeCluster } from './responder-world.fixtures.ts';

const WEB = 'default/web';
const TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 };

function world(over: Partial<ResponderWorldOptions> = {}): ResponderWorld {
  return new ResponderWorld({ seed: 11, manifests: threeNodeCluster(), profile: getProfile('cilium-1.16'), timing: TIMING, ...over });
}
const ops = (w: ResponderWorld, f: string, after = -1): HistoryOp[] => w.history.ops().filter((op) => op.f === f && op.tMs > after);
const value = (op: HistoryOp | undefined): Record<string, unknown> => (op?.value ?? {}) as Record<string, unknown>;
/** Asks for `ip` on eth0 and returns the MACs that answered within 10 ms. */
function ask(w: ResponderWorld, ip: string): string[] {
  const sinceMs = w.kernel.nowMs;
  w.sendArpRequest(ip);
  w.runFor(10);
  return w.frames('eth0', sinceMs, { repliesFor: ip }).map((c) => c.frame.senderMac);
}
const macOf = (w: ResponderWorld, node: string): string => w.node(node).interfaceMacs.get('eth0') ?? '?';

describe('ResponderWorld: operator', () => {
  it('assigns the first pool IP, writes the satisfied condition and the pool counters', () => {
    const w = world({ manifests: threeNodeCluster([lbService('web'), lbService('db', { creationTimestamp: '2026-01-02T00:00:00Z' })]) });
    w.runUntil(1_000);
    expect(w.ingressIps(WEB)).toEqual(['192.168.10.1']);
    expect(w.ingressIps('default/db')).toEqual(['192.168.10.0']);
    expect(w.service(WEB)?.status).toEqual({
      loadBalancer: { ingress: [{ ip: '192.168.10.1' }] },
      conditions: [{ type: 'cilium.io/IPAMRequestSatisfied', status: 'True', reason: 'satisfied', message: '' }],
    });
    expect((w.pool('pool')?.status as { conditions: unknown[] }).conditions).toEqual([
      { type: 'cilium.io/PoolConflict', status: 'False', reason: 'resolved', message: '' },
      { type: 'cilium.io/IPsTotal', status: 'Unknown', reason: 'noreason', message: '256' },
      { type: 'cilium.io/IPsAvailable', status: 'Unknown', reason: 'noreason', message: '254' },
      { type: 'cilium.io/IPsUsed', status: 'Unknown', reason: 'noreason', message: '2' },
    ]);
    expect(ops(w, 'service-ips').map((op) => value(op))).toEqual([
      { service: 'default/db', ips: ['192.168.10.0'], reason: 'satisfied' },
      { service: WEB, ips: ['192.168.10.1'], reason: 'satisfied' },
    ]);
  });

  it('writes nothing when nothing changed, and keeps IPs across an operator restart', () => {
    const w = world();
    w.runUntil(1_000);
    const writes = w.operator.stats.writes;
    w.runUntil(30_000);
    expect(w.operator.stats.writes).toBe(writes);
    w.restartOperator();
    w.runUntil(40_000);
    expect(w.ingressIps(WEB)).toEqual(['192.168.10.0']);
    expect(w.operator.stats.writes).toBe(0);
  });
});
