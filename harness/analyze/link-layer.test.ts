import { describe, expect, it } from 'vitest';
import { encodeArpFrame } from '../packet/arp-frame.ts';
import { arpReply } from '../packet/arp.ts';
import { decodeLinkPacket, LINKTYPE_ETHERNET } from './link-layer.ts';

const arp = arpReply('02:00:00:00:00:0a', '198.18.0.100', '02:00:00:00:00:01', '198.18.0.1');

function decode(data: Uint8Array, capturedBytes = data.length) {
  return decodeLinkPacket({ linkType: LINKTYPE_ETHERNET, tUs: 1, data, start: 0, capturedBytes, ifIndex: undefined, number: 1 });
}

describe('decodeLinkPacket', () => {
  it('treats a VID 0 priority tag as untagged and keeps real VLAN ids, outermost first', () => {
    const priority = decode(encodeArpFrame({ ethDst: '02:00:00:00:00:01', ethSrc: '02:00:00:00:00:0a', vlans: [{ tpid: 0x8100, pcp: 5, dei: false, vid: 0 }], arp }));
    expect(typeof priority === 'string' ? priority : priority.vlans).toBeUndefined();
    const qinq = decode(encodeArpFrame({ ethDst: '02:00:00:00:00:01', ethSrc: '02:00:00:00:00:0a', vlans: [{ tpid: 0x88a8, pcp: 0, dei: false, vid: 300 }, { tpid: 0x8100, pcp: 0, dei: false, vid: 10 }], arp }));
    expect(typeof qinq === 'string' ? qinq : qinq.vlans).toEqual([300, 10]);
  });

  it('tells a cut ARP body from a non-ARP frame', () => {
    const frame = encodeArpFrame({ ethDst: '02:00:00:00:00:01', ethSrc: '02:00:00:00:00:0a', arp });
    expect(decode(frame, 14 + 27)).toBe('arp-cut');
    expect(decode(frame, 13)).toBe('not-arp');
    const ipv4 = Uint8Array.from(frame);
    ipv4[12] = 0x08;
    ipv4[13] = 0x00;
    expect(decode(ipv4)).toBe('not-arp');
  });
});
