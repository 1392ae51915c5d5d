import { describe, expect, it } from 'vitest';
import { UserError } from '../../cli/user-error.ts';
import { executePlan, type PlanRunner } from './execute-plan.ts';
import { planCluster } from './plan-cluster.ts';
import type { Tool } from './plan-types.ts';

function fakeRunner(present: readonly Tool[], failOn?: RegExp): PlanRunner & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    hasTool: async (tool) => present.includes(tool),
    run: async (argv) => {
      ran.push(argv.join(' '));
      return failOn?.test(argv.join(' ')) === true ? { code: 1, stderrTail: 'line 1\nERROR: no such network\n' } : { code: 0, stderrTail: '' };
    },
  };
}
const up = planCluster({ action: 'up', provider: 'kind', target: 'cilium', runId: 'x1', repoRoot: '/r' });

describe('executePlan', () => {
  it('checks every tool before running anything and names how to install the missing ones', async () => {
    const runner = fakeRunner(['docker', 'kubectl']);
    const error = await executePlan(up, runner, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('cluster up --provider kind: missing tools: kind, helm; nothing was created');
    expect((error as UserError).details.join('\n')).toMatch(/kind \(install: curl .*kind-linux-amd64.*\n.*helm \(install: .*get-helm-3/);
    expect(runner.ran).toEqual([]);
  });

  it('runs the steps in order with progress and stops at the first failing up step, naming the down', async () => {
    const runner = fakeRunner(['kind', 'docker', 'helm', 'kubectl'], /network connect .* l2lab-x1-worker$/);
    const lines: string[] = [];
    const error = (await executePlan(up, runner, (l) => lines.push(l)).catch((e: unknown) => e)) as UserError;
    expect(runner.ran).toHaveLength(4);
    expect(lines[0]).toBe('[1/8] create the kind cluster l2lab-x1 (1 control plane, 3 workers, no CNI, no kube-proxy)');
    expect(error.message).toBe('cluster up --provider kind: step 4/8 failed');
    expect(error.details[0]).toContain("'docker network connect l2lab-x1-data2 l2lab-x1-worker' exited 1: line 1 | ERROR: no such network");
    expect(error.details[1]).toContain("'l2lab cluster down --provider kind --target cilium --run-id x1'");
  });

  it('down goes on past failures and reports them', async () => {
    const down = planCluster({ action: 'down', provider: 'kind', target: 'cilium', runId: 'x1', repoRoot: '/r' });
    const runner = fakeRunner(['kind', 'docker', 'bash'], /network rm/);
    const outcome = await executePlan(down, runner, () => {});
    expect(runner.ran).toEqual(['kind delete cluster --name l2lab-x1', 'docker network rm l2lab-x1-data2', 'rm -rf .cache/cluster/x1']);
    expect(outcome.failures).toHaveLength(1);
  });

  it('refuses plans with in-process steps (k3s) before running anything', async () => {
    const k3s = planCluster({ action: 'up', provider: 'k3s', target: 'l2lab', runId: 'x1', repoRoot: '/r' });
    await expect(executePlan(k3s, fakeRunner(['docker']), () => {})).rejects.toThrow(/run inside a test or run process/);
  });
});
