/**
 * C19 (#40358 on 1.17.4, #41458; PR #41122 in 1.18.2): before #41122 an edit of a pool — a range
 * widened or split, its service selector changed — made the operator drop every allocation from
 * that pool and satisfy those Services again, oldest first, lowest free address first: widening
 * .120–.127 to .117–.127 gave every Service a new IP. Under `poolEditReallocates` the operator
 * forgets, for one run, the ingress IPs that lay in an edited pool's previous blocks; the
 * allocator then hands addresses out afresh. Pure.
 */
import { parseIp } from '../core/ip.ts';
import { rangeFromBlock } from '../ipam/ip-range.ts';
import type { IpPool, Service } from '../model/types.ts';
import type { IpamSwitches } from '../profiles/profile.ts';

/** What a pool edit is compared on: the spec, not metadata or source positions. */
export function poolSpecKey(pool: IpPool): string {
  return JSON.stringify({ blocks: pool.blocks, selector: pool.serviceSelector ?? null, disabled: pool.disabled, allowFirstLastIPs: pool.allowFirstLastIPs ?? null });
}

/**
 * The services as the operator's run should see them: with `poolEditReallocates`, every ingress IP
 * inside the previous blocks of a pool whose spec changed since `previous` (pool name → the pool
 * the last run saw) is left out, so it is allocated again. A pool the last run did not see is new,
 * not edited. Without the switch, or with no edit, `services` is returned as is.
 */
export function forgetEditedPoolIps(services: readonly Service[], pools: readonly IpPool[], previous: ReadonlyMap<string, IpPool>, switches: IpamSwitches): readonly Service[] {
  if (switches.poolEditReallocates !== true) return services;
  const edited = pools.flatMap((pool) => {
    const before = previous.get(pool.name);
    // The same object is the same spec (a status write keeps `spec`): no JSON per pool per run.
    return before !== undefined && before !== pool && poolSpecKey(before) !== poolSpecKey(pool) ? [before] : [];
  });
  if (edited.length === 0) return services;
  const ranges = edited.flatMap((pool) => pool.blocks.map((_, i) => rangeFromBlock(pool, i, switches)).flatMap((r) => (r.ok ? [r.range] : [])));
  const inEdited = (text: string): boolean => {
    const ip = parseIp(text);
    return ip !== undefined && ranges.some((r) => r.family === ip.family && ip.value >= r.first && ip.value <= r.last);
  };
  return services.map((svc) => (svc.ingressIPs.some(inEdited) ? { ...svc, ingressIPs: svc.ingressIPs.filter((ip) => !inEdited(ip)) } : svc));
}
