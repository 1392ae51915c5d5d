/**
 * The cluster world's artefacts in kind/: every YAML parses, carries the keys the providers rely
 * on, the Cilium values pass the project's own values parser (what `l2lab check --values` reads),
 * and the workload manifests start the image's in-cluster entrypoint with host networking.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../control-plane/binaries.ts';
import { loadManifests } from '../control-plane/manifests.ts';
import { parseCiliumValues } from '../model/parse/cilium-values.ts';

const kindDir = join(REPO_ROOT, 'kind');
const read = (path: string): string => readFileSync(join(kindDir, path), 'utf8');
type Obj = Record<string, unknown> & { kind?: string; spec?: Record<string, unknown> };

describe('kind/kind-config.yaml', () => {
  it('is one control plane and three workers without the default CNI and kube-proxy', () => {
    const config = parse(read('kind-config.yaml')) as { kind: string; apiVersion: string; networking: Record<string, unknown>; nodes: { role: string }[] };
    expect(config.kind).toBe('Cluster');
    expect(config.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(config.networking.disableDefaultCNI).toBe(true);
    expect(config.networking.kubeProxyMode).toBe('none');
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker', 'worker']);
  });
});

describe('Cilium values', () => {
  it('kind/cilium-values.yaml enables L2 announcements, LB-IPAM and kube-proxy replacement on both kind networks', () => {
    const { values, issues } = parseCiliumValues(read('cilium-values.yaml'), 'kind/cilium-values.yaml');
    expect(issues).toEqual([]);
    expect(values).toMatchObject({ l2announcementsEnabled: true, kubeProxyReplacement: true, devices: ['eth0', 'eth1'], enableLbIpam: true, k8sClientQps: 10, k8sClientBurst: 20, leaseDurationMs: 15_000 });
    const raw = parse(read('cilium-values.yaml')) as Record<string, unknown>;
    expect(raw.k8sServicePort).toBe(6443);
    expect(raw.externalIPs).toEqual({ enabled: true });
  });

  it('kind/talos/cilium-values-talos.yaml points at KubePrism and leaves cgroups to Talos', () => {
    const { issues } = parseCiliumValues(read('talos/cilium-values-talos.yaml'), 'talos');
    expect(issues).toEqual([]);
    const raw = parse(read('talos/cilium-values-talos.yaml')) as Record<string, unknown>;
    expect(raw).toMatchObject({ k8sServiceHost: 'localhost', k8sServicePort: 7445, cgroup: { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' } });
  });
});

describe('kind/talos/talos-patch.yaml', () => {
  it('disables the CNI and kube-proxy and enables KubePrism on 7445', () => {
    const patch = parse(read('talos/talos-patch.yaml')) as { machine: { features: { kubePrism: unknown } }; cluster: { network: { cni: { name: string } }; proxy: { disabled: boolean } } };
    expect(patch.cluster.network.cni.name).toBe('none');
    expect(patch.cluster.proxy.disabled).toBe(true);
    expect(patch.machine.features.kubePrism).toEqual({ enabled: true, port: 7445 });
  });
});

describe('kind/manifests', () => {
  const files = readdirSync(join(kindDir, 'manifests')).filter((f) => f.endsWith('.yaml')).sort();
  const objects = files.flatMap((f) => parseAllDocuments(read(join('manifests', f))).map((d) => {
    expect(d.errors, f).toEqual([]);
    return d.toJS() as Obj;
  }));

  it('hold the agent DaemonSet, the operator Deployment and their ServiceAccounts, none namespaced by hand', () => {
    expect(objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`).sort()).toEqual(['DaemonSet/l2lab-agent', 'Deployment/l2lab-operator', 'ServiceAccount/l2lab-agent', 'ServiceAccount/l2lab-operator']);
    // The plan applies them with -n l2lab-<run>: a namespace in the file would escape the run.
    for (const o of objects) expect((o.metadata as { namespace?: string }).namespace).toBeUndefined();
  });

  it('run the in-cluster entrypoint on the host network with NET_RAW and NET_ADMIN for the agent', () => {
    const pod = (kind: string) => ((objects.find((o) => o.kind === kind)?.spec as { template: { spec: Record<string, unknown> } }).template.spec) as { hostNetwork: boolean; tolerations: unknown[]; containers: { args: string[]; env: { name: string; value?: string }[]; securityContext?: { capabilities: { add: string[] } } }[] };
    const agent = pod('DaemonSet');
    expect(agent.hostNetwork).toBe(true);
    expect(agent.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(agent.containers[0]?.args).toEqual(['cluster-proc', 'node']);
    expect(agent.containers[0]?.securityContext?.capabilities.add).toEqual(['NET_RAW', 'NET_ADMIN']);
    expect(agent.containers[0]?.env.map((e) => e.name)).toContain('NODE_NAME');
    expect(pod('Deployment').containers[0]?.args).toEqual(['cluster-proc', 'operator']);
  });

  it('reuse the CRDs and ClusterRoles the lab installs into its own API server', async () => {
    const lab = await loadManifests();
    expect(lab.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata?.name).sort()).toEqual(['ciliuml2announcementpolicies.cilium.io', 'ciliumloadbalancerippools.cilium.io', 'ipaddresspools.metallb.io', 'l2advertisements.metallb.io']);
    expect(lab.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata?.name).sort()).toEqual(['l2lab:agent', 'l2lab:lbipam-operator']);
  });
});

describe('kind/image/Containerfile', () => {
  it('takes the base image as a build argument and enters the l2lab CLI', () => {
    const text = read('image/Containerfile');
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toMatch(/^ARG BASE=/);
    expect(lines[1]).toBe('FROM ${BASE}');
    expect(text).toMatch(/ENTRYPOINT \["\/usr\/local\/bin\/node", .*"\/opt\/l2lab\/bin\/l2lab.mjs"\]/);
    expect(text).toContain('CMD ["cluster-proc", "node"]');
  });
});
