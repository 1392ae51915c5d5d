import { ANNOUNCER_L2_BASE } from './announcer-l2-base.ts';
import { MEMBERLIST_LAN, type MetallbSwitches } from './metallb-switches.ts';
import type { IpamSwitches, L2Switches, Profile } from './profile.ts';

/**
 * The Cilium-shaped switches the shared machinery (candidacy, the model observer, the LB-IPAM
 * operator standing in for MetalLB's controller) reads under a MetalLB profile: MetalLB's
 * announce rules expressed in them. `etpLocalGating`: MetalLB only considers nodes with a ready
 * local endpoint for `externalTrafficPolicy: Local` (`layer2_controller.go` `ShouldAnnounce`).
 * `sharedIpSeparateLeases`: MetalLB has no Lease; the speaker names its claim on each service like
 * that service's own Lease (what `became-leader` ops and `announce-expected` join on), while the
 * election itself is per IP or per service as `metallb.electionKey` says.
 */
const metallbL2: L2Switches = ANNOUNCER_L2_BASE;

/**
 * MetalLB's controller allocates from `IPAddressPool`s; l2lab runs its LB-IPAM operator on the
 * translated pools (`harness/model/parse/kinds/metallb.ts`): lowest free address, first/last
 * allowed (MetalLB hands out every address of a range; `avoidBuggyIPs` is not modelled), sharing
 * through `metallb.universe.tf/allow-shared-ip` read as the sharing key.
 */
const metallbIpam: IpamSwitches = {
  allocationOrder: 'lowest-free',
  firstLastIPs: 'unset-allows',
  blocksField: true,
  cidrsField: false,
  poolApiVersions: ['cilium.io/v2alpha1', 'cilium.io/v2'],
  annotationPrefixes: ['metallb.universe.tf/'],
  sharingKey: true,
  sharingCrossNamespace: false,
  conditionNames: 'cilium.io',
  incompatibleSharingReason: 'already_allocated_incompatible_service',
  l2AnnouncerClassHandled: false,
  defaultLbServiceIpamSetting: false,
  importBeforeAllocate: true,
};

const v093: MetallbSwitches = {
  version: '0.9.3',
  electionKey: 'service',
  memberlist: MEMBERLIST_LAN,
  rejoinIntervalMs: undefined,
  garpOnMemberJoin: false,
  garpSpamIntervalMs: 1_100,
  garpSpamForMs: 5_000,
  gratuitousArpIntervalMs: 0,
  interfacesField: false,
};
const v010: MetallbSwitches = { ...v093, version: '0.10.3', rejoinIntervalMs: 60_000, garpOnMemberJoin: true };
const v0135: MetallbSwitches = { ...v010, version: '0.13.5', electionKey: 'ip' };
const v0161: MetallbSwitches = { ...v0135, version: '0.16.1', interfacesField: true };
/** main after PR #3125, with `--gratuitous-arp-interval=30s` (the flag's default 0 is v0.16.1's behaviour). */
const main: MetallbSwitches = { ...v0161, version: 'main (2026-09, PR #3125)', gratuitousArpIntervalMs: 30_000 };

const profile = (name: string, description: string, metallb: MetallbSwitches): Profile => ({
  name,
  description,
  implementation: 'metallb',
  l2: metallbL2,
  ipam: metallbIpam,
  metallb,
});

/** The MetalLB layer2 profiles (`metallb-l2`, older releases for the M-bugs), oldest first. */
export const METALLB_PROFILES: readonly Profile[] = [
  profile('metallb-0.9.3', 'MetalLB 0.9.3 layer2: memberlist without rejoin, no gARP after a partition heals (M02), per-service hash (M03), interfaces ignored (M07)', v093),
  profile('metallb-0.10', 'MetalLB 0.9.4–0.10.x layer2: rejoin every minute and gARP on member join (M02 fixed), per-service hash (M03), interfaces ignored (M07)', v010),
  profile('metallb-0.13.5', 'MetalLB 0.11.0–0.13.5 layer2: per-IP hash (M03 fixed), L2Advertisement interfaces not yet honoured (M07)', v0135),
  profile('metallb-l2', 'MetalLB v0.16.1 layer2: memberlist LAN gossip, per-IP hash election, gARP burst 1 + every 1.1 s for 5 s, no periodic gARP (M06)', v0161),
  profile('metallb-main', 'MetalLB main after PR #3125 with --gratuitous-arp-interval=30s (M06 fixed)', main),
];
