/**
 * Builders for LB-IPAM tests: terse services and pools with the defaults a manifest would imply,
 * and a `run` that resolves the profile by name and seeds the Rng.
 */
import { SeededRng } from '../core/rng.ts';
import type { IpPool, PoolBlock, Service } from '../model/types.ts';
import { getProfile } from '../profiles/profiles.ts';
import { type IpamOptions, type IpamResult, type PoolStatus, type ServiceAllocation, allocate } from './allocate.ts';

const SOURCE = { file: 'test.yaml', line: 1 };

/** A LoadBalancer service in `default` with one TCP port 80, eTP Cluster, no requests. */
export function svc(name: string, overrides: Partial<Service> = {}): Service {
  return {
    kind: 'Service',
    namespace: 'default',
    name,
    labels: {},
    annotations: {},
    type: 'LoadBalancer',
    externalIPs: [],
    externalTrafficPolicy: 'Cluster',
    ipFamilies: [],
    ports: [{ port: 80, protocol: 'TCP' }],
    ingressIPs: [],
    source: SOURCE,
    ...overrides,
  };
}

/** A v2alpha1 pool with the given blocks (strings are CIDRs, `a-b` ranges, or objects). */
export function pool(name: string, blocks: readonly (string | PoolBlock)[], overrides: Partial<IpPool> = {}): IpPool {
  return {
    kind: 'CiliumLoadBalancerIPPool',
    apiVersion: 'cilium.io/v2alpha1',
    name,
    blocks: blocks.map(toBlock),
    cidrsCount: 0,
    disabled: false,
    source: SOURCE,
    ...overrides,
  };
}

function toBlock(block: string | PoolBlock): PoolBlock {
  if (typeof block !== 'string') {
    return block;
  }
  if (block.includes('/')) {
    return { cidr: block };
  }
  const [start, stop] = block.split('-');
  return stop === undefined ? { start: start ?? '' } : { start: start ?? '', stop };
}

/** Runs `allocate` with a named profile and seed. */
export function run(
  pools: readonly IpPool[],
  services: readonly Service[],
  profileName = 'cilium-1.16',
  options: IpamOptions = {},
  seed = 1,
): IpamResult {
  return allocate({ pools, services, profile: getProfile(profileName), rng: new SeededRng(seed), options });
}

/** The allocation of service `name` (throws in tests when absent, which fails the test). */
export function svcOf(result: IpamResult, name: string): ServiceAllocation {
  const found = result.services.find((service) => service.name === name);
  if (found === undefined) {
    throw new Error(`no service ${name} in result`);
  }
  return found;
}

/** The status of pool `name`. */
export function poolOf(result: IpamResult, name: string): PoolStatus {
  const found = result.pools.find((status) => status.name === name);
  if (found === undefined) {
    throw new Error(`no pool ${name} in result`);
  }
  return found;
}

/** The IPs of service `name`, as strings. */
export function ipsOf(result: IpamResult, name: string): string[] {
  return svcOf(result, name).ips.map((ip) => ip.ip);
}

/** The condition reason of service `name`. */
export function reasonOf(result: IpamResult, name: string): string | undefined {
  return svcOf(result, name).condition?.reason;
}
