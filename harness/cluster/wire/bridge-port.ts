/**
 * The bridge side of a container's interface: Docker (and kind, Talos-in-Docker) plug a container
 * into a network with a veth pair whose other end is a port of the network's Linux bridge, named
 * `veth<random>` in the daemon's namespace. That end is where the lab pulls a cable and filters a
 * partition, so it is found from the container's end: its peer's ifindex (`link_index`, the kernel's
 * iflink) names a link in the bridge namespace, whose `master` is the bridge.
 */
import { z } from 'zod';
import { labExec, type LabExec } from '../../lab/net/lab-exec.ts';

/** Bound of one `ip link` listing. */
const IP_TIMEOUT_MS = 10_000;

/** The bridge-side veth of a container interface. */
export interface BridgePort {
  /** The veth end in the bridge namespace (≤ 15 characters). */
  readonly peer: string;
  /** Its master: the network's bridge. */
  readonly bridge: string;
}

const LinkJson = z.array(z.object({ ifindex: z.number(), ifname: z.string(), link_index: z.number().optional(), master: z.string().optional() }));
type Link = z.infer<typeof LinkJson>[number];

async function links(exec: LabExec, netns: string, iface: string | undefined, what: string): Promise<Link[]> {
  const args = ['-j', '-n', netns, 'link', 'show', ...(iface === undefined ? [] : ['dev', iface])];
  const { stdout } = await exec('ip', args, { timeoutMs: IP_TIMEOUT_MS }).catch((error: unknown) => {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(`${what}: ip ${args.join(' ')} printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const parsed = LinkJson.safeParse(json);
  if (!parsed.success) throw new Error(`${what}: ip ${args.join(' ')}: unexpected JSON (${parsed.error.issues[0]?.message ?? 'bad shape'})`);
  return parsed.data;
}

/**
 * The veth end and bridge that `iface` of `netns` is plugged into, looked up in `bridgeNetns`
 * (Docker's own namespace: `l2l-docker` for l2lab's daemon).
 * @throws Error naming the netns and the interface when it does not exist or is not a veth whose
 *   peer is a bridge port in `bridgeNetns`.
 */
export async function bridgePortOf(netns: string, iface: string, bridgeNetns: string, exec: LabExec = labExec): Promise<BridgePort> {
  const what = `finding the bridge port of ${iface} in netns ${netns} (bridges in ${bridgeNetns})`;
  const [own] = await links(exec, netns, iface, what);
  if (own === undefined) throw new Error(`${what}: no such interface`);
  if (own.link_index === undefined) throw new Error(`${what}: ${iface} is not a veth (no peer link index)`);
  const peer = (await links(exec, bridgeNetns, undefined, what)).find((l) => l.ifindex === own.link_index);
  // The peer's own link_index points back at the container end: an index that merely exists in the
  // bridge namespace is not proof.
  if (peer === undefined || peer.link_index !== own.ifindex) throw new Error(`${what}: its peer (ifindex ${own.link_index}) is not in ${bridgeNetns}`);
  if (peer.master === undefined) throw new Error(`${what}: its peer ${peer.ifname} in ${bridgeNetns} is not on a bridge`);
  return { peer: peer.ifname, bridge: peer.master };
}
