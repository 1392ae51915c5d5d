import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-io.ts';

describe('l2lab cluster', () => {
  it('up --dry-run prints the kind plan as a script and runs nothing', async () => {
    const { code, out } = await runCli('cluster', 'up', '--provider', 'kind', '--target', 'cilium', '--run-id', 'abc', '--dry-run');
    expect(code).toBe(0);
    expect(out).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(out).toContain('\nkind create cluster --name l2lab-abc --config kind/kind-config.yaml --kubeconfig .cache/cluster/abc/kubeconfig\n');
    expect(out).toContain('helm upgrade --install cilium cilium --repo https://helm.cilium.io/');
  });

  it('down needs the run id, and bad input is exit 2 with one message', async () => {
    const down = await runCli('cluster', 'down', '--provider', 'kind');
    expect(down.code).toBe(2);
    expect(down.err).toContain('--run-id is required');
    const bad = await runCli('cluster', 'up', '--provider', 'kind', '--run-id', 'NOPE', '--dry-run');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("run id 'NOPE'");
    const kc = await runCli('cluster', 'up', '--provider', 'kubeconfig', '--dry-run');
    expect(kc.err).toContain('--kubeconfig <file>');
    const provider = await runCli('cluster', 'up', '--provider', 'minikube', '--dry-run');
    expect(provider.code).toBe(2);
  });
});
