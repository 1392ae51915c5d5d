/** The announce reconciler: one GARP per newly programmed pair, none for pinned entries (spec §3.2). */
import { describe, expect, it } from 'vitest';
import { MemoryHistory } from '../history/memory-history.ts';
import { getProfile } from '../profiles/profiles.ts';
import type { ArpFrame } from './frame-port.ts';
import { AnnounceReconciler, decideReconcile, type AnnounceTableEntry } from './reconcile.ts';
import { ResponderMap } from './responder-map.ts';

const entry = (ip: string, iface = 'eth0'): AnnounceTableEntry => ({ ip, interface: iface, services: ['default/web'] });
const key = (ip: string, iface = 'eth0') => ({ ip, interface: iface });

describe('decideReconcile', () => {
  it('inserts new pairs with a GARP, deletes pairs that left the table', () => {
    expect(decideReconcile([entry('10.0.0.1'), entry('10.0.0.2')], [entry('10.0.0.2'), entry('10.0.0.3', 'eth1')], [key('10.0.0.1'), key('10.0.0.2')], false)).toEqual({
      insertWithGarp: [key('10.0.0.3', 'eth1')],
      alreadyProgrammed: [],
      delete: [key('10.0.0.1')],
    });
  });

  it('a pair still pinned in the map is taken over silently (agent restart)', () => {
    expect(decideReconcile([], [entry('10.0.0.1')], [key('10.0.0.1'), key('10.0.0.9')], false)).toEqual({ insertWithGarp: [], alreadyProgrammed: [key('10.0.0.1')], delete: [] });
  });

  it('only a full resync deletes stale pinned pairs the table never held', () => {
    expect(decideReconcile([entry('10.0.0.1')], [entry('10.0.0.1')], [key('10.0.0.1'), key('10.0.0.9')], false).delete).toEqual([]);
    expect(decideReconcile([entry('10.0.0.1')], [entry('10.0.0.1')], [key('10.0.0.1'), key('10.0.0.9')], true).delete).toEqual([key('10.0.0.9')]);
  });
});

describe('AnnounceReconciler', () => {
  function rig(profileName: string) {
    const map = new ResponderMap();
    const sent: [string, ArpFrame][] = [];
    const history = new MemoryHistory({ monotonicMs: () => 0 });
    const reconciler = new AnnounceReconciler({ map, frames: { send: (iface, frame) => sent.push([iface, frame]) }, interfaceMacs: new Map([['eth0', '02:00:00:00:01:00']]), history, node: 'n1', profile: getProfile(profileName) });
    return { map, sent, history, reconciler };
  }

  it('sends exactly one GARP per new pair, opcode per profile, and none when the table repeats', () => {
    const { sent, reconciler, map } = rig('cilium-1.20.2');
    reconciler.apply([entry('10.0.0.1')]);
    reconciler.apply([entry('10.0.0.1')]);
    reconciler.fullResync([entry('10.0.0.1')]);
    expect(sent).toEqual([['eth0', { ethDst: 'ff:ff:ff:ff:ff:ff', ethSrc: '02:00:00:00:01:00', opcode: 1, senderMac: '02:00:00:00:01:00', senderIp: '10.0.0.1', targetMac: 'ff:ff:ff:ff:ff:ff', targetIp: '10.0.0.1' }]]);
    expect(map.keys()).toEqual([key('10.0.0.1')]);
  });

  it('the reply-form GARP (opcode 2) on profiles before gneigh', () => {
    const { sent, reconciler } = rig('cilium-1.16');
    reconciler.apply([entry('10.0.0.1')]);
    expect(sent.map(([, frame]) => frame.opcode)).toEqual([2]);
  });

  it('losing the lease deletes the pair; winning again sends a new GARP', () => {
    const { sent, reconciler, map, history } = rig('cilium-1.16');
    reconciler.apply([entry('10.0.0.1')]);
    reconciler.apply([]);
    expect(map.size).toBe(0);
    reconciler.apply([entry('10.0.0.1')]);
    expect(sent).toHaveLength(2);
    expect(history.ops().map((op) => [op.f, op.value])).toEqual([
      ['garp-sent', { node: 'n1', ip: '10.0.0.1', iface: 'eth0', mac: '02:00:00:00:01:00', opcode: 'reply' }],
      ['announce-table', { node: 'n1', entries: [{ ip: '10.0.0.1', iface: 'eth0' }] }],
      ['announce-table', { node: 'n1', entries: [] }],
      ['garp-sent', { node: 'n1', ip: '10.0.0.1', iface: 'eth0', mac: '02:00:00:00:01:00', opcode: 'reply' }],
      ['announce-table', { node: 'n1', entries: [{ ip: '10.0.0.1', iface: 'eth0' }] }],
    ]);
  });
});

describe('ResponderMap.keys', () => {
  it('stays sorted and current across inserts, deletes and clear (read between every change)', () => {
    const map = new ResponderMap();
    expect(map.keys()).toEqual([]);
    map.insert(key('10.0.0.2'));
    map.insert(key('10.0.0.1', 'eth1'));
    expect(map.keys()).toEqual([key('10.0.0.1', 'eth1'), key('10.0.0.2')]);
    expect(map.insert(key('10.0.0.2'))).toBe(false);
    map.delete(key('10.0.0.1', 'eth1'));
    expect(map.keys()).toEqual([key('10.0.0.2')]);
    expect(map.delete(key('10.0.0.9'))).toBe(false);
    map.clear();
    expect(map.keys()).toEqual([]);
  });
});
