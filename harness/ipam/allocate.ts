/**
 * LB-IPAM as a pure function (spec §5): given the pools and services of a manifest set, a behaviour
 * profile and a seeded `Rng`, decide what Cilium's operator would write after starting on them:
 * each service's ingress IPs and `RequestSatisfied` condition, each pool's counters and conflict
 * condition. The run models an operator (re)start: pools are known first (conflicts settled), then
 * services are reconciled oldest first, importing IPs they already hold where still valid.
 * No I/O, no clock; randomness (1.13/1.14 allocation order only) comes from `input.rng`.
 */
import type { Rng } from '../core/rng.ts';
import type { IpFamily, IpPool, Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { LbIpamRun } from './allocator.ts';
import { type Condition, failureMessages, poolConditions, requestSatisfiedCondition } from './conditions.ts';
import { formatIp, parseIp } from '../core/ip.ts';
import { serviceSelectorLabels } from '../selector/label-selector.ts';
import { LbRange, type ServiceView } from './lb-ranges.ts';
import { type PoolConflict, decidePoolConflicts } from './pool-conflicts.ts';
import { type PoolSetup, setUpPool } from './pool-setup.ts';
import { requestedIps, sharingCrossNamespaceOf, sharingKeyOf } from './requested-ips.ts';
import { type ScopeSettings, ignoredReason, requestedFamilies } from './service-scope.ts';
import { compareByAge } from './timestamps.ts';

export type { Condition } from './conditions.ts';

/** Operator settings that change LB-IPAM decisions (Helm values / operator flags). */
export interface IpamOptions {
  /** `enable-ipv4`; default true. */
  readonly ipv4Enabled?: boolean;
  /** `enable-ipv6`; default false. */
  readonly ipv6Enabled?: boolean;
  /** §5.2 `defaultLBServiceIPAM` (read only when the profile has the setting); default `lbipam`. */
  readonly defaultLbServiceIpam?: 'lbipam' | 'nodeipam' | 'none';
  /** §5.2: L2 announcements enabled (makes `io.cilium/l2-announcer` a handled class); default true. */
  readonly l2AnnouncementsEnabled?: boolean;
  /** §5.2: BGP control plane enabled (makes `io.cilium/bgp-control-plane` handled); default false. */
  readonly bgpControlPlaneEnabled?: boolean;
}

/** Everything one allocation run reads. */
export interface IpamInput {
  readonly pools: readonly IpPool[];
  readonly services: readonly Service[];
  readonly profile: Profile;
  /** Used only by the `random` allocation order (1.13/1.14), in service order. */
  readonly rng: Rng;
  readonly options?: IpamOptions;
}

/** One IP a service holds. */
export interface AllocatedIp {
  readonly ip: string;
  readonly pool: string;
  readonly family: IpFamily;
  /** Other services (`ns/name`) holding the same IP, in the order they joined. */
  readonly sharedWith: readonly string[];
}

/** LB-IPAM's outcome for one service (input order). */
export interface ServiceAllocation {
  readonly namespace: string;
  readonly name: string;
  readonly handled: boolean;
  /** §5.2: why LB-IPAM ignores the service (no condition is written then). */
  readonly ignoredReason?: string;
  /** The resulting `status.loadBalancer.ingress` IPs, in status order. */
  readonly ips: readonly AllocatedIp[];
  readonly condition?: Condition;
  /** §5.3: requested IPs after parsing (canonical text). */
  readonly requestedIps: readonly string[];
  readonly sharingKey?: string;
  /** §5.4: ingress IPs the service had that it no longer has. */
  readonly strippedIngressIps: readonly string[];
}

/** LB-IPAM's outcome for one pool (input order). Counters are bigint (IPv6-safe). */
export interface PoolStatus {
  readonly name: string;
  /** §5.5; empty when the operator writes no status (rejected or invalid pool). */
  readonly conditions: readonly Condition[];
  readonly total: bigint;
  readonly used: bigint;
  readonly available: bigint;
  readonly conflicting: boolean;
  readonly conflictMessage?: string;
  /** §5.6: blocks that make the pool upsert fail. */
  readonly invalidBlocks: readonly { index: number; value: string; reason: string }[];
  /** §5.1: fields/apiVersion the profile's API server does not serve (pool not created). */
  readonly rejectedFields: readonly string[];
}

/** The whole outcome. */
export interface IpamResult {
  readonly services: readonly ServiceAllocation[];
  readonly pools: readonly PoolStatus[];
}

/** Decides LB-IPAM's allocations and conditions for `input`. Never throws on bad user input. */
export function allocate(input: IpamInput): IpamResult {
  const settings = resolveSettings(input.options);
  const setups = input.pools.map((pool, index) => setUpPool(pool, index, input.profile));
  const conflicts = decidePoolConflicts(setups);
  const rangesByPool = new Map<PoolSetup, LbRange[]>();
  for (const setup of setups) {
    const disabled = setup.pool.disabled || conflicts.has(setup.pool.name);
    rangesByPool.set(setup, setup.ranges.map((spec) => new LbRange(spec, disabled, setup.pool.serviceSelector)));
  }
  // §5.4: ranges in pool input order, then block spec order.
  const run = new LbIpamRun([...rangesByPool.values()].flat(), input.profile.ipam, input.rng);

  const views = new Map<number, ServiceView>();
  input.services.forEach((svc, index) => {
    if (ignoredReason(svc, input.profile, settings) === undefined) {
      views.set(index, serviceView(svc, input.profile, settings));
    }
  });
  reconcileServices(run, orderedViews(input.services, views), input.profile);

  return {
    services: input.services.map((svc, index) => serviceResult(svc, views.get(index), input.profile, settings)),
    pools: setups.map((setup) => poolResult(setup, rangesByPool.get(setup) ?? [], conflicts.get(setup.pool.name), input.profile)),
  };
}

function resolveSettings(options: IpamOptions | undefined): ScopeSettings {
  return {
    ipv4Enabled: options?.ipv4Enabled ?? true,
    ipv6Enabled: options?.ipv6Enabled ?? false,
    defaultLbServiceIpam: options?.defaultLbServiceIpam ?? 'lbipam',
    l2AnnouncementsEnabled: options?.l2AnnouncementsEnabled ?? true,
    bgpControlPlaneEnabled: options?.bgpControlPlaneEnabled ?? false,
  };
}

function serviceView(svc: Service, profile: Profile, settings: ScopeSettings): ServiceView {
  return {
    key: `${svc.namespace}/${svc.name}`,
    namespace: svc.namespace,
    selectorLabels: serviceSelectorLabels(svc),
    requested: requestedIps(svc, profile.ipam),
    families: requestedFamilies(svc, settings),
    sharingKey: sharingKeyOf(svc, profile.ipam),
    sharingCrossNamespace: sharingCrossNamespaceOf(svc, profile.ipam),
    portNumbers: svc.ports.map((port) => port.port),
    externalTrafficPolicy: svc.externalTrafficPolicy,
    podSelector: svc.selector ?? {},
    existingIngress: svc.ingressIPs,
    ingress: [],
    allocated: [],
  };
}

/** §5.4: services oldest first (no timestamp = after those with one), ties by input order. */
function orderedViews(services: readonly Service[], views: ReadonlyMap<number, ServiceView>): ServiceView[] {
  return [...views.keys()]
    .sort((a, b) => compareByAge(services[a]?.creationTimestamp, a, services[b]?.creationTimestamp, b))
    .flatMap((index) => views.get(index) ?? []);
}

/**
 * §5.4 / C19: with `importBeforeAllocate` (#41147, 1.19+) every service re-imports its IPs before
 * any new allocation; before that, each service imports then allocates in turn, so an earlier
 * service can take an IP a later one still had (the restart reshuffle).
 */
function reconcileServices(run: LbIpamRun, ordered: readonly ServiceView[], profile: Profile): void {
  if (profile.ipam.importBeforeAllocate) {
    ordered.forEach((sv) => run.importIngresses(sv));
    ordered.forEach((sv) => run.satisfy(sv));
  } else {
    for (const sv of ordered) {
      run.importIngresses(sv);
      run.satisfy(sv);
    }
  }
  for (const sv of ordered) {
    // The condition is the last failure written, or `satisfied` once everything is met.
    sv.failure = run.isSatisfied(sv) ? undefined : (sv.failure ?? failureMessages.noPool());
  }
}

function serviceResult(svc: Service, sv: ServiceView | undefined, profile: Profile, settings: ScopeSettings): ServiceAllocation {
  if (sv === undefined) {
    const ignored = ignoredReason(svc, profile, settings);
    return { namespace: svc.namespace, name: svc.name, handled: false, ignoredReason: ignored, ips: [], requestedIps: [], strippedIngressIps: [] };
  }
  const ips = sv.ingress.flatMap((text): AllocatedIp[] => {
    const cluster = sv.allocated.find((candidate) => candidate.text === text);
    if (cluster === undefined) {
      return [];
    }
    const sharedWith = cluster.members.filter((member) => member !== sv).map((member) => member.key);
    return [{ ip: text, pool: cluster.range.spec.pool, family: cluster.ip.family, sharedWith }];
  });
  const kept = new Set(ips.map((ip) => ip.ip));
  return {
    namespace: svc.namespace,
    name: svc.name,
    handled: true,
    ips,
    condition: requestSatisfiedCondition(profile.ipam, sv.failure),
    requestedIps: sv.requested.map((ip) => formatIp(ip.family, ip.value)),
    ...(sv.sharingKey === '' ? {} : { sharingKey: sv.sharingKey }),
    strippedIngressIps: svc.ingressIPs.filter((text) => !kept.has(canonicalOrSelf(text))),
  };
}

/** Ingress IPs compare by address, so `fd00:0::1` kept as `fd00::1` is not "stripped". */
function canonicalOrSelf(text: string): string {
  const ip = parseIp(text);
  return ip === undefined ? text : formatIp(ip.family, ip.value);
}

function poolResult(setup: PoolSetup, ranges: readonly LbRange[], conflict: PoolConflict | undefined, profile: Profile): PoolStatus {
  let total = 0n;
  let used = 0n;
  for (const range of ranges) {
    total += range.size();
    used += range.usedCount();
  }
  const counts = { total, used, available: total - used };
  return {
    name: setup.pool.name,
    conditions: setup.accepted ? poolConditions(profile.ipam, conflict?.message, counts) : [],
    ...counts,
    conflicting: conflict !== undefined,
    ...(conflict === undefined ? {} : { conflictMessage: conflict.message }),
    invalidBlocks: setup.invalidBlocks,
    rejectedFields: setup.rejectedFields,
  };
}
