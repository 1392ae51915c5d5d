/**
 * The real ports of `l2lab run --world cluster --provider k3s` (`k3s-command.ts`): the doctor's
 * system probes, testcontainers (loaded only once the preflight passed), the plan executor's
 * process runner, the system clock, a random join token, and `runKubeCommand` with provider `k3s`
 * for the scenario itself.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { REPO_ROOT } from '../../control-plane/binaries.ts';
import { SystemClock } from '../../core/system-clock.ts';
import type { Scenario } from '../../scenario/types.ts';
import { systemDoctorProbes } from '../doctor/system-probes.ts';
import { systemPlanRunner } from '../exec/system-plan-runner.ts';
import { runKubeCommand, type KubeCommandOptions } from '../kube/kube-command.ts';
import type { Target } from '../plan/plan-types.ts';
import { runK3sCommand } from './k3s-command.ts';

/** Options of {@link runK3sScenario}: the kube run's, plus the k3s cluster's. */
export interface K3sRunOptions extends Omit<KubeCommandOptions, 'provider' | 'kubeconfig' | 'context' | 'clusterName' | 'target'> {
  readonly target: Target;
  readonly nodes?: number;
  readonly k3sImage?: string;
}

/** Starts k3s, runs `scenario` on it, stops it; returns the exit code. @throws UserError (exit 2). */
export async function runK3sScenario(scenario: Scenario, options: K3sRunOptions, io: { stdout: (t: string) => void; stderr: (t: string) => void }): Promise<number> {
  const { nodes, k3sImage, ...kube } = options;
  return runK3sCommand(scenario, {
    target: options.target, runId: options.runId, repoRoot: REPO_ROOT,
    ...(nodes === undefined ? {} : { nodes }), ...(k3sImage === undefined ? {} : { k3sImage }), ...(options.signal === undefined ? {} : { signal: options.signal }),
  }, {
    probes: systemDoctorProbes,
    hasImage: (image) => new Promise((done) => execFile('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 30_000 }, (error) => done(error === null))),
    factory: async () => (await import('./testcontainers-factory.ts')).testcontainersK3sFactory(),
    runner: systemPlanRunner(io.stderr),
    clock: new SystemClock(),
    token: () => randomBytes(16).toString('hex'),
    runOnCluster: (kubeconfig, clusterName) => runKubeCommand(scenario, { ...kube, provider: 'k3s', kubeconfig, clusterName }, io),
    stderr: io.stderr,
  });
}
