/**
 * Issue 4: the lease-load grid agrees with `estimateLeaseLoad` within 5 % — a few cells, fixed
 * seeds, counted by the sim API server (deterministic, no wall time involved). The bench
 * (`make bench-sim`) prints the whole grid.
 */
import { describe, expect, it } from 'vitest';
import { measureLeaseLoad } from './lease-load-grid.ts';

const CELLS = [
  { nodes: 3, services: 5, retryPeriodMs: 200 },
  { nodes: 10, services: 50, retryPeriodMs: 2_000 },
  { nodes: 50, services: 5, retryPeriodMs: 2_000 },
  { nodes: 3, services: 50, retryPeriodMs: 200 },
] as const;

describe('lease-load grid: sim vs model within 5 %', () => {
  for (const cell of CELLS) {
    it(`${cell.nodes} nodes × ${cell.services} services, R = ${cell.retryPeriodMs} ms: GET, PUT and LIST per second`, () => {
      const result = measureLeaseLoad({ ...cell, seed: 3, targetRequests: 30_000 });
      for (const verb of ['get', 'update', 'list'] as const) {
        expect(Math.abs(result.diff[verb]), `${verb}: measured ${result.measured[verb].toFixed(4)}/s, model ${result.model[verb].toFixed(4)}/s over ${result.windowMs} ms`).toBeLessThan(0.05);
      }
    });
  }

  it('is deterministic for a seed', () => {
    const a = measureLeaseLoad({ nodes: 3, services: 5, retryPeriodMs: 2_000, seed: 5, targetRequests: 5_000 });
    const b = measureLeaseLoad({ nodes: 3, services: 5, retryPeriodMs: 2_000, seed: 5, targetRequests: 5_000 });
    expect(b).toEqual(a);
  });
});
