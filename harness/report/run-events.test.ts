import { describe, expect, it } from 'vitest';
import { arpFrameEventsBySegment, leaseHolderSpans, nemesisFaults } from './run-events.ts';
import { historyOf, literalHistory } from './test-fixtures.ts';

describe('run events for the reports', () => {
  it('pairs each fault with the op that heals the same target; unhealed faults last to the end; the rest are instants', () => {
    const ops = historyOf([
      [1000, 'nemesis', 'info', 'link-down', { node: 'n1', iface: 'eth0' }],
      [2000, 'nemesis', 'info', 'link-down', { node: 'n2', iface: 'eth0' }],
      [3000, 'nemesis', 'info', 'link-up', { node: 'n1', iface: 'eth0' }],
      [4000, 'nemesis', 'info', 'netem', { node: 'n3', delayMs: 100, jitterMs: 10, lossPercent: 5 }],
      [5000, 'nemesis', 'info', 'kill-agent', { node: 'n3' }],
      [6000, 'nemesis', 'info', 'restart-node', { node: 'n3' }],
      [7000, 'nemesis', 'info', 'edit', { resource: 'services', name: 'web', verb: 'update', mayMoveIpsOf: [] }],
      [8000, 'nemesis', 'info', 'heal-api', { node: 'n9' }],
    ]);
    expect(nemesisFaults(ops, 10_000)).toEqual({
      windows: [
        { fromMs: 1000, toMs: 3000, open: false, action: 'link-down', label: 'link-down n1/eth0' },
        { fromMs: 2000, toMs: 10_000, open: true, action: 'link-down', label: 'link-down n2/eth0' },
        { fromMs: 4000, toMs: 10_000, open: true, action: 'netem', label: 'netem n3 100±10 ms 5 % loss' },
        { fromMs: 5000, toMs: 6000, open: false, action: 'kill-agent', label: 'kill-agent n3' },
      ],
      instants: [
        { atMs: 7000, action: 'edit', label: 'edit update services/web' },
        { atMs: 8000, action: 'heal-api', label: 'heal-api n9' },
      ],
    });
  });

  it('Lease holders per service: live, then down (the Lease outlives the killed agent), then the new holder', () => {
    expect(leaseHolderSpans(literalHistory(), 30_000)).toEqual([
      { service: 'default/web', lease: 'cilium-l2announce-default-web', node: 'n1', fromMs: 10, toMs: 10_000, dead: false },
      { service: 'default/web', lease: 'cilium-l2announce-default-web', node: 'n1', fromMs: 10_000, toMs: 13_000, dead: true },
      { service: 'default/web', lease: 'cilium-l2announce-default-web', node: 'n2', fromMs: 13_000, toMs: 30_000, dead: false },
    ]);
  });

  it('turns arp-observed ops into the analyzer’s events: integer µs, the opcode from the kind, per segment', () => {
    const events = arpFrameEventsBySegment(literalHistory()).get('eth0');
    expect(events?.[0]).toEqual({ tUs: 10_000, op: 2, senderMac: '02:00:00:00:00:01', senderIp: '198.18.0.240', targetMac: '00:00:00:00:00:00', targetIp: '198.18.0.240', ethDst: 'ff:ff:ff:ff:ff:ff' });
    expect(events).toHaveLength(2);
  });
});

describe('a derived file that cannot be rendered', () => {
  it('becomes a short file saying why, so the run\'s other files are still written', async () => {
    const { renderedOrError } = await import('./report.ts');
    const { errorSvg } = await import('./run-plots.ts');
    expect(renderedOrError('timeline.txt', () => 'ok', () => 'fallback')).toBe('ok');
    expect(renderedOrError('timeline.txt', () => { throw new Error('op #3 probe: vip must be a string'); }, (m) => `# ${m}`)).toBe('# op #3 probe: vip must be a string (l2lab report re-renders timeline.txt once the cause is fixed)');
    expect(errorSvg('ownership.svg', new Error('a <b> & "c"'))).toContain('ownership.svg could not be rendered: a &lt;b&gt; &amp; &quot;c&quot;');
  });
});
