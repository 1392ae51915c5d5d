/**
 * Starts a planned k3s cluster ({@link K3sClusterPlan}) in this process: the network, the server,
 * the agents, a bounded wait (with progress lines) until every planned node has registered, then
 * the kubeconfig written. The containers come from a {@link K3sFactory} (testcontainers in
 * `testcontainers-factory.ts`; a fake in the tests). A failure or an abort midway stops what was
 * started, newest first, before the error goes on; {@link StartedK3sCluster.stop} does the same
 * once the run is over.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { K3sClusterPlan, K3sContainerSpec } from './k3s-plan.ts';

/** Something started that must be stopped. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** The started server: its kubeconfig with the server URL rewritten to the host's mapped port. */
export interface StartedServer extends Stoppable {
  kubeconfig(): string;
}

/** What the starter needs from the container runtime. */
export interface K3sFactory {
  startNetwork(name: string): Promise<Stoppable>;
  startServer(spec: K3sContainerSpec, network: string): Promise<StartedServer>;
  startAgent(spec: K3sContainerSpec, network: string): Promise<Stoppable>;
  /** Names of the cluster's registered Nodes, read with `kubeconfig` (YAML text). */
  listNodeNames(kubeconfig: string): Promise<readonly string[]>;
}

/** Ports and bounds of {@link startK3sCluster}. */
export interface K3sStartOptions {
  readonly factory: K3sFactory;
  readonly clock: Clock;
  /** Where {@link K3sClusterPlan.kubeconfig} is resolved (the repository root). */
  readonly resolvePath: (path: string) => string;
  readonly progress: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Bound of the wait for every node to register. Default 180 s. */
  readonly registerTimeoutMs?: number;
  /** Between two reads of the Nodes. Default 2 s. */
  readonly pollMs?: number;
  /** Writes the kubeconfig (tests capture it). Default: mkdir -p + writeFile, mode 0600. */
  readonly writeKubeconfig?: (path: string, text: string) => Promise<void>;
}

/** A running cluster. */
export interface StartedK3sCluster {
  /** Absolute path of the written kubeconfig. */
  readonly kubeconfigPath: string;
  /** Stops the agents, the server and the network (newest first); failures are returned, not thrown. */
  stop(): Promise<string[]>;
}

/** A start that failed (after stopping what it started). `stage` says where. */
export class K3sStartError extends Error {
  override readonly name = 'K3sStartError';
  readonly stage: 'network' | 'server' | 'agent' | 'register' | 'kubeconfig' | 'aborted';
  constructor(stage: K3sStartError['stage'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.stage = stage;
  }
}

const DEFAULT_REGISTER_TIMEOUT_MS = 180_000;
const DEFAULT_POLL_MS = 2_000;

/** Starts the cluster of `plan`. @throws K3sStartError after stopping whatever had started. */
export async function startK3sCluster(plan: K3sClusterPlan, o: K3sStartOptions): Promise<StartedK3sCluster> {
  const started: { readonly what: string; readonly handle: Stoppable }[] = [];
  const stopAll = async (): Promise<string[]> => {
    const failures: string[] = [];
    for (const { what, handle } of [...started].reverse()) {
      try {
        await handle.stop();
      } catch (error) {
        failures.push(`stopping ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    started.length = 0;
    return failures;
  };
  const step = async <T extends Stoppable>(stage: K3sStartError['stage'], what: string, start: () => Promise<T>): Promise<T> => {
    if (o.signal?.aborted === true) throw new K3sStartError('aborted', `starting k3s cluster ${plan.clusterName}: interrupted before ${what}`);
    o.progress(`starting ${what}`);
    try {
      const handle = await start();
      started.push({ what, handle });
      return handle;
    } catch (error) {
      throw new K3sStartError(stage, `starting ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  try {
    await step('network', `network ${plan.network}`, () => o.factory.startNetwork(plan.network));
    const server = await step('server', `k3s server ${plan.server.name} (${plan.server.image})`, () => o.factory.startServer(plan.server, plan.network));
    for (const agent of plan.agents) await step('agent', `k3s agent ${agent.name}`, () => o.factory.startAgent(agent, plan.network));
    const kubeconfig = server.kubeconfig();
    await waitForNodes(plan, kubeconfig, o);
    const kubeconfigPath = o.resolvePath(plan.kubeconfig);
    try {
      await (o.writeKubeconfig ?? writeKubeconfigFile)(kubeconfigPath, kubeconfig);
    } catch (error) {
      throw new K3sStartError('kubeconfig', `writing the kubeconfig of ${plan.clusterName} to ${kubeconfigPath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    o.progress(`kubeconfig ${kubeconfigPath}`);
    return { kubeconfigPath, stop: stopAll };
  } catch (error) {
    const failures = await stopAll();
    if (failures.length > 0 && error instanceof Error) error.message += ` (and while stopping: ${failures.join('; ')})`;
    throw error;
  }
}

async function waitForNodes(plan: K3sClusterPlan, kubeconfig: string, o: K3sStartOptions): Promise<void> {
  const timeoutMs = o.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS;
  const pollMs = o.pollMs ?? DEFAULT_POLL_MS;
  const deadline = o.clock.monotonicMs() + timeoutMs;
  const wanted = new Set(plan.nodeNames);
  let missing = [...wanted];
  let lastError = '';
  // Bounded by the deadline: every pass sleeps pollMs (> 0) or returns.
  for (let pass = 0; ; pass += 1) {
    try {
      const names = new Set(await o.factory.listNodeNames(kubeconfig));
      missing = [...wanted].filter((n) => !names.has(n));
      lastError = '';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (missing.length === 0 && lastError === '') {
      o.progress(`${wanted.size}/${wanted.size} node(s) registered`);
      return;
    }
    if (pass % 5 === 0) o.progress(`${wanted.size - missing.length}/${wanted.size} node(s) registered${lastError === '' ? '' : ` (API: ${lastError})`}; waiting for ${missing.join(', ')}`);
    if (o.clock.monotonicMs() >= deadline) {
      throw new K3sStartError('register', `waiting for the nodes of ${plan.clusterName} to register: ${missing.join(', ')} not registered within ${timeoutMs} ms${lastError === '' ? '' : ` (last API error: ${lastError})`}`);
    }
    if ((await o.clock.sleep(Math.max(1, pollMs), o.signal)) === 'aborted') throw new K3sStartError('aborted', `waiting for the nodes of ${plan.clusterName} to register: interrupted`);
  }
}

async function writeKubeconfigFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o600 });
}
