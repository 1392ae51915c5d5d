import { describe, expect, it } from 'vitest';
import type { AnnounceTableEntry } from '../datapath/reconcile.ts';
import { restrictToDevicesAtAcquire } from './devices-at-acquire.ts';
import { droppedSharedPairs, withoutDropped } from './shared-entry-drop.ts';

const e = (ip: string, services: string[], iface = 'eth0'): AnnounceTableEntry => ({ ip, interface: iface, services });

describe('droppedSharedPairs (C07, deleteSharedEntryWithOrigin)', () => {
  it('deleting one of two services sharing an IP drops the pair although the other still originates it', () => {
    const dropped = droppedSharedPairs([e('198.18.0.240', ['default/a', 'default/b'])], [e('198.18.0.240', ['default/b'])], new Set());
    expect([...dropped]).toEqual(['198.18.0.240@eth0']);
    expect(withoutDropped([e('198.18.0.240', ['default/b'])], dropped)).toEqual([]);
  });

  it('the pair stays dropped while nothing joins it, and comes back when a service is upserted onto it', () => {
    const once = droppedSharedPairs([e('198.18.0.240', ['default/a', 'default/b'])], [e('198.18.0.240', ['default/b'])], new Set());
    const still = droppedSharedPairs([e('198.18.0.240', ['default/b'])], [e('198.18.0.240', ['default/b'])], once);
    expect([...still]).toEqual(['198.18.0.240@eth0']);
    const back = droppedSharedPairs([e('198.18.0.240', ['default/b'])], [e('198.18.0.240', ['default/b', 'default/c'])], still);
    expect([...back]).toEqual([]);
  });

  it('unshared IPs, new pairs and pairs that left the table are never dropped', () => {
    const previous = [e('198.18.0.240', ['default/a']), e('198.18.0.241', ['default/x', 'default/y'])];
    const next = [e('198.18.0.240', ['default/a']), e('198.18.0.242', ['default/z'])];
    expect([...droppedSharedPairs(previous, next, new Set(['198.18.0.241@eth0']))]).toEqual([]);
  });
});

describe('restrictToDevicesAtAcquire (C10, devicesFrozenAtAcquire)', () => {
  it('a service led from an acquisition with every link down programs nothing; others are untouched', () => {
    const table = [e('198.18.0.240', ['default/web']), e('198.18.0.241', ['default/api'])];
    expect(restrictToDevicesAtAcquire(table, new Map([['default/web', new Set<string>()]]))).toEqual([e('198.18.0.241', ['default/api'])]);
  });

  it('keeps the devices that were up, and a pair another origin may still program', () => {
    const table = [e('198.18.0.240', ['default/web'], 'eth0'), e('198.18.0.240', ['default/web'], 'eth1'), e('198.18.0.241', ['default/a', 'default/b'], 'eth1')];
    const frozen = new Map([['default/web', new Set(['eth0'])], ['default/a', new Set(['eth0'])]]);
    expect(restrictToDevicesAtAcquire(table, frozen)).toEqual([e('198.18.0.240', ['default/web'], 'eth0'), e('198.18.0.241', ['default/b'], 'eth1')]);
  });
});
