import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { planRealObjects, policyApiOf } from './real-objects.ts';

describe('planRealObjects', () => {
  it('creates leader-kill’s Nodes (with their interfaces), pool, policy and Service in dependency order', async () => {
    const { scenario } = await loadScenario('scenarios/leader-kill.yaml');
    if (scenario === undefined) throw new Error('leader-kill.yaml does not load');
    const plan = planRealObjects(scenario, 'kube-system');
    expect(plan.objects.map((o) => `${o.resource}/${o.namespace}/${String((o.object.metadata as { name: string }).name)}`)).toEqual([
      'nodes//n1',
      'nodes//n2',
      'nodes//n3',
      'ciliumloadbalancerippools//lan',
      'ciliuml2announcementpolicies//lan',
      'services/default/web',
    ]);
    expect((plan.objects[0]?.object.metadata as { annotations: Record<string, string> }).annotations['l2lab.io/interfaces']).toBe('eth0');
    expect(plan.skipped).toEqual([]);
  });

  it('creates the namespaces a scenario’s objects live in and reports kinds it cannot install', () => {
    const plan = planRealObjects(
      {
        manifestObjects: [
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'apps' }, spec: { type: 'LoadBalancer' } },
          { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'apps' }, spec: {} },
        ],
        topology: { addressPlan: '198.18.0.0/15', segments: [], nodes: [], clients: [] },
      },
      'kube-system',
    );
    expect(plan.objects.map((o) => o.resource)).toEqual(['namespaces', 'services']);
    expect(plan.objects[0]?.object.metadata).toEqual({ name: 'apps' });
    expect(plan.skipped).toEqual([expect.stringMatching(/^Gateway\/\/gw: the lab installs no Gateway API/)]);
  });

  it('creates M02’s MetalLB pool and advertisement (pool first) and reads its policy API as metallb', async () => {
    const { scenario } = await loadScenario('scenarios/bugs/m02-no-reconvergence-after-partition.yaml');
    if (scenario === undefined) throw new Error('m02 does not load');
    const plan = planRealObjects(scenario, 'kube-system');
    expect(plan.objects.map((o) => o.resource).filter((r) => r.endsWith('pools') || r.endsWith('advertisements'))).toEqual(['ipaddresspools', 'l2advertisements']);
    expect(plan.skipped).toEqual([]);
    expect(policyApiOf(scenario)).toBe('metallb');
  });

  it('reads a Cilium-written scenario’s policy API as cilium (whatever profile runs it)', async () => {
    const { scenario } = await loadScenario('scenarios/leader-kill.yaml');
    if (scenario === undefined) throw new Error('leader-kill.yaml does not load');
    expect(policyApiOf(scenario)).toBe('cilium');
  });
});
