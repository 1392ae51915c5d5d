/**
 * IP sharing compatibility (spec §5.3, C22), Cilium's `ServiceView.isCompatible`: two services may
 * hold one IP only if every rule holds. Failures are silent in Cilium when no IP was requested
 * (the service just gets its own IP); with a requested IP they become the condition message.
 */

/** What the sharing rules read of a service. */
export interface SharingView {
  readonly namespace: string;
  readonly sharingKey: string;
  /** Namespaces this service permits to share with; `*` permits all. */
  readonly sharingCrossNamespace: readonly string[];
  readonly portNumbers: readonly number[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  /** Pod selector; empty when the service has none. */
  readonly podSelector: Readonly<Record<string, string>>;
}

/** Cilium's wildcard for `sharing-cross-namespace`. */
export const CROSS_NAMESPACE_WILDCARD = '*';

/**
 * §5.3 / C22: undefined when `a` and `b` may share an IP, else Cilium's reason text. Rules, in
 * Cilium's order: same sharing key; same namespace or mutual permission; no common port number
 * (protocol ignored, #9207); equal externalTrafficPolicy; for Local, identical non-empty pod
 * selectors.
 */
export function sharingIncompatibility(a: SharingView, b: SharingView): string | undefined {
  if (a.sharingKey !== b.sharingKey) {
    return 'different sharing key';
  }
  if (a.namespace !== b.namespace && !(permits(a, b.namespace) && permits(b, a.namespace))) {
    return 'different and not permitted namespace';
  }
  if (a.portNumbers.some((port) => b.portNumbers.includes(port))) {
    return 'same port';
  }
  if (a.externalTrafficPolicy !== b.externalTrafficPolicy) {
    return 'different ExternalTrafficPolicy';
  }
  if (a.externalTrafficPolicy === 'Local' && !sameNonEmptySelector(a.podSelector, b.podSelector)) {
    return 'compatible ExternalTrafficPolicy local but selecting different set of pods';
  }
  return undefined;
}

/** Cilium's `sharingCluster.IsCompatible`: `candidate` against every other member. */
export function clusterIncompatibility(members: readonly SharingView[], candidate: SharingView): string | undefined {
  for (const member of members) {
    if (member === candidate) {
      continue;
    }
    const reason = sharingIncompatibility(member, candidate);
    if (reason !== undefined) {
      return reason;
    }
  }
  return undefined;
}

function permits(view: SharingView, namespace: string): boolean {
  return view.sharingCrossNamespace.includes(namespace) || view.sharingCrossNamespace.includes(CROSS_NAMESPACE_WILDCARD);
}

function sameNonEmptySelector(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const aKeys = Object.keys(a);
  if (aKeys.length === 0 || aKeys.length !== Object.keys(b).length) {
    return false;
  }
  return aKeys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}
