import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/history.ts';
import { rebase } from './lab-run.ts';

describe('rebase (the lab history on the scenario’s time axis)', () => {
  it('drops start-up ops, moves tMs and a wire op’s tUs back by t0, renumbers', () => {
    const ops: HistoryOp[] = [
      { index: 0, tMs: 1_000, process: 'n1', type: 'invoke', f: 'api-request', value: { verb: 'list' } },
      { index: 1, tMs: 8_000, process: 'observer', type: 'info', f: 'service-ips', value: { service: 'default/web', ips: [] } },
      { index: 2, tMs: 9_500.25, process: 'wire', type: 'info', f: 'arp-observed', value: { segment: 'eth0', tUs: 9_500_250, kind: 'request' } },
    ];
    expect(rebase(ops, 8_000)).toEqual([
      { index: 0, tMs: 0, process: 'observer', type: 'info', f: 'service-ips', value: { service: 'default/web', ips: [] } },
      { index: 1, tMs: 1_500.25, process: 'wire', type: 'info', f: 'arp-observed', value: { segment: 'eth0', tUs: 1_500_250, kind: 'request' } },
    ]);
  });
});
