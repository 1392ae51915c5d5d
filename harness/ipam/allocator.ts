/**
 * The LB-IPAM reconcile steps for one service, after Cilium's operator (spec §5.3–§5.5): import or
 * strip the ingress IPs it already has, then satisfy it: specific requests IP by IP, otherwise one
 * IP per requested family, joining an IP of its sharing key when compatible. Failures are recorded
 * as the service's last failure, which becomes its condition, exactly as Cilium overwrites it.
 */
import type { Rng } from '../core/rng.ts';
import type { IpFamily } from '../model/types.ts';
import type { IpamSwitches } from '../profiles/profile.ts';
import { failureMessages } from './conditions.ts';
import { type ParsedIp, formatIp, parseIp } from '../core/ip.ts';
import { matchesSelector } from '../selector/label-selector.ts';
import { type LbRange, RESERVED, type ServiceView, type SharingCluster } from './lb-ranges.ts';
import { clusterIncompatibility } from './sharing.ts';

/** Allocation state of one run: ranges in iteration order and the sharing-key index. */
export class LbIpamRun {
  readonly #ranges: readonly LbRange[];
  readonly #switches: IpamSwitches;
  readonly #rng: Rng;
  /** Cilium `sharingIndex`: sharing key → clusters, in the order they were created. */
  readonly #sharingIndex = new Map<string, SharingCluster[]>();

  constructor(ranges: readonly LbRange[], switches: IpamSwitches, rng: Rng) {
    this.#ranges = ranges;
    this.#switches = switches;
    this.#rng = rng;
  }

  /**
   * §5.4: keep an existing ingress IP only if it can be imported: requested (when IPs are
   * requested), of a requested family, inside an enabled range whose pool selects the service, and
   * free (reserved or held by another service → stripped). Consecutive duplicates collapse.
   */
  importIngresses(sv: ServiceView): void {
    const kept: string[] = [];
    for (const text of sv.existingIngress) {
      const ip = parseIp(text);
      if (ip === undefined) {
        continue;
      }
      const canonical = formatIp(ip.family, ip.value);
      if (sv.allocated.some((cluster) => cluster.text === canonical) || this.#tryImport(sv, ip)) {
        kept.push(canonical);
      }
    }
    sv.ingress = kept.filter((ip, index) => kept[index - 1] !== ip);
  }

  #tryImport(sv: ServiceView, ip: ParsedIp): boolean {
    if (sv.requested.length > 0 && !sv.requested.some((req) => sameIp(req, ip))) {
      return false;
    }
    if (!(ip.family === 'IPv6' ? sv.families.ipv6 : sv.families.ipv4)) {
      return false;
    }
    const range = this.#findRangeOfIp(sv, ip).range;
    const cluster = range?.allocSpecific(ip, sv);
    if (cluster === undefined) {
      return false;
    }
    this.#adopt(sv, cluster, true);
    return true;
  }

  /** §5.3: satisfies `sv` if it is not yet, then appends new allocations to its ingress list. */
  satisfy(sv: ServiceView): void {
    if (this.isSatisfied(sv)) {
      return;
    }
    if (sv.requested.length > 0) {
      this.#satisfySpecific(sv);
    } else {
      this.#satisfyGeneric(sv);
    }
    for (const cluster of sv.allocated) {
      if (!sv.ingress.includes(cluster.text)) {
        sv.ingress.push(cluster.text);
      }
    }
  }

  /** §5.3: every requested IP is in the ingress list, or else every requested family is. */
  isSatisfied(sv: ServiceView): boolean {
    const ingress = sv.ingress.map(parseIp).filter((ip): ip is ParsedIp => ip !== undefined);
    if (sv.requested.length > 0) {
      return sv.requested.every((req) => ingress.some((ip) => sameIp(ip, req)));
    }
    const hasV4 = ingress.some((ip) => ip.family === 'IPv4');
    const hasV6 = ingress.some((ip) => ip.family === 'IPv6');
    return !(sv.families.ipv4 && !hasV4) && !(sv.families.ipv6 && !hasV6);
  }

  /** §5.4 requested IP: the first enabled range containing it whose pool selects the service. */
  #findRangeOfIp(sv: ServiceView, ip: ParsedIp): { range?: LbRange; foundPool: boolean } {
    let foundPool = false;
    for (const range of this.#ranges) {
      if (range.disabled || !range.contains(ip)) {
        continue;
      }
      foundPool = true;
      if (matchesSelector(range.serviceSelector, sv.selectorLabels)) {
        return { range, foundPool: false };
      }
    }
    return { foundPool };
  }

  #satisfySpecific(sv: ServiceView): void {
    for (const req of sv.requested) {
      const text = formatIp(req.family, req.value);
      if (sv.allocated.some((cluster) => cluster.text === text)) {
        continue;
      }
      const { range, foundPool } = this.#findRangeOfIp(sv, req);
      if (range === undefined) {
        sv.failure = foundPool ? failureMessages.poolSelectorMismatch(text) : failureMessages.noPoolForIp(text);
        continue;
      }
      const holder = range.holders.get(req.value);
      if (holder === undefined) {
        const cluster = range.allocSpecific(req, sv);
        if (cluster !== undefined) {
          this.#adopt(sv, cluster, true);
        }
        continue;
      }
      // A reserved address has a nil owner in Cilium: without a sharing key it reads as taken.
      // (With a key Cilium dereferences the nil cluster; we report it as taken too.)
      if (sv.sharingKey === '' || holder === RESERVED) {
        sv.failure = failureMessages.alreadyAllocated(text);
        continue;
      }
      const why = clusterIncompatibility(holder.members, sv);
      if (why !== undefined) {
        sv.failure = failureMessages.incompatible(text, why, this.#switches);
        continue;
      }
      this.#adopt(sv, holder, false);
    }
  }

  #satisfyGeneric(sv: ServiceView): void {
    const has = (family: IpFamily): boolean => sv.allocated.some((cluster) => cluster.ip.family === family);
    if (sv.families.ipv4 && !has('IPv4')) {
      this.#satisfyFamily(sv, 'IPv4');
    }
    if (sv.families.ipv6 && !has('IPv6')) {
      this.#satisfyFamily(sv, 'IPv6');
    }
  }

  /** §5.3 / C22: join a compatible same-family IP of the sharing key, else allocate a fresh one. */
  #satisfyFamily(sv: ServiceView, family: IpFamily): void {
    if (sv.sharingKey !== '') {
      for (const cluster of this.#sharingIndex.get(sv.sharingKey) ?? []) {
        if (cluster.ip.family === family && clusterIncompatibility(cluster.members, sv) === undefined) {
          this.#adopt(sv, cluster, false);
          return;
        }
      }
    }
    const result = this.#allocateAny(sv, family);
    if (result === 'full') {
      sv.failure = failureMessages.outOfIps();
    } else if (result === 'no-range') {
      sv.failure = failureMessages.noPool();
    } else {
      this.#adopt(sv, result, true);
    }
  }

  /** §5.4 generic: first enabled, same-family, selecting range with space, in range order. */
  #allocateAny(sv: ServiceView, family: IpFamily): SharingCluster | 'full' | 'no-range' {
    let full = false;
    for (const range of this.#ranges) {
      if (range.disabled || range.family !== family || !matchesSelector(range.serviceSelector, sv.selectorLabels)) {
        continue;
      }
      const cluster = range.allocAny(sv, this.#switches, this.#rng);
      if (cluster !== undefined) {
        return cluster;
      }
      full = true;
    }
    return full ? 'full' : 'no-range';
  }

  /** Records `sv` as holding `cluster`'s IP; a new cluster enters the sharing index. */
  #adopt(sv: ServiceView, cluster: SharingCluster, isNew: boolean): void {
    if (!isNew) {
      cluster.members.push(sv);
    }
    sv.allocated.push(cluster);
    if (isNew && sv.sharingKey !== '') {
      const group = this.#sharingIndex.get(sv.sharingKey) ?? [];
      group.push(cluster);
      this.#sharingIndex.set(sv.sharingKey, group);
    }
  }
}

function sameIp(a: ParsedIp, b: ParsedIp): boolean {
  return a.family === b.family && a.value === b.value;
}
