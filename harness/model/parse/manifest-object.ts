import type { Endpoint, IpPool, L2AnnouncementPolicy, Lease, Node, Service, SourceRef, StringMap } from '../types.ts';

/** A Gateway API Gateway, kept until the set is assembled: Cilium turns it into a Service. */
export interface GatewayObject {
  readonly kind: 'Gateway';
  readonly namespace: string;
  readonly name: string;
  readonly gatewayClassName: string;
  readonly listenerPorts: readonly number[];
  readonly addresses: readonly string[];
  readonly infrastructureLabels: StringMap;
  readonly infrastructureAnnotations: StringMap;
  readonly source: SourceRef;
}

/** A GatewayClass, to know which class names Cilium's gateway controller serves. */
export interface GatewayClassObject {
  readonly kind: 'GatewayClass';
  readonly name: string;
  readonly controllerName: string;
  readonly source: SourceRef;
}

/** Any model object a manifest document can yield. */
export type ManifestObject =
  | Service
  | Node
  | Endpoint
  | Lease
  | L2AnnouncementPolicy
  | IpPool
  | GatewayObject
  | GatewayClassObject;
