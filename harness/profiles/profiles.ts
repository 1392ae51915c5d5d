import { KUBE_VIP_PROFILES } from './kube-vip-profiles.ts';
import { METALLB_PROFILES } from './metallb-profiles.ts';
import type { Profile } from './profile.ts';

/**
 * The behaviour profiles l2lab ships. Each later profile is the previous one plus the changes the
 * spec's version table (§6) lists, so a diff between two profiles reads like release notes.
 */

const cilium114: Profile = {
  name: 'cilium-1.14',
  implementation: 'cilium',
  description: 'Cilium 1.14.0–1.14.6: leases for every selected service (C01), no re-election after loss (C02)',
  l2: {
    leaseForNonAnnounceable: true,
    loadBalancerClassFilter: false,
    etpLocalGating: false,
    etpLocalIgnoresNodelessBackends: false,
    reacquireAfterLoss: false,
    optimisticRenew: false,
    releaseSetsOneSecond: false,
    garpOpcode: 'reply',
    newIpWakesAnnouncer: true,
    ipv6Ndp: false,
    sharedIpSeparateLeases: true,
    candidacyRequiresDevice: false,
    releaseBoundedByRenewDeadline: false,
    pruneOnAgentStart: false,
    candidacyRequiresEveryIp: false,
    cancelCompletesLeaseRequest: false,
    releaseRefreshesLease: false,
    garpOnLinkUp: false,
    candidacyRequiresLinkUp: false,
  },
  ipam: {
    allocationOrder: 'random',
    firstLastIPs: 'always-reserve',
    blocksField: false,
    cidrsField: true,
    poolApiVersions: ['cilium.io/v2alpha1'],
    annotationPrefixes: ['io.cilium/lb-ipam-'],
    sharingKey: false,
    sharingCrossNamespace: false,
    conditionNames: 'io.cilium',
    incompatibleSharingReason: 'already_allocated_different_sharing_key',
    l2AnnouncerClassHandled: false,
    defaultLbServiceIpamSetting: false,
    importBeforeAllocate: false,
  },
};

const cilium115: Profile = {
  name: 'cilium-1.15',
  implementation: 'cilium',
  description: 'Cilium 1.15: class filter, no lease without an IP, re-election after loss, blocks + hash allocator',
  l2: { ...cilium114.l2, leaseForNonAnnounceable: false, loadBalancerClassFilter: true, reacquireAfterLoss: true },
  ipam: {
    ...cilium114.ipam,
    allocationOrder: 'lowest-free',
    firstLastIPs: 'unset-reserves',
    blocksField: true,
    cidrsField: true,
    sharingKey: true,
    sharingCrossNamespace: true,
    l2AnnouncerClassHandled: true,
  },
};

/**
 * 1.15.3 as reported in #32115 (C07): cilium-1.15 plus the delete path that drops an IP shared with
 * services still carrying it from the announce table (fixed by PR #32279, May 2024). Which other
 * 1.15 patch releases carry it is not verified.
 */
const cilium1153: Profile = {
  name: 'cilium-1.15.3',
  implementation: 'cilium',
  description: 'Cilium 1.15.3 (#32115): deleting one of several services sharing an IP removes the IP from the announce table (C07)',
  l2: { ...cilium115.l2, deleteSharedEntryWithOrigin: true },
  ipam: cilium115.ipam,
};

/**
 * The development branch between the new LB-IPAM allocator (PR #26488, Oct 2023) and the fix of
 * #29410 (not identified): CIDR ranges one address too long (C21). Not a release; kept apart so
 * that `cilium-1.15` stays what 1.15.0 shipped as far as the spec says.
 */
const cilium115dev: Profile = {
  name: 'cilium-1.15-dev',
  implementation: 'cilium',
  description: 'Cilium main, Nov 2023 (#29410): CIDR blocks hand out their broadcast address, or one past the block with allowFirstLastIPs Yes (C21)',
  l2: cilium115.l2,
  ipam: { ...cilium115.ipam, cidrRangeOffByOne: true },
};

const cilium116: Profile = {
  name: 'cilium-1.16',
  implementation: 'cilium',
  description: 'Cilium 1.16/1.17: optimistic renew, lbipam.cilium.io/* annotations, cidrs removed, first/last allowed by default',
  l2: { ...cilium115.l2, optimisticRenew: true, releaseSetsOneSecond: true },
  ipam: {
    ...cilium115.ipam,
    firstLastIPs: 'unset-allows',
    cidrsField: false,
    annotationPrefixes: ['lbipam.cilium.io/', 'io.cilium/lb-ipam-'],
    conditionNames: 'cilium.io',
    incompatibleSharingReason: 'already_allocated_different_sharing_key',
    poolEditReallocates: true,
  },
};

const cilium118: Profile = {
  name: 'cilium-1.18',
  implementation: 'cilium',
  description: 'Cilium 1.18–1.20.0: statedb frontends, pools in cilium.io/v2, new LB IPs not announced until another event (#47579); LB IPs reshuffled on operator restart until 1.18.2 (C19)',
  l2: { ...cilium116.l2, newIpWakesAnnouncer: false },
  ipam: {
    ...cilium116.ipam,
    poolApiVersions: ['cilium.io/v2alpha1', 'cilium.io/v2'],
    incompatibleSharingReason: 'already_allocated_incompatible_service',
    defaultLbServiceIpamSetting: true,
  },
};

/**
 * 1.18.2 backported the LB-IPAM restart fixes (#41147 + #41122, per #43131: "affects < 1.18.2");
 * everything else as `cilium-1.18`, whose IPAM then stands for 1.18.0–1.18.1 (C19).
 */
const cilium1182: Profile = {
  name: 'cilium-1.18.2',
  implementation: 'cilium',
  description: 'Cilium 1.18.2–1.20.0: as cilium-1.18, plus no LB IP reshuffle on operator restart or pool widening/selector edits (#41147, #41122, backported per #43131)',
  l2: cilium118.l2,
  ipam: { ...cilium118.ipam, importBeforeAllocate: true, poolEditReallocates: false },
};

const cilium1201: Profile = {
  name: 'cilium-1.20.1',
  implementation: 'cilium',
  description: 'Cilium 1.20.1: IPv6/NDP, frontend-change fix (#47579), GARP still the reply form; a holder that wins with its links down never programs them (C10, #48626, open)',
  l2: { ...cilium118.l2, newIpWakesAnnouncer: true, ipv6Ndp: true, devicesFrozenAtAcquire: true },
  ipam: { ...cilium118.ipam, importBeforeAllocate: true, poolEditReallocates: false },
};

const cilium1202: Profile = {
  name: 'cilium-1.20.2',
  implementation: 'cilium',
  description: 'Cilium 1.20.2: eTP=Local gating (#46399), which drops Gateway API services without nodeName backends (C05)',
  // C10 (devicesFrozenAtAcquire) is reported on 1.20.1 only; unknown here, so 1.20.2 keeps the link handling C16 documents.
  l2: { ...cilium1201.l2, etpLocalGating: true, etpLocalIgnoresNodelessBackends: true, garpOpcode: 'request', devicesFrozenAtAcquire: false },
  ipam: cilium1201.ipam,
};

const reference: Profile = {
  name: 'reference',
  implementation: 'cilium',
  description: 'What the invariants demand: newest Cilium semantics with every known L2 bug fixed, shared IPs elected together, candidates announce every IP and have a device, bounded releases, no Lease orphaned by a cancel, stale entries pruned on agent start, candidacy only through links that are up and a GARP when one comes back, leaders that lead on through an API server outage, a holder that resolves its own VIP',
  l2: { ...cilium1202.l2, etpLocalIgnoresNodelessBackends: false, sharedIpSeparateLeases: false, candidacyRequiresDevice: true, releaseBoundedByRenewDeadline: true, pruneOnAgentStart: true, candidacyRequiresEveryIp: true, cancelCompletesLeaseRequest: true, releaseRefreshesLease: true, garpOnLinkUp: true, candidacyRequiresLinkUp: true, devicesFrozenAtAcquire: false, leadThroughApiOutage: true, answerOwnNode: true },
  ipam: cilium1202.ipam,
};

/** All shipped profiles by name, oldest first, `reference` last. */
export const PROFILES: ReadonlyMap<string, Profile> = new Map(
  [cilium114, cilium115dev, cilium115, cilium1153, cilium116, cilium118, cilium1182, cilium1201, cilium1202, reference, ...METALLB_PROFILES, ...KUBE_VIP_PROFILES].map((p) => [p.name, p]),
);

/** The profile used when none is given: the newest Cilium release modelled. */
export const DEFAULT_PROFILE_NAME = 'cilium-1.20.2';

/** Looks up a profile; the error lists the known names. */
export function getProfile(name: string): Profile {
  const profile = PROFILES.get(name);
  if (profile === undefined) {
    throw new UnknownProfileError(name);
  }
  return profile;
}

/** Thrown by {@link getProfile} for a name that is not shipped. */
export class UnknownProfileError extends Error {
  readonly code = 'unknown-profile';
  readonly profileName: string;

  constructor(profileName: string) {
    super(`unknown profile '${profileName}': expected one of ${[...PROFILES.keys()].join(', ')}`);
    this.profileName = profileName;
  }
}
