import { describe, expect, it } from 'vitest';
import { K3sPlanError, planK3sCluster, type K3sClusterOptions } from './k3s-plan.ts';

const plan = (o: Partial<K3sClusterOptions> = {}) => planK3sCluster({ runId: 'r1a2', target: 'l2lab', agents: 3, token: 'tok', ...o });
const commands = (p: ReturnType<typeof plan>): string[] => p.setup.map((s) => s.argv.join(' '));

describe('planK3sCluster', () => {
  it('names every container as its node, on one run-named network, all labelled with the run', () => {
    const p = plan();
    expect(p.network).toBe('l2lab-r1a2');
    expect(p.server.name).toBe('l2lab-r1a2-server');
    expect(p.agents.map((a) => a.name)).toEqual(['l2lab-r1a2-a1', 'l2lab-r1a2-a2', 'l2lab-r1a2-a3']);
    expect(p.nodeNames).toEqual(['l2lab-r1a2-server', 'l2lab-r1a2-a1', 'l2lab-r1a2-a2', 'l2lab-r1a2-a3']);
    for (const c of [p.server, ...p.agents]) {
      expect(c.command).toContain(`--node-name=${c.name}`);
      expect(c.labels).toEqual({ 'l2lab.io/run': 'r1a2' });
      expect(c.image).toBe('rancher/k3s:v1.31.4-k3s1');
    }
    expect(p.kubeconfig).toBe('.cache/cluster/r1a2/kubeconfig');
  });

  it('agents join the server by its container name with the token', () => {
    const p = plan({ token: 's3cret' });
    expect(p.server.env).toEqual({ K3S_TOKEN: 's3cret' });
    for (const a of p.agents) {
      expect(a.command[0]).toBe('agent');
      expect(a.env).toEqual({ K3S_URL: 'https://l2lab-r1a2-server:6443', K3S_TOKEN: 's3cret' });
    }
    expect(p.server.command).toContain('--tls-san=l2lab-r1a2-server');
  });

  it('--target l2lab keeps flannel and kube-proxy, builds the image, imports it into every node and applies the manifests', () => {
    const p = plan();
    expect(p.server.command).toEqual(['server', '--node-name=l2lab-r1a2-server', '--disable=traefik,servicelb', '--tls-san=l2lab-r1a2-server']);
    const cmds = commands(p);
    expect(cmds[0]).toBe('bash kind/image/build.sh --base debian:bookworm-slim --tag l2lab-responder:r1a2');
    for (const node of p.nodeNames) expect(cmds).toContain(`bash -c docker save l2lab-responder:r1a2 | docker exec -i ${node} ctr -n k8s.io images import -`);
    expect(cmds).toContain('kubectl --kubeconfig .cache/cluster/r1a2/kubeconfig -n l2lab-r1a2 apply -f kind/manifests/');
    // kube-proxy runs: no API address override.
    expect(cmds.some((c) => c.includes('L2LAB_API_SERVER'))).toBe(false);
    expect(cmds.some((c) => c.startsWith('helm'))).toBe(false);
  });

  it('a given responder image is not built, only imported', () => {
    const cmds = commands(plan({ responderImage: 'l2lab-responder:dev' }));
    expect(cmds.some((c) => c.includes('build.sh'))).toBe(false);
    expect(cmds).toContain('bash -c docker save l2lab-responder:dev | docker exec -i l2lab-r1a2-a1 ctr -n k8s.io images import -');
  });

  it('--target cilium: no flannel, no network policy, no kube-proxy; Cilium with the kind values pointed at the server container', () => {
    const p = plan({ target: 'cilium', k3sImage: 'rancher/k3s:local' });
    expect(p.server.command).toEqual(expect.arrayContaining(['--flannel-backend=none', '--disable-network-policy', '--disable-kube-proxy', '--disable=traefik,servicelb']));
    expect(p.agents.every((a) => a.image === 'rancher/k3s:local')).toBe(true);
    const cmds = commands(p);
    expect(cmds[0]).toMatch(/^helm upgrade --install cilium cilium .* --values kind\/cilium-values.yaml --set k8sServiceHost=l2lab-r1a2-server --set k8sServicePort=6443 --set devices=\{eth0\}/);
    expect(cmds.some((c) => c.includes('ctr') || c.includes('kind/manifests'))).toBe(false);
  });

  it('refuses bad run ids, agent counts and an empty token', () => {
    expect(() => plan({ runId: 'Bad_ID' })).toThrow(K3sPlanError);
    expect(() => plan({ agents: 0 })).toThrow(/--nodes 0/);
    expect(() => plan({ agents: 17 })).toThrow(/1–16/);
    expect(() => plan({ token: '' })).toThrow(/token/);
  });
});
