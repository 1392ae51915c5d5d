import type { Endpoint, Service } from '../types.ts';
import type { GatewayClassObject, GatewayObject } from './manifest-object.ts';

/** The controller name Cilium's Gateway API implementation registers. */
export const CILIUM_GATEWAY_CONTROLLER = 'io.cilium/gateway-controller';

/**
 * The LoadBalancer Services Cilium's gateway controller creates for Gateways of a Cilium class:
 * `cilium-gateway-<name>` in the Gateway's namespace, one port per distinct listener port,
 * `spec.addresses` requested through the LB-IPAM annotation, infrastructure labels/annotations
 * copied. The class is Cilium's when a GatewayClass names Cilium's controller, or, with no
 * GatewayClass in the set, when it is called `cilium` (the chart's default class).
 */
export function deriveGatewayServices(
  gateways: readonly GatewayObject[],
  classes: readonly GatewayClassObject[],
  externalTrafficPolicy: 'Cluster' | 'Local',
): Service[] {
  const ciliumClasses = new Set(classes.filter((c) => c.controllerName === CILIUM_GATEWAY_CONTROLLER).map((c) => c.name));
  if (classes.length === 0 || !classes.some((c) => c.name === 'cilium')) ciliumClasses.add('cilium');
  return gateways
    .filter((gateway) => ciliumClasses.has(gateway.gatewayClassName))
    .map((gateway) => ({
      kind: 'Service' as const,
      namespace: gateway.namespace,
      name: `cilium-gateway-${gateway.name}`,
      labels: {
        ...gateway.infrastructureLabels,
        'io.cilium.gateway/owning-gateway': gateway.name,
        'gateway.networking.k8s.io/gateway-name': gateway.name,
      },
      annotations: {
        ...gateway.infrastructureAnnotations,
        ...(gateway.addresses.length > 0 ? { 'lbipam.cilium.io/ips': gateway.addresses.join(',') } : {}),
      },
      type: 'LoadBalancer' as const,
      externalIPs: [],
      externalTrafficPolicy,
      ipFamilies: [],
      ports: gateway.listenerPorts.map((port) => ({ port, protocol: 'TCP' as const })),
      ingressIPs: [],
      derivedFrom: `Gateway ${gateway.namespace}/${gateway.name}`,
      source: gateway.source,
    }));
}

/** The placeholder backend Cilium gives Gateway services (spec §1.2 rule 5 note, C05). */
export const GATEWAY_SYNTHETIC_BACKEND = '192.192.192.192';

/**
 * The backend Cilium's gateway controller attaches to each Gateway Service: the synthetic
 * 192.192.192.192:9999, ready and without a nodeName (Envoy runs in every agent). This is what
 * makes eTP=Local gateway services unannounceable on 1.20.2 (C05).
 */
export function deriveGatewayBackends(services: readonly Service[]): Endpoint[] {
  return services
    .filter((svc) => svc.derivedFrom?.startsWith('Gateway ') === true)
    .map((svc) => ({
      kind: 'Endpoint' as const,
      namespace: svc.namespace,
      serviceName: svc.name,
      address: GATEWAY_SYNTHETIC_BACKEND,
      ready: true,
      source: svc.source,
    }));
}
