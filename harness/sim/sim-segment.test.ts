/**
 * The simulated bridge on its own: delivery, the capture, and the runtime faults a scenario puts
 * on it — a port unplugged and plugged back (a node killed and booted), netem on a port's egress,
 * and a node-to-node partition. Times are literal: the segment delay is fixed at 1 ms.
 */
import { describe, expect, it } from 'vitest';
import { MemoryHistory } from '../history/memory-history.ts';
import { SeededRng } from '../core/rng.ts';
import { BROADCAST_MAC, OPCODE_REQUEST, ZERO_MAC, type ArpFrame } from '../datapath/frame-port.ts';
import { SimKernel } from './kernel.ts';
import { netemShape } from './netem.ts';
import { SimClock } from './sim-clock.ts';
import { SimSegment, type SegmentPort } from './sim-segment.ts';

const MACS = { n1: '02:00:00:00:00:01', n2: '02:00:00:00:00:02', n3: '02:00:00:00:00:03', c1: '02:00:00:fe:00:01' } as const;
type Owner = keyof typeof MACS;

function setup(seed = 1) {
  const kernel = new SimKernel();
  const history = new MemoryHistory(new SimClock(kernel));
  const segment = new SimSegment('eth0', kernel, history, { link: { delayMs: 1 }, rng: new SeededRng(seed) });
  const heard: { atMs: number; by: Owner; from: string }[] = [];
  const ports = Object.fromEntries(
    (Object.keys(MACS) as Owner[]).map((owner) => [owner, segment.attach(owner, 'eth0', MACS[owner], { receive: (frame) => heard.push({ atMs: kernel.nowMs, by: owner, from: frame.senderIp }) })]),
  ) as Record<Owner, SegmentPort>;
  const who = (owner: Owner): ArpFrame => ({ ethDst: BROADCAST_MAC, ethSrc: MACS[owner], opcode: OPCODE_REQUEST, senderMac: MACS[owner], senderIp: `10.0.0.${Object.keys(MACS).indexOf(owner) + 1}`, targetMac: ZERO_MAC, targetIp: '10.0.0.99' });
  const run = (untilMs: number) => kernel.run({ untilMs, maxEvents: 100_000 });
  return { kernel, segment, ports, heard, who, run };
}

describe('SimSegment: ports unplugged and plugged back', () => {
  it('a detached port neither sends nor hears; reattached it does both again, link state kept', () => {
    const { segment, ports, heard, who, run } = setup();
    ports.n2.detach();
    ports.n2.send(who('n2'));
    ports.n1.send(who('n1'));
    run(10);
    expect(heard.map((h) => h.by)).toEqual(['n3', 'c1']);
    expect(segment.captured.map((c) => c.from)).toEqual(['n1']);
    ports.n2.reattach();
    expect(ports.n2.linkUp).toBe(true);
    ports.n2.send(who('n2'));
    ports.n1.send(who('n1'));
    run(20);
    expect(heard.slice(2).map((h) => `${h.from}>${h.by}`)).toEqual(['10.0.0.2>n1', '10.0.0.2>n3', '10.0.0.2>c1', '10.0.0.1>n2', '10.0.0.1>n3', '10.0.0.1>c1']);
    ports.n3.setLinkUp(false);
    ports.n3.detach();
    ports.n3.reattach();
    expect(ports.n3.linkUp).toBe(false);
  });
});

describe('SimSegment: netem on a port (egress)', () => {
  it('delays what the port sends, captured when it reaches the bridge; what it hears is not delayed', () => {
    const { segment, ports, heard, who, run } = setup();
    ports.n1.setEgressShape(netemShape('n1/eth0', { delayMs: 50 }));
    ports.n1.send(who('n1'));
    ports.n2.send(who('n2'));
    run(100);
    expect(heard.filter((h) => h.from === '10.0.0.1').map((h) => [h.by, h.atMs])).toEqual([['n2', 51], ['n3', 51], ['c1', 51]]);
    expect(heard.find((h) => h.from === '10.0.0.2' && h.by === 'n1')?.atMs).toBe(1);
    expect(segment.captured.map((c) => [c.from, c.tMs])).toEqual([['n2', 0], ['n1', 50]]);
  });

  it('100 % loss: nothing reaches the bridge (not captured, counted); cleared, frames flow again', () => {
    const { segment, ports, heard, who, run } = setup();
    ports.c1.setEgressShape(netemShape('c1', { lossPercent: 100 }));
    ports.c1.send(who('c1'));
    ports.c1.sendData({ ethDst: MACS.n1, ethSrc: MACS.c1, srcIp: '10.0.0.4', dstIp: '10.0.0.99', packetId: 1, echo: false });
    run(10);
    expect(heard).toEqual([]);
    expect(segment.captured).toEqual([]);
    expect(segment.counters.shapedLost).toBe(2);
    ports.c1.setEgressShape(undefined);
    ports.c1.send(who('c1'));
    run(20);
    expect(heard.map((h) => h.by)).toEqual(['n1', 'n2', 'n3']);
  });

  it('a frame queued in netem when the link goes down is lost', () => {
    const { segment, ports, heard, who, run } = setup();
    ports.n1.setEgressShape(netemShape('n1/eth0', { delayMs: 50 }));
    ports.n1.send(who('n1'));
    run(10);
    ports.n1.setLinkUp(false);
    run(100);
    expect(heard).toEqual([]);
    expect(segment.captured).toEqual([]);
    expect(segment.counters.linkDown).toBe(1);
  });

  it('loss and jitter draw from the port’s own stream: the same seed gives the same arrivals', () => {
    const arrivals = (seed: number): number[] => {
      const { ports, heard, who, run } = setup(seed);
      ports.n1.setEgressShape(netemShape('n1/eth0', { delayMs: 20, jitterMs: 10, lossPercent: 30 }));
      for (let i = 0; i < 40; i += 1) ports.n1.send(who('n1'));
      run(100);
      return heard.filter((h) => h.by === 'n2').map((h) => h.atMs);
    };
    const first = arrivals(3);
    expect(arrivals(3)).toEqual(first);
    expect(arrivals(4)).not.toEqual(first);
    expect(first.length).toBeGreaterThan(15);
    expect(first.length).toBeLessThan(40);
    expect(first.every((t) => t >= 11 && t < 31)).toBe(true);
  });
});

describe('SimSegment: node-to-node partition', () => {
  it('the bridge drops frames between the sides (still captured); clients and unnamed ports hear everyone; heal restores', () => {
    const { segment, ports, heard, who, run } = setup();
    segment.setPartition(new Map([['n1', new Set(['n2'])], ['n2', new Set(['n1'])]]));
    ports.n1.send(who('n1'));
    ports.n2.send(who('n2'));
    run(10);
    expect(heard.map((h) => `${h.from}>${h.by}`)).toEqual(['10.0.0.1>n3', '10.0.0.1>c1', '10.0.0.2>n3', '10.0.0.2>c1']);
    expect(segment.captured.map((c) => c.from)).toEqual(['n1', 'n2']);
    expect(segment.counters.partitioned).toBe(2);
    segment.setPartition(undefined);
    ports.n1.send(who('n1'));
    run(20);
    expect(heard.slice(4).map((h) => h.by)).toEqual(['n2', 'n3', 'c1']);
  });
});
