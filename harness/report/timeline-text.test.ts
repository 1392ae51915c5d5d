import { describe, expect, it } from 'vitest';
import { formatTimelineLines, relativeTime, renderTimelineText } from './timeline-text.ts';
import { literalHistory, literalResults, literalRunInfo } from './test-fixtures.ts';

describe('timeline.txt', () => {
  it('formats relative times as +s.mmm and aligns the columns', () => {
    expect(relativeTime(12_345.6)).toBe('+12.346s');
    expect(formatTimelineLines([{ tMs: 12_345, what: 'nemesis', text: 'a' }, { tMs: 5, what: 'arp', text: 'b' }])).toEqual([' +0.005s  arp      b', '+12.345s  nemesis  a']);
  });

  it('tells the run in order: faults, Lease holders, the wire, clients, probes at their send time, verdicts at their failing time', () => {
    const text = renderTimelineText(literalRunInfo(), literalResults(), literalHistory());
    expect(text.split('\n')).toEqual([
      '# literal — sim, profile cilium-1.16, seed 7',
      "# Times are seconds since the run's time zero (virtual time); MACs carry their node in parentheses.",
      '',
      ' +0.000s  run      literal starts (sim, cilium-1.16, seed 7)',
      ' +0.000s  ipam     default/web: gets 198.18.0.240',
      ' +0.010s  lease    default/web: n1 takes the Lease',
      ' +0.010s  arp      198.18.0.240: first claimed by 02:00:00:00:00:01 (n1)',
      ' +0.010s  arp      198.18.0.240: gratuitous ARP (reply form) from 02:00:00:00:00:01 (n1)',
      ' +0.100s  client   c1: 198.18.0.240 → 02:00:00:00:00:01 (n1) (first resolution) [REACHABLE]',
      ' +1.000s  probe    c1 → 198.18.0.240: first probe answered by n1',
      '+10.000s  nemesis  kill-agent n1 [kill-leader@1] (until +25.000s)',
      '+10.000s  lease    default/web: holder n1 is down; its Lease stays until taken over or expired',
      '+11.000s  probe    c1 → 198.18.0.240: probes start failing: failed (timeout)',
      '+13.000s  lease    default/web: Lease taken over n1 → n2',
      '+13.000s  arp      198.18.0.240: owner 02:00:00:00:00:01 (n1) → 02:00:00:00:00:02 (n2) by garp-reply, gap 12990.000 ms since the old owner\'s last claim',
      '+13.000s  arp      198.18.0.240: gratuitous ARP (reply form) from 02:00:00:00:00:02 (n2)',
      '+13.000s  client   c1: 198.18.0.240 → 02:00:00:00:00:02 (n2), was 02:00:00:00:00:01 (n1) [STALE]',
      '+13.500s  check    one-responder (safety) fails — expected to hold: UNMET',
      '+14.000s  probe    c1 → 198.18.0.240: answered by n2 again after 2 failed probes (3.000 s)',
      '+20.000s  check    lease-load (liveness) fails — ignored on this profile',
      '+25.000s  nemesis  restart-agent n1 [kill-leader@1/undo]',
      '+27.000s  nemesis  patch-lease cilium-l2announce-default-web → n1',
      '+30.000s  run      ends: SAFETY-VIOLATION, 2 unmet expectations',
      '',
    ]);
  });
});
