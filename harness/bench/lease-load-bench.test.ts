import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir } from '../cli/test-io.ts';
import { planLeaseLoadGrid, timingsForRetry } from './lease-load-cells.ts';
import type { LeaseLoadBenchResults } from './lease-load-cli.ts';

const dir = scratchDir('l2lab-bench-lease-load-');
afterAll(dir.remove);

describe('planLeaseLoadGrid', () => {
  it('nodes × services × retry, nodes slowest; 2s and 200ms are the Cilium and fast presets, others scale', () => {
    const cells = planLeaseLoadGrid({ nodes: '3,10', services: '5', retry: '2s,200ms,1s' });
    expect(cells.map((c) => [c.nodes, c.services, c.retryPeriodMs, c.windowMs])).toEqual([
      [3, 5, 2_000, 30_000],
      [3, 5, 200, 15_000],
      [3, 5, 1_000, 30_000],
      [10, 5, 2_000, 30_000],
      [10, 5, 200, 15_000],
      [10, 5, 1_000, 30_000],
    ]);
    expect(timingsForRetry(2_000)).toBe('cilium-default');
    expect(timingsForRetry(200)).toBe('fast');
    expect(timingsForRetry(500)).toEqual({ leaseDurationMs: 3_750, renewDeadlineMs: 1_250, retryPeriodMs: 500 });
  });

  it.each([
    [{ nodes: '3,x', services: '5', retry: '2s' }, /--nodes 3,x: "x" is not a whole number in 1 … 200/],
    [{ nodes: '3', services: '63', retry: '2s' }, /--services 63: "63" is not a whole number in 1 … 62/],
    [{ nodes: '3', services: '5', retry: '2 seconds' }, /--retry 2 seconds/],
    [{ nodes: '3', services: '5', retry: '2s', duration: 'long' }, /--duration long: expected a duration/],
    [{ nodes: '3', services: '5', retry: '2s', duration: '10s' }, /must hold ≥ 10 × retryPeriod/],
  ])('refuses %j', (input, message) => {
    expect(() => planLeaseLoadGrid(input)).toThrow(message);
  });
});

describe('l2lab bench lease-load in sim', () => {
  it('exits 2 for --qps without --burst and for an unknown profile', async () => {
    const noBurst = await runCli('bench', 'lease-load', '--qps', '5', '--out', join(dir.path, 'never'));
    expect(noBurst.code).toBe(2);
    expect(noBurst.err).toContain('--qps and --burst go together');
    const profile = await runCli('bench', 'lease-load', '--profile', 'cilium-0.1', '--out', join(dir.path, 'never'));
    expect(profile.code).toBe(2);
    expect(profile.err).toContain('--profile cilium-0.1: unknown profile');
  });

  it('one cell without and one under a tight client rate limit: matches the model, then throttles', async () => {
    const free = join(dir.path, 'free');
    const a = await runCli('bench', 'lease-load', '--nodes', '3', '--services', '5', '--retry', '200ms', '--out', free);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/3×5\s+200ms\s+15 s/);
    expect(readdirSync(free).sort()).toEqual(['lease-load.svg', 'results.json', 'summary.md']);
    const freeResults = JSON.parse(readFileSync(join(free, 'results.json'), 'utf8')) as LeaseLoadBenchResults;
    const cell = freeResults.cells[0];
    expect(freeResults.cells).toHaveLength(1);
    expect(Math.abs(cell?.measurement.relativeError ?? 1)).toBeLessThan(0.05);
    expect(cell?.measurement.perNode.map((n) => n.node)).toEqual(['n1', 'n2', 'n3']);
    expect(cell?.rateLimit).toMatchObject({ throttledRequests: 0, refusedRequests: 0, lostInWindow: 0 });
    expect(readFileSync(join(free, 'lease-load.svg'), 'utf8')).toMatch(/^<svg[\s\S]*3 nodes × 5 svc/);

    const limited = join(dir.path, 'limited');
    const b = await runCli('bench', 'lease-load', '--nodes', '3', '--services', '5', '--retry', '200ms', '--qps', '5', '--burst', '10', '--out', limited);
    expect(b.code).toBe(0);
    const limitedCell = (JSON.parse(readFileSync(join(limited, 'results.json'), 'utf8')) as LeaseLoadBenchResults).cells[0];
    // 5 leases at 200 ms ask ~18.6 req/s per node; the bucket lets 5 through.
    expect(limitedCell?.rateLimit.throttledRequests).toBeGreaterThan(0);
    for (const node of limitedCell?.measurement.perNode ?? []) expect(node.measuredPerS).toBeLessThanOrEqual(5.5);
  });
});
