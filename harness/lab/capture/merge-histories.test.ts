/** `mergeHistories`: one history by time from the lab's recorders, stable on ties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeHistories, type HistoryEntryWithTime } from './merge-histories.ts';

const op = (process: string, f: string, tMs: number): HistoryEntryWithTime => ({ process, type: 'info', f, value: null, tMs });

describe('mergeHistories', () => {
  it('orders by tMs across sources and re-indexes from 0', () => {
    const node = [op('n1', 'became-leader', 10), op('n1', 'garp-sent', 12.5)];
    const wire = [op('wire', 'arp-observed', 12.501), op('wire', 'arp-observed', 30)];
    const nemesis = [op('nemesis', 'kill-agent', 5)];
    const merged = mergeHistories([node, wire, nemesis]);
    expect(merged.map((m) => [m.index, m.tMs, m.f])).toEqual([
      [0, 5, 'kill-agent'],
      [1, 10, 'became-leader'],
      [2, 12.5, 'garp-sent'],
      [3, 12.501, 'arp-observed'],
      [4, 30, 'arp-observed'],
    ]);
  });

  it('breaks ties by source order, then by position in the source', () => {
    const a = [op('a', 'invoke', 7), op('a', 'ok', 7)];
    const b = [op('b', 'x', 7)];
    expect(mergeHistories([b, a]).map((m) => `${m.process}:${m.f}`)).toEqual(['b:x', 'a:invoke', 'a:ok']);
    expect(mergeHistories([a, b]).map((m) => `${m.process}:${m.f}`)).toEqual(['a:invoke', 'a:ok', 'b:x']);
  });

  it('ignores input indexes and places an unsorted source by time', () => {
    const restarted = [{ ...op('n1', 'second-life', 2), index: 0 }, { ...op('n1', 'first-life', 1), index: 0 }];
    expect(mergeHistories([restarted]).map((m) => [m.index, m.f])).toEqual([
      [0, 'first-life'],
      [1, 'second-life'],
    ]);
  });

  it('refuses an op without a finite time, naming it', () => {
    expect(() => mergeHistories([[op('n1', 'x', 1)], [op('wire', 'arp-observed', Number.NaN)]])).toThrow('merging histories: op 0 of source 1 (wire arp-observed) has tMs NaN, not a finite number');
  });

  it('is a stable sort by time of all sources concatenated (property)', () => {
    const entries = fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }), { maxLength: 5 });
    fc.assert(
      fc.property(entries, (times) => {
        const sources = times.map((ts, s) => ts.map((t, i) => op(`p${s}`, `f${i}`, t)));
        const merged = mergeHistories(sources);
        const expected = sources.flat().map((e, order) => ({ e, order })).sort((x, y) => x.e.tMs - y.e.tMs || x.order - y.order).map(({ e }) => `${e.process}/${e.f}@${e.tMs}`);
        expect(merged.map((m) => `${m.process}/${m.f}@${m.tMs}`)).toEqual(expected);
        expect(merged.map((m) => m.index)).toEqual(merged.map((_, i) => i));
      }),
    );
  });
});
