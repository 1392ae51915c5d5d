/**
 * The scale world of issue 4 as a {@link ManifestSet}: `nodes` nodes, `services` LoadBalancer
 * services, one policy announcing every LB IP on every node, one pool big enough for all of them.
 * With `backendsPerService` > 0 every service is eTP=Local with that many ready backends on
 * consecutive nodes, so under a profile with eTP=Local gating (1.20.2) exactly that many nodes
 * compete for each Lease; with 0 every node is a candidate for every service (the C03 worst case:
 * S·(N−1)/(1.6 R) GETs per second — 312,000/s at 1,000 × 1,000, R = 2 s).
 */
import type { ManifestSet } from '../model/types.ts';
import { backend, l2Policy, lbPool, lbService, manifests, simNode } from './responder-world.fixtures.ts';

/** Options of {@link largeCluster}. */
export interface LargeClusterOptions {
  readonly nodes: number;
  readonly services: number;
  /** Ready backends per service on consecutive nodes (eTP=Local); 0 = eTP=Cluster, no backends. */
  readonly backendsPerService: number;
}

/** Builds the manifests (see the module comment). Pool: 10.128.0.0/12, far more IPs than services. */
export function largeCluster(options: LargeClusterOptions): ManifestSet {
  const nodes = Array.from({ length: options.nodes }, (_, i) => simNode(`node-${String(i + 1).padStart(4, '0')}`));
  const local = options.backendsPerService > 0;
  const services = Array.from({ length: options.services }, (_, i) => lbService(`svc-${String(i + 1).padStart(4, '0')}`, local ? { externalTrafficPolicy: 'Local' } : {}));
  const endpoints = local ? services.flatMap((service, i) => Array.from({ length: options.backendsPerService }, (_, k) => backend(service.name, nodes[(i + k) % nodes.length]?.name))) : [];
  return manifests({ nodes, policies: [l2Policy()], pools: [lbPool('pool', '10.128.0.0/12')], services, endpoints });
}
