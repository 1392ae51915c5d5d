import { endpointSliceKind } from './endpoint-slice.ts';
import { gatewayClassKind, gatewayKind } from './gateway.ts';
import { ipPoolKind } from './ip-pool.ts';
import type { KindHandler } from './kind-handler.ts';
import { l2AnnouncementPolicyKind } from './l2-announcement-policy.ts';
import { leaseKind } from './lease.ts';
import { ipAddressPoolKind, l2AdvertisementKind } from './metallb.ts';
import { nodeKind } from './node.ts';
import { podKind } from './pod.ts';
import { serviceKind } from './service.ts';

/** Every kind l2lab models, by `kind`. */
export const KIND_HANDLERS: ReadonlyMap<string, KindHandler> = new Map(
  [
    serviceKind,
    nodeKind,
    podKind,
    endpointSliceKind,
    leaseKind,
    l2AnnouncementPolicyKind,
    ipPoolKind,
    gatewayKind,
    gatewayClassKind,
    l2AdvertisementKind,
    ipAddressPoolKind,
  ].map((handler) => [handler.kind, handler]),
);
