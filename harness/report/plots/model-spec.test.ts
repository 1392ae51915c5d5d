import { describe, expect, it } from 'vitest';
import { buildMeasuredVsModelSpec } from './model-spec.ts';

describe('measured vs model plot spec', () => {
  it('one row per point in input order (series before the label), a rule model → measured and a mark of each kind, the unit on the axis', () => {
    const spec = buildMeasuredVsModelSpec({ title: 'Lease load', unit: 'req/s', points: [{ label: 'get', measuredPerS: 1.5, modelPerS: 2 }, { label: 'update', measuredPerS: 0.5, modelPerS: 0.4, series: '3 nodes' }] }) as Record<string, any>;
    const [rule, points] = spec.layer;
    expect(rule.data.values).toEqual([{ row: 'get', measured: 1.5, model: 2 }, { row: '3 nodes · update', measured: 0.5, model: 0.4 }]);
    expect(rule.encoding.y.sort).toEqual(['get', '3 nodes · update']);
    expect(rule.encoding.x.title).toBe('rate (req/s)');
    expect(points.data.values).toContainEqual({ row: 'get', kind: 'measured', rate: 1.5 });
    expect(points.data.values).toContainEqual({ row: 'get', kind: 'model', rate: 2 });
    expect(points.encoding.shape.scale.domain).toEqual(['measured', 'model']);
  });
});
