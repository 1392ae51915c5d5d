/**
 * `planCluster`: the exact commands of `l2lab cluster up|down` for one run, per provider and
 * target. Pure — no file, process or clock is touched — so the plans are tested as data and
 * `--dry-run` prints them. Every name a plan creates carries the run id (`l2lab-<run>` cluster,
 * `l2lab-<run>-data2` network, `l2lab-<run>` namespace, `l2lab-<run>-*` bindings,
 * `l2lab-responder:<run>` image), so `down` with the same run id removes exactly what `up` made.
 */
import { DOCKER_PROVIDER_SOCKET } from './docker-daemon.ts';
import type { ClusterPlan, InProcessStep, PlanStep, Provider, Target } from './plan-types.ts';

/** Cilium chart version installed for `--target cilium` (L2 announcements + LB-IPAM, the `cilium-1.16` profile). */
export const DEFAULT_CILIUM_VERSION = '1.16.5';
/** k3s image the k3s provider starts through @testcontainers/k3s. */
export const DEFAULT_K3S_IMAGE = 'rancher/k3s:v1.31.4-k3s1';
/** Base image of the responder image on a machine that can pull. */
export const DEFAULT_BASE_IMAGE = 'debian:bookworm-slim';
/** The image the workload manifests name; with the kubeconfig provider, one the user built and pushed. */
export const PREBUILT_IMAGE = 'l2lab-responder:dev';
/** Base image built locally from debootstrap (kind/image/base-rootfs.sh) for the docker provider. */
export const LOCAL_BASE_IMAGE = 'l2lab-base:bookworm';

/** Inputs of {@link planCluster}. */
export interface ClusterPlanOptions {
  readonly action: 'up' | 'down';
  readonly provider: Provider;
  readonly target: Target;
  readonly runId: string;
  readonly repoRoot: string;
  /** Required for the kubeconfig provider: the existing cluster. */
  readonly kubeconfig?: string;
  /** Responder image for `--target l2lab` (default `l2lab-responder:<run>`, built and loaded; with the kubeconfig provider an image the cluster can pull, default {@link PREBUILT_IMAGE}). */
  readonly image?: string;
  readonly baseImage?: string;
  readonly ciliumVersion?: string;
  /** Subnet of the second network (default 198.19.<n>.0/24 from the run id). */
  readonly subnet?: string;
}

/** Input a plan cannot be made from (a UserError at the CLI). */
export class ClusterPlanError extends Error {
  override readonly name = 'ClusterPlanError';
}

const RUN_ID = /^[a-z0-9]{1,12}$/;

/** Names of a run's objects. Pure. */
export function runNames(runId: string) {
  return {
    cluster: `l2lab-${runId}`,
    network: `l2lab-${runId}-data2`,
    namespace: `l2lab-${runId}`,
    image: `l2lab-responder:${runId}`,
    stateDir: `.cache/cluster/${runId}`,
    agentBinding: `l2lab-${runId}-agent`,
    operatorBinding: `l2lab-${runId}-operator`,
  };
}

/**
 * The second network's subnet: a /24 in 198.19.0.0–198.19.223.0 chosen by the run id (FNV-1a),
 * clear of the lab's 198.19.248.0/24 management segment and of 198.18.0.0/16 scenario pools.
 */
export function secondNetworkSubnet(runId: string): string {
  let hash = 0x811c9dc5;
  for (const ch of runId) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `198.19.${hash % 224}.0/24`;
}

/** Plans one `up` or `down`. @throws ClusterPlanError for an impossible combination or a bad run id. */
export function planCluster(options: ClusterPlanOptions): ClusterPlan {
  if (!RUN_ID.test(options.runId)) throw new ClusterPlanError(`run id '${options.runId}': 1–12 lowercase letters or digits (it names the cluster, network and namespace)`);
  if (options.subnet !== undefined && !/^198\.(18|19)\.\d{1,3}\.\d{1,3}\/(1[6-9]|2\d)$/.test(options.subnet)) {
    throw new ClusterPlanError(`--subnet ${options.subnet}: l2lab creates Docker networks only in 198.18.0.0/15 (a /16–/29 there)`);
  }
  const names = runNames(options.runId);
  const kubeconfig = options.provider === 'kubeconfig' ? requireKubeconfig(options) : `${names.stateDir}/kubeconfig`;
  const ctx: Ctx = { ...options, names, kubeconfig, subnet: options.subnet ?? secondNetworkSubnet(options.runId), image: options.image ?? (options.provider === 'kubeconfig' ? PREBUILT_IMAGE : names.image) };
  const built = PLANNERS[options.provider](ctx);
  const env: Record<string, string> = options.provider === 'docker' ? { DOCKER_HOST: `unix://${DOCKER_PROVIDER_SOCKET}` } : {};
  return { action: options.action, provider: options.provider, target: options.target, runId: options.runId, repoRoot: options.repoRoot, kubeconfig, env, steps: built.steps, notes: built.notes };
}

interface Ctx extends ClusterPlanOptions {
  readonly names: ReturnType<typeof runNames>;
  readonly kubeconfig: string;
  readonly subnet: string;
  readonly image: string;
}

type Built = { steps: (PlanStep | InProcessStep)[]; notes: string[] };

const PLANNERS: Record<Provider, (ctx: Ctx) => Built> = { kind: planKind, talos: planTalos, k3s: planK3s, kubeconfig: planKubeconfig, docker: planDocker };

function requireKubeconfig(options: ClusterPlanOptions): string {
  if (options.kubeconfig === undefined || options.kubeconfig === '') throw new ClusterPlanError('--provider kubeconfig needs --kubeconfig <file> (the existing cluster)');
  return options.kubeconfig;
}

const KIND_NODES = ['control-plane', 'worker', 'worker2', 'worker3'];
const TALOS_NODES = ['controlplane-1', 'worker-1', 'worker-2', 'worker-3'];

function planKind(ctx: Ctx): Built {
  const { names } = ctx;
  const nodes = KIND_NODES.map((n) => `${names.cluster}-${n}`);
  if (ctx.action === 'down') {
    return {
      steps: [
        { title: `delete the kind cluster ${names.cluster}`, tool: 'kind', argv: ['kind', 'delete', 'cluster', '--name', names.cluster], mayFail: true },
        { title: `remove the second network ${names.network}`, tool: 'docker', argv: ['docker', 'network', 'rm', names.network], mayFail: true },
        ...(ctx.target === 'l2lab' && ctx.image === names.image ? [{ title: `remove the responder image ${names.image}`, tool: 'docker' as const, argv: ['docker', 'image', 'rm', names.image], mayFail: true }] : []),
        removeStateDir(ctx),
      ],
      notes: [],
    };
  }
  const apiServer = `https://${names.cluster}-control-plane:6443`;
  return {
    steps: [
      { title: `create the kind cluster ${names.cluster} (1 control plane, 3 workers, no CNI, no kube-proxy)`, tool: 'kind', argv: ['kind', 'create', 'cluster', '--name', names.cluster, '--config', 'kind/kind-config.yaml', '--kubeconfig', ctx.kubeconfig] },
      ...secondNetwork(ctx, nodes),
      ...(ctx.target === 'cilium'
        ? ciliumSteps(ctx, ['--values', 'kind/cilium-values.yaml', '--set', `k8sServiceHost=${names.cluster}-control-plane`, '--set', 'k8sServicePort=6443'])
        : [
            ...(ctx.image === names.image ? [buildImage(ctx, ctx.baseImage ?? DEFAULT_BASE_IMAGE)] : []),
            { title: `load ${ctx.image} into the kind nodes`, tool: 'kind' as const, argv: ['kind', 'load', 'docker-image', ctx.image, '--name', names.cluster] },
            ...workloadSteps(ctx, apiServer),
          ]),
    ],
    notes: [`second network ${names.network} (${ctx.subnet}) is eth1 in every node; 'l2lab cluster down --provider kind --run-id ${ctx.runId}' deletes the cluster, the network${ctx.target === 'l2lab' ? ' and the image' : ''}`],
  };
}

function planTalos(ctx: Ctx): Built {
  const { names } = ctx;
  const talosconfig = `${names.stateDir}/talosconfig`;
  const nodes = TALOS_NODES.map((n) => `${names.cluster}-${n}`);
  if (ctx.action === 'down') {
    return {
      steps: [
        { title: `destroy the Talos cluster ${names.cluster}`, tool: 'talosctl', argv: ['talosctl', 'cluster', 'destroy', '--name', names.cluster, '--talosconfig', talosconfig], mayFail: true },
        { title: `remove the second network ${names.network}`, tool: 'docker', argv: ['docker', 'network', 'rm', names.network], mayFail: true },
        ...(ctx.target === 'l2lab' && ctx.image === names.image ? [{ title: `remove the responder image ${names.image}`, tool: 'docker' as const, argv: ['docker', 'image', 'rm', names.image], mayFail: true }] : []),
        removeStateDir(ctx),
      ],
      notes: [],
    };
  }
  // Talos puts the nodes on their own network; the control plane is its .2.
  const cidr = talosCidr(ctx.runId);
  const controlPlaneIp = cidr.replace(/\.0\/24$/, '.2');
  return {
    steps: [
      { title: 'state directory for the talosconfig and kubeconfig', tool: 'bash', argv: ['mkdir', '-p', names.stateDir] },
      {
        title: `create the Talos-in-Docker cluster ${names.cluster} (CNI none, kube-proxy off, KubePrism 7445)`,
        tool: 'talosctl',
        argv: ['talosctl', 'cluster', 'create', 'docker', '--name', names.cluster, '--controlplanes', '1', '--workers', '3', '--cidr', cidr, '--config-patch', '@kind/talos/talos-patch.yaml', '--talosconfig', talosconfig, '--skip-kubeconfig'],
      },
      { title: `write the cluster's kubeconfig to ${ctx.kubeconfig}`, tool: 'talosctl', argv: ['talosctl', 'kubeconfig', ctx.kubeconfig, '--talosconfig', talosconfig, '--nodes', controlPlaneIp, '--force'] },
      ...secondNetwork(ctx, nodes),
      ...(ctx.target === 'cilium'
        ? ciliumSteps(ctx, ['--values', 'kind/cilium-values.yaml', '--values', 'kind/talos/cilium-values-talos.yaml'])
        : [
            ...(ctx.image === names.image ? [buildImage(ctx, ctx.baseImage ?? DEFAULT_BASE_IMAGE)] : []),
            ...nodes.map((node) => ({ title: `load ${ctx.image} into ${node}`, tool: 'bash' as const, argv: ['bash', '-c', `docker save ${ctx.image} | docker exec -i ${node} ctr -n k8s.io images import -`] })),
            ...workloadSteps(ctx, `https://${controlPlaneIp}:6443`),
          ]),
    ],
    notes: [
      `nodes on ${cidr} (control plane ${controlPlaneIp}); second network ${names.network} (${ctx.subnet})`,
      ...(ctx.target === 'l2lab' ? ['Talos nodes have no shell: the image is imported with the node container\'s ctr (talosctl image pull needs a registry)'] : []),
    ],
  };
}

/** The Talos node network: a /24 in 198.18.0.0/16 chosen by the run id (next to the second network's 198.19). */
export function talosCidr(runId: string): string {
  return secondNetworkSubnet(runId).replace(/^198\.19\./, '198.18.');
}

function planK3s(ctx: Ctx): Built {
  const note = `k3s runs through @testcontainers/k3s (${DEFAULT_K3S_IMAGE}: a server and one agent container per node on the network l2lab-${ctx.runId}) inside the process that uses it — testcontainers removes its containers when that process ends, so there is no cluster to leave up between 'up' and 'down': run a scenario on it with 'l2lab run <scenario> --world cluster --provider k3s [--target ${ctx.target}]', which starts it, runs the scenario and stops it (harness/cluster/k3s/)`;
  if (ctx.action === 'down') return { steps: [{ title: 'stop the k3s containers and their network (done by l2lab run, and by testcontainers when its process ends)', inProcess: true, why: note }], notes: [note] };
  const args = ctx.target === 'cilium' ? '--disable=traefik,servicelb --flannel-backend=none --disable-network-policy --disable-kube-proxy' : '--disable=traefik,servicelb (flannel and kube-proxy kept)';
  return {
    steps: [
      { title: `start ${DEFAULT_K3S_IMAGE} as the privileged server container ${ctx.names.cluster}-server (K3sContainer, ${args}) and write its kubeconfig to ${ctx.kubeconfig}`, inProcess: true, why: note },
      { title: `start one k3s agent container per scenario node on the network ${ctx.names.cluster} (GenericContainer, privileged, K3S_URL=https://${ctx.names.cluster}-server:6443) and wait for every node to register`, inProcess: true, why: 'in the same l2lab run process' },
      { title: ctx.target === 'cilium' ? 'install Cilium with kind/cilium-values.yaml (k8sServiceHost = the server container)' : `load ${ctx.image} into every node's containerd and apply kind/manifests`, inProcess: true, why: 'in the same l2lab run process' },
    ],
    notes: [note, `needs a Docker daemon and the image ${DEFAULT_K3S_IMAGE} (local, or pullable: docker pull ${DEFAULT_K3S_IMAGE}; --k3s-image names another); on a machine that cannot pull, use --provider docker`],
  };
}

function planKubeconfig(ctx: Ctx): Built {
  const kc = ['--kubeconfig', ctx.kubeconfig];
  if (ctx.target === 'cilium') {
    if (ctx.action === 'down') return { steps: [], notes: ['--target cilium on an existing cluster installs nothing, so down removes nothing'] };
    return {
      steps: [
        { title: 'Cilium agents are running', tool: 'kubectl', argv: ['kubectl', ...kc, '-n', 'kube-system', 'rollout', 'status', 'daemonset/cilium', '--timeout', '120s'] },
        { title: 'the L2 announcement policy CRD exists', tool: 'kubectl', argv: ['kubectl', ...kc, 'get', 'crd', 'ciliuml2announcementpolicies.cilium.io'] },
        { title: 'the LB-IPAM pool CRD exists', tool: 'kubectl', argv: ['kubectl', ...kc, 'get', 'crd', 'ciliumloadbalancerippools.cilium.io'] },
        { title: 'L2 announcements are enabled in the Cilium config', tool: 'bash', argv: ['bash', '-c', `kubectl --kubeconfig '${ctx.kubeconfig}' -n kube-system get configmap cilium-config -o jsonpath='{.data.enable-l2-announcements}' | grep -qx true`] },
      ],
      notes: ['--target cilium expects Cilium with l2announcements.enabled=true already installed; nothing is changed in the cluster'],
    };
  }
  if (ctx.action === 'down') return { steps: workloadDownSteps(ctx), notes: ['the CRDs and the l2lab:* ClusterRoles stay (other runs, or Cilium, may use them)'] };
  return {
    steps: workloadSteps(ctx, undefined),
    notes: [`the image ${ctx.image} must be pullable by the cluster's nodes (push it to a registry they reach, or pass --image)`],
  };
}

function planDocker(ctx: Ctx): Built {
  const { names } = ctx;
  const byLabel = (what: 'ps -aq' | 'network ls -q', rm: string): string => `docker ${what} --filter label=l2lab.io/run=${ctx.runId} | xargs -r docker ${rm}`;
  if (ctx.action === 'down') {
    return {
      steps: [
        { title: `remove the run's containers (label l2lab.io/run=${ctx.runId})`, tool: 'bash', argv: ['bash', '-c', byLabel('ps -aq', 'rm -f')], mayFail: true },
        { title: `remove the run's networks (label l2lab.io/run=${ctx.runId})`, tool: 'bash', argv: ['bash', '-c', byLabel('network ls -q', 'network rm')], mayFail: true },
        // Names only (bind mounts): deleting one never touches a container.
        { title: `remove the run's attached namespace names l2d-${ctx.runId}-*`, tool: 'bash', argv: ['bash', '-c', `ip netns list | awk '{print $1}' | grep '^l2d-${ctx.runId}-' | xargs -r -n1 ip netns delete`], mayFail: true },
        { title: `remove the responder image ${names.image}`, tool: 'docker', argv: ['docker', 'image', 'rm', names.image], mayFail: true },
        { title: 'stop the Docker daemon if l2lab started it', tool: 'bash', argv: ['bash', 'kind/docker/dockerd.sh', 'stop'], mayFail: true },
      ],
      notes: [`the base image ${LOCAL_BASE_IMAGE} and its cached tarball stay (.cache/cluster/)`],
    };
  }
  return {
    steps: [
      { title: 'start a Docker daemon (vfs, own network namespace) unless one answers', tool: 'bash', argv: ['bash', 'kind/docker/dockerd.sh', 'start'] },
      { title: `base image ${LOCAL_BASE_IMAGE} from a debootstrap minbase root filesystem (cached)`, tool: 'bash', argv: ['bash', 'kind/image/base-rootfs.sh'] },
      buildImage(ctx, ctx.baseImage ?? LOCAL_BASE_IMAGE, ['--network', 'none']),
    ],
    notes: [`scenarios then run with 'l2lab cluster run <scenario> --provider docker --run-id ${ctx.runId} --image ${names.image}' (its networks, containers and control plane labelled with the run id)`],
  };
}

function secondNetwork(ctx: Ctx, nodes: readonly string[]): PlanStep[] {
  const { names } = ctx;
  return [
    { title: `create the second network ${names.network} (${ctx.subnet})`, tool: 'docker', argv: ['docker', 'network', 'create', '--driver', 'bridge', '--subnet', ctx.subnet, '--label', `l2lab.io/run=${ctx.runId}`, names.network] },
    ...nodes.map((node) => ({ title: `attach ${node} to ${names.network} (eth1)`, tool: 'docker' as const, argv: ['docker', 'network', 'connect', names.network, node] })),
  ];
}

/** What the shared step builders read from a plan's context (the k3s provider builds its own). */
export type StepContext = Pick<Ctx, 'names' | 'kubeconfig' | 'image' | 'ciliumVersion'>;

/** `helm upgrade --install cilium` with `values`, then every node Ready. */
export function ciliumSteps(ctx: StepContext, values: readonly string[]): PlanStep[] {
  const version = ctx.ciliumVersion ?? DEFAULT_CILIUM_VERSION;
  return [
    {
      title: `install Cilium ${version} (L2 announcements, LB-IPAM, kube-proxy replacement)`,
      tool: 'helm',
      argv: ['helm', 'upgrade', '--install', 'cilium', 'cilium', '--repo', 'https://helm.cilium.io/', '--version', version, '--namespace', 'kube-system', '--kubeconfig', ctx.kubeconfig, ...values, '--wait', '--timeout', '10m'],
    },
    { title: 'every node Ready (Cilium is the CNI)', tool: 'kubectl', argv: ['kubectl', '--kubeconfig', ctx.kubeconfig, 'wait', '--for=condition=Ready', 'nodes', '--all', '--timeout', '5m'] },
  ];
}

/** `kind/image/build.sh`: the responder image `ctx.image` on `base`. */
export function buildImage(ctx: Pick<Ctx, 'image'>, base: string, extra: readonly string[] = []): PlanStep {
  return { title: `build the responder image ${ctx.image} on ${base}`, tool: 'bash', argv: ['bash', 'kind/image/build.sh', '--base', base, '--tag', ctx.image, ...extra] };
}

/** CRDs, roles, the run's namespace, bindings and workload; `apiServer` overrides the in-cluster address (no kube-proxy). */
export function workloadSteps(ctx: StepContext, apiServer: string | undefined): PlanStep[] {
  const { names } = ctx;
  const kc = ['kubectl', '--kubeconfig', ctx.kubeconfig];
  const ns = [...kc, '-n', names.namespace];
  return [
    { title: 'Cilium CRDs (the files the lab installs) and the l2lab ClusterRoles', tool: 'kubectl', argv: [...kc, 'apply', '-f', 'kind/crds/', '-f', 'kind/rbac/l2lab-roles.yaml'] },
    { title: `namespace ${names.namespace}`, tool: 'kubectl', argv: [...kc, 'create', 'namespace', names.namespace] },
    { title: 'bind l2lab:agent to the run\'s agent ServiceAccount', tool: 'kubectl', argv: [...kc, 'create', 'clusterrolebinding', names.agentBinding, '--clusterrole=l2lab:agent', `--serviceaccount=${names.namespace}:l2lab-agent`] },
    { title: 'bind l2lab:lbipam-operator to the run\'s operator ServiceAccount', tool: 'kubectl', argv: [...kc, 'create', 'clusterrolebinding', names.operatorBinding, '--clusterrole=l2lab:lbipam-operator', `--serviceaccount=${names.namespace}:l2lab-operator`] },
    { title: 'agent DaemonSet and operator Deployment', tool: 'kubectl', argv: [...ns, 'apply', '-f', 'kind/manifests/'] },
    { title: `run the image ${ctx.image}`, tool: 'kubectl', argv: [...ns, 'set', 'image', 'daemonset/l2lab-agent', `agent=${ctx.image}`] },
    { title: `run the image ${ctx.image} (operator)`, tool: 'kubectl', argv: [...ns, 'set', 'image', 'deployment/l2lab-operator', `operator=${ctx.image}`] },
    ...(apiServer === undefined ? [] : [{ title: `reach the API server at ${apiServer} (no kube-proxy: the Service ClusterIP does not route)`, tool: 'kubectl' as const, argv: [...ns, 'set', 'env', 'daemonset/l2lab-agent', 'deployment/l2lab-operator', `L2LAB_API_SERVER=${apiServer}`] }]),
    { title: 'every node runs the agent', tool: 'kubectl', argv: [...ns, 'rollout', 'status', 'daemonset/l2lab-agent', '--timeout', '5m'] },
    { title: 'the operator runs', tool: 'kubectl', argv: [...ns, 'rollout', 'status', 'deployment/l2lab-operator', '--timeout', '5m'] },
  ];
}

function workloadDownSteps(ctx: Ctx): PlanStep[] {
  const { names } = ctx;
  const kc = ['kubectl', '--kubeconfig', ctx.kubeconfig];
  return [
    { title: `delete the namespace ${names.namespace} (workload, ServiceAccounts)`, tool: 'kubectl', argv: [...kc, 'delete', 'namespace', names.namespace, '--ignore-not-found', '--wait=true', '--timeout=120s'], mayFail: true },
    { title: 'delete the run\'s ClusterRoleBindings', tool: 'kubectl', argv: [...kc, 'delete', 'clusterrolebinding', names.agentBinding, names.operatorBinding, '--ignore-not-found'], mayFail: true },
  ];
}

function removeStateDir(ctx: Ctx): PlanStep {
  return { title: `remove ${ctx.names.stateDir} (kubeconfig, talosconfig)`, tool: 'bash', argv: ['rm', '-rf', ctx.names.stateDir], mayFail: true };
}
