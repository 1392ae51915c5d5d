import { describe, expect, it } from 'vitest';
import { diffLeaseMetrics, histogramQuantile, leaseMetricsFromSamples } from './lease-metrics.ts';
import { parsePrometheusText } from './prometheus-text.ts';

const L = 'group="coordination.k8s.io",resource="leases",scope="namespace",version="v1"';

function scrape(lines: string[]): ReturnType<typeof leaseMetricsFromSamples> {
  return leaseMetricsFromSamples(parsePrometheusText(lines.join('\n')).samples);
}

describe('diffLeaseMetrics', () => {
  const before = scrape([
    `apiserver_request_total{${L},code="200",verb="PUT"} 10`,
    `apiserver_request_total{${L},code="200",verb="GET"} 4`,
    `apiserver_request_total{group="",resource="pods",code="200",verb="GET"} 99`,
    `apiserver_selfrequest_total{group="coordination.k8s.io",resource="leases",subresource="",verb="PUT"} 10`,
    `apiserver_request_duration_seconds_bucket{${L},verb="PUT",le="0.005"} 5`,
    `apiserver_request_duration_seconds_bucket{${L},verb="PUT",le="0.025"} 10`,
    `apiserver_request_duration_seconds_bucket{${L},verb="PUT",le="+Inf"} 10`,
    `apiserver_request_duration_seconds_sum{${L},verb="PUT"} 0.05`,
    `apiserver_request_duration_seconds_count{${L},verb="PUT"} 10`,
  ]);
  const after = scrape([
    `apiserver_request_total{${L},code="200",verb="PUT"} 15`,
    `apiserver_request_total{${L},code="409",verb="PUT"} 2`,
    `apiserver_request_total{${L},code="200",verb="GET"} 4`,
    `apiserver_request_total{${L},code="201",verb="POST"} 3`,
    `apiserver_request_total{group="",resource="pods",code="200",verb="GET"} 150`,
    `apiserver_selfrequest_total{group="coordination.k8s.io",resource="leases",subresource="",verb="PUT"} 11`,
    `apiserver_request_duration_seconds_bucket{${L},verb="PUT",le="0.005"} 5`,
    `apiserver_request_duration_seconds_bucket{${L},verb="PUT",le="0.025"} 17`,
    `apiserver_request_duration_seconds_bucket{${L},verb="PUT",le="+Inf"} 17`,
    `apiserver_request_duration_seconds_sum{${L},verb="PUT"} 0.12`,
    `apiserver_request_duration_seconds_count{${L},verb="PUT"} 17`,
  ]);

  it('counts lease requests by verb and code, minus the self-requests', () => {
    const d = diffLeaseMetrics(before, after);
    expect(d.counterReset).toBe(false);
    expect(Object.keys(d.byVerb)).toEqual(['POST', 'PUT']); // GET unchanged, pods ignored
    expect(d.byVerb['PUT']).toMatchObject({ total: 7, selfRequests: 1, clientRequests: 6, byCode: { '200': 5, '409': 2 } });
    expect(d.byVerb['POST']).toMatchObject({ total: 3, selfRequests: 0, clientRequests: 3, byCode: { '201': 3 } });
  });

  it('derives latency from the histogram delta', () => {
    const latency = diffLeaseMetrics(before, after).byVerb['PUT']?.latency;
    expect(latency?.count).toBe(7);
    expect(latency?.meanMs).toBeCloseTo(10, 6); // 0.07 s / 7
    // all 7 new observations fall in (0.005, 0.025]: p50 at rank 3.5 of 7 -> 0.005 + 0.02 * 0.5
    expect(latency?.p50Ms).toBeCloseTo(15, 6);
    expect(latency?.p99Ms).toBeCloseTo(5 + 20 * 0.99, 6);
  });

  it('flags a counter reset instead of reporting negative counts', () => {
    const d = diffLeaseMetrics(after, before);
    expect(d.counterReset).toBe(true);
    expect(d.byVerb['PUT']?.total).toBe(10);
  });
});

describe('histogramQuantile', () => {
  it('returns NaN for an empty histogram and the last finite bound for the +Inf bucket', () => {
    expect(histogramQuantile(0.5, new Map())).toBeNaN();
    expect(histogramQuantile(0.99, new Map([[0.1, 1], [Infinity, 10]]))).toBe(0.1);
  });
});
