/**
 * `planK3sCluster`: what the k3s provider starts for one run, as data — the Docker network, the
 * server container (`K3sContainer`), one agent container per node (`GenericContainer` of the same
 * image, `agent`), and the shell steps run once every node has registered (the responder image
 * built and imported into each node's containerd, then kind/manifests; or Cilium through Helm).
 * Pure: the starter (`k3s-starter.ts`) and the command (`k3s-command.ts`) do the effects.
 *
 * Every container is named as its node (`l2lab-<run>-server`, `l2lab-<run>-a<k>`, and `--node-name`
 * the same), because the cluster world finds a node's container by `docker inspect <node name>`.
 */
import { buildImage, ciliumSteps, DEFAULT_BASE_IMAGE, DEFAULT_K3S_IMAGE, runNames, workloadSteps } from '../plan/plan-cluster.ts';
import type { PlanStep, Target } from '../plan/plan-types.ts';

/** The label every container of a run carries (the docker provider's too). */
export const RUN_LABEL = 'l2lab.io/run';
/** The API server port inside the server container. */
export const K3S_API_PORT = 6443;
/** Most agents one run starts (a bound on what a typo in `--nodes` can start). */
export const MAX_K3S_AGENTS = 16;

/** Inputs of {@link planK3sCluster}. */
export interface K3sClusterOptions {
  readonly runId: string;
  readonly target: Target;
  /** Agent containers (the scenario's node count by default, chosen by the caller). */
  readonly agents: number;
  /** The k3s image (default {@link DEFAULT_K3S_IMAGE}). */
  readonly k3sImage?: string;
  /** Responder image for `--target l2lab` (default `l2lab-responder:<run>`, built here). */
  readonly responderImage?: string;
  readonly baseImage?: string;
  readonly ciliumVersion?: string;
  /** The cluster's join secret (the command draws a random one). */
  readonly token: string;
}

/** One container of the cluster. */
export interface K3sContainerSpec {
  readonly role: 'server' | 'agent';
  /** Container name = Kubernetes node name. */
  readonly name: string;
  readonly image: string;
  /** Arguments after the image's entrypoint (`server …` / `agent …`). */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

/** Everything the k3s provider does for one run. */
export interface K3sClusterPlan {
  readonly runId: string;
  readonly target: Target;
  readonly clusterName: string;
  /** The Docker network every container is on (testcontainers' `Network`, named). */
  readonly network: string;
  readonly server: K3sContainerSpec;
  readonly agents: readonly K3sContainerSpec[];
  /** Node names that must register before the setup steps run. */
  readonly nodeNames: readonly string[];
  /** Where the kubeconfig is written (relative to the repository). */
  readonly kubeconfig: string;
  /** Run with the plan executor once the nodes registered. */
  readonly setup: readonly PlanStep[];
}

/** Input a k3s cluster cannot be planned from. */
export class K3sPlanError extends Error {
  override readonly name = 'K3sPlanError';
}

const RUN_ID = /^[a-z0-9]{1,12}$/;

/** Plans one k3s cluster. @throws K3sPlanError for a bad run id or agent count. */
export function planK3sCluster(options: K3sClusterOptions): K3sClusterPlan {
  if (!RUN_ID.test(options.runId)) throw new K3sPlanError(`run id '${options.runId}': 1–12 lowercase letters or digits (it names the containers and the network)`);
  if (!Number.isInteger(options.agents) || options.agents < 1 || options.agents > MAX_K3S_AGENTS) throw new K3sPlanError(`--nodes ${options.agents}: 1–${MAX_K3S_AGENTS} agent containers`);
  if (options.token === '') throw new K3sPlanError('an empty k3s token');
  const names = runNames(options.runId);
  const image = options.k3sImage ?? DEFAULT_K3S_IMAGE;
  const labels = { [RUN_LABEL]: options.runId };
  const serverName = `${names.cluster}-server`;
  const cilium = options.target === 'cilium';
  const server: K3sContainerSpec = {
    role: 'server',
    name: serverName,
    image,
    command: [
      'server',
      `--node-name=${serverName}`,
      '--disable=traefik,servicelb',
      // The agents (and Cilium's k8sServiceHost) reach the server by its container name.
      `--tls-san=${serverName}`,
      // Real Cilium is the CNI and the kube-proxy replacement; for our responder flannel and
      // kube-proxy stay, so the nodes are Ready and the API Service routes.
      ...(cilium ? ['--flannel-backend=none', '--disable-network-policy', '--disable-kube-proxy'] : []),
    ],
    env: { K3S_TOKEN: options.token },
    labels,
  };
  const agents = Array.from({ length: options.agents }, (_, i): K3sContainerSpec => {
    const name = `${names.cluster}-a${i + 1}`;
    return { role: 'agent', name, image, command: ['agent', `--node-name=${name}`], env: { K3S_URL: `https://${serverName}:${K3S_API_PORT}`, K3S_TOKEN: options.token }, labels };
  });
  const nodes = [server, ...agents].map((c) => c.name);
  const kubeconfig = `${names.stateDir}/kubeconfig`;
  const responder = options.responderImage ?? names.image;
  const ctx = { names, kubeconfig, image: responder, ...(options.ciliumVersion === undefined ? {} : { ciliumVersion: options.ciliumVersion }) };
  // k3s nodes have one network (no second network as on kind): Cilium's devices are eth0 only.
  const setup: PlanStep[] = cilium
    ? ciliumSteps(ctx, ['--values', 'kind/cilium-values.yaml', '--set', `k8sServiceHost=${serverName}`, '--set', `k8sServicePort=${K3S_API_PORT}`, '--set', 'devices={eth0}'])
    : [
        ...(responder === names.image ? [buildImage(ctx, options.baseImage ?? DEFAULT_BASE_IMAGE)] : []),
        ...nodes.map((node): PlanStep => ({ title: `load ${responder} into ${node}'s containerd`, tool: 'bash', argv: ['bash', '-c', `docker save ${responder} | docker exec -i ${node} ctr -n k8s.io images import -`] })),
        // kube-proxy runs: the API Service's ClusterIP routes, no address override.
        ...workloadSteps(ctx, undefined),
      ];
  return { runId: options.runId, target: options.target, clusterName: names.cluster, network: names.cluster, server, agents, nodeNames: nodes, kubeconfig, setup };
}
