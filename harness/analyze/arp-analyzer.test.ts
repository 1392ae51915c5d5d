import { describe, expect, it } from 'vitest';
import type { ArpFrameEvent } from './arp-event.ts';
import { analyzeArpEvents, createArpAnalyzer } from './arp-analyzer.ts';
import { buildTimeline } from './timeline.ts';

const VIP = '198.18.0.100';
const CLIENT_IP = '198.18.0.1';
const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const CLIENT = '02:00:00:00:00:01';
const BCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO = '00:00:00:00:00:00';
const T0 = 1_700_000_000_000_000;

function request(tUs: number, extra: Partial<ArpFrameEvent> = {}): ArpFrameEvent {
  return { tUs: T0 + tUs, op: 1, senderMac: CLIENT, senderIp: CLIENT_IP, targetMac: ZERO, targetIp: VIP, ...extra };
}
function reply(tUs: number, mac: string, extra: Partial<ArpFrameEvent> = {}): ArpFrameEvent {
  return { tUs: T0 + tUs, op: 2, senderMac: mac, senderIp: VIP, targetMac: CLIENT, targetIp: CLIENT_IP, ...extra };
}
function garp(tUs: number, mac: string, form: 'request' | 'reply', extra: Partial<ArpFrameEvent> = {}): ArpFrameEvent {
  return { tUs: T0 + tUs, op: form === 'request' ? 1 : 2, senderMac: mac, senderIp: VIP, targetMac: BCAST, targetIp: VIP, ...extra };
}

describe('analyzeArpEvents', () => {
  it('follows a takeover: owners, the MAC change and its outage gap to the µs', () => {
    const analysis = analyzeArpEvents([
      request(0), reply(150, A),
      request(1_000_000), reply(1_000_210, A),
      request(2_000_000), // A is dead: unanswered
      garp(3_456_789, B, 'request'),
      request(4_000_000), reply(4_000_333, B),
    ]);
    const [ip] = analysis.ips;
    expect(analysis.ips).toHaveLength(1);
    expect(ip?.ip).toBe(VIP);
    expect(ip?.owners).toEqual([
      { mac: A, fromUs: T0 + 150, lastClaimUs: T0 + 1_000_210, claims: 2 },
      { mac: B, fromUs: T0 + 3_456_789, lastClaimUs: T0 + 4_000_333, claims: 2 },
    ]);
    expect(ip?.macChanges).toEqual([{ atUs: T0 + 3_456_789, fromMac: A, toMac: B, via: 'garp-request', oldLastClaimUs: T0 + 1_000_210, gapUs: 2_456_579 }]);
    expect(ip?.unanswered).toEqual([{ atUs: T0 + 2_000_000, requesterMac: CLIENT, requesterIp: CLIENT_IP }]);
    expect(ip?.splitBrain).toEqual([]);
    expect(ip?.counts).toMatchObject({ requests: 4, replies: 3, garpRequests: 1, garpReplies: 0, unanswered: 1, macChanges: 1 });
    expect(analysis.originUs).toBe(T0);
    expect([ip?.firstSeenUs, ip?.lastSeenUs]).toEqual([T0, T0 + 4_000_333]);
  });

  it('judges a request unanswered only past the reply timeout; any claim for the IP answers it', () => {
    const other = { targetMac: '02:00:00:00:00:99', targetIp: '198.18.0.99' };
    const analysis = analyzeArpEvents(
      [
        request(0), reply(500_000, A), // answered at exactly the timeout
        request(1_000_000), reply(1_500_001, A), // one µs late
        request(2_000_000), reply(2_000_100, A, other), // a reply to someone else still answers
        request(3_000_000), garp(3_100_000, A, 'reply'), // a GARP answers everyone
        request(4_000_000), { ...reply(4_000_100, B), senderIp: '198.18.0.7' }, // a reply for another IP does not
        request(9_000_000), // the capture ends within its timeout: not judged
        reply(9_100_000, A, other),
      ],
      { replyTimeoutUs: 500_000 },
    );
    expect(analysis.ips.find((ip) => ip.ip === VIP)?.unanswered.map((u) => u.atUs - T0)).toEqual([1_000_000, 4_000_000]);
  });

  it('reports each retry of an unanswered requester, and probes owe no answer', () => {
    const probe: ArpFrameEvent = { tUs: T0 + 10, op: 1, senderMac: B, senderIp: '0.0.0.0', targetMac: ZERO, targetIp: VIP };
    const analysis = analyzeArpEvents([probe, request(0), request(1_000_000), request(2_000_000), request(3_500_000)]);
    const ip = analysis.ips[0];
    expect(ip?.unanswered.map((u) => u.atUs - T0)).toEqual([0, 1_000_000, 2_000_000]);
    expect(ip?.counts.probes).toBe(1);
  });

  it('tells the two GARP forms and their target MACs apart', () => {
    const analysis = analyzeArpEvents([
      garp(0, A, 'request', { targetMac: ZERO, ethDst: BCAST }),
      garp(10, A, 'reply'),
      garp(20, A, 'reply', { targetMac: A }),
    ]);
    expect(analysis.ips[0]?.garps).toEqual([
      { atUs: T0, mac: A, form: 'request', targetMac: ZERO, ethDst: BCAST },
      { atUs: T0 + 10, mac: A, form: 'reply', targetMac: BCAST },
      { atUs: T0 + 20, mac: A, form: 'reply', targetMac: A },
    ]);
    expect(analysis.ips[0]?.macChanges).toEqual([]);
  });

  it('finds a split-brain window where two MACs answer at once, ending with the last claim of the MAC that stops', () => {
    const events: ArpFrameEvent[] = [reply(0, A)];
    // From 10 s both answer every request for 3 s (requests every 200 ms), then only A.
    for (let t = 10_000_000; t <= 13_000_000; t += 200_000) events.push(request(t), reply(t + 100, A), reply(t + 300, B));
    // A goes on alone; its claims within the split window of B's last one do not stretch the window.
    for (let t = 13_200_000; t <= 16_000_000; t += 200_000) events.push(request(t), reply(t + 100, A));
    const ip = analyzeArpEvents(events).ips[0];
    expect(ip?.splitBrain).toEqual([
      {
        startUs: T0 + 10_000_100,
        endUs: T0 + 13_000_300,
        durationUs: 3_000_200,
        macs: [{ mac: A, claims: 16 }, { mac: B, claims: 16 }],
        interleaved: true,
      },
    ]);
    expect(ip?.counts.splitBrainWindows).toBe(1);
  });

  it('marks a handover faster than the split window as a window that is not interleaved', () => {
    const ip = analyzeArpEvents([reply(0, A), reply(400_000, A), garp(900_000, B, 'reply'), reply(1_200_000, B), reply(2_500_000, B)], { splitWindowUs: 1_000_000 }).ips[0];
    expect(ip?.splitBrain).toEqual([{ startUs: T0 + 400_000, endUs: T0 + 900_000, durationUs: 500_000, macs: [{ mac: A, claims: 1 }, { mac: B, claims: 1 }], interleaved: false }]);
    expect(ip?.macChanges[0]?.gapUs).toBe(500_000);
  });

  it('separates VLANs: the same IP on two VLANs is two domains', () => {
    const analysis = analyzeArpEvents([reply(0, A, { vlans: [100] }), reply(100, B, { vlans: [200] }), reply(200, A, { vlans: [100] }), reply(300, B, { vlans: [100, 7] })]);
    expect(analysis.ips.map((ip) => [ip.ip, ip.vlans, ip.owners.map((o) => o.mac), ip.splitBrain.length])).toEqual([
      [VIP, [100], [A], 0],
      [VIP, [100, 7], [B], 0],
      [VIP, [200], [B], 0],
    ]);
  });

  it('analyses only the IPs the filter accepts', () => {
    const analysis = analyzeArpEvents([reply(0, A), { ...reply(10, B), senderIp: '198.18.0.200' }], { ipFilter: (ip) => ip === '198.18.0.200' });
    expect(analysis.ips.map((ip) => ip.ip)).toEqual(['198.18.0.200']);
  });

  it('ends a window at the capture end with the last claimer as survivor, and keeps a survivor\'s lone claim', () => {
    // B answers once more 200 µs after A and then A goes on past the split window: B's claim ends it.
    const lone = analyzeArpEvents([reply(0, A), reply(200, B), reply(2_000_000, A)]).ips[0];
    expect(lone?.splitBrain).toEqual([{ startUs: T0, endUs: T0 + 200, durationUs: 200, macs: [{ mac: A, claims: 1 }, { mac: B, claims: 1 }], interleaved: false }]);
    // The capture ends while A still answers within the split window of B's last claim.
    const atEnd = analyzeArpEvents([reply(0, A), reply(200, B), reply(100_000, A), reply(100_200, B), reply(300_000, A), reply(500_000, A)]).ips[0];
    expect(atEnd?.splitBrain).toEqual([{ startUs: T0, endUs: T0 + 100_200, durationUs: 100_200, macs: [{ mac: A, claims: 2 }, { mac: B, claims: 2 }], interleaved: true }]);
  });

  it('counts entries past maxListedPerIp instead of keeping them', () => {
    const events = [0, 1, 2, 3, 4].map((i) => garp(i * 10, i % 2 === 0 ? A : B, 'request'));
    const ip = analyzeArpEvents(events, { maxListedPerIp: 2, splitWindowUs: 0 }).ips[0];
    expect(ip?.garps).toHaveLength(2);
    expect(ip?.omitted).toMatchObject({ garps: 3, macChanges: 2, owners: 3 });
    expect(ip?.counts.macChanges).toBe(4);
  });

  it('is incremental: push/finish equals the one-call form, and counts out-of-order events', () => {
    const events = [request(0), reply(100, A), request(50), garp(2_000_000, B, 'reply')];
    const analyzer = createArpAnalyzer({ originUs: T0 - 5 });
    for (const event of events) analyzer.push(event);
    const incremental = analyzer.finish();
    expect(incremental.ips).toEqual(analyzeArpEvents(events).ips);
    expect(incremental.outOfOrderEvents).toBe(1);
    expect(incremental.originUs).toBe(T0 - 5);
  });

  it('builds a time-ordered timeline of what matters', () => {
    const analysis = analyzeArpEvents([request(0), reply(150, A), request(2_000_000), garp(3_456_789, B, 'request')]);
    expect(buildTimeline(analysis).map((e) => [e.atUs - T0, e.kind, e.mac])).toEqual([
      [150, 'first-owner', A],
      [2_000_000, 'unanswered', CLIENT],
      [3_456_789, 'mac-change', B],
      [3_456_789, 'garp', B],
    ]);
  });

  it('refuses a negative option', () => {
    expect(() => createArpAnalyzer({ replyTimeoutUs: -1 })).toThrow(/replyTimeoutUs/);
  });
});

describe('buildTimeline', () => {
  it('folds the owner flips inside a split-brain window into its start line', () => {
    const events: ArpFrameEvent[] = [reply(0, A), reply(100, B), reply(200, A), reply(300, B), reply(3_000_000, A)];
    const timeline = buildTimeline(analyzeArpEvents(events));
    expect(timeline.map((e) => [e.atUs - T0, e.kind])).toEqual([
      [0, 'first-owner'],
      [0, 'split-brain-start'],
      [300, 'split-brain-end'],
      [3_000_000, 'mac-change'],
    ]);
    expect(timeline[1]?.text).toContain('3 owner changes inside');
  });
});
