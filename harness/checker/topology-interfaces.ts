/**
 * The topology half of {@link CheckContext}: every node interface with its MAC and segment, and
 * whether a valid policy that selects the node (and enables an IP type) matches the interface at
 * the start of the run. The observer's `interfaces-selected` ops follow later edits. One function
 * for every world, so `sim` and `lab` judge the same topology the same way.
 */
import { policyProblems, preparePolicy } from '../l2/policy-prep.ts';
import type { ManifestSet } from '../model/types.ts';
import type { TopologyInterface } from './context.ts';

/** One interface as a world built it. */
export interface BuiltInterface {
  readonly node: string;
  readonly iface: string;
  readonly mac: string;
  readonly segment: string;
}

/** The interfaces with their start-of-run `announce` flag, in the order given. Pure. */
export function topologyInterfaces(manifests: Pick<ManifestSet, 'nodes' | 'policies'>, built: readonly BuiltInterface[]): TopologyInterface[] {
  const policies = manifests.policies.map(preparePolicy).filter((p) => policyProblems(p).length === 0 && (p.policy.loadBalancerIPs || p.policy.externalIPs));
  const nodes = new Map(manifests.nodes.map((n) => [n.name, n]));
  return built.map(({ node, iface, mac, segment }) => {
    const model = nodes.get(node);
    const announce = model !== undefined && policies.some((p) => p.selectsNode(model) && p.selectDevices([iface]).length > 0);
    return { node, iface, mac, segment, announce };
  });
}
