/** `decideArp`, table-driven: one row per outcome, literal frames (spec §3.1). */
import { describe, expect, it } from 'vitest';
import { decideArp, DROP_REASONS, type ArpContext, type DropReason } from './decide-arp.ts';
import { BROADCAST_MAC, ZERO_MAC, type ArpFrame } from './frame-port.ts';
import { ResponderMap } from './responder-map.ts';

const VIP = '192.168.10.50';
const ETH0_MAC = '02:00:00:00:01:00';
const ETH1_MAC = '02:00:00:00:01:01';
const CLIENT_MAC = '02:00:00:00:ff:01';
const CLIENT_IP = '192.168.10.7';

const request = (over: Partial<ArpFrame> = {}): ArpFrame => ({ ethDst: BROADCAST_MAC, ethSrc: CLIENT_MAC, opcode: 1, senderMac: CLIENT_MAC, senderIp: CLIENT_IP, targetMac: ZERO_MAC, targetIp: VIP, ...over });

function context(over: Partial<ArpContext> = {}): ArpContext {
  const map = new ResponderMap();
  map.insert({ ip: VIP, interface: 'eth0' });
  return { arrivedOn: 'eth0', table: map, interfaceMacs: new Map([['eth0', ETH0_MAC], ['eth1', ETH1_MAC]]), livenessAgeMs: 500, leaseDurationMs: 15_000, ...over };
}

describe('decideArp', () => {
  it('answers a programmed (IP, interface) with the receiving interface MAC, out of that interface', () => {
    expect(decideArp(request(), context())).toEqual({
      action: 'reply',
      interface: 'eth0',
      frame: { ethDst: CLIENT_MAC, ethSrc: ETH0_MAC, opcode: 2, senderMac: ETH0_MAC, senderIp: VIP, targetMac: CLIENT_MAC, targetIp: CLIENT_IP },
    });
  });

  it('answers a unicast request addressed to the interface MAC (neighbour reachability probe)', () => {
    expect(decideArp(request({ ethDst: ETH0_MAC, targetMac: ETH0_MAC }), context()).action).toBe('reply');
  });

  // Why this test? arp_check has no gratuitous filter: a new holder's GARP *request* for the VIP
  // reaches an old holder that still has the pair programmed, and the old holder answers it.
  it('answers a gratuitous request for a programmed VIP from another node', () => {
    expect(decideArp(request({ senderIp: VIP }), context()).action).toBe('reply');
  });

  // Why this test? C15 (#27521): the holder cannot resolve its own VIP. `answerOwnNode` answers the
  // node's own request — only on the interface it left through, and never its own gratuitous ARP.
  it('answers its own node only with answerOwnNode, on the sending interface, and not its own GARP', () => {
    const own = request({ ethSrc: ETH0_MAC, senderMac: ETH0_MAC, senderIp: '192.168.10.11' });
    expect(decideArp(own, context())).toEqual({ action: 'drop', reason: 'locally-originated' });
    expect(decideArp(own, context({ answerOwnNode: true }))).toMatchObject({ action: 'reply', interface: 'eth0', frame: { ethDst: ETH0_MAC, senderMac: ETH0_MAC, senderIp: VIP } });
    expect(decideArp(own, context({ answerOwnNode: true, arrivedOn: 'eth1' }))).toEqual({ action: 'drop', reason: 'locally-originated' });
    expect(decideArp(request({ ethSrc: ETH0_MAC, senderMac: ETH0_MAC, senderIp: VIP }), context({ answerOwnNode: true }))).toEqual({ action: 'drop', reason: 'locally-originated' });
  });

  const drops: readonly [string, ArpFrame, Partial<ArpContext>, DropReason][] = [
    ['a reply', request({ opcode: 2 }), {}, 'not-a-request'],
    ['an unknown opcode (RARP)', request({ opcode: 3 }), {}, 'not-a-request'],
    ['a request sent by this node itself (#27521)', request({ senderMac: ETH1_MAC, ethSrc: ETH1_MAC }), {}, 'locally-originated'],
    ['a frame on an interface without a MAC', request(), { arrivedOn: 'wlan0' }, 'unknown-interface'],
    ['a unicast frame for another MAC', request({ ethDst: '02:00:00:00:09:09' }), {}, 'not-for-us'],
    ['an IP programmed nowhere', request({ targetIp: '192.168.10.51' }), {}, 'not-programmed'],
    ['an IP programmed on eth0 asked on eth1', request(), { arrivedOn: 'eth1' }, 'wrong-interface'],
    ['an agent that never stamped its liveness', request(), { livenessAgeMs: undefined }, 'agent-liveness-expired'],
    ['a liveness stamp older than the lease duration', request(), { livenessAgeMs: 15_000.5 }, 'agent-liveness-expired'],
  ];
  it.each(drops)('drops %s', (_title, frame, over, reason) => {
    expect(decideArp(frame, context(over))).toEqual({ action: 'drop', reason });
  });

  it('the cutoff is strict: a stamp exactly one lease duration old still answers', () => {
    expect(decideArp(request(), context({ livenessAgeMs: 15_000 })).action).toBe('reply');
  });

  it('every drop reason has a row above', () => {
    expect(new Set(drops.map((row) => row[3]))).toEqual(new Set(DROP_REASONS));
  });
});
