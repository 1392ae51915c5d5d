import { describe, expect, it } from 'vitest';
import { firstDifferentLine, verdictDifferences } from './replay-cli.ts';
import { literalResults } from './test-fixtures.ts';

describe('replay comparisons', () => {
  it('sim: the first differing history line, null when byte-identical', () => {
    expect(firstDifferentLine('a\nb\nc\n', 'a\nb\nc\n')).toBeNull();
    expect(firstDifferentLine('a\nb\nc\n', 'a\nx\nc\n')).toBe(2);
    expect(firstDifferentLine('a\nb\n', 'a\nb\nc\n')).toBe(3);
  });

  it('lab: the invariants whose verdicts differ, absent ones included', () => {
    const recorded = literalResults();
    const [first, ...rest] = recorded.invariants;
    const replayed = { invariants: [{ ...first!, valid: true as const }, ...rest.slice(0, -1)] };
    expect(verdictDifferences(recorded, recorded)).toEqual([]);
    expect(verdictDifferences(recorded, replayed)).toEqual([
      { name: 'one-responder', recorded: false, replayed: true },
      { name: 'lease-load', recorded: false, replayed: undefined },
    ]);
  });
});
