/**
 * Why this test? The three MetalLB decisions the profiles rest on — the hash election, memberlist's
 * detection timing and the gARP schedule — must match the sources they cite (layer2_controller.go,
 * memberlist v0.5.1, announcer.go), or every MetalLB verdict is off.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MEMBERLIST_LAN } from '../../profiles/metallb-switches.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { decideAnnouncer, electionHash, electionKey, rankAnnouncers } from './election.ts';
import { garpBurstOffsetsMs } from './garp-schedule.ts';
import { detectionBoundMs, metallbCheckTiming, suspicionConfirmationsNeeded, suspicionMinMs, suspicionTimeoutMs } from './memberlist-timing.ts';

const NODES = ['n1', 'n2', 'n3'];
const all = new Set(NODES);

describe('hash election (layer2_controller.go sortL2Candidates)', () => {
  it('ranks by sha256(node#key), whatever order the nodes are listed in', () => {
    expect(electionHash('n1', '198.18.0.240')).toBe(createHash('sha256').update('n1#198.18.0.240').digest('hex'));
    const ranked = rankAnnouncers(NODES, all, '198.18.0.240');
    expect(rankAnnouncers([...NODES].reverse(), all, '198.18.0.240')).toEqual(ranked);
    expect(ranked).toEqual([...NODES].sort((a, b) => (electionHash(a, '198.18.0.240') < electionHash(b, '198.18.0.240') ? -1 : 1)));
    expect(ranked[0]).toBe('n3');
  });

  it('skips nodes that are not alive in the view: the next in rank announces', () => {
    const [first, second] = rankAnnouncers(NODES, all, '198.18.0.240');
    expect(decideAnnouncer(NODES, new Set(NODES.filter((n) => n !== first)), '198.18.0.240')).toBe(second);
    expect(decideAnnouncer(NODES, new Set(), '198.18.0.240')).toBeUndefined();
    expect(decideAnnouncer(['n1'], all, '198.18.0.240')).toBe('n1');
  });

  it('M03: per-service keys (≤ 0.10) elect different nodes for services sharing an IP; per-IP keys (0.11+) one', () => {
    const old = getProfile('metallb-0.10').metallb;
    const fixed = getProfile('metallb-l2').metallb;
    if (old === undefined || fixed === undefined) throw new Error('metallb switches missing');
    const winner = (switches: typeof old, service: string) => decideAnnouncer(NODES, all, electionKey(service, '198.18.0.240', switches));
    expect([winner(old, 'default/web-tcp'), winner(old, 'default/web-udp')]).toEqual(['n2', 'n1']);
    expect([winner(fixed, 'default/web-tcp'), winner(fixed, 'default/web-udp')]).toEqual(['n3', 'n3']);
  });
});

describe('memberlist detection timing (v0.5.1 LAN config)', () => {
  it('the minimum suspicion timeout is 4 × max(1, log10 n) × 1 s', () => {
    expect(suspicionMinMs(3, MEMBERLIST_LAN)).toBe(4_000);
    expect(suspicionMinMs(9, MEMBERLIST_LAN)).toBe(4_000);
    expect(suspicionMinMs(100, MEMBERLIST_LAN)).toBe(8_000);
    expect(suspicionMinMs(1, MEMBERLIST_LAN)).toBe(4_000);
  });

  it('clusters under 4 members wait the minimum; larger ones start at 6× and need k = 2 confirmations', () => {
    expect(suspicionConfirmationsNeeded(3, MEMBERLIST_LAN)).toBe(0);
    expect(suspicionTimeoutMs(3, 0, MEMBERLIST_LAN)).toBe(4_000);
    expect(suspicionConfirmationsNeeded(5, MEMBERLIST_LAN)).toBe(2);
    expect(suspicionTimeoutMs(5, 0, MEMBERLIST_LAN)).toBe(24_000);
    const one = suspicionTimeoutMs(5, 1, MEMBERLIST_LAN);
    expect(one).toBeGreaterThan(4_000);
    expect(one).toBeLessThan(24_000);
    expect(suspicionTimeoutMs(5, 2, MEMBERLIST_LAN)).toBe(4_000);
    expect(suspicionTimeoutMs(5, 7, MEMBERLIST_LAN)).toBe(4_000);
  });

  it('the detection bound of three LAN nodes is 3 probe intervals + 4 s + one gossip interval, and the checkers get it as the lease duration', () => {
    expect(detectionBoundMs(3, MEMBERLIST_LAN)).toBe(7_200);
    expect(metallbCheckTiming(3, MEMBERLIST_LAN)).toEqual({ leaseDurationMs: 7_200, renewDeadlineMs: 1_000, retryPeriodMs: 200 });
    expect(detectionBoundMs(5, MEMBERLIST_LAN)).toBe(5_000 + 4_000 + 200);
  });
});

describe('gratuitous ARP schedule (announcer.go spamLoop)', () => {
  it('one at takeover, then every 1.1 s while under 5 s', () => {
    expect(garpBurstOffsetsMs({ garpSpamIntervalMs: 1_100, garpSpamForMs: 5_000 })).toEqual([0, 1_100, 2_200, 3_300, 4_400]);
    expect(garpBurstOffsetsMs({ garpSpamIntervalMs: 0, garpSpamForMs: 5_000 })).toEqual([0]);
  });

  it('only main with --gratuitous-arp-interval re-announces while it keeps the IP (M06)', () => {
    const interval = (name: string) => getProfile(name).metallb?.gratuitousArpIntervalMs;
    expect(['metallb-0.9.3', 'metallb-0.10', 'metallb-0.13.5', 'metallb-l2'].map(interval)).toEqual([0, 0, 0, 0]);
    expect(interval('metallb-main')).toBe(30_000);
  });
});
