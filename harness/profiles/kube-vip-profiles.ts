import type { Profile } from './profile.ts';

/** The kube-vip ARP-mode profiles (`kube-vip-arp`, older releases for the K-bugs), oldest first. */
export const KUBE_VIP_PROFILES: readonly Profile[] = [];
