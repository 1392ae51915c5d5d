/**
 * kube-vip's per-service Lease names (`pkg/lease/lease.go` `ServiceName`: `kubevip-<service>`;
 * K01 / #1201 / PR #1233 for the namespace-qualified keys of v1.0.1+). Pure.
 */
import { leaseName } from '../../l2/lease.ts';
import type { KubeVipLeaseNaming } from '../../profiles/kube-vip-switches.ts';
import type { Profile } from '../../profiles/profile.ts';

/** Prefix of every kube-vip service Lease. */
export const KUBE_VIP_LEASE_PREFIX = 'kubevip';

/**
 * The Lease of service `namespace/name`: `kubevip-<name>` (≤ v1.0.0: the name alone, so two
 * namespaces' same-named services share it — #1201) or `kubevip-<namespace>-<name>` (≥ v1.0.1;
 * stands for kube-vip's `<namespace>/kubevip-<name>`, since l2lab keeps every announce Lease in
 * one namespace).
 */
export function kubeVipLeaseName(namespace: string, name: string, naming: KubeVipLeaseNaming): string {
  return naming === 'service-name' ? `${KUBE_VIP_LEASE_PREFIX}-${name}` : `${KUBE_VIP_LEASE_PREFIX}-${namespace}-${name}`;
}

/**
 * The own Lease of service `namespace/name` under `profile`: Cilium's `cilium-l2announce-<ns>-<name>`,
 * or kube-vip's ({@link kubeVipLeaseName}).
 */
export function serviceLeaseName(namespace: string, name: string, profile: Profile): string {
  return profile.kubeVip === undefined ? leaseName(namespace, name) : kubeVipLeaseName(namespace, name, profile.kubeVip.leaseNaming);
}
