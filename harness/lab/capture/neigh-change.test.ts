/**
 * `planNeighChange` over real `ip monitor neigh` sessions (recorded in throwaway namespaces): the
 * ops say what the sim's neighbour cache would say for the same kernel transitions.
 */
import { describe, expect, it } from 'vitest';
import { planNeighChange, seedKnownNeighs, type KnownNeigh, type NeighChange } from './neigh-change.ts';
import { parseNeighLine, type NeighEntryLine } from './neigh-line.ts';

/** Feeds lines through parse + plan as the monitor does; returns the changes. */
function replay(lines: readonly string[], seed: Map<string, KnownNeigh> = new Map()): { changes: NeighChange[]; known: Map<string, KnownNeigh> } {
  const known = seed;
  const changes: NeighChange[] = [];
  for (const text of lines) {
    const parsed = parseNeighLine(text);
    if (parsed.kind !== 'entry') continue;
    const plan = planNeighChange(known.get(parsed.ip), parsed);
    if (plan.next === undefined) known.delete(parsed.ip);
    else known.set(parsed.ip, plan.next);
    if (plan.change !== undefined) changes.push(plan.change);
  }
  return { changes, known };
}

const N1 = '02:00:00:00:00:02';
const N2 = '02:00:00:00:00:03';

describe('planNeighChange', () => {
  it('a resolution and a gratuitous ARP moving the VIP to another MAC (arp_accept=1)', () => {
    const { changes } = replay([
      '198.18.0.100 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE ',
      '198.18.0.100 dev eth0 lladdr 02:00:00:00:00:03 STALE ',
      '198.18.0.100 dev eth0 lladdr 02:00:00:00:00:03 REACHABLE ',
    ]);
    expect(changes).toEqual([
      { ip: '198.18.0.100', mac: N1, state: 'REACHABLE', fromState: 'NONE', fromMac: null },
      { ip: '198.18.0.100', mac: N2, state: 'STALE', fromState: 'REACHABLE', fromMac: N1 },
      { ip: '198.18.0.100', mac: N2, state: 'REACHABLE', fromState: 'STALE', fromMac: N2 },
    ]);
  });

  it('a holder that stops answering: PROBE, then FAILED keeping the last MAC (as the kernel and the sim do), then deletion', () => {
    const { changes, known } = replay([
      '198.18.0.100 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE ',
      '198.18.0.100 dev eth0 lladdr 02:00:00:00:00:02 PROBE ',
      'miss 198.18.0.100 dev eth0 lladdr 02:00:00:00:00:02 PROBE ',
      '198.18.0.100 dev eth0 FAILED ',
      'Deleted 198.18.0.100 dev eth0 FAILED ',
    ]);
    expect(changes.map((c) => [c.fromState, c.state, c.fromMac, c.mac])).toEqual([
      ['NONE', 'REACHABLE', null, N1],
      ['REACHABLE', 'PROBE', N1, N1],
      ['PROBE', 'FAILED', N1, N1],
      ['FAILED', 'DELETED', N1, null],
    ]);
    expect(known.has('198.18.0.100')).toBe(false);
  });

  it('records nothing for a repeated line (a notification that changed neither state nor MAC)', () => {
    const { changes } = replay([
      '198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE ',
      '198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE ',
      '198.18.0.100 dev eth0 FAILED ',
      '198.18.0.100 dev eth0 FAILED ',
    ]);
    expect(changes).toHaveLength(2);
  });

  it('an unresolvable address: FAILED from NONE without a MAC (the kernel does not notify INCOMPLETE)', () => {
    expect(replay(['miss 198.18.0.99 dev eth0 INCOMPLETE ', '198.18.0.99 dev eth0 FAILED ']).changes).toEqual([
      { ip: '198.18.0.99', mac: null, state: 'FAILED', fromState: 'NONE', fromMac: null },
    ]);
  });

  it('a deletion of an entry never seen takes the printed state as fromState', () => {
    const line = parseNeighLine('Deleted 198.18.0.7 dev eth0 lladdr 02:00:00:00:00:07 STALE') as NeighEntryLine;
    expect(planNeighChange(undefined, line)).toEqual({ change: { ip: '198.18.0.7', mac: null, state: 'DELETED', fromState: 'STALE', fromMac: '02:00:00:00:00:07' }, next: undefined });
  });

  it('starts from a seeded table: the first line after the snapshot is judged against it', () => {
    const seed = seedKnownNeighs(['198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE', 'Deleted 198.18.0.9 dev eth0 FAILED'].map((l) => parseNeighLine(l) as NeighEntryLine));
    expect([...seed.keys()]).toEqual(['198.18.0.2']);
    const { changes } = replay(['198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 REACHABLE', '198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 STALE'], seed);
    expect(changes).toEqual([{ ip: '198.18.0.2', mac: N1, state: 'STALE', fromState: 'REACHABLE', fromMac: N1 }]);
  });
});
