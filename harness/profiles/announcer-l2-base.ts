import type { L2Switches } from './profile.ts';

/**
 * The Cilium-shaped L2 switches the shared machinery (candidacy, the elector, the model observer)
 * reads under a non-Cilium profile: the announce rules MetalLB and kube-vip share — class filter,
 * no election without an address, eTP=Local needs a local endpoint, newer client-go renew and
 * release — and none of `reference`'s fixes. Each family's profiles start from it and say where
 * they differ (`metallb-profiles.ts`, `kube-vip-profiles.ts`).
 */
export const ANNOUNCER_L2_BASE: L2Switches = {
  leaseForNonAnnounceable: false,
  loadBalancerClassFilter: true,
  etpLocalGating: true,
  etpLocalIgnoresNodelessBackends: false,
  reacquireAfterLoss: true,
  optimisticRenew: true,
  releaseSetsOneSecond: true,
  // mdlayher/arp `Gratuitous` (MetalLB, kube-vip; harness/packet/arp.ts): a reply with broadcast target.
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
};
