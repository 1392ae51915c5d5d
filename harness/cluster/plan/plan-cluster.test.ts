import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ClusterPlanError, planCluster, secondNetworkSubnet, type ClusterPlanOptions } from './plan-cluster.ts';
import { isShellStep, type ClusterPlan, type PlanStep } from './plan-types.ts';
import { renderShellPlan, shellQuote } from './render-shell.ts';

const base = { runId: 'r1a2', repoRoot: '/src/l2lab' } as const;
const plan = (o: Partial<ClusterPlanOptions> & Pick<ClusterPlanOptions, 'action' | 'provider' | 'target'>): ClusterPlan => planCluster({ ...base, ...o });
const commands = (p: ClusterPlan): string[] => p.steps.filter(isShellStep).map((s: PlanStep) => s.argv.join(' '));

describe('kind', () => {
  it('up --target cilium: cluster from the kind config, second network on every node, Cilium with the kind values', () => {
    const subnet = secondNetworkSubnet('r1a2');
    expect(commands(plan({ action: 'up', provider: 'kind', target: 'cilium' }))).toEqual([
      'kind create cluster --name l2lab-r1a2 --config kind/kind-config.yaml --kubeconfig .cache/cluster/r1a2/kubeconfig',
      `docker network create --driver bridge --subnet ${subnet} --label l2lab.io/run=r1a2 l2lab-r1a2-data2`,
      'docker network connect l2lab-r1a2-data2 l2lab-r1a2-control-plane',
      'docker network connect l2lab-r1a2-data2 l2lab-r1a2-worker',
      'docker network connect l2lab-r1a2-data2 l2lab-r1a2-worker2',
      'docker network connect l2lab-r1a2-data2 l2lab-r1a2-worker3',
      'helm upgrade --install cilium cilium --repo https://helm.cilium.io/ --version 1.16.5 --namespace kube-system --kubeconfig .cache/cluster/r1a2/kubeconfig --values kind/cilium-values.yaml --set k8sServiceHost=l2lab-r1a2-control-plane --set k8sServicePort=6443 --wait --timeout 10m',
      'kubectl --kubeconfig .cache/cluster/r1a2/kubeconfig wait --for=condition=Ready nodes --all --timeout 5m',
    ]);
  });

  it('up --target l2lab: builds and loads the run\'s image, binds the run\'s ServiceAccounts, points the workload at the control plane', () => {
    const cmds = commands(plan({ action: 'up', provider: 'kind', target: 'l2lab' }));
    expect(cmds.slice(6, 9)).toEqual([
      'bash kind/image/build.sh --base debian:bookworm-slim --tag l2lab-responder:r1a2',
      'kind load docker-image l2lab-responder:r1a2 --name l2lab-r1a2',
      'kubectl --kubeconfig .cache/cluster/r1a2/kubeconfig apply -f kind/crds/ -f kind/rbac/l2lab-roles.yaml',
    ]);
    expect(cmds).toContain('kubectl --kubeconfig .cache/cluster/r1a2/kubeconfig create clusterrolebinding l2lab-r1a2-agent --clusterrole=l2lab:agent --serviceaccount=l2lab-r1a2:l2lab-agent');
    expect(cmds).toContain('kubectl --kubeconfig .cache/cluster/r1a2/kubeconfig -n l2lab-r1a2 apply -f kind/manifests/');
    expect(cmds).toContain('kubectl --kubeconfig .cache/cluster/r1a2/kubeconfig -n l2lab-r1a2 set env daemonset/l2lab-agent deployment/l2lab-operator L2LAB_API_SERVER=https://l2lab-r1a2-control-plane:6443');
    expect(cmds.at(-2)).toBe('kubectl --kubeconfig .cache/cluster/r1a2/kubeconfig -n l2lab-r1a2 rollout status daemonset/l2lab-agent --timeout 5m');
  });

  it('down removes the cluster, the network and the image of the same run, going on past failures', () => {
    const down = plan({ action: 'down', provider: 'kind', target: 'l2lab' });
    expect(commands(down)).toEqual(['kind delete cluster --name l2lab-r1a2', 'docker network rm l2lab-r1a2-data2', 'docker image rm l2lab-responder:r1a2', 'rm -rf .cache/cluster/r1a2']);
    expect(down.steps.every((s) => isShellStep(s) && s.mayFail === true)).toBe(true);
  });
});

describe('every provider', () => {
  const cases = [
    ['kind', 'l2lab'], ['kind', 'cilium'], ['talos', 'l2lab'], ['talos', 'cilium'], ['kubeconfig', 'l2lab'], ['docker', 'l2lab'],
  ] as const;
  it.each(cases)('%s/%s: every command that creates or removes something names the run id', (provider, target) => {
    for (const action of ['up', 'down'] as const) {
      const p = plan({ action, provider, target, kubeconfig: '/home/u/.kube/config' });
      const creating = p.steps.filter(isShellStep).filter((s) => /\b(create|connect|rm|delete|destroy|load|build\.sh|install|set)\b/.test(s.argv.join(' ')) && !s.argv.includes('kind/crds/'));
      expect(creating.length).toBeGreaterThan(0);
      for (const step of creating) expect(step.argv.join(' '), step.title).toMatch(/r1a2/);
    }
  });

  it('down mirrors up: each network, namespace, binding, image and cluster up creates is removed by down', () => {
    for (const [provider, target] of cases) {
      const up = commands(plan({ action: 'up', provider, target, kubeconfig: 'k' })).join('\n');
      const down = commands(plan({ action: 'down', provider, target, kubeconfig: 'k' })).join('\n');
      for (const name of new Set(up.match(/l2lab-r1a2(-[a-z0-9]+)?|l2lab-responder:r1a2/g) ?? [])) {
        if (/-(control|worker)/.test(name)) continue; // node containers go with their cluster
        // Objects inside a kind or Talos cluster go with the cluster.
        if ((provider === 'kind' || provider === 'talos') && /-(agent|operator)$/.test(name)) continue;
        expect(down, `${provider}/${target}: ${name}`).toContain(name);
      }
    }
  });
});

describe('talos', () => {
  it('creates Talos-in-Docker with the patch, writes the kubeconfig from the control plane and installs Cilium with the Talos overlay', () => {
    const cmds = commands(plan({ action: 'up', provider: 'talos', target: 'cilium' }));
    expect(cmds[1]).toMatch(/^talosctl cluster create docker --name l2lab-r1a2 --controlplanes 1 --workers 3 --cidr 198\.18\.\d+\.0\/24 --config-patch @kind\/talos\/talos-patch\.yaml --talosconfig \.cache\/cluster\/r1a2\/talosconfig --skip-kubeconfig$/);
    expect(cmds[2]).toMatch(/^talosctl kubeconfig \.cache\/cluster\/r1a2\/kubeconfig --talosconfig \.cache\/cluster\/r1a2\/talosconfig --nodes 198\.18\.\d+\.2 --force$/);
    expect(cmds.some((c) => c.includes('--values kind/cilium-values.yaml --values kind/talos/cilium-values-talos.yaml'))).toBe(true);
    expect(cmds.filter((c) => c.startsWith('docker network connect')).map((c) => c.split(' ').at(-1))).toEqual(['l2lab-r1a2-controlplane-1', 'l2lab-r1a2-worker-1', 'l2lab-r1a2-worker-2', 'l2lab-r1a2-worker-3']);
  });
});

describe('kubeconfig, k3s, docker', () => {
  it('kubeconfig needs the file; --target cilium only checks what is installed and changes nothing', () => {
    expect(() => plan({ action: 'up', provider: 'kubeconfig', target: 'l2lab' })).toThrow(/--kubeconfig/);
    const cmds = commands(plan({ action: 'up', provider: 'kubeconfig', target: 'cilium', kubeconfig: 'k' }));
    expect(cmds[0]).toBe('kubectl --kubeconfig k -n kube-system rollout status daemonset/cilium --timeout 120s');
    expect(cmds.every((c) => !/ (apply|create|delete|set) /.test(c))).toBe(true);
    expect(plan({ action: 'down', provider: 'kubeconfig', target: 'cilium', kubeconfig: 'k' }).steps).toEqual([]);
  });

  it('kubeconfig --target l2lab uses the given image and no API override (the cluster has its Service routing)', () => {
    const cmds = commands(plan({ action: 'up', provider: 'kubeconfig', target: 'l2lab', kubeconfig: 'k', image: 'ghcr.io/me/l2lab:1' }));
    expect(cmds).toContain('kubectl --kubeconfig k -n l2lab-r1a2 set image daemonset/l2lab-agent agent=ghcr.io/me/l2lab:1');
    expect(cmds.some((c) => c.includes('L2LAB_API_SERVER'))).toBe(false);
    expect(cmds.some((c) => c.includes('build.sh'))).toBe(false);
  });

  it('k3s is planned as in-process testcontainers steps', () => {
    const p = plan({ action: 'up', provider: 'k3s', target: 'l2lab' });
    expect(p.steps.every((s) => !isShellStep(s))).toBe(true);
    expect(p.notes.join(' ')).toMatch(/testcontainers/);
    // Executing it is refused with the way to run k3s: a scenario run that starts and stops it.
    expect(p.notes.join(' ')).toContain("'l2lab run <scenario> --world cluster --provider k3s [--target l2lab]'");
    const cilium = plan({ action: 'up', provider: 'k3s', target: 'cilium' });
    expect(cilium.steps[0]?.title).toMatch(/--flannel-backend=none --disable-network-policy --disable-kube-proxy/);
    expect(cilium.steps[2]?.title).toMatch(/install Cilium/);
  });

  it('docker runs against l2lab\'s own daemon socket and builds on the local debootstrap base without network', () => {
    const p = plan({ action: 'up', provider: 'docker', target: 'l2lab' });
    expect(p.env).toEqual({ DOCKER_HOST: 'unix:///run/l2lab-docker/docker.sock' });
    expect(commands(p)).toContain('bash kind/image/build.sh --base l2lab-base:bookworm --tag l2lab-responder:r1a2 --network none');
    expect(commands(plan({ action: 'down', provider: 'docker', target: 'l2lab' }))[0]).toBe('bash -c docker ps -aq --filter label=l2lab.io/run=r1a2 | xargs -r docker rm -f');
  });

  it('refuses bad run ids and subnets outside 198.18.0.0/15', () => {
    expect(() => plan({ action: 'up', provider: 'kind', target: 'cilium', runId: 'Bad_ID' })).toThrow(ClusterPlanError);
    expect(() => plan({ action: 'up', provider: 'kind', target: 'cilium', subnet: '10.0.0.0/24' })).toThrow(/198\.18\.0\.0\/15/);
    expect(commands(plan({ action: 'up', provider: 'kind', target: 'cilium', subnet: '198.19.7.0/24' }))[1]).toContain('--subnet 198.19.7.0/24');
  });
});

describe('renderShellPlan', () => {
  it('prints a bash script that cds to the repository, runs each command once and passes bash -n', () => {
    const p = plan({ action: 'up', provider: 'kind', target: 'l2lab' });
    const script = renderShellPlan(p);
    expect(script.split('\n').slice(0, 2)).toEqual(['#!/usr/bin/env bash', `# l2lab cluster up --provider kind --target l2lab --run-id r1a2: ${p.steps.length} steps`]);
    expect(script).toContain('\nset -euo pipefail\ncd /src/l2lab\n');
    expect(script).toContain('\nkind create cluster --name l2lab-r1a2 --config kind/kind-config.yaml --kubeconfig .cache/cluster/r1a2/kubeconfig\n');
    execFileSync('bash', ['-n'], { input: script });
  });

  it('quotes what bash would split and marks best-effort steps', () => {
    expect(shellQuote("it's a b")).toBe(`'it'\\''s a b'`);
    expect(shellQuote('--for=condition=Ready')).toBe('--for=condition=Ready');
    const down = renderShellPlan(plan({ action: 'down', provider: 'docker', target: 'l2lab' }));
    expect(down).toContain("bash -c 'docker ps -aq --filter label=l2lab.io/run=r1a2 | xargs -r docker rm -f' || true");
    expect(down).toContain('export DOCKER_HOST=unix:///run/l2lab-docker/docker.sock');
    execFileSync('bash', ['-n'], { input: down });
  });
});
