import { describe, expect, it } from 'vitest';
import { buildServiceIps } from '../checker/timeline.ts';
import { answeringSpans, ipReleases, ownershipPlotData } from './ownership-data.ts';
import { buildOwnershipSpec, fitText } from './plots/ownership-spec.ts';
import { historyOf, literalHistory, literalRunInfo, MAC } from './test-fixtures.ts';

describe('ownership plot data', () => {
  const data = ownershipPlotData(literalRunInfo(), literalHistory());

  it('lanes: faults on top, then each service’s Lease holder followed by its IPs’ ARP owners', () => {
    expect(data.lanes).toEqual(['nemesis', 'default/web: Lease held by', '198.18.0.240: answered by (ARP)']);
    expect(data.endS).toBe(30);
    expect(data.owners).toEqual(['n1', 'n2']);
  });

  it('bars: the ARP owner from its first claim to the next owner’s, the Lease holder faded while it is down', () => {
    expect(data.bars.map(({ lane, fromS, toS, owner, faded }) => [lane.split(':')[0], fromS, toS, owner, faded])).toEqual([
      ['default/web', 0.01, 10, 'n1', false],
      ['default/web', 10, 13, 'n1', true],
      ['default/web', 13, 30, 'n2', false],
      ['198.18.0.240', 0.01, 13, 'n1', false],
      ['198.18.0.240', 13, 30, 'n2', false],
    ]);
    expect(data.bars[3]?.text).toBe('n1 02:00:00:00:00:01');
  });

  it('faults: the kill window labelled, the Lease patch an instant in a lane where its label fits; failed probes marked', () => {
    expect(data.faults).toEqual([{ lane: 'nemesis', fromS: 10, toS: 25, label: 'kill-agent n1' }]);
    expect(data.instants).toEqual([{ lane: 'nemesis', atS: 27, label: 'patch-lease cilium-l2announce-default-web → n1' }]);
    expect(data.marks).toEqual([
      { lane: '198.18.0.240: answered by (ARP)', atS: 12, kind: 'client probe failed' },
      { lane: '198.18.0.240: answered by (ARP)', atS: 13, kind: 'client probe failed' },
    ]);
  });

  it('spec: x in seconds since the start over the whole run, lanes in order, fault windows shaded over every lane', () => {
    const spec = buildOwnershipSpec(data) as unknown as { layer: { data: { values: unknown[] }; mark: { type: string; opacity?: number }; encoding: Record<string, { title?: string; sort?: string[]; scale?: { domain?: unknown[] } }> }[] };
    const [shade, bars] = spec.layer;
    expect(shade?.mark).toMatchObject({ type: 'rect', opacity: 0.1 });
    expect(shade?.encoding['y']).toBeUndefined();
    expect(bars?.encoding['x']?.title).toBe('time since the run started (s)');
    expect(bars?.encoding['x']?.scale?.domain).toEqual([0, 30]);
    expect(bars?.encoding['y']?.sort).toEqual(data.lanes);
    expect(bars?.encoding['color']?.title).toBe('owner (node)');
  });

  it('an owner answers from its claim until a request goes unanswered, and again from its next claim', () => {
    expect(answeringSpans(100, 1000, [50, 300, 350, 900], [100, 200, 500, 950])).toEqual([[100, 300], [500, 900], [950, 1000]]);
    expect(answeringSpans(100, 1000, [], [100])).toEqual([[100, 1000]]);
    expect(answeringSpans(100, 1000, [300], [100])).toEqual([[100, 300]]);
  });

  it('two MACs answering one IP within the split window: a split-brain outline on its lane, named by node', () => {
    const claim = (tMs: number, mac: string) => [tMs, 'wire', 'info', 'arp-observed', { segment: 'eth0', tUs: tMs * 1000, kind: 'reply', senderMac: mac, senderIp: '198.18.0.240', targetIp: '198.18.0.200' }] as const;
    const data = ownershipPlotData(literalRunInfo(), historyOf([claim(1000, MAC.n1), claim(1200, MAC.n2), claim(1400, MAC.n1)]));
    // The window's extent is the analyzer's (docs/analyze.md); the plot draws it on the IP's lane.
    expect(data.alerts).toMatchObject([{ lane: '198.18.0.240: answered by (ARP)', fromS: 1, label: 'split brain: n1 + n2' }]);
    expect(data.bars.map((b) => [b.owner, b.fromS, b.toS])).toEqual([['n1', 1, 1.2], ['n2', 1.2, 1.4], ['n1', 1.4, 30]]);
  });

  it('an IP no service holds any more is released (its ARP bar ends there until a new claim)', () => {
    const ops = historyOf([
      [1, 'observer', 'info', 'service-ips', { service: 'a/x', ips: ['198.18.0.240'] }],
      [2, 'observer', 'info', 'service-ips', { service: 'a/y', ips: ['198.18.0.240'] }],
      [3, 'observer', 'info', 'service-ips', { service: 'a/x', ips: [] }],
      [4, 'observer', 'info', 'service-ips', { service: 'a/y', ips: ['198.18.0.241'] }],
    ]);
    expect(ipReleases(buildServiceIps(ops))).toEqual(new Map([['198.18.0.240', [4000]]]));
  });

  it('writes on a bar the longest text that fits', () => {
    expect(fitText(['n1 02:00:00:00:00:01', 'n1'], 200)).toBe('n1 02:00:00:00:00:01');
    expect(fitText(['n1 02:00:00:00:00:01', 'n1'], 30)).toBe('n1');
    expect(fitText(['n1 02:00:00:00:00:01', 'n1'], 5)).toBe('');
  });
});
