/**
 * kube-vip ARP-mode switches (`svc_election`, services; bug-catalog K01 – K08,
 * `reference/peers-and-numbers.md` §2). Sources: kube-vip/kube-vip `pkg/lease/lease.go`
 * (`ServiceName`: `kubevip-<service>`), `pkg/manager/servicesLeader.go` (one client-go
 * `RunOrDie` per service, `ReleaseOnCancel`), `pkg/arp/arp.go` (the ARP manager: one loop per
 * manager, every `ArpBroadcastRate` ms, re-adds the address and sends a GARP for every owned VIP;
 * rates below 500 ms reset to 3000), `pkg/vip/arp.go` (opcode alternates reply/request), catalog
 * K01 (#441, #947, #577, #1201 → common lease and namespace-qualified keys in v1.0.1), K04 (#382 →
 * PR #383, v0.4.3), K05 (#1377, v1.0.1 – v1.0.3), K08 (PR #1429: lease defaults 5/3/1 s → 15/10/2 s
 * in v1.1.0).
 *
 * The client-go election itself (renew style, release form, re-election after a loss) is the
 * shared elector's, driven by the profile's `l2` switches (`kube-vip-profiles.ts` says which and why).
 */
import type { LeaseTiming } from '../l2/lease.ts';

/** How kube-vip names the Lease of one service (K01, #1201). */
export type KubeVipLeaseNaming =
  /**
   * ≤ v1.0.0: `kubevip-<service>` — the service's name only. kube-vip keeps the Lease in the
   * service's namespace but keyed its in-memory lease map by the name alone (#1201: the same
   * Service name in two namespaces → only one gets its IP). l2lab keeps every announce Lease in one
   * namespace, so the name-only key collides here as it did in kube-vip's map.
   */
  | 'service-name'
  /**
   * ≥ v1.0.1 (PR #1233): keys are `namespace/name`. Written `kubevip-<namespace>-<service>`
   * because l2lab keeps every announce Lease in one namespace (kube-vip's is
   * `<namespace>/kubevip-<service>`: the same uniqueness).
   */
  | 'namespace-qualified';

/** When kube-vip sends its gratuitous ARPs (K04). */
export type KubeVipGarpMode =
  /** ≤ v0.4.2 (#382): one GARP when the service's VIP is started on a new leader, none after. */
  | 'once'
  /**
   * v0.4.3 – v0.x (PR #383, `layer2Update` per VIP): one GARP at once when the VIP starts, then one
   * every `arpRateMs` while leading.
   */
  | 'periodic-per-vip'
  /**
   * v1.x (`pkg/arp/arp.go`): one ARP manager loop per process, started with the process, every
   * `arpRateMs` sends a GARP for every VIP it owns. A new VIP is only registered with the loop
   * (`arpMgr.Insert`): its first GARP comes at the loop's next turn, 0 – `arpRateMs` after the
   * takeover [derived from code, peers-and-numbers §2.1].
   */
  | 'periodic-manager';

/** kube-vip ARP-mode switches of one release. */
export interface KubeVipSwitches {
  /** kube-vip release the profile models, e.g. `1.2.3`. */
  readonly version: string;
  /** K01 / #1201 / PR #1233: how a service's Lease is named. */
  readonly leaseNaming: KubeVipLeaseNaming;
  /** K04 / #382 / PR #383 / `pkg/arp/arp.go`: when GARPs are sent. */
  readonly garp: KubeVipGarpMode;
  /**
   * `vip_arpRate` (`ArpBroadcastRate`), ms between GARP rounds; default 3000. Values below 500 are
   * reset to 3000 by kube-vip ({@link effectiveArpRateMs}). Unused under `garp: 'once'`.
   */
  readonly arpRateMs: number;
  /**
   * `pkg/vip/arp.go` (golden-byte tests in `arp_linux_test.go`): the GARP opcode alternates between
   * reply and request on every send. When false, every GARP uses `l2.garpOpcode`.
   */
  readonly garpOpcodeAlternates: boolean;
  /**
   * peers-and-numbers §2.1, K02: the leader adds the VIP to the interface (`ip addr add`), so the
   * *kernel* answers ARP — with `arp_ignore=0` on every interface of the node, with the receiving
   * interface's MAC, with no liveness cutoff: a crashed kube-vip leaves the address answering until
   * someone removes it (K02). When false, the shared datapath's responder map semantics apply
   * (one (IP, interface) pair, agent liveness cutoff) — no kube-vip release does that.
   */
  readonly kernelAnswersArp: boolean;
  /**
   * K08 / PR #1429 / `cmd/kube-vip.go`: the lease timings a kube-vip of this release runs with when
   * the manifest sets none — 15 s / 10 s / 2 s from v1.1.0, 5 s / 3 s / 1 s before. A scenario's
   * `timings` still wins; scenarios without `timings` run with these.
   */
  readonly defaultTiming: LeaseTiming;
}

/** kube-vip's floor for `vip_arpRate`: below it the rate is reset to {@link DEFAULT_ARP_RATE_MS}. */
export const MIN_ARP_RATE_MS = 500;

/** kube-vip's default `vip_arpRate`. */
export const DEFAULT_ARP_RATE_MS = 3_000;

/** The GARP period kube-vip actually uses: `rate`, or 3000 ms when `rate` < 500 ms (or not a number). */
export function effectiveArpRateMs(rateMs: number): number {
  return Number.isFinite(rateMs) && rateMs >= MIN_ARP_RATE_MS ? rateMs : DEFAULT_ARP_RATE_MS;
}
