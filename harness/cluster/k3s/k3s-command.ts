/**
 * `l2lab run <scenario> --world cluster --provider k3s [--target l2lab|cilium] [--k3s-image I]
 * [--nodes N]`: checks the machine (exit 2 naming what is missing — a Docker daemon, the image,
 * the tools), starts a k3s cluster in this process (`planK3sCluster` + `startK3sCluster`), runs the
 * setup steps (responder image + manifests, or Cilium), runs the scenario on it exactly as on kind
 * (`runOnCluster`: `runKubeCommand` with provider `k3s`), and in `finally` — also after SIGINT,
 * which aborts `signal` — stops every container and the network and removes the responder image it
 * built. The cluster lives only as long as this process: testcontainers' reaper removes what is
 * left if the process dies.
 */
import { resolve } from 'node:path';
import { EXIT, UserError } from '../../cli/user-error.ts';
import type { Clock } from '../../core/clock.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { DoctorProbes } from '../doctor/doctor-facts.ts';
import { executePlan, type PlanRunner } from '../plan/execute-plan.ts';
import { DEFAULT_K3S_IMAGE, runNames } from '../plan/plan-cluster.ts';
import type { Target } from '../plan/plan-types.ts';
import { K3sPlanError, planK3sCluster, type K3sClusterPlan } from './k3s-plan.ts';
import { decideK3sPreflight, describeK3sStartFailure, k3sImageAdvice } from './k3s-preflight.ts';
import { K3sStartError, startK3sCluster, type K3sFactory, type StartedK3sCluster } from './k3s-starter.ts';

/** Options of {@link runK3sCommand}. */
export interface K3sCommandOptions {
  readonly target: Target;
  readonly runId: string;
  /** Agent containers (default: the scenario's node count). */
  readonly nodes?: number;
  readonly k3sImage?: string;
  /** Relative paths of the plan (kind/, .cache/cluster/<run>/) are resolved here. */
  readonly repoRoot: string;
  readonly signal?: AbortSignal;
}

/** The effects, injected (tests use fakes; `run-cli.ts` wires the real ones). */
export interface K3sCommandPorts {
  readonly probes: DoctorProbes;
  /** True when the default Docker daemon has `image` (the doctor's facts know only the default k3s image). */
  readonly hasImage: (image: string) => Promise<boolean>;
  /** Called only once the preflight passed (loads testcontainers). */
  readonly factory: () => Promise<K3sFactory>;
  readonly runner: PlanRunner;
  readonly clock: Clock;
  /** The cluster's join secret. */
  readonly token: () => string;
  /** Runs the scenario on the started cluster and returns the exit code (`runKubeCommand`). */
  readonly runOnCluster: (kubeconfig: string, clusterName: string) => Promise<number>;
  readonly stderr: (text: string) => void;
}

/** Brings k3s up, runs the scenario, tears down. @throws UserError (exit 2) for what the machine lacks or a failed start. */
export async function runK3sCommand(scenario: Scenario, options: K3sCommandOptions, ports: K3sCommandPorts): Promise<number> {
  const image = options.k3sImage ?? DEFAULT_K3S_IMAGE;
  const facts = await ports.probes.gather();
  const missing = decideK3sPreflight(facts, options.target);
  if (missing.length > 0) {
    throw new UserError(`--world cluster --provider k3s: ${missing.length} missing on this machine (k3s runs ${image} as privileged Docker containers: it needs a Docker daemon and that image, local or pullable)`, [
      ...missing.map((m) => `missing ${m.what} → ${m.fix}`),
      ...(facts.images.has(image) ? [] : k3sImageAdvice(image)),
    ]);
  }
  const imageLocal = await ports.hasImage(image);
  let plan: K3sClusterPlan;
  try {
    plan = planK3sCluster({ runId: options.runId, target: options.target, agents: options.nodes ?? scenario.topology.nodes.length, ...(options.k3sImage === undefined ? {} : { k3sImage: options.k3sImage }), token: ports.token() });
  } catch (error) {
    if (error instanceof K3sPlanError) throw new UserError(`--provider k3s: ${error.message}`);
    throw error;
  }
  const progress = (line: string): void => ports.stderr(`k3s ${options.runId}: ${line}\n`);
  if (!imageLocal) progress(`${image} is not in the Docker daemon: testcontainers pulls it`);
  let cluster: StartedK3sCluster;
  try {
    cluster = await startK3sCluster(plan, { factory: await ports.factory(), clock: ports.clock, resolvePath: (p) => resolve(options.repoRoot, p), progress, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (error) {
    if (!(error instanceof K3sStartError)) throw error;
    const { message, details } = describeK3sStartFailure(error, image, imageLocal);
    throw new UserError(message, details);
  }
  const builtImage = plan.target === 'l2lab' ? runNames(options.runId).image : undefined;
  try {
    try {
      await executePlan({ action: 'up', provider: 'k3s', target: plan.target, runId: plan.runId, repoRoot: options.repoRoot, kubeconfig: cluster.kubeconfigPath, env: { KUBECONFIG: cluster.kubeconfigPath }, steps: plan.setup, notes: [] }, ports.runner, progress);
    } catch (error) {
      // The executor's advice to run `cluster down` does not apply: the finally below removes it all.
      if (error instanceof UserError) throw new UserError(`--provider k3s: setting up ${plan.clusterName} failed`, [error.message, ...error.details.filter((d) => !d.startsWith('what was created so far stays')), 'the k3s containers and network are stopped']);
      throw error;
    }
    if (options.signal?.aborted === true) throw new UserError('--provider k3s: interrupted before the scenario started; the cluster is stopped', [], EXIT.interrupted);
    return await ports.runOnCluster(cluster.kubeconfigPath, plan.clusterName);
  } finally {
    progress(`stopping ${plan.agents.length + 1} container(s) and the network ${plan.network}`);
    const failures = await cluster.stop();
    if (builtImage !== undefined) {
      const removed = await ports.runner.run(['docker', 'image', 'rm', builtImage], { cwd: options.repoRoot, env: {} }).catch(() => ({ code: 1, stderrTail: '' }));
      if (removed.code !== 0) failures.push(`removing the responder image ${builtImage}: exit ${removed.code}`);
    }
    for (const f of failures) progress(`teardown: ${f}`);
  }
}
