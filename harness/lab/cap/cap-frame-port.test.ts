import { describe, expect, it } from 'vitest';
import type { ArpFrame } from '../../datapath/frame-port.ts';
import { decideGarp } from '../../responder/decide-garp.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { encodeArpFrame } from '../../packet/arp-frame.ts';
import { captureFilter, decodeFrame, toWireFrame } from './cap-frame-port.ts';

const request: ArpFrame = { ethDst: 'ff:ff:ff:ff:ff:ff', ethSrc: '02:00:00:00:00:0b', opcode: 1, senderMac: '02:00:00:00:00:0b', senderIp: '198.18.0.10', targetMac: '00:00:00:00:00:00', targetIp: '198.18.0.240' };

describe('CapFramePort codecs', () => {
  it('a datapath frame survives encode → wire → decode', () => {
    const bytes = encodeArpFrame(toWireFrame(request));
    expect(bytes.length).toBe(60);
    expect(decodeFrame(bytes)).toEqual({ ok: true, frame: request });
  });

  it('the reconciler’s GARP goes out as the profile says', () => {
    const garp = decideGarp('198.18.0.240', '02:00:00:00:00:0a', getProfile('cilium-1.16'));
    const decoded = decodeFrame(encodeArpFrame(toWireFrame(garp)));
    expect(decoded.ok && decoded.frame).toMatchObject({ opcode: 2, senderIp: '198.18.0.240', targetIp: '198.18.0.240', ethDst: 'ff:ff:ff:ff:ff:ff' });
  });

  it('refuses what is not ARP, and filters the node’s own frames in the kernel', () => {
    const ipv4 = new Uint8Array(60);
    ipv4.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0xb, 0x08, 0x00]);
    expect(decodeFrame(ipv4)).toEqual({ ok: false, reason: 'not-arp' });
    expect(captureFilter('02:00:00:00:00:0a', true)).toBe('arp and not ether src 02:00:00:00:00:0a');
    expect(captureFilter('02:00:00:00:00:0a', false)).toBe('arp and less 1');
  });
});
