/**
 * The one seam between the sim world (`harness/sim/responder-world.ts`) and the MetalLB model:
 * under a `metallb` profile the world builds speakers instead of Cilium agents, on one gossip
 * network whose reachability it answers, judges with MetalLB's equivalent of lease timings
 * ({@link checkTimingOf}), and resolves `holder-of` to the node whose speaker announces the service. Cilium profiles get
 * `undefined` and the world runs as before.
 */
import type { NodeAnnouncer } from '../../agent/announcer.ts';
import type { LeaseTiming } from '../../l2/lease.ts';
import type { Profile } from '../../profiles/profile.ts';
import { GossipHub } from './gossip.ts';
import { metallbCheckTiming } from './memberlist-timing.ts';
import { MetallbSpeaker, type SpeakerConfig, type SpeakerPorts } from './speaker.ts';

/** What the sim world asks of the MetalLB model. */
export interface MetallbSeam {
  readonly gossip: GossipHub;
  /** A node's speaker, on the world's gossip network. */
  speaker(config: SpeakerConfig, ports: Omit<SpeakerPorts, 'gossip'>): NodeAnnouncer;
  /** The first node (in `nodes` order) whose running speaker announces `service`, if any. */
  holderOf(service: string, nodes: readonly { readonly name: string; readonly alive: boolean; readonly agent: NodeAnnouncer }[]): string | undefined;
}

/**
 * The run note of a MetalLB profile (printed by `l2lab run`, kept in run.json): the scenario's lease
 * timings are unused, and what the checkers' lease-shaped bounds are instead. Undefined otherwise.
 */
export function metallbRunNote(profile: Profile, nodeCount: number): string | undefined {
  const switches = profile.metallb;
  if (profile.implementation !== 'metallb' || switches === undefined) return undefined;
  const t = metallbCheckTiming(nodeCount, switches.memberlist);
  const s = (ms: number): string => `${ms / 1000} s`;
  return `${profile.name}: MetalLB elects by memberlist gossip, without Leases — the scenario's lease timings are unused; the checkers' "lease" ${s(t.leaseDurationMs)} / ${s(t.renewDeadlineMs)} / ${s(t.retryPeriodMs)} is memberlist's detection bound for ${nodeCount} nodes / one probe interval / one gossip interval (docs/profiles.md)`;
}

/**
 * The checkers' timing of a run (what `ResponderWorld.timing` becomes): memberlist's detection
 * bound under a MetalLB profile, else the scenario's effective lease timings.
 */
export function checkTimingOf(profile: Profile, nodeCount: number, effective: LeaseTiming): LeaseTiming {
  const switches = profile.metallb;
  return profile.implementation === 'metallb' && switches !== undefined ? metallbCheckTiming(nodeCount, switches.memberlist) : effective;
}

/**
 * The seam for `profile`, or undefined when it is not a MetalLB profile. `reach(a, b)`: whether
 * memberlist traffic from node a's speaker reaches node b's now.
 */
export function buildMetallbSeam(profile: Profile, nodeCount: number, reach: (a: string, b: string) => boolean): MetallbSeam | undefined {
  const switches = profile.metallb;
  if (profile.implementation !== 'metallb' || switches === undefined) return undefined;
  const gossip = new GossipHub({ canReach: reach });
  return {
    gossip,
    speaker: (config, ports) => new MetallbSpeaker(config, { ...ports, gossip }),
    holderOf: (service, nodes) => nodes.find((node) => node.alive && node.agent.ledServices.includes(service))?.name,
  };
}
