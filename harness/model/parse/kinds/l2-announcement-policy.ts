import { z } from 'zod';
import type { L2AnnouncementPolicy } from '../../types.ts';
import { labelSelectorSchema, objectMetaSchema, timestampText } from '../common-schemas.ts';
import { toLabelSelector } from '../selector.ts';
import { defineKind } from './kind-handler.ts';

const policySchema = z.strictObject({
  apiVersion: z.literal('cilium.io/v2alpha1'),
  kind: z.literal('CiliumL2AnnouncementPolicy'),
  metadata: objectMetaSchema,
  spec: z.strictObject({
    nodeSelector: labelSelectorSchema.nullable().optional(),
    serviceSelector: labelSelectorSchema.nullable().optional(),
    loadBalancerIPs: z.boolean().optional(),
    externalIPs: z.boolean().optional(),
    interfaces: z.array(z.string()).nullable().optional(),
  }),
  status: z.unknown().optional(),
});

/** CiliumL2AnnouncementPolicy, cilium.io/v2alpha1 (spec §1.1). */
export const l2AnnouncementPolicyKind = defineKind({
  apiVersions: ['cilium.io/v2alpha1'],
  kind: 'CiliumL2AnnouncementPolicy',
  schema: policySchema,
  toModel(raw, source): L2AnnouncementPolicy[] {
    return [
      {
        kind: 'CiliumL2AnnouncementPolicy',
        name: raw.metadata.name,
        creationTimestamp: timestampText(raw.metadata.creationTimestamp),
        nodeSelector: toLabelSelector(raw.spec.nodeSelector),
        serviceSelector: toLabelSelector(raw.spec.serviceSelector),
        loadBalancerIPs: raw.spec.loadBalancerIPs ?? false,
        externalIPs: raw.spec.externalIPs ?? false,
        interfaces: raw.spec.interfaces ?? undefined,
        source,
      },
    ];
  },
});
