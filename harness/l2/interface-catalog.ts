/**
 * Common Linux interface names, used as probes (does a pattern mean the same in JS and Go?) and as
 * examples in over-match warnings ("`eth0` also matches `veth0abc`"). All names are valid kernel
 * names: 1–15 bytes, no '/', ':' or whitespace (IFNAMSIZ and `dev_valid_name`).
 */

/** Why a name is in the catalog; `virtual` names are where a VIP should never be answered (C14). */
export type InterfaceKind = 'physical' | 'stacked' | 'virtual';

/** One catalog entry. */
export interface CatalogInterface {
  readonly name: string;
  readonly kind: InterfaceKind;
  /** What creates this name, for warning messages. */
  readonly origin: string;
}

const entry = (kind: InterfaceKind, origin: string, ...names: string[]): CatalogInterface[] =>
  names.map((name) => ({ name, kind, origin }));

/** The built-in catalog, physical names first (they make the most convincing examples). */
export const INTERFACE_CATALOG: readonly CatalogInterface[] = [
  ...entry('physical', 'kernel default name', 'eth0', 'eth1', 'eth01', 'eth10'),
  ...entry('physical', 'systemd predictable name (hotplug slot)', 'ens3', 'ens18', 'ens19', 'ens20', 'ens192', 'ens200'),
  ...entry('physical', 'systemd predictable name (PCI path)', 'enp0s3', 'enp1s0', 'enp3s0f0', 'enp3s0f1', 'enp0s31f6'),
  ...entry('physical', 'systemd predictable name (onboard)', 'eno1', 'eno2', 'eno1np0'),
  ...entry('physical', 'USB NIC (MAC-based name)', 'enx00e04c680001'),
  ...entry('physical', 'wireless', 'wlan0', 'wlp2s0'),
  ...entry('stacked', 'VLAN sub-interface', 'eth0.100', 'bond0.100', 'vlan100'),
  ...entry('stacked', 'bond', 'bond0', 'bond1'),
  ...entry('stacked', 'bridge', 'br0', 'br-lan', 'br-0123456789ab', 'vmbr0'),
  ...entry('virtual', 'container veth pair', 'veth0abc', 'veth1a2b3c4'),
  ...entry('virtual', 'Cilium endpoint veth', 'lxc12ab34cd', 'lxc_health'),
  ...entry('virtual', 'Cilium internal device', 'cilium_host', 'cilium_net', 'cilium_vxlan', 'cilium_geneve', 'cilium_wg0'),
  ...entry('virtual', 'WireGuard tunnel', 'wg0', 'siderolink'),
  ...entry('virtual', 'Tailscale tunnel', 'tailscale0'),
  ...entry('virtual', 'Docker bridge', 'docker0'),
  ...entry('virtual', 'CNI bridge', 'cni0'),
  ...entry('virtual', 'Flannel VXLAN', 'flannel.1'),
  ...entry('virtual', 'Calico VXLAN', 'vxlan.calico'),
  ...entry('virtual', 'kube-proxy IPVS dummy', 'kube-ipvs0'),
  ...entry('virtual', 'tunnel', 'tun0'),
  ...entry('virtual', 'loopback', 'lo'),
];

/**
 * Extra probe strings for the JS-vs-Go agreement check: case variants and names at the edges of
 * what patterns typically test (empty-ish, digits only, maximum length).
 */
export const EXTRA_PROBES: readonly string[] = ['ETH0', 'Eth0', 'a', '0', '_', 'x-y', 'a.b', 'abcdefghijklmno', 'eth0eth0', 'ethx'];
