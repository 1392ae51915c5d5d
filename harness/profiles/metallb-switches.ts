/**
 * MetalLB layer2-mode switches (bug-catalog M02 – M11, `reference/peers-and-numbers.md` §1.6). The
 * speaker model that reads them lives in `harness/impl/metallb/`; each switch names the release,
 * PR or source file it comes from.
 */

/**
 * hashicorp/memberlist timings the speakers gossip with (`memberlist.DefaultLANConfig()`, v0.5.1
 * `config.go`; MetalLB `internal/speakerlist/speakerlist.go` uses the LAN config unless overridden
 * by `MEMBERLIST_*` variables; peers-and-numbers §1.6).
 */
export interface MemberlistTimings {
  /** `ProbeInterval`: each member probes one other member this often (LAN: 1 s). */
  readonly probeIntervalMs: number;
  /** `ProbeTimeout`: a direct ping unanswered this long goes to indirect probes (LAN: 500 ms). */
  readonly probeTimeoutMs: number;
  /** `SuspicionMult`: the suspicion timeout is this × max(1, log10 n) × probe interval (LAN: 4). */
  readonly suspicionMult: number;
  /** `SuspicionMaxTimeoutMult`: the upper bound of the suspicion timeout, × the minimum (LAN: 6). */
  readonly suspicionMaxTimeoutMult: number;
  /** `GossipInterval`: suspect/dead/alive messages spread this often (LAN: 200 ms). */
  readonly gossipIntervalMs: number;
  /** `IndirectChecks`: members asked to ping a target that missed a direct ping (LAN: 3). */
  readonly indirectChecks: number;
  /**
   * `PushPullInterval`: a full state exchange with one random member this often (LAN: 30 s). A
   * member that was declared dead while it could not talk (frozen) learns so at its next exchange
   * and refutes, which merges it back; two sides that each dropped the other never exchange.
   */
  readonly pushPullIntervalMs: number;
}

/** The memberlist LAN defaults (v0.5.1 `DefaultLANConfig`). */
export const MEMBERLIST_LAN: MemberlistTimings = {
  probeIntervalMs: 1_000,
  probeTimeoutMs: 500,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  gossipIntervalMs: 200,
  indirectChecks: 3,
  pushPullIntervalMs: 30_000,
};

/** The switches in which MetalLB releases differ (layer2 mode only). */
export interface MetallbSwitches {
  /** MetalLB release the profile models, e.g. `0.16.1`. */
  readonly version: string;
  /**
   * M03 (#805 → PR #976, 0.11.0): what the per-node election hash covers. `service` (≤ 0.10.x):
   * sha256(node + "#" + namespace/name), so services sharing an IP can pick different nodes;
   * `ip` (0.11.0+): sha256(node + "#" + IP), so they always agree (`speaker/layer2_controller.go`,
   * peers-and-numbers §1.6).
   */
  readonly electionKey: 'service' | 'ip';
  /** Gossip timings (peers-and-numbers §1.6: memberlist LAN defaults). */
  readonly memberlist: MemberlistTimings;
  /**
   * M02 (PR #662, 0.9.4): every speaker tries `memberlist.Join` with the speaker pods it knows that
   * are not members, every this many ms (`speakerlist.go` `joinMembers`: a one-minute ticker), so
   * two sides of a healed partition merge again. `undefined` (0.9.3): no rejoin — memberlist drops
   * dead members and a healed partition stays split until a speaker restarts.
   */
  readonly rejoinIntervalMs: number | undefined;
  /**
   * M02 (PR #736, 0.9.4): a member joining (a speaker start or a healed partition merging) makes
   * every speaker re-announce the IPs it owns with a fresh gratuitous ARP burst. When false
   * (0.9.3), a speaker that already owned an IP sends nothing: clients keep the interim owner's MAC.
   */
  readonly garpOnMemberJoin: boolean;
  /**
   * `internal/layer2/announcer.go` `spamLoop` (interval chosen in #172): one gratuitous ARP when an
   * IP becomes owned, then one every `garpSpamIntervalMs` until `garpSpamForMs` have passed
   * (1.1 s, 5 s: about 5 GARPs; peers-and-numbers §1.6, bug-catalog §3).
   */
  readonly garpSpamIntervalMs: number;
  readonly garpSpamForMs: number;
  /**
   * M06 (#2910 → PR #3125 / commit ab81309b2, main, not in v0.16.1): `--gratuitous-arp-interval`
   * (env `METALLB_GRATUITOUS_ARP_INTERVAL`), a GARP for every owned IP this often; 0 = off (the
   * flag's default and every release).
   */
  readonly gratuitousArpIntervalMs: number;
  /**
   * M07 (#277/#894 → PR #1536, 0.13.6): the L2Advertisement `interfaces` field is honoured. When
   * false, the speaker answers for an owned IP on every interface of the node (the replies on
   * arbitrary interfaces, OVS trunks and storage NICs of #277/#894).
   */
  readonly interfacesField: boolean;
}
