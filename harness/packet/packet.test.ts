import { describe, expect, it } from 'vitest';
import { parseIp } from '../core/ip.ts';
import { decideGarp } from '../responder/decide-garp.ts';
import type { Profile } from '../profiles/profile.ts';
import { BROADCAST_MAC, formatIpv4, fromHex, isGroupMac, normaliseMac, parseIpv4, toHex } from './addresses.ts';
import { arpProbe, arpReply, arpRequest, classifyArp, decodeArp, encodeArp, gratuitousArp, isLinuxGarp } from './arp.ts';
import { decodeArpFrame, encodeArpFrame, garpToArpFrame } from './arp-frame.ts';
import { decodeEthernet, encodeEthernet, ETHERTYPE_ARP, TPID_8021Q } from './ethernet.ts';

const NODE_MAC = '02:00:00:00:01:01';
const CLIENT_MAC = '02:00:00:00:0c:01';

describe('addresses', () => {
  it.each([
    ['10.0.0.1', 0x0a000001],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['192.168.1.100', 0xc0a80164],
  ])('parseIpv4(%s)', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.4/32', '1..2.3', ' 1.2.3.4', '1.2.3.-4', '::1', '1.2.3.4.'])('parseIpv4 rejects %j as Go netip does', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
    expect(parseIp(text)?.family === 'IPv4').toBe(false);
  });

  it('normalises MAC text and spots group addresses', () => {
    expect(normaliseMac('02-00-00-00-0C-01')).toBe(CLIENT_MAC);
    expect(normaliseMac('02:00:00:00:0c')).toBeUndefined();
    expect(normaliseMac('02:00:00:00:0c:0g')).toBeUndefined();
    expect(normaliseMac('02:00-00:00:0c:01')).toBeUndefined();
    expect(isGroupMac(BROADCAST_MAC)).toBe(true);
    expect(isGroupMac('01:00:5e:00:00:01')).toBe(true);
    expect(isGroupMac(NODE_MAC)).toBe(false);
  });

  it('hex round-trips and refuses odd or non-hex input', () => {
    expect(toHex(fromHex('de ad:be-ef') ?? new Uint8Array())).toBe('deadbeef');
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
  });
});

describe('ARP builders and classification', () => {
  it('classifies each kind', () => {
    expect(classifyArp(arpRequest(CLIENT_MAC, '10.0.0.50', '10.0.0.100'))).toBe('request');
    expect(classifyArp(arpReply(NODE_MAC, '10.0.0.100', CLIENT_MAC, '10.0.0.50'))).toBe('reply');
    expect(classifyArp(gratuitousArp(NODE_MAC, '10.0.0.100', 'request'))).toBe('gratuitous-request');
    expect(classifyArp(gratuitousArp(NODE_MAC, '10.0.0.100', 'reply'))).toBe('gratuitous-reply');
    expect(classifyArp(arpProbe(CLIENT_MAC, '10.0.0.51'))).toBe('probe');
    expect(classifyArp({ ...arpRequest(CLIENT_MAC, '10.0.0.50', '10.0.0.100'), opcode: 3 })).toBe('other');
  });

  it('Linux counts a gratuitous reply only when target MAC = sender MAC (arp_is_garp)', () => {
    expect(isLinuxGarp(gratuitousArp(NODE_MAC, '10.0.0.100', 'request'))).toBe(true);
    expect(isLinuxGarp(gratuitousArp(NODE_MAC, '10.0.0.100', 'reply'))).toBe(false);
    expect(isLinuxGarp(gratuitousArp(NODE_MAC, '10.0.0.100', 'reply', NODE_MAC))).toBe(true);
    expect(isLinuxGarp(arpReply(NODE_MAC, '10.0.0.100', CLIENT_MAC, '10.0.0.50'))).toBe(false);
  });

  it('encodes the responder GARP decision of each profile form', () => {
    const asProfile = (garpOpcode: 'request' | 'reply'): Profile => ({ l2: { garpOpcode } }) as unknown as Profile;
    for (const form of ['request', 'reply'] as const) {
      const garp = decideGarp('192.168.1.100', NODE_MAC, asProfile(form));
      const decoded = decodeArpFrame(encodeArpFrame(garpToArpFrame(garp)));
      expect(decoded.ok && classifyArp(decoded.value.arp)).toBe(`gratuitous-${form}`);
      expect(decoded.ok && decoded.value.ethDst).toBe(BROADCAST_MAC);
    }
  });
});

describe('codecs', () => {
  it('decodeArp ignores trailing padding and rejects wrong protocol types', () => {
    const packet = arpRequest(CLIENT_MAC, '10.0.0.50', '10.0.0.100');
    const padded = new Uint8Array(46);
    padded.set(encodeArp(packet));
    expect(decodeArp(padded)).toEqual({ ok: true, value: packet });
    const ipv6 = encodeArp(packet);
    ipv6[2] = 0x86;
    ipv6[3] = 0xdd;
    expect(decodeArp(ipv6)).toMatchObject({ ok: false, reason: 'bad-ptype' });
    const plen = encodeArp(packet);
    plen[5] = 16;
    expect(decodeArp(plen)).toMatchObject({ ok: false, reason: 'bad-plen' });
  });

  it('Ethernet payload is a view, not a copy, and frames are padded to 60 bytes by default', () => {
    const frame = encodeEthernet({ dst: BROADCAST_MAC, src: NODE_MAC, etherType: ETHERTYPE_ARP, payload: new Uint8Array([1, 2, 3]) });
    expect(frame.length).toBe(60);
    const decoded = decodeEthernet(frame);
    expect(decoded.ok && decoded.value.payload.buffer).toBe(frame.buffer);
    expect(encodeEthernet({ dst: BROADCAST_MAC, src: NODE_MAC, etherType: ETHERTYPE_ARP, payload: new Uint8Array(3) }, { padToMinimum: false }).length).toBe(17);
  });

  it('rejects a third VLAN tag and under-length input', () => {
    const tag = { tpid: TPID_8021Q, pcp: 0, dei: false, vid: 1 };
    expect(() => encodeEthernet({ dst: BROADCAST_MAC, src: NODE_MAC, vlans: [tag, tag, tag], etherType: ETHERTYPE_ARP, payload: new Uint8Array() })).toThrow(RangeError);
    const bytes = fromHex('ffffffffffff 020000000101 8100 0001 8100 0002 8100 0003 0806') ?? new Uint8Array();
    expect(decodeEthernet(bytes)).toMatchObject({ ok: false, reason: 'too-many-tags' });
    expect(decodeEthernet(new Uint8Array(13))).toMatchObject({ ok: false, reason: 'short' });
  });

  it('encoders name the bad field', () => {
    expect(() => encodeArp({ ...arpRequest(CLIENT_MAC, '10.0.0.50', '10.0.0.100'), targetIp: '10.0.0.256' })).toThrow(/target IP/);
    expect(() => encodeArp({ ...arpRequest(CLIENT_MAC, '10.0.0.50', '10.0.0.100'), opcode: 70_000 })).toThrow(/opcode/);
    expect(() => encodeEthernet({ dst: 'nope', src: NODE_MAC, etherType: ETHERTYPE_ARP, payload: new Uint8Array() })).toThrow(/destination "nope"/);
    expect(() => encodeEthernet({ dst: BROADCAST_MAC, src: NODE_MAC, etherType: 0x0042, payload: new Uint8Array() })).toThrow(/EtherType/);
  });
});
