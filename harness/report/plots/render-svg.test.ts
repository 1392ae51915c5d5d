import { describe, expect, it } from 'vitest';
import { renderVegaLiteSvg } from './render-svg.ts';

describe('SVG rendering', () => {
  it('renders a spec to the same bytes every time, clip-path ids included (vega numbers them from module counters)', async () => {
    const spec = { width: 100, height: 50, data: { values: [{ x: 1, y: 2 }, { x: 3, y: 4 }] }, mark: { type: 'line' as const, clip: true }, encoding: { x: { field: 'x', type: 'quantitative' as const, scale: { domain: [0, 2] } }, y: { field: 'y', type: 'quantitative' as const } } };
    const first = await renderVegaLiteSvg(spec);
    const second = await renderVegaLiteSvg(spec);
    expect(first).toMatch(/^<svg [^>]*>/);
    expect(first).toContain('clip-path="url(#clip1)"');
    expect(second).toBe(first);
  });
});
