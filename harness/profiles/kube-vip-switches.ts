/**
 * kube-vip ARP-mode switches (bug-catalog K01 – K08, `reference/peers-and-numbers.md`): filled in by
 * the kube-vip-arp profile work (issue 7).
 */
export interface KubeVipSwitches {
  /** kube-vip release the profile models, e.g. `1.2.3`. */
  readonly version: string;
}
