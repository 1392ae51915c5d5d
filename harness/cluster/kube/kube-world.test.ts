import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../core/object-store.ts';
import { NotFoundError } from '../../core/store-errors.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { fakeExec } from '../../lab/net/fake-exec.test-helpers.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { planKubeRun, type ClusterNodeFacts } from './kube-plan.ts';
import { KubeWorld, type KubeAdminStore } from './kube-world.ts';

const { scenario } = await loadScenario('scenarios/leader-kill.yaml');
if (scenario === undefined) throw new Error('leader-kill.yaml does not load');
const worker = (name: string): ClusterNodeFacts => ({ name, labels: {}, controlPlane: false, schedulable: true, macs: { eth0: '02:42:ac:12:00:09' }, container: name });
const plan = planKubeRun(scenario, getProfile('cilium-1.16'), { provider: 'kind', target: 'l2lab', clusterName: 'k', nodes: [worker('k-worker'), worker('k-worker2'), worker('k-worker3')], apiServer: { addresses: ['172.18.0.2'], port: 6443 } });

const pod = (name: string, node: string, uid: string, ready: boolean): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'l2lab-k', uid, labels: { 'app.kubernetes.io/name': 'l2lab-agent' } },
  spec: { nodeName: node }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

function world(pods: KubeObject[], respond?: Parameters<typeof fakeExec>[0]) {
  const deleted: string[] = [];
  const store: KubeAdminStore = {
    get: (ref) => (ref.resource === 'leases' && ref.name === 'cilium-l2announce-default-web'
      ? Promise.resolve({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: ref.name, namespace: ref.namespace }, spec: { holderIdentity: 'k-worker2' } })
      : Promise.reject(new NotFoundError(`${ref.name} not found`))),
    list: () => Promise.resolve([...pods]),
    delete: (ref, options) => {
      deleted.push(`${ref.namespace}/${ref.name} grace=${String(options.gracePeriodSeconds)}`);
      pods.splice(pods.findIndex((p) => p.metadata.name === ref.name), 1);
      return Promise.resolve();
    },
  };
  let nowMs = 0;
  const history = new MemoryHistory({ monotonicMs: () => nowMs });
  const { exec, calls } = fakeExec(respond);
  const w = new KubeWorld({
    plan, store, exec, history, pollMs: 100,
    clock: { monotonicMs: () => nowMs, sleep: (ms: number) => ((nowMs += ms), Promise.resolve('elapsed' as const)) },
    context: { runId: 'r1', netnsOf: (n) => `l2k-r1-${n}`, bridgeNetns: 'l2k-r1-host', bridgePeers: {}, agentReadyTimeoutMs: 1_000 },
    clientNetns: (c) => (c === 'c1' ? 'l2k-r1-c1' : undefined),
  });
  return { w, deleted, calls, history, pods };
}

describe('KubeWorld', () => {
  it('reads the Lease holder in scenario names', async () => {
    expect(await world([]).w.holderOf('default/web')).toBe('n2');
    expect(await world([]).w.holderOf('default/other')).toBeUndefined();
  });

  it('kill-agent deletes the agent pod on the mapped node at once and records the op in scenario names', async () => {
    const { w, deleted, history } = world([pod('a1', 'k-worker', 'u1', true), pod('a2', 'k-worker2', 'u2', true)]);
    await w.killAgent('n2');
    expect(deleted).toEqual(['l2lab-k/a2 grace=0']);
    expect(history.ops().map((op) => [op.f, op.value])).toEqual([['kill-agent', { node: 'n2' }]]);
  });

  it('restart-agent waits for a Ready successor, not the deleted pod, and notes a timeout as a problem', async () => {
    const pods = [pod('a2', 'k-worker2', 'u2', true)];
    const { w } = world(pods);
    await w.killAgent('n2');
    pods.push(pod('a2-new', 'k-worker2', 'u3', true));
    await w.restartAgent('n2');
    expect(w.problems).toEqual([]);
    const slow = world([pod('b1', 'k-worker', 'u9', false)]);
    await slow.w.restartAgent('n1');
    expect(slow.w.problems).toEqual(['restart-agent: no Ready agent pod (app.kubernetes.io/name=l2lab-agent) on k-worker within 1000 ms']);
  });

  it('freezes a node with docker pause and partitions it in its re-attached netns', async () => {
    const { w, calls } = world([], (call) => (call.file === 'docker' && call.args[0] === 'inspect' ? '4242\n' : undefined));
    await w.freeze('n1');
    await w.partitionApi('n3');
    expect(calls.map((c) => `${c.file} ${c.args.join(' ')}`)).toEqual([
      'docker pause k-worker',
      'docker inspect -f {{.State.Pid}} k-worker3',
      'ip netns delete l2k-r1-n3',
      'ip netns attach l2k-r1-n3 4242',
      'ip netns exec l2k-r1-n3 nft -f -',
    ]);
    expect(calls.at(-1)?.input).toContain('ip daddr { 172.18.0.2 } tcp dport 6443 drop');
    expect(w.attachedNetns).toEqual(['l2k-r1-n3']);
  });

  it('names the failing command, and refuses node partitions with the plan’s reason', async () => {
    const { w } = world([], () => {
      throw Object.assign(new Error('exit 1'), { stderr: 'Error response from daemon: No such container: k-worker' });
    });
    await expect(w.killNode('n1')).rejects.toThrow('kill-node: docker kill k-worker failed (limit 60000 ms): Error response from daemon: No such container: k-worker');
    await expect(w.partitionNodes()).rejects.toThrow(/use --world lab/);
    await expect(world([]).w.killAgent('n1')).rejects.toThrow('kill-agent: no pod with app.kubernetes.io/name=l2lab-agent on k-worker');
  });
});
