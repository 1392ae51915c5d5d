/**
 * When a MetalLB speaker sends gratuitous ARPs for an IP (`internal/layer2/announcer.go`
 * `spamLoop`; bug-catalog §3: "gARP at t=0, then every 1.1 s until 5 s"): one the instant it
 * starts owning the IP, then every `garpSpamIntervalMs` while less than `garpSpamForMs` have
 * passed — and, with main's `--gratuitous-arp-interval` (M06), every interval for as long as it
 * owns it. Pure.
 */
import type { MetallbSwitches } from '../../profiles/metallb-switches.ts';

/** Offsets (ms after taking the IP) of the takeover burst: [0, 1100, 2200, 3300, 4400] on defaults. */
export function garpBurstOffsetsMs(switches: Pick<MetallbSwitches, 'garpSpamIntervalMs' | 'garpSpamForMs'>): number[] {
  const offsets: number[] = [];
  if (switches.garpSpamIntervalMs <= 0) return [0];
  for (let t = 0; t < switches.garpSpamForMs; t += switches.garpSpamIntervalMs) offsets.push(t);
  return offsets;
}
