/**
 * C03 / INV-LEASE-LOAD: the requests the simulated agents really issue, counted by the simulated
 * API server, against the closed-form model of `harness/l2/lease-load.ts` (spec §4). This is the
 * test that keeps the elector's cadence (sliding retry period, U(1, 2.2) jitter, optimistic renew)
 * and the model honest with each other.
 */
import { describe, expect, it } from 'vitest';
import { estimateLeaseLoad } from '../l2/lease-load.ts';
import { ElectionWorld } from '../sim/election-world.ts';
import type { ElectorSwitches } from './elector-config.ts';

const NODES = ['n1', 'n2', 'n3'];
const SERVICES = ['a', 'b', 'c', 'd', 'e'].map((s) => `default/${s}`);
const RETRY_MS = 2_000;
const TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: RETRY_MS };
const WARMUP_MS = 60_000;
const MEASURE_MS = 3_600_000;

function measure(switches: ElectorSwitches, seed: number): { get: number; update: number; list: number } {
  const w = new ElectionWorld({ seed, nodes: NODES, services: SERVICES, switches, timing: TIMING, recordHistory: false });
  w.runUntil(WARMUP_MS);
  const before = { get: w.server.accounting.total({ verb: 'get' }), update: w.server.accounting.total({ verb: 'update' }), list: w.server.accounting.total({ verb: 'list' }) };
  w.runUntil(WARMUP_MS + MEASURE_MS);
  const perS = (verb: 'get' | 'update' | 'list'): number => (w.server.accounting.total({ verb }) - before[verb]) / (MEASURE_MS / 1000);
  return { get: perS('get'), update: perS('update'), list: perS('list') };
}

function model(optimisticRenew: boolean) {
  return estimateLeaseLoad({
    services: SERVICES.map((name) => ({ name, candidateNodes: NODES })),
    nodeCount: NODES.length,
    retryPeriodMs: RETRY_MS,
    renewDeadlineMs: TIMING.renewDeadlineMs,
    optimisticRenew,
  }).byVerbPerS;
}

describe('lease load: sim vs model (3 nodes × 5 services, R = 2 s, one virtual hour)', () => {
  for (const optimisticRenew of [true, false]) {
    it(`${optimisticRenew ? 'optimistic PUT (≥ 1.16)' : 'GET + PUT (1.14/1.15)'}: every verb within 3 % of the model`, () => {
      const switches: ElectorSwitches = { optimisticRenew, reacquireAfterLoss: true, releaseSetsOneSecond: true };
      const expected = model(optimisticRenew);
      const measured = measure(switches, 11);
      for (const verb of ['get', 'update', 'list'] as const) {
        expect(Math.abs(measured[verb] / expected[verb] - 1), `${verb}: measured ${measured[verb].toFixed(4)}/s, model ${expected[verb].toFixed(4)}/s`).toBeLessThan(0.03);
      }
    });
  }
});
