/**
 * What LB-IPAM writes after an allocation run (spec §5.5), as a pure diff between the objects in
 * the store and the {@link IpamResult}: a status merge patch per Service whose ingress list or
 * request-satisfied condition differs, and per pool whose conditions differ. Nothing is written
 * when nothing changed (Cilium compares before its JSON-patch replace of `/status`). A service
 * LB-IPAM no longer handles (type changed, foreign class) loses its ingress IPs and the condition,
 * but only when it carries the operator's condition — services it never managed are left alone.
 */
import type { KubeObject, MergePatch, ObjectRef } from '../core/object-store.ts';
import { conditionTypeNames, type Condition } from '../ipam/conditions.ts';
import type { IpamResult } from '../ipam/allocate.ts';
import type { Profile } from '../profiles/profile.ts';
import { conditionsOf, ingressIpsOf, IP_POOLS, SERVICES } from '../agent/model-objects.ts';

/** One status write. */
export interface StatusWrite {
  readonly ref: ObjectRef;
  readonly patch: MergePatch;
  /** For Services: the ingress IPs written (history `service-ips`). */
  readonly ips?: readonly string[];
  /** For Services: the request-satisfied reason written, if any. */
  readonly reason?: string;
}

/** The writes that bring `services` and `pools` (store objects) to `result`. Sorted by resource order then key. */
export function decideStatusWrites(services: readonly KubeObject[], pools: readonly KubeObject[], result: IpamResult, profile: Profile): StatusWrite[] {
  const writes: StatusWrite[] = [];
  const requestSatisfied = conditionTypeNames(profile.ipam).requestSatisfied;
  const byKey = new Map(result.services.map((allocation) => [`${allocation.namespace}/${allocation.name}`, allocation]));
  for (const object of services) {
    const allocation = byKey.get(`${object.metadata.namespace}/${object.metadata.name}`);
    if (allocation === undefined) continue;
    const currentIps = ingressIpsOf(object);
    const currentConditions = conditionsOf(object);
    const others = currentConditions.filter((c) => c.type !== requestSatisfied);
    const managed = currentConditions.length !== others.length;
    if (!allocation.handled && !managed) continue;
    const ips = allocation.handled ? allocation.ips.map((ip) => ip.ip) : [];
    const conditions = allocation.handled && allocation.condition !== undefined ? [...others, allocation.condition] : others;
    if (ips.join(',') === currentIps.join(',') && sameConditions(conditions, currentConditions)) continue;
    writes.push({
      ref: { resource: SERVICES, namespace: object.metadata.namespace, name: object.metadata.name },
      patch: { status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) }, conditions } },
      ips,
      ...(allocation.condition === undefined || !allocation.handled ? {} : { reason: allocation.condition.reason }),
    });
  }
  const poolsByName = new Map(result.pools.map((pool) => [pool.name, pool]));
  for (const object of pools) {
    const status = poolsByName.get(object.metadata.name);
    if (status === undefined || status.conditions.length === 0) continue;
    if (sameConditions(status.conditions, conditionsOf(object))) continue;
    writes.push({ ref: { resource: IP_POOLS, namespace: '', name: object.metadata.name }, patch: { status: { conditions: status.conditions } } });
  }
  return writes;
}

function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  return a.length === b.length && a.every((c, i) => {
    const d = b[i];
    return d !== undefined && c.type === d.type && c.status === d.status && c.reason === d.reason && c.message === d.message;
  });
}
