import { z } from 'zod';
import type { Endpoint } from '../../types.ts';
import { objectMetaSchema } from '../common-schemas.ts';
import { defineKind } from './kind-handler.ts';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const endpointSliceSchema = z.strictObject({
  apiVersion: z.literal('discovery.k8s.io/v1'),
  kind: z.literal('EndpointSlice'),
  metadata: objectMetaSchema,
  addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
  endpoints: z
    .array(
      z.strictObject({
        addresses: z.array(z.string()).min(1),
        conditions: z
          .strictObject({ ready: z.boolean().optional(), serving: z.boolean().optional(), terminating: z.boolean().optional() })
          .optional(),
        nodeName: z.string().optional(),
        zone: z.string().optional(),
        hostname: z.string().optional(),
        targetRef: z.unknown().optional(),
        hints: z.unknown().optional(),
        deprecatedTopology: z.unknown().optional(),
      }),
    )
    .nullable()
    .optional(),
  ports: z.array(z.unknown()).nullable().optional(),
});

/** discovery.k8s.io/v1 EndpointSlice: one endpoint per entry, service from the standard label. */
export const endpointSliceKind = defineKind({
  apiVersions: ['discovery.k8s.io/v1'],
  kind: 'EndpointSlice',
  schema: endpointSliceSchema,
  toModel(raw, source): Endpoint[] {
    const serviceName = raw.metadata.labels?.[SERVICE_NAME_LABEL];
    return (raw.endpoints ?? []).map((endpoint) => ({
      kind: 'Endpoint' as const,
      namespace: raw.metadata.namespace ?? 'default',
      serviceName,
      address: endpoint.addresses[0],
      nodeName: endpoint.nodeName,
      // The API's rule: a nil ready condition means ready.
      ready: endpoint.conditions?.ready ?? true,
      source,
    }));
  },
});
