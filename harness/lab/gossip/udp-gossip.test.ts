/**
 * Why this test? In the lab the MetalLB speakers' memberlist runs over real UDP: a message that
 * does not survive encode/decode, or a datagram of another run acted on, or a socket that never
 * delivers, would turn every lab MetalLB run into a permanent split brain. Two sockets on
 * 127.0.0.1 stand in for two speaker processes.
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '../../core/system-clock.ts';
import { MemberView, type MemberEvent } from '../../impl/metallb/gossip.ts';
import { MEMBERLIST_LAN } from '../../profiles/metallb-switches.ts';
import { decodeGossip, encodeGossip, type GossipMessage } from './gossip-wire.ts';
import { UdpGossip } from './udp-gossip.ts';

describe('gossip wire', () => {
  const messages: GossipMessage[] = [
    { kind: 'ping', run: 'r1', from: 'n1', members: ['n1', 'n2'], reach: ['n2'] },
    { kind: 'suspect', run: 'r1', from: 'n1', member: 'n2', sinceMs: 1234.5 },
    { kind: 'leave', run: 'r1', from: 'n2' },
    { kind: 'join', run: 'r1', from: 'n3', members: ['n3'] },
    { kind: 'merge', run: 'r1', from: 'n1', joiner: 'n3', answerer: 'n1', members: ['n1', 'n2', 'n3'] },
  ];

  it.each(messages)('a $kind survives encode and decode', (message) => {
    expect(decodeGossip(encodeGossip(message), 'r1')).toEqual({ message });
  });

  it('drops a datagram of another run, a non-JSON one and a malformed one with the reason', () => {
    expect(decodeGossip(encodeGossip({ kind: 'leave', run: 'other', from: 'n2' }), 'r1')).toEqual({ problem: 'a leave of run other, not r1' });
    expect(decodeGossip(Buffer.from('hello'), 'r1')).toMatchObject({ problem: expect.stringContaining('not JSON') });
    expect(decodeGossip(Buffer.from(JSON.stringify({ kind: 'ping', run: 'r1', from: 'n1' })), 'r1')).toMatchObject({ problem: expect.stringContaining('no gossip message') });
  });
});

/** A free UDP port on 127.0.0.1 (bound, read, released). */
async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('UdpGossip on 127.0.0.1', () => {
  const open: UdpGossip[] = [];
  afterEach(() => {
    for (const gossip of open.splice(0)) gossip.close();
  });

  async function pair() {
    const clock = new SystemClock();
    const ports = { n1: await freePort(), n2: await freePort() };
    const endpoints = (['n1', 'n2'] as const).map((node) => ({ node, ip: '127.0.0.1', port: ports[node] }));
    const events: (MemberEvent & { node: string })[] = [];
    const speakers = (['n1', 'n2'] as const).map((node) => {
      const self = endpoints.find((e) => e.node === node);
      if (self === undefined) throw new Error(`no endpoint ${node}`);
      const gossip = new UdpGossip({ runId: 'r1', self, peers: endpoints, timings: MEMBERLIST_LAN, clock });
      open.push(gossip);
      return { gossip, view: new MemberView(node, MEMBERLIST_LAN, (e) => events.push({ ...e, node })) };
    });
    for (const s of speakers) await s.gossip.bind();
    const [a, b] = speakers;
    if (a === undefined || b === undefined) throw new Error('two speakers expected');
    return { a, b, events };
  }

  it('two speakers that join each learn the other as alive and reach it', async () => {
    const { a, b, events } = await pair();
    a.gossip.join(a.view);
    b.gossip.join(b.view);
    await vi.waitFor(() => {
      expect([...a.view.alive()].sort()).toEqual(['n1', 'n2']);
      expect([...b.view.alive()].sort()).toEqual(['n1', 'n2']);
      expect(a.gossip.probe('n1', 'n2')).toBe(true);
      expect(b.gossip.probe('n2', 'n1')).toBe(true);
    }, { timeout: 5_000, interval: 50 });
    expect(events).toContainEqual({ kind: 'join', member: 'n2', node: 'n1' });
    expect(events).toContainEqual({ kind: 'join', member: 'n1', node: 'n2' });
  });

  it('a graceful leave drops the speaker from the other view; a closed speaker stops being reached', async () => {
    const { a, b } = await pair();
    a.gossip.join(a.view);
    b.gossip.join(b.view);
    await vi.waitFor(() => expect(a.gossip.probe('n1', 'n2')).toBe(true), { timeout: 5_000, interval: 50 });
    b.gossip.remove('n2', true);
    b.gossip.close();
    await vi.waitFor(() => expect(a.view.has('n2')).toBe(false), { timeout: 5_000, interval: 50 });
    await vi.waitFor(() => expect(a.gossip.probe('n1', 'n2')).toBe(false), { timeout: 5_000, interval: 50 });
  });
});
