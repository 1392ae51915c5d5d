import { describe, expect, it } from 'vitest';
import { API_SERVER, complete, drops, isolate, isolateFromApiServer, splitHalves } from './net.ts';

const asObject = (grudge: ReturnType<typeof complete>) => Object.fromEntries([...grudge].map(([k, v]) => [k, [...v].sort()]));

describe('grudge helpers', () => {
  it('isolate cuts one node from all others, both ways', () => {
    expect(asObject(isolate('n2', ['n1', 'n2', 'n3']))).toEqual({ n2: ['n1', 'n3'], n1: ['n2'], n3: ['n2'] });
  });
  it('splitHalves separates the halves and nothing within them', () => {
    const g = splitHalves(['n1', 'n2', 'n3']);
    expect(drops(g, 'n1', 'n3')).toBe(true);
    expect(drops(g, 'n1', 'n2')).toBe(false);
  });
  it('isolateFromApiServer touches only the node ↔ API server pair', () => {
    const g = isolateFromApiServer('n1');
    expect(drops(g, API_SERVER, 'n1')).toBe(true);
    expect(drops(g, 'n1', 'n2')).toBe(false);
  });
});
