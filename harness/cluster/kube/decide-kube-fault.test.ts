import { describe, expect, it } from 'vitest';
import { decideKubeFault, partitionTable, type KubeFaultContext } from './decide-kube-fault.ts';

const ctx = (overrides: Partial<KubeFaultContext['plan']> = {}): KubeFaultContext => ({
  plan: {
    nodes: [
      { scenario: 'n1', cluster: 'l2lab-k1-worker', container: 'l2lab-k1-worker', interfaces: [{ name: 'eth0', segment: 'lan', mac: '02:42:ac:12:00:03' }] },
      { scenario: 'n2', cluster: 'gke-node-2', interfaces: [{ name: 'eth0', segment: 'lan' }] },
    ],
    agents: { namespace: '', labels: { 'app.kubernetes.io/name': 'l2lab-agent' }, operatorNamespace: '', operatorLabels: { 'app.kubernetes.io/name': 'l2lab-operator' } },
    controlPlaneContainers: ['l2lab-k1-control-plane'],
    apiServer: { addresses: ['172.18.0.2'], port: 6443 },
    unsupported: {},
    ...overrides,
  },
  runId: 'r1-x',
  netnsOf: (node) => `l2k-r1-x-${node}`,
  bridgeNetns: 'l2k-r1-x-host',
  bridgePeers: { 'n1/eth0': 'veth1a2b3c' },
  agentReadyTimeoutMs: 60_000,
});

describe('decideKubeFault', () => {
  it('kill-agent deletes the agent pod on the mapped cluster node; restart-agent waits for its successor', () => {
    expect(decideKubeFault({ action: 'kill-agent', node: 'n1' }, ctx())).toEqual([
      { kind: 'record', f: 'kill-agent', value: { node: 'n1' } },
      { kind: 'delete-pods', namespace: '', labels: { 'app.kubernetes.io/name': 'l2lab-agent' }, node: 'l2lab-k1-worker' },
    ]);
    expect(decideKubeFault({ action: 'restart-agent', node: 'n1' }, ctx())[1]).toEqual({ kind: 'await-agent-ready', node: 'l2lab-k1-worker', timeoutMs: 60_000 });
  });

  it('kill/restart/freeze/thaw a node through its container', () => {
    const args = (action: 'kill-node' | 'restart-node' | 'freeze' | 'thaw'): unknown[] => decideKubeFault({ action, node: 'n1' }, ctx()).filter((s) => s.kind === 'docker').map((s) => (s.kind === 'docker' ? s.args : []));
    expect(args('kill-node')).toEqual([['kill', 'l2lab-k1-worker']]);
    expect(args('restart-node')).toEqual([['start', 'l2lab-k1-worker']]);
    expect(decideKubeFault({ action: 'restart-node', node: 'n1' }, ctx()).at(-1)).toEqual({ kind: 'await-agent-ready', node: 'l2lab-k1-worker', timeoutMs: 60_000 });
    expect(args('freeze')).toEqual([['pause', 'l2lab-k1-worker']]);
    expect(args('thaw')).toEqual([['unpause', 'l2lab-k1-worker']]);
  });

  it('skips container faults on a node that is no container', () => {
    expect(decideKubeFault({ action: 'kill-node', node: 'n2' }, ctx())).toEqual([{ kind: 'skip', reason: 'kill-node: cluster node gke-node-2 is not a Docker container' }]);
  });

  it('partitions a node from the API server address and port in its netns, and heals by deleting the table', () => {
    const steps = decideKubeFault({ action: 'partition-api', node: 'n1' }, ctx());
    expect(steps[1]).toEqual({ kind: 'attach-netns', container: 'l2lab-k1-worker', netns: 'l2k-r1-x-n1' });
    const nft = steps[2];
    expect(nft).toMatchObject({ kind: 'exec', argv: ['ip', 'netns', 'exec', 'l2k-r1-x-n1', 'nft', '-f', '-'] });
    const script = nft?.kind === 'exec' ? (nft.stdin ?? '') : '';
    expect(script).toContain(`table inet ${partitionTable('r1-x')} {`);
    expect(script).toContain('ip daddr { 172.18.0.2 } tcp dport 6443 drop');
    expect(script).toContain('ip saddr { 172.18.0.2 } tcp sport 6443 drop');
    const heal = decideKubeFault({ action: 'heal-api', node: 'n1' }, ctx())[2];
    expect(heal?.kind === 'exec' ? heal.stdin : '').toBe('table inet l2lab_r1_x\ndelete table inet l2lab_r1_x\n');
  });

  it('api-outage pauses the control-plane containers; restart-operator deletes the operator pods', () => {
    expect(decideKubeFault({ action: 'api-outage' }, ctx({ controlPlaneContainers: ['t-controlplane-1', 't-controlplane-2'] }))).toEqual([
      { kind: 'record', f: 'api-outage', value: {} },
      { kind: 'docker', args: ['pause', 't-controlplane-1'] },
      { kind: 'docker', args: ['pause', 't-controlplane-2'] },
    ]);
    expect(decideKubeFault({ action: 'api-restore' }, ctx())[1]).toEqual({ kind: 'docker', args: ['unpause', 'l2lab-k1-control-plane'] });
    expect(decideKubeFault({ action: 'restart-operator' }, ctx())[1]).toEqual({ kind: 'delete-pods', namespace: '', labels: { 'app.kubernetes.io/name': 'l2lab-operator' } });
  });

  it('pulls a cable at the bridge-side veth, and shapes a node interface with netem in its netns', () => {
    expect(decideKubeFault({ action: 'link-down', node: 'n1', iface: 'eth0' }, ctx())).toEqual([
      { kind: 'record', f: 'link-down', value: { node: 'n1', iface: 'eth0' } },
      { kind: 'exec', argv: ['ip', '-n', 'l2k-r1-x-host', 'link', 'set', 'veth1a2b3c', 'down'] },
    ]);
    expect(decideKubeFault({ action: 'link-up', node: 'n1', iface: 'eth1' }, ctx())[0]).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/no bridge port found for n1\/eth1/) });
    expect(decideKubeFault({ action: 'netem', node: 'n1', iface: 'eth0', shape: { delayMs: 50, lossPercent: 10 } }, ctx())[2]).toEqual({ kind: 'exec', argv: ['tc', '-n', 'l2k-r1-x-n1', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', '50ms', 'loss', '10%'] });
    expect(decideKubeFault({ action: 'netem-clear', node: 'n1', iface: 'eth0' }, ctx())[2]).toMatchObject({ argv: ['tc', '-n', 'l2k-r1-x-n1', 'qdisc', 'del', 'dev', 'eth0', 'root'], tolerateFailure: true });
  });

  it('gives the plan’s reason for what the world cannot do, and skips unknown nodes', () => {
    expect(decideKubeFault({ action: 'freeze', node: 'n1' }, ctx({ unsupported: { freeze: 'no containers' } }))).toEqual([{ kind: 'skip', reason: 'no containers' }]);
    expect(decideKubeFault({ action: 'kill-agent', node: 'n9' }, ctx())).toEqual([{ kind: 'skip', reason: "no node n9 in the run's node map" }]);
  });
});
