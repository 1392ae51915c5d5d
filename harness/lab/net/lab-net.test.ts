import { describe, expect, it } from 'vitest';
import { API_SERVER, isolate, isolateFromApiServer } from '../../core/net.ts';
import { parseLabScenario } from '../topology/fixtures.test-helpers.ts';
import { planLab } from '../topology/plan-lab.ts';
import { execFailure, fakeExec } from './fake-exec.test-helpers.ts';
import { checkLinkShape, LabNet, LabNetError, netemArgs } from './lab-net.ts';
import { apiPartitionScript, bridgePartitionScript, lossScript } from './nft-rules.ts';

const plan = planLab(parseLabScenario(), 'abc123');

describe('LabNet (commands)', () => {
  it('pulls and plugs a node interface’s cable: its bridge-side end in the lab netns; mgmt means eth-m', async () => {
    const { exec, calls } = fakeExec();
    const net = new LabNet(plan, { exec });
    const n2 = plan.nodes.find((n) => n.name === 'n2');
    await net.linkDown('n2', 'eth1');
    await net.linkUp('n2', 'mgmt');
    expect(calls.map((c) => [c.args.join(' '), c.input])).toEqual([
      ['-n l2l-abc123-lab -batch -', `link set ${n2?.data.find((d) => d.iface === 'eth1')?.peer} down\n`],
      ['-n l2l-abc123-lab -batch -', `link set ${n2?.mgmt.peer} up\n`],
    ]);
  });

  it('names the node, netns and interfaces when an interface does not exist', async () => {
    const net = new LabNet(plan, { exec: fakeExec().exec });
    await expect(net.linkDown('n1', 'eth7')).rejects.toThrow("link down n1/eth7: node n1 (netns l2l-abc123-n1) has no interface 'eth7' (has eth-m, eth0)");
    await expect(net.linkDown('n9', 'eth0')).rejects.toThrow(LabNetError);
  });

  it('takes every link of a node down and up together', async () => {
    const { exec, calls } = fakeExec();
    const net = new LabNet(plan, { exec });
    await net.killNodeLinks('n2');
    await net.restoreNodeLinks('n2');
    const n2 = plan.nodes.find((n) => n.name === 'n2');
    const peers = [n2?.mgmt.peer, ...(n2?.data ?? []).map((d) => d.peer)];
    expect(calls.map((c) => c.input)).toEqual([peers.map((p) => `link set ${p} down\n`).join(''), peers.map((p) => `link set ${p} up\n`).join('')]);
  });

  it('takes a segment down by its ports in the lab netns', async () => {
    const { exec, calls } = fakeExec();
    await new LabNet(plan, { exec }).segmentDown('storage');
    expect(calls).toEqual([{ file: 'ip', args: ['-n', 'l2l-abc123-lab', '-batch', '-'], input: 'link set d1.1 down\nlink set c1 down\n' }]);
  });

  it('partitions a node from the API server with nft in the node netns, and heals it', async () => {
    const { exec, calls } = fakeExec();
    const net = new LabNet(plan, { exec });
    await net.partitionApi('n1');
    await net.healApi('n1');
    expect(calls.map((c) => c.args.join(' '))).toEqual(['netns exec l2l-abc123-n1 nft -f -', 'netns exec l2l-abc123-n1 nft -f -']);
    expect(calls[0]?.input).toBe(apiPartitionScript('eth-m', '198.19.248.1'));
    expect(calls[1]?.input).toBe('table netdev l2lab\ndelete table netdev l2lab\n');
  });
});

describe('LabNet.portDrops (grudge → bridge ports)', () => {
  const net = new LabNet(plan, { exec: fakeExec().exec });

  it('drops frames between every data port of the two sides, both ways for a complete grudge', () => {
    expect(net.portDrops(isolate('n2', ['n1', 'n2']))).toEqual([
      { fromPorts: ['d0.0'], toPorts: ['d1.0', 'd1.1'] },
      { fromPorts: ['d1.0', 'd1.1'], toPorts: ['d0.0'] },
    ]);
  });

  it('keeps an asymmetric grudge asymmetric (n1 drops what n3 sends)', () => {
    expect(net.portDrops(new Map([['n1', new Set(['n3'])]]))).toEqual([{ fromPorts: ['d2.0'], toPorts: ['d0.0'] }]);
  });

  it('uses the management ports for the API server', () => {
    expect(net.portDrops(isolateFromApiServer('n3'))).toEqual([
      { fromPorts: ['mcp'], toPorts: ['m2'] },
      { fromPorts: ['m2'], toPorts: ['mcp'] },
    ]);
  });

  it('includes clients on the data segments, and refuses unknown names', () => {
    expect(net.portDrops(new Map([['c1', new Set(['n1'])]]))).toEqual([{ fromPorts: ['d0.0'], toPorts: ['c0'] }]);
    expect(() => net.portDrops(new Map([['n1', new Set(['nx'])]]))).toThrow("'nx' is neither a node, a client nor 'apiserver' of lab run abc123");
    expect(() => net.portDrops(new Map([['c1', new Set([API_SERVER])]]))).toThrow('client c1 has no link to the API server');
  });

  it('renders one forward rule per direction, and an empty grudge clears the table', () => {
    expect(bridgePartitionScript(net.portDrops(isolate('n2', ['n1', 'n2'])))).toContain('iifname "d0.0" oifname { "d1.0", "d1.1" } drop');
    expect(bridgePartitionScript([])).toBe('table bridge l2lab\ndelete table bridge l2lab\n');
  });
});

describe('LabNet.netem', () => {
  it('uses tc netem when the kernel has it', async () => {
    const { exec, calls } = fakeExec();
    await new LabNet(plan, { exec }).netem('l2l-abc123-n1', 'eth0', { delayMs: 50, jitterMs: 5, lossPercent: 1.5 });
    expect(calls.map((c) => [c.file, c.args.join(' ')])).toEqual([['tc', '-n l2l-abc123-n1 qdisc replace dev eth0 root netem delay 50ms 5ms loss 1.5%']]);
  });

  it('falls back to nftables loss without sch_netem, and remembers', async () => {
    const { exec, calls } = fakeExec((call) => {
      if (call.file === 'tc') throw execFailure('Error: Specified qdisc kind is unknown.\n');
      return undefined;
    });
    const net = new LabNet(plan, { exec });
    await net.netem('l2l-abc123-c1', 'eth0', { lossPercent: 20 });
    await net.netem('l2l-abc123-c1', 'eth0', { lossPercent: 30 });
    expect(calls.map((c) => c.file)).toEqual(['tc', 'ip', 'ip']);
    expect(calls[2]?.input).toBe(lossScript('eth0', 30));
    expect(lossScript('eth0', 30)).toContain('numgen random mod 10000 < 3000 drop');
    expect(lossScript('eth0', 0.05)).toContain('numgen random mod 10000 < 5 drop');
    expect(lossScript('eth0', 100)).toContain('add rule netdev l2lab_shape egress_eth0 drop');
  });

  it('refuses a delay without sch_netem, saying why', async () => {
    const { exec } = fakeExec((call) => {
      if (call.file === 'tc') throw execFailure('Error: Specified qdisc kind is unknown.\n');
      return undefined;
    });
    await expect(new LabNet(plan, { exec }).netem('l2l-abc123-n1', 'eth0', { delayMs: 100 })).rejects.toThrow('netem delay 100 ms on eth0 in netns l2l-abc123-n1: this kernel has no sch_netem');
  });

  it('clears both the qdisc and the nftables loss, tolerating their absence', async () => {
    const { exec, calls } = fakeExec((call) => {
      if (call.file === 'tc') throw execFailure('Error: Cannot delete qdisc with handle of zero.\n');
      return undefined;
    });
    await new LabNet(plan, { exec }).clearNetem('l2l-abc123-n1', 'eth0');
    expect(calls.map((c) => c.file)).toEqual(['tc', 'ip']);
    expect(calls[1]?.input).toContain('delete chain netdev l2lab_shape egress_eth0');
  });

  it('touches only namespaces of the run', async () => {
    await expect(new LabNet(plan, { exec: fakeExec().exec }).netem('host', 'eth0', { lossPercent: 1 })).rejects.toThrow('netns host is not part of lab run abc123');
  });

  it('checks the shape', () => {
    expect(() => checkLinkShape({ lossPercent: 101 }, 'x')).toThrow('lossPercent must be within 0–100');
    expect(() => checkLinkShape({ jitterMs: 5 }, 'x')).toThrow('jitterMs needs a delayMs');
    expect(netemArgs('ns', 'eth0', { lossPercent: 5 })).toEqual(['-n', 'ns', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'loss', '5%']);
  });
});
