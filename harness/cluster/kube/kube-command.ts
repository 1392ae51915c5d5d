/**
 * `l2lab run <scenario> --world cluster --provider kind|talos|kubeconfig`: checks the machine
 * (`kube-preflight.ts`, exit 2 with the install commands), resolves the kubeconfig and context
 * (kind: `kind-<cluster>`, Talos: `admin@<cluster>`), runs the scenario on the cluster
 * (`runScenarioOnKube`), writes the report directory as the other worlds do (run.json with
 * `world: cluster`, history.jsonl, results.json, summary.md, plus `cluster/`: pcaps, histories,
 * `kube-run.json`), prints the summary and returns the run's exit code.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../cli/user-error.ts';
import { SystemClock } from '../../core/system-clock.ts';
import type { Scenario } from '../../scenario/types.ts';
import { systemDoctorProbes } from '../doctor/system-probes.ts';
import { decideKubePreflight } from './kube-preflight.ts';
import { KubePlanError, parseNodeMap, type KubeProvider, type KubeTarget } from './kube-plan.ts';
import { runScenarioOnKube } from './run-kube-scenario.ts';
import { reportClusterRun } from '../report-cluster-run.ts';

/** Options of {@link runKubeCommand}. */
export interface KubeCommandOptions {
  readonly provider: KubeProvider;
  readonly target: KubeTarget;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly clusterName?: string;
  /** `n1=kind-worker,…` */
  readonly nodeMap?: string;
  readonly runId: string;
  readonly seed: number;
  readonly profile?: string;
  readonly out: string;
  readonly format: 'text' | 'json';
  readonly argv: readonly string[];
  readonly signal?: AbortSignal;
}

/** The summary file next to the report (steps, node map, phases, notes). */
export const KUBE_RUN_FILE = 'cluster/kube-run.json';

/** kind's default cluster name; `cluster up` names its clusters `l2lab-<run>`. */
const DEFAULT_CLUSTER = { kind: 'kind', talos: 'talos-default', k3s: 'l2lab', kubeconfig: '' } as const;

/** The kubeconfig context a provider's tool writes for a cluster (undefined: the file's current one). */
export function defaultContextOf(provider: KubeProvider, clusterName: string): string | undefined {
  if (provider === 'kind') return `kind-${clusterName}`;
  if (provider === 'talos') return `admin@${clusterName}`;
  return undefined;
}

/** Runs the scenario on the cluster; returns the exit code. @throws UserError for what the machine or the cluster lacks. */
export async function runKubeCommand(scenario: Scenario, options: KubeCommandOptions, io: { stdout: (t: string) => void; stderr: (t: string) => void }): Promise<number> {
  const kubeconfig = options.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? (existsSync(join(homedir(), '.kube/config')) ? join(homedir(), '.kube/config') : undefined);
  const missing = decideKubePreflight(await systemDoctorProbes.gather(), options.provider, kubeconfig);
  if (missing.length > 0 || kubeconfig === undefined) throw new UserError(`--world cluster --provider ${options.provider}: ${missing.length} missing on this machine`, missing.map((m) => `missing ${m.what} → ${m.fix}`));
  const clusterName = options.clusterName ?? DEFAULT_CLUSTER[options.provider];
  let nodeMap: Record<string, string> | undefined;
  try {
    nodeMap = options.nodeMap === undefined ? undefined : parseNodeMap(options.nodeMap);
  } catch (error) {
    if (error instanceof KubePlanError) throw new UserError(error.message);
    throw error;
  }
  const context = options.context ?? defaultContextOf(options.provider, clusterName);
  const clock = new SystemClock();
  const startedAt = new Date(clock.wallMs());
  const t0 = clock.monotonicMs();
  let output: Awaited<ReturnType<typeof runScenarioOnKube>>;
  try {
    output = await runScenarioOnKube(scenario, {
      provider: options.provider, target: options.target, kubeconfig, clusterName, runId: options.runId, seed: options.seed, runDir: join(options.out, 'cluster'),
      ...(context === undefined ? {} : { context }), ...(nodeMap === undefined ? {} : { nodeMap }), ...(options.profile === undefined ? {} : { profile: options.profile }), ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (line) => io.stderr(`cluster ${options.runId}: ${line}\n`),
    });
  } catch (error) {
    if (error instanceof KubePlanError) throw new UserError(`${scenario.name} on ${options.provider} cluster ${clusterName}: ${error.message}`);
    throw error;
  }
  return reportClusterRun(scenario, output, {
    out: options.out, argv: options.argv, startedAt, wallMs: Math.round(clock.monotonicMs() - t0), format: options.format,
    runFile: { path: KUBE_RUN_FILE, fields: { runId: options.runId, provider: options.provider, target: options.target, cluster: clusterName, context: context ?? null, nodeMap: output.nodeMap } },
  }, io);
}
