import { describe, expect, it } from 'vitest';
import { IdentityConfigError, parseNodeNames, planIdentities, renderTokenCsv } from './identities.ts';

describe('parseNodeNames', () => {
  it('expands a count and reads a list', () => {
    expect(parseNodeNames('3')).toEqual(['node-1', 'node-2', 'node-3']);
    expect(parseNodeNames('0')).toEqual([]);
    expect(parseNodeNames('n1, n2')).toEqual(['n1', 'n2']);
  });
  it.each([['Bad_Name'], ['a,a'], ['5000'], ['-x']])('rejects %s', (spec) => {
    expect(() => parseNodeNames(spec)).toThrow(IdentityConfigError);
  });
});

describe('planIdentities / renderTokenCsv', () => {
  let n = 0;
  const ids = planIdentities(['node-1', 'w2'], () => `t${++n}`);

  it('gives admin, operator, scraper and one identity per node', () => {
    expect(ids.map((i) => [i.id, i.username])).toEqual([
      ['admin', 'l2lab-admin'],
      ['operator', 'l2lab-lbipam-operator'],
      ['scraper', 'l2lab-scraper'],
      ['node-1', 'system:node:node-1'],
      ['node-w2', 'system:node:w2'],
    ]);
    expect(new Set(ids.map((i) => i.token)).size).toBe(ids.length);
  });

  it('renders the token file the API server reads', () => {
    expect(renderTokenCsv(ids).split('\n')[3]).toBe('t4,system:node:node-1,node-node-1,"system:nodes,l2lab:agents"');
    expect(renderTokenCsv(ids).split('\n')[0]).toBe('t1,l2lab-admin,l2lab-admin,"system:masters"');
  });
});
