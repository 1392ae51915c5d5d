import { z } from 'zod';
import type { Endpoint } from '../../types.ts';
import { objectMetaSchema } from '../common-schemas.ts';
import { defineKind } from './kind-handler.ts';

const podSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: objectMetaSchema,
  spec: z.looseObject({ nodeName: z.string().optional() }).optional(),
  status: z
    .looseObject({
      phase: z.string().optional(),
      podIP: z.string().optional(),
      conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).optional(),
    })
    .optional(),
});

/**
 * core/v1 Pod as a backend endpoint: matched to services by their pod selector. A pod counts as
 * ready when its Ready condition is True, or, with no status at all, when it is scheduled (the
 * usual case in hand-written manifests that only say where a pod runs).
 */
export const podKind = defineKind({
  apiVersions: ['v1'],
  kind: 'Pod',
  schema: podSchema,
  toModel(raw, source): Endpoint[] {
    const ready = raw.status?.conditions?.find((c) => c.type === 'Ready');
    return [
      {
        kind: 'Endpoint',
        namespace: raw.metadata.namespace ?? 'default',
        podLabels: raw.metadata.labels ?? {},
        address: raw.status?.podIP,
        nodeName: raw.spec?.nodeName,
        ready: ready === undefined ? raw.status?.phase === undefined || raw.status.phase === 'Running' : ready.status === 'True',
        source,
      },
    ];
  },
});
