import { describe, expect, it } from 'vitest';
import { buildCdfSpec, cdfPoints } from './cdf-spec.ts';

describe('CDF plot spec', () => {
  it('steps from 0 % at the first sample to 100 % at the last, ties collapsed, non-finite samples dropped', () => {
    expect(cdfPoints('s', [300, 100, 200, 200, Number.NaN])).toEqual([
      { series: 's', ms: 100, percent: 0 },
      { series: 's', ms: 100, percent: 25 },
      { series: 's', ms: 200, percent: 75 },
      { series: 's', ms: 300, percent: 100 },
    ]);
    expect(cdfPoints('s', [])).toEqual([]);
  });

  it('one coloured step line per series, named with its sample count, axes titled with units', () => {
    const spec = buildCdfSpec({ title: 'Failover', series: [{ name: 'lease taken over', valuesMs: [5, 10] }, { name: 'first GARP', valuesMs: [7] }] }) as Record<string, any>;
    expect(spec.mark).toMatchObject({ type: 'line', interpolate: 'step-after' });
    expect(spec.encoding.x.title).toBe('latency (ms)');
    expect(spec.encoding.y.title).toBe('trials at or below (%)');
    expect(spec.encoding.color.scale.domain).toEqual(['lease taken over (n=2)', 'first GARP (n=1)']);
    expect(spec.data.values.filter((v: { series: string }) => v.series === 'first GARP (n=1)')).toEqual([
      { series: 'first GARP (n=1)', ms: 7, percent: 0 },
      { series: 'first GARP (n=1)', ms: 7, percent: 100 },
    ]);
    expect((buildCdfSpec({ title: 't', xTitle: 'time to first probe (ms)', series: [] }) as Record<string, any>).encoding.x.title).toBe('time to first probe (ms)');
  });
});
