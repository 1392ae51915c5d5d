import { ANNOUNCER_L2_BASE } from './announcer-l2-base.ts';
import type { KubeVipSwitches } from './kube-vip-switches.ts';
import type { IpamSwitches, L2Switches, Profile } from './profile.ts';

/**
 * The kube-vip ARP-mode profiles (services with `svc_election=true`), oldest first: `kube-vip-arp`
 * (v1.2.3) and the older releases the K-bugs need. kube-vip's own switches are in
 * `kube-vip-switches.ts`; the `l2` switches below drive the shared client-go elector and candidacy:
 *
 * - `reacquireAfterLoss` — false only in v1.0.1 – v1.0.3 (K05, #1377: after a renew failure the
 *   per-service election loop is never restarted; v1.0.0 worked, v1.0.4 has the fixes #1368/#1386);
 * - `sharedIpSeparateLeases` — true up to v1.0.0 (K01: one Lease per Service, so Services sharing an
 *   IP can be led by different nodes), false from v1.0.1 (the common lease for Services sharing an
 *   IP). The common Lease is named after the first sharing Service by `namespace/name`
 *   [inference: kube-vip names it from a `kube-vip.io/leaseName` annotation or the first Service
 *   that started it; l2lab needs a name every node derives alike];
 * - `optimisticRenew`, `releaseSetsOneSecond` — client-go's fast path and 1 s release (client-go
 *   ≥ 0.30, as Cilium ≥ 1.16): on for the 1.x releases (2025+), off for 0.4/0.5 (2022, older client-go);
 * - `etpLocalGating` — with `externalTrafficPolicy: Local`, kube-vip elects only on nodes with a
 *   local endpoint (`watch_endpoints.go`) [inference for 0.4.2: the file is older than the K04 fix];
 * - `loadBalancerClassFilter` — services of a foreign `loadBalancerClass` are skipped;
 * - `leaseForNonAnnounceable` false — a Service without an address gets no election;
 * - everything else as client-go without the newer release fixes (`releaseBoundedByRenewDeadline`,
 *   `releaseRefreshesLease` — the client-go version of each kube-vip release was not checked) and
 *   without `reference`'s Cilium fixes.
 *
 * `ipam` stands for kube-vip-cloud-provider: l2lab's one allocator (Cilium LB-IPAM 1.16+ semantics,
 * sharing key honoured) hands out the addresses, so a scenario's pool and sharing annotations keep
 * their meaning under every implementation.
 */

const l2Base: L2Switches = { ...ANNOUNCER_L2_BASE, optimisticRenew: false, releaseSetsOneSecond: false, ipv6Ndp: true };

/** Cilium LB-IPAM 1.16+ semantics as the stand-in for kube-vip-cloud-provider. */
const ipam: IpamSwitches = {
  allocationOrder: 'lowest-free',
  firstLastIPs: 'unset-allows',
  blocksField: true,
  cidrsField: false,
  poolApiVersions: ['cilium.io/v2alpha1', 'cilium.io/v2'],
  annotationPrefixes: ['lbipam.cilium.io/', 'io.cilium/lb-ipam-'],
  sharingKey: true,
  sharingCrossNamespace: true,
  conditionNames: 'cilium.io',
  incompatibleSharingReason: 'already_allocated_different_sharing_key',
  l2AnnouncerClassHandled: true,
  defaultLbServiceIpamSetting: false,
  importBeforeAllocate: false,
};

/** kube-vip CLI lease defaults before v1.1.0 (PR #1429): 5 s / 3 s / 1 s. */
const OLD_DEFAULT_TIMING = { leaseDurationMs: 5_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000 } as const;

const kv042: KubeVipSwitches = { version: '0.4.2', leaseNaming: 'service-name', garp: 'once', arpRateMs: 3_000, garpOpcodeAlternates: false, kernelAnswersArp: true, defaultTiming: OLD_DEFAULT_TIMING };
const kv05: KubeVipSwitches = { ...kv042, version: '0.5.0', garp: 'periodic-per-vip', garpOpcodeAlternates: true };
const kv100: KubeVipSwitches = { ...kv05, version: '1.0.0', garp: 'periodic-manager' };
const kv103: KubeVipSwitches = { ...kv100, version: '1.0.3', leaseNaming: 'namespace-qualified' };
const kv104: KubeVipSwitches = { ...kv103, version: '1.0.4' };
const kv123: KubeVipSwitches = { ...kv104, version: '1.2.3', defaultTiming: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } };

const kubeVip042: Profile = {
  name: 'kube-vip-0.4.2',
  implementation: 'kube-vip',
  description: 'kube-vip 0.4.2 ARP mode: one GARP per takeover (K04), one Lease per Service (K01)',
  l2: l2Base,
  ipam,
  kubeVip: kv042,
};

const kubeVip05: Profile = {
  name: 'kube-vip-0.5',
  implementation: 'kube-vip',
  description: 'kube-vip 0.4.3–0.5.x ARP mode: GARP at once and every 3 s (PR #383), still one Lease per Service (K01, #441)',
  l2: l2Base,
  ipam,
  kubeVip: kv05,
};

const kubeVip100: Profile = {
  name: 'kube-vip-1.0.0',
  implementation: 'kube-vip',
  description: 'kube-vip 1.0.0 ARP mode: ARP manager loop every 3 s, newer client-go, still one Lease per Service keyed by name (K01, #1201)',
  l2: { ...l2Base, optimisticRenew: true, releaseSetsOneSecond: true },
  ipam,
  kubeVip: kv100,
};

const kubeVip103: Profile = {
  name: 'kube-vip-1.0.3',
  implementation: 'kube-vip',
  description: 'kube-vip 1.0.1–1.0.3 ARP mode: common lease for Services sharing an IP, namespace-qualified keys, but a lost election is never restarted (K05, #1377)',
  l2: { ...kubeVip100.l2, sharedIpSeparateLeases: false, reacquireAfterLoss: false },
  ipam,
  kubeVip: kv103,
};

const kubeVip104: Profile = {
  name: 'kube-vip-1.0.4',
  implementation: 'kube-vip',
  description: 'kube-vip 1.0.4 ARP mode: the election loop restarts after a loss (K05 fixed, #1368/#1386), lease defaults still 5/3/1 s',
  l2: { ...kubeVip103.l2, reacquireAfterLoss: true },
  ipam,
  kubeVip: kv104,
};

const kubeVipArp: Profile = {
  name: 'kube-vip-arp',
  implementation: 'kube-vip',
  description: 'kube-vip 1.2.3 ARP mode (svc_election): client-go Lease per Service or shared IP, VIP on the interface (the kernel answers), GARP every 3 s, 15/10/2 s lease defaults',
  l2: kubeVip104.l2,
  ipam,
  kubeVip: kv123,
};

/** The kube-vip ARP-mode profiles (`kube-vip-arp`, older releases for the K-bugs), oldest first. */
export const KUBE_VIP_PROFILES: readonly Profile[] = [kubeVip042, kubeVip05, kubeVip100, kubeVip103, kubeVip104, kubeVipArp];
