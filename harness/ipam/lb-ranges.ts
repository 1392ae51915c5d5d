/**
 * Live LB ranges during one `allocate` run: Cilium's `LBRange` (an allocator per block, disabled
 * externally by `spec.disabled` or internally by a conflict) and `sharingCluster` (the services
 * holding one IP). Reserved first/last addresses are held by `RESERVED`, so they count as used
 * (§5.1, C21) and can be neither allocated nor imported.
 */
import type { Rng } from '../core/rng.ts';
import type { IpFamily, LabelSelector } from '../model/types.ts';
import type { IpamSwitches } from '../profiles/profile.ts';
import { FreeBlocks } from './free-blocks.ts';
import type { RangeSpec } from './ip-range.ts';
import { type ParsedIp, formatIp } from '../core/ip.ts';
import type { SharingView } from './sharing.ts';

/** A service as the allocator tracks it (Cilium `ServiceView`). */
export interface ServiceView extends SharingView {
  readonly key: string;
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly requested: readonly ParsedIp[];
  readonly families: { readonly ipv4: boolean; readonly ipv6: boolean };
  /** Ingress IPs present before this run (status.loadBalancer.ingress). */
  readonly existingIngress: readonly string[];
  /** Canonical ingress IPs after import/strip and allocation, in status order. */
  ingress: string[];
  readonly allocated: SharingCluster[];
  /** The last failure Cilium would have written as the condition. */
  failure?: { readonly reason: string; readonly message: string };
}

/** The services holding one allocated IP. */
export interface SharingCluster {
  readonly ip: ParsedIp;
  readonly text: string;
  readonly range: LbRange;
  readonly members: ServiceView[];
}

/** Marker for a reserved first/last address. */
export const RESERVED = 'reserved' as const;

/** One block's allocator plus the pool facts allocation needs. */
export class LbRange {
  readonly spec: RangeSpec;
  readonly disabled: boolean;
  readonly serviceSelector: LabelSelector | undefined;
  readonly holders = new Map<bigint, SharingCluster | typeof RESERVED>();
  readonly #free: FreeBlocks;

  constructor(spec: RangeSpec, disabled: boolean, serviceSelector: LabelSelector | undefined) {
    this.spec = spec;
    this.disabled = disabled;
    this.serviceSelector = serviceSelector;
    this.#free = new FreeBlocks(spec.first, spec.last);
    if (spec.reservesFirstLast) {
      // §5.1 / C21: Cilium pre-allocates first and last with a nil owner.
      this.#free.take(spec.first);
      this.#free.take(spec.last);
      this.holders.set(spec.first, RESERVED);
      this.holders.set(spec.last, RESERVED);
    }
  }

  /** Address family of the range (a pool may mix families across blocks, §5.3). */
  get family(): IpFamily {
    return this.spec.family;
  }

  /** Whether `ip` lies inside this inclusive range (same family). */
  contains(ip: ParsedIp): boolean {
    return ip.family === this.spec.family && ip.value >= this.spec.first && ip.value <= this.spec.last;
  }

  /** Number of addresses in the range (§5.5 IPsTotal contribution). */
  size(): bigint {
    return this.spec.last - this.spec.first + 1n;
  }

  /** Allocated or reserved addresses (§5.5 IPsUsed contribution). */
  usedCount(): bigint {
    return BigInt(this.holders.size);
  }

  /** Takes `ip` for a new cluster whose first member is `owner`; undefined when not free. */
  allocSpecific(ip: ParsedIp, owner: ServiceView): SharingCluster | undefined {
    if (!this.contains(ip) || !this.#free.take(ip.value)) {
      return undefined;
    }
    return this.#hold(ip.value, owner);
  }

  /** §5.4: any free address, by the profile's allocation order; undefined when full. */
  allocAny(owner: ServiceView, switches: IpamSwitches, rng: Rng): SharingCluster | undefined {
    const value = switches.allocationOrder === 'random' ? this.#takeRandom(rng) : this.#free.takeLowestOfSmallest();
    return value === undefined ? undefined : this.#hold(value, owner);
  }

  #takeRandom(rng: Rng): bigint | undefined {
    // §5.4 (1.13/1.14): the bitmap never contains network/broadcast, so draw inside them.
    const edge = this.spec.reservesFirstLast ? 1n : 0n;
    return this.#free.takeRandom(rng, this.spec.first + edge, this.spec.last - edge);
  }

  #hold(value: bigint, owner: ServiceView): SharingCluster {
    const ip: ParsedIp = { family: this.spec.family, value };
    const cluster: SharingCluster = { ip, text: formatIp(ip.family, value), range: this, members: [owner] };
    this.holders.set(value, cluster);
    return cluster;
  }
}
