import { z } from 'zod';
import { objectMetaSchema } from '../common-schemas.ts';
import type { GatewayClassObject, GatewayObject } from '../manifest-object.ts';
import { defineKind } from './kind-handler.ts';

const GATEWAY_API_VERSIONS = ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'];

// Only the fields Cilium copies onto the Service are read; the rest of the spec is Gateway API's
// business and is accepted as it is.
const gatewaySchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.literal('Gateway'),
  metadata: objectMetaSchema,
  spec: z.looseObject({
    gatewayClassName: z.string().min(1),
    listeners: z.array(z.looseObject({ port: z.number().int().min(1).max(65535) })).optional(),
    addresses: z.array(z.looseObject({ type: z.string().optional(), value: z.string() })).optional(),
    infrastructure: z
      .looseObject({
        labels: z.record(z.string(), z.string()).optional(),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
  }),
  status: z.unknown().optional(),
});

/** Gateway API Gateway (yields a Service through Cilium's gateway controller). */
export const gatewayKind = defineKind({
  apiVersions: GATEWAY_API_VERSIONS,
  kind: 'Gateway',
  schema: gatewaySchema,
  toModel(raw, source): GatewayObject[] {
    const ports = [...new Set((raw.spec.listeners ?? []).map((l) => l.port))];
    return [
      {
        kind: 'Gateway',
        namespace: raw.metadata.namespace ?? 'default',
        name: raw.metadata.name,
        gatewayClassName: raw.spec.gatewayClassName,
        listenerPorts: ports,
        addresses: (raw.spec.addresses ?? []).filter((a) => (a.type ?? 'IPAddress') === 'IPAddress').map((a) => a.value),
        infrastructureLabels: raw.spec.infrastructure?.labels ?? {},
        infrastructureAnnotations: raw.spec.infrastructure?.annotations ?? {},
        source,
      },
    ];
  },
});

const gatewayClassSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.literal('GatewayClass'),
  metadata: objectMetaSchema,
  spec: z.looseObject({ controllerName: z.string() }),
  status: z.unknown().optional(),
});

/** Gateway API GatewayClass. */
export const gatewayClassKind = defineKind({
  apiVersions: GATEWAY_API_VERSIONS,
  kind: 'GatewayClass',
  schema: gatewayClassSchema,
  toModel(raw, source): GatewayClassObject[] {
    return [{ kind: 'GatewayClass', name: raw.metadata.name, controllerName: raw.spec.controllerName, source }];
  },
});
