import { z } from 'zod';
import type { IpFamily, Service } from '../../types.ts';
import { ipSchema, objectMetaSchema, timestampText } from '../common-schemas.ts';
import { defineKind } from './kind-handler.ts';

const portSchema = z.strictObject({
  name: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  targetPort: z.union([z.number(), z.string()]).optional(),
  nodePort: z.number().optional(),
  appProtocol: z.string().optional(),
});

/** Every ServiceSpec field of core/v1 (fields l2lab ignores are accepted, unknown ones are not). */
const serviceSpecSchema = z.strictObject({
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
  ports: z.array(portSchema).optional(),
  selector: z.record(z.string(), z.string()).nullable().optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  externalIPs: z.array(ipSchema).optional(),
  externalName: z.string().optional(),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  healthCheckNodePort: z.number().optional(),
  ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).max(2).optional(),
  ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
  loadBalancerClass: z.string().optional(),
  loadBalancerIP: z.union([ipSchema, z.literal('')]).optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  sessionAffinity: z.string().optional(),
  sessionAffinityConfig: z.unknown().optional(),
  trafficDistribution: z.string().optional(),
});

const statusSchema = z.strictObject({
  loadBalancer: z
    .strictObject({
      ingress: z
        .array(
          z.strictObject({
            ip: ipSchema.optional(),
            hostname: z.string().optional(),
            ipMode: z.string().optional(),
            ports: z.array(z.unknown()).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  conditions: z.array(z.unknown()).optional(),
});

const serviceSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: objectMetaSchema,
  spec: serviceSpecSchema.optional(),
  status: statusSchema.optional(),
});

/** core/v1 Service. */
export const serviceKind = defineKind({
  apiVersions: ['v1'],
  kind: 'Service',
  schema: serviceSchema,
  toModel(raw, source): Service[] {
    const spec = raw.spec ?? {};
    const service: Service = {
      kind: 'Service',
      namespace: raw.metadata.namespace ?? 'default',
      name: raw.metadata.name,
      labels: raw.metadata.labels ?? {},
      annotations: raw.metadata.annotations ?? {},
      creationTimestamp: timestampText(raw.metadata.creationTimestamp),
      type: spec.type ?? 'ClusterIP',
      loadBalancerClass: spec.loadBalancerClass,
      loadBalancerIP: spec.loadBalancerIP === '' ? undefined : spec.loadBalancerIP,
      externalIPs: spec.externalIPs ?? [],
      externalTrafficPolicy: spec.externalTrafficPolicy ?? 'Cluster',
      ipFamilies: (spec.ipFamilies ?? []) as IpFamily[],
      ipFamilyPolicy: spec.ipFamilyPolicy,
      ports: (spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
      selector: spec.selector ?? undefined,
      ingressIPs: (raw.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip])),
      source,
    };
    return [service];
  },
});
