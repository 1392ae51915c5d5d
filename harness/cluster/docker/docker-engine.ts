/**
 * The docker provider's Docker adapter, over testcontainers: containers are `GenericContainer`s of
 * the local responder image (never pulled), networks and the container nemesis (`kill`, `pause`,
 * `unpause`, `start`) go through the same runtime client (dockerode). It points testcontainers at
 * l2lab's own daemon (`DOCKER_HOST`) and disables its Ryuk reaper (an image this machine cannot
 * pull): cleanup is ours, by the run's label.
 */
import type Dockerode from 'dockerode';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { DOCKER_PROVIDER_SOCKET } from '../plan/docker-daemon.ts';

/** Bound of one container's start (vfs copies the image's filesystem per container). */
export const CONTAINER_START_TIMEOUT_MS = 300_000;

/** What a container of the run is. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly binds: readonly { readonly source: string; readonly target: string; readonly mode?: 'rw' | 'ro' }[];
  readonly capabilities: readonly string[];
  /** `network` with an address and MAC, or `container:<name>` (share another container's netns). */
  readonly network: { readonly name: string; readonly ip: string; readonly mac: string } | { readonly container: string };
  /** Number of `ready` lines to wait for (one per role). */
  readonly readyLines: number;
}

/** GenericContainer with the two create options testcontainers has no builder for. */
class L2labContainer extends GenericContainer {
  withEndpoint(network: string, ip: string, mac: string): this {
    this.createOpts.MacAddress = mac;
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: ip } } } };
    return this.withNetworkMode(network);
  }
}

/**
 * The dockerode client testcontainers holds (its Docker container client keeps it public): the
 * nemesis and listing calls testcontainers has no wrapper for.
 */
async function dockerode(): Promise<Dockerode> {
  const client = await getContainerRuntimeClient();
  const inner = (client.container as { readonly dockerode?: Dockerode }).dockerode;
  if (inner === undefined) throw new Error('testcontainers: the container runtime client exposes no dockerode client (not a Docker runtime?)');
  return inner;
}

/** Points testcontainers at `socket` (default l2lab's own daemon) without its reaper. Call before any other function. */
export function useDockerDaemon(socket: string = DOCKER_PROVIDER_SOCKET): void {
  process.env.DOCKER_HOST = `unix://${socket}`;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  // Its daemon has no default `bridge` network, where testcontainers looks for the host address of
  // published ports; the run publishes none.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
}

/** Starts a container and waits for its roles' `ready` lines. @throws naming the container and the limit. */
export async function startContainer(spec: ContainerSpec): Promise<StartedTestContainer> {
  let c = new L2labContainer(spec.image)
    .withName(spec.name)
    .withCommand([...spec.command])
    .withEnvironment({ ...spec.env })
    .withLabels({ ...spec.labels })
    .withBindMounts(spec.binds.map((b) => ({ source: b.source, target: b.target, mode: b.mode ?? 'rw' })))
    .withAddedCapabilities(...spec.capabilities)
    .withWaitStrategy(Wait.forLogMessage(/^ready$/, spec.readyLines))
    .withStartupTimeout(CONTAINER_START_TIMEOUT_MS);
  c = 'container' in spec.network ? c.withNetworkMode(`container:${spec.network.container}`) : c.withEndpoint(spec.network.name, spec.network.ip, spec.network.mac);
  try {
    return await c.start();
  } catch (error) {
    throw new Error(`starting container ${spec.name} (${spec.image}, ${spec.readyLines} role(s) to report ready within ${CONTAINER_START_TIMEOUT_MS} ms): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Creates a labelled bridge network with a fixed subnet, gateway and bridge name. */
export async function createNetwork(network: { readonly name: string; readonly bridge: string; readonly subnet: string; readonly gateway: string }, labels: Readonly<Record<string, string>>): Promise<void> {
  const client = await getContainerRuntimeClient();
  await client.network.create({
    Name: network.name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { ...labels },
    IPAM: { Driver: 'default', Config: [{ Subnet: network.subnet, Gateway: network.gateway }] },
    Options: { 'com.docker.network.bridge.name': network.bridge },
  });
}

/** Connects a running container to a network with a fixed address. */
export async function connectNetwork(network: string, container: string, ip: string): Promise<void> {
  await (await dockerode()).getNetwork(network).connect({ Container: container, EndpointConfig: { IPAMConfig: { IPv4Address: ip } } });
}

/** The container nemesis and inspection, by name. */
export const containerOps = {
  async kill(name: string): Promise<void> {
    await (await dockerode()).getContainer(name).kill({ signal: 'SIGKILL' });
  },
  async start(name: string): Promise<void> {
    await (await dockerode()).getContainer(name).start();
  },
  async pause(name: string): Promise<void> {
    await (await dockerode()).getContainer(name).pause();
  },
  async unpause(name: string): Promise<void> {
    await (await dockerode()).getContainer(name).unpause();
  },
  /** Host PID of the container's init (0 when not running). */
  async pid(name: string): Promise<number> {
    return (await (await dockerode()).getContainer(name).inspect()).State.Pid;
  },
  /** `ready` lines logged so far (a restarted container adds its own). */
  async readyLines(name: string): Promise<number> {
    const logs = await (await dockerode()).getContainer(name).logs({ stdout: true, stderr: false, follow: false });
    return String(logs).split('\n').filter((l) => l.replace(/^[\s\S]{0,8}?(?=ready)/, '').trim() === 'ready').length;
  },
};

/** Removes every container (forced) and network carrying `label`, containers first; returns what it removed. */
export async function removeLabelled(label: string): Promise<{ containers: string[]; networks: string[] }> {
  const api = await dockerode();
  const containers = await api.listContainers({ all: true, filters: { label: [label] } });
  for (const c of containers) await api.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const networks = await api.listNetworks({ filters: { label: [label] } });
  for (const n of networks) await api.getNetwork(n.Id).remove().catch(() => undefined);
  return { containers: containers.map((c) => c.Names[0] ?? c.Id), networks: networks.map((n) => n.Name) };
}

/** What still carries `label` (the leak check). */
export async function listLabelled(label: string): Promise<{ containers: string[]; networks: string[] }> {
  const api = await dockerode();
  const containers = await api.listContainers({ all: true, filters: { label: [label] } });
  const networks = await api.listNetworks({ filters: { label: [label] } });
  return { containers: containers.map((c) => c.Names[0] ?? c.Id), networks: networks.map((n) => n.Name) };
}
