/**
 * The real {@link K3sFactory}: testcontainers against the default Docker daemon (DOCKER_HOST or
 * /var/run/docker.sock — not l2lab's own daemon, whose machine cannot pull `rancher/k3s`). The
 * server is `@testcontainers/k3s`'s `K3sContainer` (privileged, host cgroup namespace, waits for
 * "Node controller sync successful", kubeconfig read from the container); each agent a
 * `GenericContainer` of the same image set up the same way. testcontainers' reaper (Ryuk) stays on,
 * so a run killed with SIGKILL still loses its containers when its session ends.
 *
 * Only runs where Docker and a pullable (or local) k3s image exist; the unit tests use a fake.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { K3sContainer } from '@testcontainers/k3s';
import { GenericContainer, Network } from 'testcontainers';
import type { K3sContainerSpec } from './k3s-plan.ts';
import type { K3sFactory, StartedServer, Stoppable } from './k3s-starter.ts';

/** Bound of one container's start (image pull included). */
const CONTAINER_START_TIMEOUT_MS = 300_000;

/** The k3s agent: what K3sContainer sets on the server, for a container that runs `k3s agent`. */
class K3sAgentContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    // kubelet needs the host's cgroup hierarchy, as the server does (K3sContainer sets the same);
    // dockerode's HostConfig type lacks the field the Engine API has.
    Object.assign(this.hostConfig, { CgroupnsMode: 'host' });
    this.withPrivilegedMode()
      .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup' }])
      .withTmpFs({ '/run': 'rw' })
      .withTmpFs({ '/var/run': 'rw' })
      .withStartupTimeout(CONTAINER_START_TIMEOUT_MS);
  }
}

/** The factory over testcontainers. */
export function testcontainersK3sFactory(): K3sFactory {
  return {
    async startNetwork(name) {
      const network = await new Network({ nextUuid: () => name }).start();
      return { stop: async () => void (await network.stop()) };
    },
    async startServer(spec, network): Promise<StartedServer> {
      const started = await configure(new K3sContainer(spec.image), spec, network).withStartupTimeout(CONTAINER_START_TIMEOUT_MS).start();
      return { kubeconfig: () => started.getKubeConfig(), stop: async () => void (await started.stop()) };
    },
    async startAgent(spec, network): Promise<Stoppable> {
      const started = await configure(new K3sAgentContainer(spec.image), spec, network).start();
      return { stop: async () => void (await started.stop()) };
    },
    async listNodeNames(kubeconfig) {
      const config = new KubeConfig();
      config.loadFromString(kubeconfig);
      const list = await config.makeApiClient(CoreV1Api).listNode();
      return list.items.map((n) => n.metadata?.name ?? '').filter((n) => n !== '');
    },
  };
}

function configure<T extends GenericContainer>(container: T, spec: K3sContainerSpec, network: string): T {
  container.withName(spec.name).withCommand([...spec.command]).withEnvironment({ ...spec.env }).withLabels({ ...spec.labels }).withNetworkMode(network);
  return container;
}
