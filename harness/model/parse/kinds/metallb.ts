/**
 * MetalLB's layer2 configuration (`metallb.io/v1beta1` `L2Advertisement` and `IPAddressPool`,
 * MetalLB ≥ 0.13; older releases read the same settings from a ConfigMap), translated into the
 * model the shared machinery decides on, so that the observer, the checkers and the LB-IPAM
 * operator (standing in for MetalLB's controller) read MetalLB scenarios unchanged:
 *
 * - an `L2Advertisement` becomes one announcement policy per node selector: MetalLB ORs its
 *   `nodeSelectors` (and, M08, ORs across advertisements, which separate policies express
 *   exactly); `interfaces` (exact names) become anchored patterns; it announces LB IPs only.
 *   `ipAddressPools`/`ipAddressPoolSelectors` are accepted but not modelled: every advertisement
 *   covers every pool (exact for the usual one-pool setup);
 * - an `IPAddressPool` becomes a pool: each `addresses` entry a CIDR or an `a-b` range block;
 *   `serviceAllocation.serviceSelectors[0]` its service selector. `autoAssign` and `avoidBuggyIPs`
 *   are accepted and not modelled.
 */
import { z } from 'zod';
import { parseIp } from '../../../core/ip.ts';
import type { IpPool, L2AnnouncementPolicy, LabelSelector, PoolBlock } from '../../types.ts';
import { isCidr, labelSelectorSchema, objectMetaSchema, timestampText } from '../common-schemas.ts';
import { toLabelSelector } from '../selector.ts';
import { defineKind } from './kind-handler.ts';

const METALLB_API = 'metallb.io/v1beta1';

const advertisementSchema = z.strictObject({
  apiVersion: z.literal(METALLB_API),
  kind: z.literal('L2Advertisement'),
  metadata: objectMetaSchema,
  spec: z
    .strictObject({
      ipAddressPools: z.array(z.string()).nullable().optional(),
      ipAddressPoolSelectors: z.array(labelSelectorSchema).nullable().optional(),
      nodeSelectors: z.array(labelSelectorSchema).nullable().optional(),
      interfaces: z.array(z.string().regex(/^[^\s/:]{1,15}$/, { error: 'expected an interface name (≤ 15 characters, no spaces, / or :)' })).nullable().optional(),
    })
    .optional(),
  status: z.unknown().optional(),
});

/** Go regexp metacharacters, escaped so an interface name matches itself only. */
const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `metallb.io/v1beta1` L2Advertisement → one policy per node selector (`name#i` when several). */
export const l2AdvertisementKind = defineKind({
  apiVersions: [METALLB_API],
  kind: 'L2Advertisement',
  schema: advertisementSchema,
  toModel(raw, source): L2AnnouncementPolicy[] {
    const spec = raw.spec ?? {};
    const nodeSelectors: (LabelSelector | undefined)[] = (spec.nodeSelectors ?? []).length === 0 ? [undefined] : (spec.nodeSelectors ?? []).map((s) => toLabelSelector(s));
    const interfaces = spec.interfaces === null || spec.interfaces === undefined || spec.interfaces.length === 0 ? undefined : spec.interfaces.map((name) => `^${escapeRegex(name)}$`);
    return nodeSelectors.map((nodeSelector, index) => ({
      kind: 'CiliumL2AnnouncementPolicy',
      name: nodeSelectors.length === 1 ? raw.metadata.name : `${raw.metadata.name}#${index}`,
      creationTimestamp: timestampText(raw.metadata.creationTimestamp),
      nodeSelector,
      serviceSelector: undefined,
      loadBalancerIPs: true,
      externalIPs: false,
      interfaces,
      source,
    }));
  },
});

/** `a.b.c.d-e.f.g.h` (an inclusive range, MetalLB's second address form). */
function parseRange(text: string): { start: string; stop: string } | undefined {
  const [start = '', stop = '', ...rest] = text.split('-').map((part) => part.trim());
  if (rest.length > 0 || parseIp(start) === undefined || parseIp(stop) === undefined) return undefined;
  return { start, stop };
}

const addressSchema = z.string().refine((text) => isCidr(text) || parseRange(text) !== undefined, { error: 'expected a CIDR (198.18.0.240/28) or a range (198.18.0.240-198.18.0.250)' });

const poolSchema = z.strictObject({
  apiVersion: z.literal(METALLB_API),
  kind: z.literal('IPAddressPool'),
  metadata: objectMetaSchema,
  spec: z.strictObject({
    addresses: z.array(addressSchema).min(1, { error: 'expected at least one address block' }),
    autoAssign: z.boolean().optional(),
    avoidBuggyIPs: z.boolean().optional(),
    serviceAllocation: z
      .strictObject({
        priority: z.number().int().optional(),
        namespaces: z.array(z.string()).optional(),
        namespaceSelectors: z.array(labelSelectorSchema).optional(),
        serviceSelectors: z.array(labelSelectorSchema).optional(),
      })
      .optional(),
  }),
  status: z.unknown().optional(),
});

/**
 * `metallb.io/v1beta1` IPAddressPool → a pool of CIDR and range blocks. The model's `apiVersion` is
 * the pool kind's newest (the MetalLB profiles serve it); every address is allocatable.
 */
export const ipAddressPoolKind = defineKind({
  apiVersions: [METALLB_API],
  kind: 'IPAddressPool',
  schema: poolSchema,
  toModel(raw, source): IpPool[] {
    const blocks: PoolBlock[] = raw.spec.addresses.map((text) => {
      const range = isCidr(text) ? undefined : parseRange(text);
      return range === undefined ? { cidr: text } : range;
    });
    const selector = raw.spec.serviceAllocation?.serviceSelectors?.[0];
    return [
      {
        kind: 'CiliumLoadBalancerIPPool',
        apiVersion: 'cilium.io/v2',
        name: raw.metadata.name,
        creationTimestamp: timestampText(raw.metadata.creationTimestamp),
        blocks,
        cidrsCount: 0,
        serviceSelector: selector === undefined ? undefined : toLabelSelector(selector),
        disabled: false,
        allowFirstLastIPs: 'Yes',
        source,
      },
    ];
  },
});
