/**
 * What the kube runner reads of a cluster before planning: its Nodes (labels, roles,
 * schedulability) through the API, and — for kind and Talos-in-Docker, where each node is a
 * Docker container named as the node — each node container's network namespace (attached under a
 * run name) with its interfaces' MACs, and the control-plane containers' addresses (the API
 * server as the nodes reach it, for partitions). `nodeFactsOf` is pure.
 */
import { z } from 'zod';
import type { KubeObject, ObjectStore } from '../../core/object-store.ts';
import type { LabExec } from '../../lab/net/lab-exec.ts';
import { HARNESS_IDENTITY } from '../../lab/world/lab-edits.ts';
import { attachContainerNetns } from '../wire/container-netns.ts';
import type { ClusterFacts, ClusterNodeFacts, KubeProvider, KubeTarget } from './kube-plan.ts';

/** The control-plane role label (and its pre-1.24 name). */
const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];
/** The port kube-apiserver listens on in kind and Talos control-plane containers. */
export const IN_CLUSTER_API_PORT = 6443;

/**
 * A Node's facts (MACs and container filled in by the caller). Condition taints
 * (`node.kubernetes.io/*`: not-ready, unreachable…) do not make a node unschedulable here: a
 * kind node without a CNI is NotReady, and the agent tolerates every taint.
 */
export function nodeFactsOf(node: KubeObject): Omit<ClusterNodeFacts, 'macs' | 'container'> {
  const labels = (node.metadata.labels ?? {}) as Record<string, string>;
  const spec = (node.spec ?? {}) as { unschedulable?: boolean; taints?: readonly { key?: string; effect?: string }[] };
  const blocking = (spec.taints ?? []).some((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !(t.key ?? '').startsWith('node.kubernetes.io/'));
  const controlPlane = CONTROL_PLANE_LABELS.some((key) => key in labels);
  return { name: node.metadata.name, labels, controlPlane, schedulable: spec.unschedulable !== true && !blocking };
}

/** The netns name of a node container (`l2k-<run>-<node>`). */
export function nodeNetnsName(runId: string, node: string): string {
  return `l2k-${runId}-${node}`;
}

const LinkList = z.array(z.object({ ifname: z.string(), address: z.string().optional(), link_type: z.string().optional() }));

/** Options of {@link readClusterFacts}. */
export interface ReadFactsOptions {
  readonly provider: KubeProvider;
  readonly target: KubeTarget;
  readonly clusterName: string;
  readonly runId: string;
  /** The kubeconfig's server URL (the API address of a kubeconfig cluster). */
  readonly serverUrl: string;
  readonly store: Pick<ObjectStore, 'list'>;
  readonly exec: LabExec;
  /** Attached netns names are pushed here as they are made (the caller detaches them). */
  readonly attached: string[];
  /** Called with each name before it is attached (the run manifest records it first). */
  readonly beforeAttach?: (name: string) => Promise<void>;
}

/** Reads the cluster. @throws Error naming the node or container that could not be read. */
export async function readClusterFacts(o: ReadFactsOptions): Promise<ClusterFacts> {
  const nodeObjects = await o.store.list('nodes', '', { identity: HARNESS_IDENTITY });
  const containers = o.provider !== 'kubeconfig';
  const nodes: ClusterNodeFacts[] = [];
  for (const object of nodeObjects) {
    const base = nodeFactsOf(object);
    if (!containers) {
      nodes.push({ ...base, macs: {} });
      continue;
    }
    const container = base.name;
    const pid = Number((await docker(o.exec, ['inspect', '-f', '{{.State.Pid}}', container], `reading node container ${container}`)).trim());
    const netns = nodeNetnsName(o.runId, base.name);
    if (pid > 0) {
      await o.beforeAttach?.(netns);
      await attachContainerNetns(netns, pid, o.exec, container);
      o.attached.push(netns);
    }
    nodes.push({ ...base, container, macs: pid > 0 ? await macsIn(o.exec, netns) : {} });
  }
  const url = new URL(o.serverUrl);
  if (!containers) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return { provider: o.provider, target: o.target, clusterName: o.clusterName, nodes, apiServer: { addresses: /^\d+\.\d+\.\d+\.\d+$/.test(host) ? [host] : [], port: Number(url.port || 443) } };
  }
  const controlPlanes = nodes.filter((n) => n.controlPlane && n.container !== undefined).map((n) => n.container ?? '');
  const addresses: string[] = [];
  for (const container of controlPlanes) {
    const ips = await docker(o.exec, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', container], `reading the addresses of ${container}`);
    addresses.push(...ips.split(/\s+/).filter((ip) => ip !== ''));
  }
  return { provider: o.provider, target: o.target, clusterName: o.clusterName, nodes, apiServer: { addresses: [...new Set(addresses)].sort(), port: IN_CLUSTER_API_PORT } };
}

async function docker(exec: LabExec, args: readonly string[], what: string): Promise<string> {
  try {
    return (await exec('docker', args, { timeoutMs: 30_000 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`${what}: docker ${args.join(' ')}: ${stderr || (error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
}

/** Interface → MAC of the Ethernet links in `netns`. */
async function macsIn(exec: LabExec, netns: string): Promise<Record<string, string>> {
  const { stdout } = await exec('ip', ['-j', '-n', netns, 'link', 'show'], { timeoutMs: 10_000 });
  const links = LinkList.parse(JSON.parse(stdout));
  return Object.fromEntries(links.filter((l) => l.link_type === 'ether' && l.address !== undefined).map((l) => [l.ifname, l.address ?? '']));
}
