/**
 * Which services LB-IPAM handles (spec §5.2) and which IP families a service without requested
 * IPs gets (spec §5.3, Cilium `serviceIPFamilyRequest`).
 */
import type { Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';

/** §5.2: the classes LB-IPAM can be made responsible for. */
export const L2_ANNOUNCER_CLASS = 'io.cilium/l2-announcer';
export const BGP_CONTROL_PLANE_CLASS = 'io.cilium/bgp-control-plane';

/** The operator settings that change §5.2/§5.3 decisions (resolved defaults). */
export interface ScopeSettings {
  readonly ipv4Enabled: boolean;
  readonly ipv6Enabled: boolean;
  readonly defaultLbServiceIpam: 'lbipam' | 'nodeipam' | 'none';
  readonly l2AnnouncementsEnabled: boolean;
  readonly bgpControlPlaneEnabled: boolean;
}

/** §5.2: undefined when LB-IPAM handles `svc`, else why it ignores it (no condition is written). */
export function ignoredReason(svc: Service, profile: Profile, settings: ScopeSettings): string | undefined {
  if (svc.type !== 'LoadBalancer') {
    return `type ${svc.type} is not LoadBalancer`;
  }
  const lbClass = svc.loadBalancerClass;
  if (lbClass === undefined || lbClass === '') {
    // §5.2 (#35074, 1.17+): the shared defaultLBServiceIPAM setting decides for class-less services.
    if (profile.ipam.defaultLbServiceIpamSetting && settings.defaultLbServiceIpam !== 'lbipam') {
      return `no loadBalancerClass and defaultLBServiceIPAM is ${settings.defaultLbServiceIpam}`;
    }
    return undefined;
  }
  const handledClasses: string[] = [];
  if (settings.bgpControlPlaneEnabled) {
    handledClasses.push(BGP_CONTROL_PLANE_CLASS);
  }
  // §5.2 (1.15+): the L2 announcer class is handled when L2 announcements are enabled.
  if (profile.ipam.l2AnnouncerClassHandled && settings.l2AnnouncementsEnabled) {
    handledClasses.push(L2_ANNOUNCER_CLASS);
  }
  if (!handledClasses.includes(lbClass)) {
    return `loadBalancerClass ${lbClass} is not handled by LB-IPAM (handled: ${handledClasses.join(', ') || 'none'})`;
  }
  return undefined;
}

/** Families requested by a service without specific IPs. */
export interface RequestedFamilies {
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

/**
 * §5.3: SingleStack (or no policy) → first of `ipFamilies`, else IPv4 if enabled, else IPv6; a
 * listed first family is taken even when the operator has that family disabled, as Cilium does.
 * PreferDualStack → listed (or all) families that are enabled; RequireDualStack → enabled ones.
 */
export function requestedFamilies(svc: Service, settings: ScopeSettings): RequestedFamilies {
  const policy = svc.ipFamilyPolicy ?? 'SingleStack';
  if (policy === 'SingleStack') {
    const first = svc.ipFamilies[0];
    if (first !== undefined) {
      return { ipv4: first === 'IPv4', ipv6: first === 'IPv6' };
    }
    return { ipv4: settings.ipv4Enabled, ipv6: !settings.ipv4Enabled && settings.ipv6Enabled };
  }
  if (policy === 'PreferDualStack' && svc.ipFamilies.length > 0) {
    return {
      ipv4: svc.ipFamilies.includes('IPv4') && settings.ipv4Enabled,
      ipv6: svc.ipFamilies.includes('IPv6') && settings.ipv6Enabled,
    };
  }
  return { ipv4: settings.ipv4Enabled, ipv6: settings.ipv6Enabled };
}
