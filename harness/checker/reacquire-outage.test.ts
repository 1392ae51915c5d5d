/**
 * INV-REACQUIRE's API-outage variant (C12): with `outageSurvivalMs` set, the first part of an API
 * outage still owes each service a live holder; by default an outage exempts.
 */
import { describe, expect, it } from 'vitest';
import { CONTEXT, history } from './history.test-helpers.ts';
import { checkReacquire } from './reacquire.ts';

const END = 60_000;
/** n1 holds; the API server is down 10–40 s; the holder stops leading at `lostMs` (Cilium: renewDeadline in). */
const outage = (lostMs?: number) => {
  const h = history().webExpected(0, ['n1', 'n2']).became(0, 'n1').nemesis(10_000, 'api-outage').nemesis(40_000, 'api-restore');
  if (lostMs !== undefined) h.lost(lostMs, 'n1').became(41_000, 'n2');
  return h.op(END, 'harness', 'end', null).ops;
};
const surviving = (ms: number) => ({ ...CONTEXT, bounds: { outageSurvivalMs: ms } });

describe('reacquire: API-outage variant (outageSurvival)', () => {
  it('exempts an outage by default, as the invariant is stated', () => {
    expect(checkReacquire(outage(15_000), CONTEXT).valid).toBe(true);
  });

  it('with a survival bound, a holder giving up in the outage is a gap (judged from its end of leading)', () => {
    // Gap from 15 s; the reacquire bound is 15 + 5 + 2.2 × 2 = 24.4 s → fails at 39.4 s.
    expect(checkReacquire(outage(15_000), surviving(30_000))).toMatchObject({ valid: false, failedAtMs: 39_400 });
    // Only the first 20 s of the outage are owed: the gap 15–30 s is within the bound.
    expect(checkReacquire(outage(15_000), surviving(20_000)).valid).toBe(true);
  });

  it('a holder that leads on through the outage meets it', () => {
    expect(checkReacquire(outage(), surviving(30_000)).valid).toBe(true);
  });

  it('a node killed in the outage owes nothing', () => {
    const ops = history().webExpected(0, ['n1']).became(0, 'n1').nemesis(10_000, 'api-outage').nemesis(12_000, 'kill-node', { node: 'n1' }).op(END, 'harness', 'end', null).ops;
    expect(checkReacquire(ops, surviving(40_000)).valid).toBe(true);
  });
});
