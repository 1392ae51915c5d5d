import { describe, expect, it } from 'vitest';
import { historyToJsonl, parseHistoryJsonl, stableStringify } from './jsonl.ts';
import { MemoryHistory } from './memory-history.ts';

describe('MemoryHistory', () => {
  it('assigns consecutive indexes and stamps the clock time unless the entry carries one', () => {
    let now = 5;
    const history = new MemoryHistory({ monotonicMs: () => now });
    history.record({ process: 'n1', type: 'invoke', f: 'lease-request', value: { verb: 'get' } });
    now = 7.5;
    history.record({ process: 'n1', type: 'ok', f: 'lease-request', value: { verb: 'get' } });
    history.record({ process: 'pcap', type: 'info', f: 'garp', value: null, tMs: 3 });
    expect(history.ops().map((op) => [op.index, op.tMs, op.type])).toEqual([
      [0, 5, 'invoke'],
      [1, 7.5, 'ok'],
      [2, 3, 'info'],
    ]);
    expect(history.size).toBe(3);
  });
});

describe('history jsonl', () => {
  it('writes a fixed key order and sorted value keys whatever the insertion order', () => {
    const a = historyToJsonl([{ index: 0, tMs: 1.25, process: 'n1', type: 'info', f: 'became-leader', value: { z: 1, a: { y: [2, { d: 1, c: 2 }], b: 'x' } } }]);
    const b = historyToJsonl([{ value: { a: { b: 'x', y: [2, { c: 2, d: 1 }] }, z: 1 }, f: 'became-leader', type: 'info', process: 'n1', tMs: 1.25, index: 0 }]);
    expect(a).toBe(b);
    expect(a).toBe('{"index":0,"tMs":1.25,"process":"n1","type":"info","f":"became-leader","value":{"a":{"b":"x","y":[2,{"c":2,"d":1}]},"z":1}}\n');
  });

  it('omits undefined fields and rejects non-finite numbers', () => {
    expect(stableStringify({ a: undefined, b: null })).toBe('{"b":null}');
    expect(() => stableStringify({ a: Number.NaN })).toThrow(/not finite/);
  });

  it('round-trips through parse, and names the bad line', () => {
    const ops = [
      { index: 0, tMs: 0, process: 'nemesis', type: 'info' as const, f: 'kill', value: { node: 'n2' } },
      { index: 1, tMs: 12.5, process: 'n1', type: 'fail' as const, f: 'lease-request', value: { verb: 'update', outcome: 'store-conflict' } },
    ];
    const text = historyToJsonl(ops);
    expect(parseHistoryJsonl(text)).toEqual(ops);
    expect(() => parseHistoryJsonl(`${text}{"index":2}\n`)).toThrow(/line 3/);
  });
});
