import { describe, expect, it } from 'vitest';
import type { FailoverComponents } from '../checker/failover-components.ts';
import { summarizeComponents } from './summary.ts';

function row(leaseTakenOverMs: number | null, firstSuccessfulProbeMs: number | null): FailoverComponents {
  return { killMs: 10_000, fault: 'kill-agent', deadNode: 'n1', service: 'default/web', ip: '198.18.0.64', client: 'c1', newHolder: leaseTakenOverMs === null ? null : 'n2', leaseTakenOverMs, firstGarpMs: leaseTakenOverMs, firstNewMacAnswerMs: leaseTakenOverMs, clientEntryChangedMs: null, firstSuccessfulProbeMs };
}

describe('summarizeComponents', () => {
  it('nearest-rank p50/p90/p99/max over the rows that have the component; the others count as never', () => {
    const rows = Array.from({ length: 100 }, (_, i) => row(i + 1, i === 0 ? null : 2 * (i + 1)));
    const byName = new Map(summarizeComponents(rows).map((s) => [s.component, s]));
    expect(byName.get('leaseTakenOver')).toEqual({ component: 'leaseTakenOver', n: 100, missing: 0, p50Ms: 50, p90Ms: 90, p99Ms: 99, maxMs: 100, meanMs: 50.5 });
    expect(byName.get('firstSuccessfulProbe')).toMatchObject({ n: 99, missing: 1, p50Ms: 102, maxMs: 200 });
    expect(byName.get('clientEntryChanged')).toEqual({ component: 'clientEntryChanged', n: 0, missing: 100, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null, meanMs: null });
  });

  it('every component, in the checker order, also without rows', () => {
    expect(summarizeComponents([]).map((s) => [s.component, s.n, s.missing])).toEqual([
      ['leaseTakenOver', 0, 0],
      ['firstGarp', 0, 0],
      ['firstNewMacAnswer', 0, 0],
      ['clientEntryChanged', 0, 0],
      ['firstSuccessfulProbe', 0, 0],
    ]);
  });
});
