import type { KubeVipSwitches } from './kube-vip-switches.ts';
import type { MetallbSwitches } from './metallb-switches.ts';

/**
 * A behaviour profile: the named switches in which Cilium versions differ, as data. Decisions take
 * a profile and branch on switches, never on version strings. Every switch names the spec section
 * (`reference/cilium-l2-lbipam-spec.md`) or bug id (`reference/bug-catalog.md`) it comes from.
 */
export interface Profile {
  /** Profile id as given to `--profile` (`cilium-1.16`, `reference`, …). */
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  /**
   * Which announcer the profile models. `cilium` profiles use only `l2` + `ipam`; `metallb` and
   * `kube-vip` profiles keep Cilium-shaped `l2`/`ipam` defaults for the shared machinery and add
   * their own switches (`metallb`, `kubeVip`).
   */
  readonly implementation: 'cilium' | 'metallb' | 'kube-vip';
  readonly l2: L2Switches;
  readonly ipam: IpamSwitches;
  /** MetalLB layer2 switches (`implementation: 'metallb'` only). */
  readonly metallb?: MetallbSwitches;
  /** kube-vip ARP-mode switches (`implementation: 'kube-vip'` only). */
  readonly kubeVip?: KubeVipSwitches;
}

/** L2 announcer and leader-election switches (spec §1–§3). */
export interface L2Switches {
  /**
   * §1.2 rule 3 / C01: when true, every policy-selected service gets a Lease even without an
   * announceable IP (1.14.x). When false, only services with an IP of an enabled type (1.15+).
   */
  readonly leaseForNonAnnounceable: boolean;
  /** §1.2 rule 4 (#27976, 1.15+): services with a foreign `loadBalancerClass` are not candidates. */
  readonly loadBalancerClassFilter: boolean;
  /** §1.2 rule 5 / C04 (#46399, 1.20.2+): with eTP=Local a node needs a local ready backend. */
  readonly etpLocalGating: boolean;
  /**
   * C05 (1.20.2 regression): backends without a nodeName (Cilium Gateway API's synthetic
   * 192.192.192.192:9999) never count as local, so eTP=Local gateway services get no announcer.
   * When false (the `reference` behaviour), a service whose backends carry no nodeName at all is
   * not gated.
   */
  readonly etpLocalIgnoresNodelessBackends: boolean;
  /** §2.2 / C02 (#30340): a node that lost a lease re-enters candidacy (1.14.7+, 1.15.x+). */
  readonly reacquireAfterLoss: boolean;
  /** §2.2 / §4: renew with an optimistic PUT first (client-go ≥ 0.30, Cilium ≥ 1.16); else GET+PUT. */
  readonly optimisticRenew: boolean;
  /** §2.2: release on cancel writes `leaseDurationSeconds: 1` (newer client-go) or keeps the configured one. */
  readonly releaseSetsOneSecond: boolean;
  /** §3.2: gratuitous ARP opcode: `reply` (1.14 – ~1.19) or `request` (newest gneigh). */
  readonly garpOpcode: 'reply' | 'request';
  /** §1.2 note (#47579): a new LB IP on an existing service wakes the announcer (false in 1.18 – 1.20.0). */
  readonly newIpWakesAnnouncer: boolean;
  /** §3.1 (#39648): IPv6 VIPs answered with NDP (1.19+). When false, IPv6 ingress IPs are ignored. */
  readonly ipv6Ndp: boolean;
  /**
   * §1.3 / #48419 / INV-SHARED-IP-ONE-NODE: when true (every Cilium version read), services that
   * share one IP elect separately (one Lease each); when false, they elect together.
   */
  readonly sharedIpSeparateLeases: boolean;
  /**
   * §1.2 note / §1.3 P1–P2 / C14 (explore: `reference-new-ip-announced-s2`): when true, a policy
   * whose interface patterns select none of the node's devices does not make that node a
   * candidate, so a node that could answer on no device never competes for (and never wins) the
   * Lease. False in every Cilium version read: candidacy ignores interfaces, and such a winner
   * holds the Lease answering nothing while a node with the device stands by. Judged only where the
   * node's devices are known (`check` without devices keeps the patterns).
   */
  readonly candidacyRequiresDevice: boolean;
  /**
   * §2.2 / architecture Decision 4 (explore: `reference-holder-answers-s5`): when true, the release
   * after the renew loop ends (lost or cancelled) runs under a renewDeadline timeout, so a leader
   * cut off from the API server stops leading (`OnStoppedLeading`) at most renewDeadline after its
   * renewal gave up. When false it uses `context.TODO()` and waits for the HTTP timeout, leading on
   * while another node takes over. client-go gained the bound between v0.31 (still `context.TODO()`)
   * and its May 2025 master (about v0.33; the PR was not found); the GET before the release write
   * (kubernetes#132849, v0.34+) is not modelled. Which Cilium release ships it: version unknown, so
   * only `reference` has it.
   */
  readonly releaseBoundedByRenewDeadline: boolean;
  /**
   * §3.2 / `datapath/reconcile.ts` [inference] (explore: `reference-holder-answers-s11`): when true,
   * a (re)started agent deletes the responder entries its previous life pinned before its liveness
   * stamp lets the datapath answer again, so a node whose Lease moved on while its agent was down
   * does not answer as a stray responder; a pair it re-claims is inserted again, with its GARP.
   * False in every Cilium profile as modelled: the first full resync, which prunes them, comes one
   * period (5 min) after the start, and pinned entries answer as soon as the liveness is fresh.
   */
  readonly pruneOnAgentStart: boolean;
  /**
   * §1.3 P1/P2 / INV-HOLDER-ANSWERS ("the holder answers for every IP of that service"; explore:
   * reference round 2, seed 11): when true, only candidates that would program every IP some
   * candidate would program compete (`harness/l2/coverage.ts`), so no IP depends on which one wins
   * or survives; when the policies split the IPs between nodes so that none covers them all, none
   * competes. False in every Cilium version read: one Lease per service, and the winner announces
   * what its own policies give it.
   */
  readonly candidacyRequiresEveryIp: boolean;
  /**
   * §2.2 `ReleaseOnCancel` (explore: reference round 3 seed 1, round 4 seed 5): when true,
   * cancelling an elector (the service deselected) does not abort the Lease request in flight: an
   * acquire attempt that wins is released at once, and a renewal's new resourceVersion is the one
   * the release writes against. client-go aborts the request with its context; a CREATE or PUT the
   * server applied anyway leaves a Lease nobody renews (acquire), or makes the release fail with a
   * conflict (renew, kubernetes#131867) — either way every candidate waits for leaseDuration (a new
   * IP stayed silent past INV-NEW-IP-ANNOUNCED's 5 s). No client-go version read does otherwise:
   * only `reference` has it.
   */
  readonly cancelCompletesLeaseRequest: boolean;
  /**
   * §2.2 release (kubernetes#131867 → PR #132849, client-go v0.34+; explore: reference round 4,
   * seed 5): when true, the release GETs the Lease first, so it writes with the current
   * resourceVersion — a renewal aborted by the cancel may have been applied, and a release with the
   * cached version then fails with a conflict, leaving a Lease nobody renews for leaseDuration.
   * Unlike client-go, a Lease that names another node by then is left alone (client-go's
   * `IsLeader` looks at the old observation and would write over it). Which Cilium release ships
   * client-go v0.34: version unknown, so only `reference` has it.
   */
  readonly releaseRefreshesLease: boolean;
  /**
   * §3.2 / C16 (explore: reference, 10,000 runs, seed 1): when true, a node whose interface link
   * comes back up sends one GARP for every IP programmed on it. Cilium sends one per (IP,
   * interface) at insert only, so a takeover while the link is down announces into the void and
   * clients keep the dead holder's MAC until their entries expire. Only `reference` has it. The
   * agent learns of the link through `Agent.linkUp` (the sim world calls it; in the lab, the agent
   * process's link monitor).
   */
  readonly garpOnLinkUp: boolean;
  /**
   * §1.2 / C14 (explore: reference, 10,000 runs, random seed 47870872): when true, a node competes
   * only through devices whose link is up — its agent drops the others from candidacy and from
   * what it programs, and a node with no device up releases its Leases. Cilium's candidacy looks
   * at policies, not link state: a node whose link is down can win a takeover and announce
   * nothing until the link returns. The agent learns of links through `Agent.linkDown`/`linkUp`
   * (the sim world calls them; in the lab, the agent process's link monitor). Only `reference` has it.
   */
  readonly candidacyRequiresLinkUp: boolean;
  /**
   * §1.3 / C07 (cilium/cilium#32115 on 1.15.3, fixed by PR #32279 "l2announcer: Fix delete entry if
   * no origins left", May 2024): when true, a service leaving the node's led set (deleted,
   * deselected, Lease lost) deletes every (IP, interface) entry it originated from the announce
   * table, even when other services sharing that IP still originate it — the shared VIP stops
   * being answered although the remaining services carry it. The entry comes back only when a
   * service is upserted onto it again (`agent/shared-entry-drop.ts`). Only `cilium-1.15.3` has it
   * (the reported release; which 1.15 patch releases carry it is not verified). Optional (absent =
   * false).
   */
  readonly deleteSharedEntryWithOrigin?: boolean;
  /**
   * C10 (cilium/cilium#48626, 1.20.1, open): when true, a node that starts leading a service
   * programs it only on the devices whose link is up at that instant, and a device whose link
   * comes back later is not programmed for it: a node that wins the Lease during a LAN bounce (it
   * still reaches the API server, e.g. the control-plane node) renews it and answers nothing until
   * its agent restarts or it loses the Lease (`agent/devices-at-acquire.ts`). The mechanism is an
   * inference from the report ("Successfully acquired lease", then no l2-responder activity, fixed
   * by deleting the agent pod): the desired entries are computed from the devices table when
   * leadership starts and a returning device does not re-run it. Set in `cilium-1.20.1` only, the
   * reported release (the issue is open; whether 1.20.2 has it is unknown, and `cilium-1.20.2` keeps
   * the link handling C16 documents: a late takeover is answered once the link is back, with no
   * GARP). The agent learns of links through
   * `Agent.linkDown`/`linkUp` (the sim world calls them; in the lab, the agent process's link monitor).
   * Optional (absent = false).
   */
  readonly devicesFrozenAtAcquire?: boolean;
  /**
   * C12 (#40735, "by design") / INV-REACQUIRE's API-outage variant: when true, a leader whose
   * renewal failed only because the API server refused it as down (HTTP 503, or the connection
   * refused: the server process is gone, not the path to it) keeps leading and keeps renewing every
   * retryPeriod — with a sole API server nobody else can write the Lease either, so the VIPs stay
   * answered through a control-plane outage; a timeout or any other failure ends the term as in
   * client-go. A candidate that could not read the Lease for that reason observes it afresh once
   * it can (the outage is not counted as the holder's silence), so it does not take the Lease over
   * the moment the server is back. Unsafe with several API servers, where one refusing says
   * nothing about the others. Every Cilium version stops leading renewDeadline after its last
   * renewal and announcements stop: only `reference` has it. Optional (absent = false): the
   * MetalLB and kube-vip profiles reuse the Cilium election machinery without it.
   */
  readonly leadThroughApiOutage?: boolean;
  /**
   * §3.1 / C15 (#27521, open since 2023): when true, the responder answers an ARP request for a
   * programmed VIP that the node itself sent (a process on the lease holder — a host-network pod,
   * the kubelet — resolving the VIP), as the kernel answers for a local address. Cilium's eBPF
   * responder sits on tc ingress and never sees the node's own requests, so the holder cannot
   * resolve its own VIP while every other node can. Only `reference` has it; honoured by the sim
   * world's datapath (the lab's nodes route the pool locally, so its own probes need no ARP).
   * Optional (absent = false).
   */
  readonly answerOwnNode?: boolean;
}

/** LB-IPAM operator switches (spec §5). */
export interface IpamSwitches {
  /** §5.4: random address inside the CIDR (1.13/1.14 bitmap) or lowest of the smallest free block (1.15+). */
  readonly allocationOrder: 'random' | 'lowest-free';
  /**
   * §5.1 / C21: meaning of `allowFirstLastIPs`: `always-reserve` (1.13/1.14: no field, first and
   * last always reserved), `unset-reserves` (1.15), `unset-allows` (1.16+: only `No` reserves).
   */
  readonly firstLastIPs: 'always-reserve' | 'unset-reserves' | 'unset-allows';
  /** §5.1: pool `spec.blocks` accepted (1.15+). */
  readonly blocksField: boolean;
  /** §5.1: pool `spec.cidrs` accepted (1.13 – 1.15; removed in 1.16). */
  readonly cidrsField: boolean;
  /** §5.1: pool API versions served (`cilium.io/v2` from 1.18). */
  readonly poolApiVersions: readonly ('cilium.io/v2alpha1' | 'cilium.io/v2')[];
  /**
   * §5.3: annotation prefixes honoured, first wins (`lbipam.cilium.io/` since 1.16, #30169).
   * `metallb.universe.tf/` (MetalLB profiles only) reads MetalLB's names for the same requests:
   * `loadBalancerIPs` and `allow-shared-ip` (`harness/ipam/requested-ips.ts`).
   */
  readonly annotationPrefixes: readonly ('lbipam.cilium.io/' | 'io.cilium/lb-ipam-' | 'metallb.universe.tf/')[];
  /** §5.3 (#28806, 1.15+): the sharing-key annotation is honoured. */
  readonly sharingKey: boolean;
  /** §5.3: cross-namespace sharing annotation honoured. */
  readonly sharingCrossNamespace: boolean;
  /** §5.5: condition type prefix: `io.cilium/…` names (1.13/1.14) or `cilium.io/…` (later). */
  readonly conditionNames: 'io.cilium' | 'cilium.io';
  /** §5.5: reason for failed sharing rules. */
  readonly incompatibleSharingReason: 'already_allocated_incompatible_service' | 'already_allocated_different_sharing_key';
  /** §5.2: `loadBalancerClass: io.cilium/l2-announcer` is handled by LB-IPAM (1.15+). */
  readonly l2AnnouncerClassHandled: boolean;
  /** §5.2 (#35074, 1.17+): `defaultLBServiceIPAM` decides for services without a class. */
  readonly defaultLbServiceIpamSetting: boolean;
  /** §5.4 (#41147, 1.19+): satisfied services re-imported before new allocations on restart. */
  readonly importBeforeAllocate: boolean;
  /**
   * §5.1 / C21 (cilium/cilium#29410, filed 2023-11-27 against main after the new allocator of
   * PR #26488): when true, the range of a CIDR block ends one address past the block. With first
   * and last reserved a /29 hands out .1–.7 — its broadcast address included — and with
   * `allowFirstLastIPs: Yes` it hands out .0–.8, one address outside the block. Only the
   * `cilium-1.15-dev` profile has it: the report was against the development branch, and whether a
   * release shipped it is not verified (the issue is closed, the fix not identified). Optional
   * (absent = false).
   */
  readonly cidrRangeOffByOne?: boolean;
  /**
   * §5.6 / C19 (#40358 on 1.17.4: widening .120–.127 to .117–.127 gave every Service a new IP;
   * #41458 on 1.17.6; fixed for widening and selector edits by PR #41122, in 1.18.2 per #43131):
   * when true, any edit of a pool's spec makes the operator forget every allocation from that pool
   * and satisfy those Services again, oldest first and lowest free address first
   * (`operator/pool-edits.ts`). When false, a Service whose IP is still in an enabled range of a
   * pool that selects it keeps it (shrinking still moves those it excludes). `cilium-1.16` (which
   * stands for 1.16/1.17; 1.16 itself is not verified) and `cilium-1.18` (1.18.0–1.18.1) have it.
   * Optional (absent = false).
   */
  readonly poolEditReallocates?: boolean;
}
