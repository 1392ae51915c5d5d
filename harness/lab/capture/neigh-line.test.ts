/**
 * `parseNeighLine` on lines recorded from `ip monitor neigh` and `ip neigh show` (iproute2 6.1,
 * kernel 6.18) in throwaway namespaces: resolution, GARP-driven MAC change, timer-driven
 * REACHABLE→STALE, PROBE/FAILED, `ip neigh add/del/flush`, app_solicit `miss` requests, a router
 * flag, PERMANENT/NOARP, a `dev`-filtered show, and an IPv6 line. Trailing spaces are iproute2's.
 */
import { describe, expect, it } from 'vitest';
import { neighStateText, parseNeighLine, type NeighLine } from './neigh-line.ts';

const entry = (over: Partial<Extract<NeighLine, { kind: 'entry' }>>): NeighLine => ({ kind: 'entry', deleted: false, ip: '198.18.0.2', dev: 'eth0', mac: undefined, states: [], flags: [], ...over });

describe('parseNeighLine', () => {
  const table: [string, NeighLine][] = [
    ['198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE ', entry({ mac: '02:00:00:00:00:02', states: ['REACHABLE'] })],
    ['198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 STALE ', entry({ mac: '02:00:00:00:00:02', states: ['STALE'] })],
    ['198.18.0.100 dev eth0 lladdr 02:00:00:00:00:03 STALE ', entry({ ip: '198.18.0.100', mac: '02:00:00:00:00:03', states: ['STALE'] })],
    ['198.18.0.100 dev eth0 lladdr 02:00:00:00:00:02 PROBE ', entry({ ip: '198.18.0.100', mac: '02:00:00:00:00:02', states: ['PROBE'] })],
    ['198.18.0.100 dev eth0 FAILED ', entry({ ip: '198.18.0.100', states: ['FAILED'] })],
    ['198.18.0.54 dev eth0 INCOMPLETE ', entry({ ip: '198.18.0.54', states: ['INCOMPLETE'] })],
    ['Deleted 198.18.0.50 dev eth0 FAILED ', entry({ deleted: true, ip: '198.18.0.50', states: ['FAILED'] })],
    ['198.18.0.52 dev eth0 lladdr 02:00:00:00:00:52 router STALE ', entry({ ip: '198.18.0.52', mac: '02:00:00:00:00:52', states: ['STALE'], flags: ['router'] })],
    ['Deleted 198.18.0.52 dev eth0 router FAILED ', entry({ deleted: true, ip: '198.18.0.52', states: ['FAILED'], flags: ['router'] })],
    ['198.18.0.50 dev eth0 lladdr 02:00:00:00:00:50 PERMANENT ', entry({ ip: '198.18.0.50', mac: '02:00:00:00:00:50', states: ['PERMANENT'] })],
    ['198.18.0.51 dev eth0 lladdr 02:00:00:00:00:51 NOARP ', entry({ ip: '198.18.0.51', mac: '02:00:00:00:00:51', states: ['NOARP'] })],
    ['198.18.0.100 lladdr 02:00:00:00:00:02 REACHABLE ', entry({ ip: '198.18.0.100', dev: undefined, mac: '02:00:00:00:00:02', states: ['REACHABLE'] })],
    ['198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 ref 1 used 0/0/0 probes 1 REACHABLE', entry({ mac: '02:00:00:00:00:02', states: ['REACHABLE'] })],
    ['198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 STALE NOARP', entry({ mac: '02:00:00:00:00:02', states: ['STALE', 'NOARP'] })],
    ['198.18.0.2 dev eth0 lladdr 02:AA:00:00:00:02 STALE', entry({ mac: '02:aa:00:00:00:02', states: ['STALE'] })],
    ['198.18.0.2 dev eth0', entry({ states: ['NONE'] })],
    ['miss 198.18.0.100 dev eth0 INCOMPLETE ', { kind: 'ignored', reason: 'miss' }],
    ['miss 198.18.0.51 dev eth0 lladdr 02:00:00:00:00:61 PROBE ', { kind: 'ignored', reason: 'miss' }],
    ['2001:db8::11 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE ', { kind: 'ignored', reason: 'ipv6' }],
    ['Deleted fe80::1 dev eth0 lladdr 02:00:00:00:00:02 router STALE', { kind: 'ignored', reason: 'ipv6' }],
    ['198.18.0.53 dev eth0 proxy', { kind: 'ignored', reason: 'proxy' }],
    ['   ', { kind: 'ignored', reason: 'blank' }],
    ['Deleted', { kind: 'unparsed', reason: 'no address after Deleted' }],
    ['198.18.0.999 dev eth0 FAILED', { kind: 'unparsed', reason: "'198.18.0.999' is not an IPv4 address" }],
    ['198.18.0.2 dev eth0 lladdr', { kind: 'unparsed', reason: "'lladdr' without a value" }],
    ['198.18.0.2 dev eth0 lladdr 02:00 STALE', { kind: 'unparsed', reason: "lladdr '02:00' is not a MAC address" }],
    ['198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 WOBBLY', { kind: 'unparsed', reason: "unexpected word 'WOBBLY'" }],
  ];
  it.each(table)('%j', (line, expected) => {
    expect(parseNeighLine(line)).toEqual(expected);
  });

  it('joins several NUD words into one state text', () => {
    const parsed = parseNeighLine('198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 STALE NOARP');
    expect(parsed.kind === 'entry' && neighStateText(parsed)).toBe('STALE,NOARP');
  });
});
