import { z } from 'zod';
import type { Lease } from '../../types.ts';
import { objectMetaSchema, timestampText } from '../common-schemas.ts';
import { defineKind } from './kind-handler.ts';

const leaseSchema = z.strictObject({
  apiVersion: z.literal('coordination.k8s.io/v1'),
  kind: z.literal('Lease'),
  metadata: objectMetaSchema,
  spec: z
    .strictObject({
      holderIdentity: z.string().nullable().optional(),
      leaseDurationSeconds: z.number().int().nullable().optional(),
      acquireTime: z.union([z.string(), z.date()]).nullable().optional(),
      renewTime: z.union([z.string(), z.date()]).nullable().optional(),
      leaseTransitions: z.number().int().nullable().optional(),
      strategy: z.string().optional(),
      preferredHolder: z.string().optional(),
    })
    .optional(),
});

/** coordination.k8s.io/v1 Lease (as `kubectl get lease -o yaml` prints it). */
export const leaseKind = defineKind({
  apiVersions: ['coordination.k8s.io/v1'],
  kind: 'Lease',
  schema: leaseSchema,
  toModel(raw, source): Lease[] {
    const spec = raw.spec ?? {};
    return [
      {
        kind: 'Lease',
        namespace: raw.metadata.namespace ?? 'default',
        name: raw.metadata.name,
        holderIdentity: spec.holderIdentity ?? undefined,
        leaseDurationSeconds: spec.leaseDurationSeconds ?? undefined,
        acquireTime: timestampText(spec.acquireTime),
        renewTime: timestampText(spec.renewTime),
        leaseTransitions: spec.leaseTransitions ?? undefined,
        resourceVersion: raw.metadata.resourceVersion,
        source,
      },
    ];
  },
});
