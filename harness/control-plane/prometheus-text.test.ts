import { describe, expect, it } from 'vitest';
import { parsePrometheusText, parsePromValue } from './prometheus-text.ts';

describe('parsePrometheusText', () => {
  it('reads labelled counters and skips comments', () => {
    const body = [
      '# HELP apiserver_request_total [STABLE] Counter of apiserver requests',
      '# TYPE apiserver_request_total counter',
      'apiserver_request_total{code="200",group="coordination.k8s.io",resource="leases",verb="PUT"} 12',
      '',
      'process_start_time_seconds 1.7e+09',
    ].join('\n');
    const { samples, problems } = parsePrometheusText(body);
    expect(problems).toEqual([]);
    expect(samples).toEqual([
      {
        name: 'apiserver_request_total',
        labels: { code: '200', group: 'coordination.k8s.io', resource: 'leases', verb: 'PUT' },
        value: 12,
      },
      { name: 'process_start_time_seconds', labels: {}, value: 1.7e9 },
    ]);
  });

  it('keeps every histogram series with its labels (what the npm parser loses)', () => {
    const body = [
      'd_bucket{verb="GET",le="0.005"} 3',
      'd_bucket{verb="GET",le="+Inf"} 5',
      'd_sum{verb="GET"} 0.25',
      'd_count{verb="GET"} 5',
      'd_bucket{verb="PUT",le="0.005"} 1',
    ].join('\n');
    const { samples } = parsePrometheusText(body);
    expect(samples.map((s) => [s.name, s.labels['verb'], s.labels['le'], s.value])).toEqual([
      ['d_bucket', 'GET', '0.005', 3],
      ['d_bucket', 'GET', '+Inf', 5],
      ['d_sum', 'GET', undefined, 0.25],
      ['d_count', 'GET', undefined, 5],
      ['d_bucket', 'PUT', '0.005', 1],
    ]);
  });

  it('unescapes label values and accepts trailing timestamps and spaces', () => {
    const { samples } = parsePrometheusText('m{a="x\\"y",b="p\\\\q",c="l1\\nl2", } 7 1700000000000');
    expect(samples[0]).toEqual({ name: 'm', labels: { a: 'x"y', b: 'p\\q', c: 'l1\nl2' }, value: 7 });
  });

  it('reports bad lines instead of throwing', () => {
    const { samples, problems } = parsePrometheusText('ok 1\nbad{a=1} 2\n{x="1"} 3\nnov{a="1"} abc\nun{a="1} 1');
    expect(samples).toHaveLength(1);
    expect(problems.map((p) => [p.lineNumber, p.reason])).toEqual([
      [2, 'expected =" after label a'],
      [3, 'no metric name'],
      [4, "bad value 'abc'"],
      [5, 'unterminated value of label a'],
    ]);
  });

  it('reads the special values', () => {
    expect(parsePromValue('+Inf')).toBe(Infinity);
    expect(parsePromValue('-Inf')).toBe(-Infinity);
    expect(parsePromValue('NaN')).toBeNaN();
    expect(parsePromValue('')).toBeUndefined();
  });
});
