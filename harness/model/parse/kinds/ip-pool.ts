import { parseIp } from '../../../core/ip.ts';
import { z } from 'zod';
import type { IpPool, PoolBlock } from '../../types.ts';
import { cidrSchema, ipSchema, labelSelectorSchema, objectMetaSchema, timestampText } from '../common-schemas.ts';
import { toLabelSelector } from '../selector.ts';
import { defineKind } from './kind-handler.ts';

const isV4 = (ip: string): boolean => parseIp(ip)?.family === 'IPv4';

const blockSchema = z
  .strictObject({ cidr: cidrSchema.optional(), start: ipSchema.optional(), stop: ipSchema.optional() })
  .superRefine((block, ctx) => {
    if (block.cidr === undefined && block.start === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected either cidr, or start (with an optional stop)' });
    }
    if (block.cidr === undefined && block.start === undefined && block.stop !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['stop'], message: 'stop needs a start' });
    }
    if (block.start !== undefined && block.stop !== undefined && isV4(block.start) !== isV4(block.stop)) {
      ctx.addIssue({ code: 'custom', path: ['stop'], message: `start ${block.start} and stop ${block.stop} are of different IP families` });
    }
  });

const poolSchema = z.strictObject({
  apiVersion: z.enum(['cilium.io/v2alpha1', 'cilium.io/v2']),
  kind: z.literal('CiliumLoadBalancerIPPool'),
  metadata: objectMetaSchema,
  spec: z
    .strictObject({
      blocks: z.array(blockSchema).optional(),
      /** 1.13–1.15 form; removed in 1.16 (the profile decides whether it is served). */
      cidrs: z.array(z.strictObject({ cidr: cidrSchema })).optional(),
      serviceSelector: labelSelectorSchema.nullable().optional(),
      disabled: z.boolean().optional(),
      allowFirstLastIPs: z.enum(['Yes', 'No'], { error: "expected 'Yes' or 'No' (quoted strings)" }).optional(),
    })
    .superRefine((spec, ctx) => {
      if ((spec.blocks?.length ?? 0) + (spec.cidrs?.length ?? 0) === 0) {
        ctx.addIssue({ code: 'custom', path: ['blocks'], message: 'expected at least one block (spec.blocks, or spec.cidrs before 1.16)' });
      }
    }),
  status: z.unknown().optional(),
});

/** CiliumLoadBalancerIPPool in cilium.io/v2alpha1 (≤ 1.17) and cilium.io/v2 (1.18+), spec §5.1. */
export const ipPoolKind = defineKind({
  apiVersions: ['cilium.io/v2alpha1', 'cilium.io/v2'],
  kind: 'CiliumLoadBalancerIPPool',
  schema: poolSchema,
  toModel(raw, source): IpPool[] {
    const blocks: PoolBlock[] = (raw.spec.blocks ?? []).map((b) =>
      b.cidr !== undefined ? { cidr: b.cidr } : { start: b.start ?? '', stop: b.stop },
    );
    const cidrs: PoolBlock[] = (raw.spec.cidrs ?? []).map((c) => ({ cidr: c.cidr }));
    return [
      {
        kind: 'CiliumLoadBalancerIPPool',
        apiVersion: raw.apiVersion,
        name: raw.metadata.name,
        creationTimestamp: timestampText(raw.metadata.creationTimestamp),
        blocks: [...blocks, ...cidrs],
        cidrsCount: cidrs.length,
        serviceSelector: toLabelSelector(raw.spec.serviceSelector),
        disabled: raw.spec.disabled ?? false,
        allowFirstLastIPs: raw.spec.allowFirstLastIPs,
        source,
      },
    ];
  },
});
