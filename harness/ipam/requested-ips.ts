/**
 * What a service asks LB-IPAM for (spec §5.3): specific IPs (`spec.loadBalancerIP` merged with the
 * `…ips` annotation), a sharing key and the namespaces it agrees to share with. Annotation keys
 * exist under two prefixes; the profile lists the honoured ones, first listed wins (Cilium's
 * `annotation.Get(svc, key, alias)`: the first key *present* wins, even with an empty value).
 */
import type { Service } from '../model/types.ts';
import type { IpamSwitches } from '../profiles/profile.ts';
import { type ParsedIp, parseIp } from '../core/ip.ts';

/** §5.3: the annotation suffixes under both prefixes (`lbipam.cilium.io/` and `io.cilium/lb-ipam-`). */
export type LbIpamAnnotation = 'ips' | 'sharing-key' | 'sharing-cross-namespace';

/** MetalLB's annotation prefix (MetalLB profiles list it instead of Cilium's). */
const METALLB_PREFIX = 'metallb.universe.tf/';

/**
 * MetalLB's names for the same requests (`metallb.universe.tf/loadBalancerIPs`, `…/allow-shared-ip`;
 * MetalLB's website `usage/_index.md`); MetalLB has no cross-namespace opt-in (sharing is
 * namespace-local unless the key matches, which l2lab does not model).
 */
const METALLB_NAMES: Readonly<Record<LbIpamAnnotation, string | undefined>> = { ips: 'loadBalancerIPs', 'sharing-key': 'allow-shared-ip', 'sharing-cross-namespace': undefined };

/** §5.3: the value of an LB-IPAM annotation under the first honoured prefix present, if any. */
export function lbIpamAnnotation(svc: Service, switches: IpamSwitches, suffix: LbIpamAnnotation): string | undefined {
  for (const prefix of switches.annotationPrefixes) {
    const name = prefix === METALLB_PREFIX ? METALLB_NAMES[suffix] : suffix;
    if (name === undefined) continue;
    const value = svc.annotations[`${prefix}${name}`];
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/**
 * §5.3: requested IPs: `spec.loadBalancerIP` first, then the annotation's comma list (entries
 * trimmed, unparsable ones skipped as Cilium logs and skips them), then consecutive duplicates
 * removed (Go `slices.CompactFunc`; non-consecutive duplicates stay).
 */
export function requestedIps(svc: Service, switches: IpamSwitches): ParsedIp[] {
  const ips: ParsedIp[] = [];
  if (svc.loadBalancerIP !== undefined && svc.loadBalancerIP !== '') {
    const ip = parseIp(svc.loadBalancerIP);
    if (ip !== undefined) {
      ips.push(ip);
    }
  }
  const annotation = lbIpamAnnotation(svc, switches, 'ips');
  if (annotation !== undefined && annotation !== '') {
    for (const entry of annotation.split(',')) {
      const ip = parseIp(entry.trim());
      if (ip !== undefined) {
        ips.push(ip);
      }
    }
  }
  return ips.filter((ip, index) => {
    const previous = ips[index - 1];
    return previous === undefined || previous.family !== ip.family || previous.value !== ip.value;
  });
}

/** §5.3 / C22: the sharing key, or '' (no sharing) when absent or not honoured (before 1.15). */
export function sharingKeyOf(svc: Service, switches: IpamSwitches): string {
  if (!switches.sharingKey) {
    return '';
  }
  return lbIpamAnnotation(svc, switches, 'sharing-key') ?? '';
}

/**
 * §5.3: namespaces this service allows to share with (`*` = any). Cilium splits on ',' without
 * trimming, so `a, b` permits `a` and ` b`; we keep that quirk to stay faithful.
 */
export function sharingCrossNamespaceOf(svc: Service, switches: IpamSwitches): string[] {
  if (!switches.sharingCrossNamespace) {
    return [];
  }
  const value = lbIpamAnnotation(svc, switches, 'sharing-cross-namespace');
  return value === undefined || value === '' ? [] : value.split(',');
}
