import type { IpPool, L2AnnouncementPolicy, LabelSelector } from '../../model/types.ts';
import type { Finding } from '../report.ts';
import { at } from '../where.ts';

/** Annotation keys users put in service selectors, believing selectors can see annotations. */
const ANNOTATION_LIKE = [/^lbipam\.cilium\.io\//, /^io\.cilium\/lb-ipam-/, /^metallb\.universe\.tf\//, /^kube-vip\.io\//];

/**
 * A `serviceSelector` key that is an LB-IPAM (or MetalLB/kube-vip) *annotation*: selectors match
 * labels (+ the two synthetic labels) only, so `DoesNotExist` on such a key matches every service
 * and `Exists`/`In` match none. Seen in the wild (seed `talos-webpool.yaml`).
 */
export function selectorKeyFindings(pools: readonly IpPool[], policies: readonly L2AnnouncementPolicy[]): Finding[] {
  const findings: Finding[] = [];
  const check = (selector: LabelSelector | undefined, object: string, where: string): void => {
    if (selector === undefined) return;
    const keys = [...Object.keys(selector.matchLabels), ...selector.matchExpressions.map((e) => e.key)];
    for (const key of keys.filter((k) => ANNOTATION_LIKE.some((re) => re.test(k)))) {
      const expr = selector.matchExpressions.find((e) => e.key === key);
      const effect =
        expr?.operator === 'DoesNotExist' || expr?.operator === 'NotIn'
          ? 'so this condition holds for every service (services carry it as an annotation, not a label)'
          : 'so this condition holds for no service unless it also carries that label';
      findings.push({
        severity: 'warning',
        code: 'selector-key-is-annotation',
        message: `serviceSelector key '${key}' is an annotation key; selectors match labels only, ${effect}`,
        object,
        at: where,
        ref: '§1.1, §5.1',
      });
    }
  };
  for (const pool of pools) check(pool.serviceSelector, `CiliumLoadBalancerIPPool/${pool.name}`, at(pool.source));
  for (const policy of policies) check(policy.serviceSelector, `CiliumL2AnnouncementPolicy/${policy.name}`, at(policy.source));
  return findings;
}
