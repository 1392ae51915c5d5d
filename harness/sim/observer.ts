/**
 * The world's observer (process `observer`, docs/history.md "Model and observer"): it sees every
 * change committed to the simulated API server at the instant it is applied
 * (`SimApiServer.onCommit`) and records what the checkers judge the cluster against:
 *
 * - `announce-expected` — the pure model's answer for each service ({@link decideServiceCoverage} over the
 *   current Nodes, policies, Services and endpoints, with the run's profile), recorded when it
 *   changes. `eligibleNodes` are the candidates that the invariant allows to hold the Lease: with
 *   `externalTrafficPolicy: Local`, only nodes with a ready local backend (reference semantics,
 *   whatever the profile gates — INV-HOLDER-ELIGIBLE judges versions that do not gate, C04);
 * - `service-ips` — a service's `status.loadBalancer.ingress` IPs when they change;
 * - `pool-state` — a pool's blocks and its effective first/last reservation when they change;
 * - `lease-state` — a Lease's holder or transitions when they change (not every renewal).
 *
 * It also answers the data plane's question "does this node serve this VIP?" ({@link serves}),
 * from the same view.
 */
import type { History, HistoryValue } from '../core/history.ts';
import type { KubeObject, WatchEvent } from '../core/object-store.ts';
import { ENDPOINTS, ingressIpsOf, IP_POOLS, L2_POLICIES, modelOf, NODES, serviceFromObject, SERVICES } from '../agent/model-objects.ts';
import { isLeaseObject, LEASES } from '../election/lease-record.ts';
import { poolReservesFirstLast, blockText } from '../ipam/ip-range.ts';
import { backendsOf, backs, etpLocalGate } from '../l2/backends.ts';
import type { CandidacyDecision } from '../l2/candidacy.ts';
import { decideServiceCoverage } from '../l2/decide-service.ts';
import { policyProblems, preparePolicy, type PreparedPolicy } from '../l2/policy-prep.ts';
import type { Endpoint, IpPool, L2AnnouncementPolicy, Node, Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';

/** The observer's process name in the history. */
export const OBSERVER_PROCESS = 'observer';

/** Options of {@link WorldObserver}. */
export interface ObserverOptions {
  readonly profile: Profile;
  readonly history: History;
  /** Namespace of the announce Leases (others are ignored). */
  readonly leaseNamespace: string;
  /** Devices of nodes whose model lists no interfaces. */
  readonly defaultDevices: readonly string[];
  /**
   * The Lease a service elects on (`ns/name` → Lease name); the agent's rule, so expectations
   * name the Lease the electors actually use.
   */
  readonly leaseOf: (service: Service, allServices: ReadonlyMap<string, Service>) => string;
}

/**
 * What {@link WorldObserver} derives for one service from its model and the node/policy/endpoint
 * lists alone (everything but the Lease name, which depends on the other services): the same
 * inputs give the same answer, so a service write that re-decides every service recomputes only
 * the written one.
 */
interface Derived {
  readonly service: Service;
  readonly lists: ObservedLists;
  readonly announceable: boolean;
  readonly eligibleNodes: readonly string[];
  /** `eligibleNodes` joined with ',' (how {@link Expected} compares them). */
  readonly eligibleText: string;
  readonly candidates: readonly string[];
  readonly extra: { readonly [key: string]: HistoryValue };
  readonly extraText: string;
}

/** The sorted node, policy and endpoint models; a new object whenever one of them changes. */
interface ObservedLists {
  readonly nodes: Node[];
  readonly policies: L2AnnouncementPolicy[];
  readonly endpoints: Endpoint[];
}

interface Expected {
  readonly lease: string;
  readonly announceable: boolean;
  readonly eligible: string;
  readonly candidates: readonly string[];
  /** `leaseInScope` and `unannouncedIps` as recorded (only when they say more than `announceable`). */
  readonly extra: string;
}

/** Records observer ops from committed store changes. */
export class WorldObserver {
  readonly #options: ObserverOptions;
  /** The profile with reference eTP=Local semantics (eligibility and the data plane). */
  readonly #gateProfile: Profile;
  /**
   * The run's profile for the model's candidacy, except that nodeless backends count as local on
   * every node (C05): what the invariants owe an eTP=Local Gateway service does not depend on the
   * 1.20.2 gate that drops it (`etpLocalIgnoresNodelessBackends`), so its silence is a violation.
   */
  readonly #modelProfile: Profile;
  readonly #services = new Map<string, Service>();
  readonly #nodes = new Map<string, Node>();
  readonly #policies = new Map<string, L2AnnouncementPolicy>();
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #ips = new Map<string, readonly string[]>();
  readonly #expected = new Map<string, Expected>();
  readonly #pools = new Map<string, string>();
  /** Last recorded holder and transitions per Lease name (compared as fields: no key text per renewal). */
  readonly #leases = new Map<string, { readonly holder: string; readonly transitions: number }>();
  /** Last recorded `interfaces-selected` per node (comma list). */
  readonly #ifaces = new Map<string, string>();
  #lists: ObservedLists | undefined;
  /**
   * The valid policies enabling an IP type, prepared, in name order (what `interfaces-selected`
   * reads): kept until a policy changes, so a node write does not rebuild every sorted list.
   */
  #selecting: PreparedPolicy[] | undefined;
  /** Per service, the last {@link Derived} (valid while its service model and the lists are the same objects). */
  readonly #derived = new Map<string, Derived>();
  #vipIndex: Map<string, string[]> | undefined;
  #vips: string[] | undefined;

  constructor(options: ObserverOptions) {
    this.#options = options;
    const l2 = options.profile.l2;
    this.#gateProfile = { ...options.profile, l2: { ...l2, etpLocalGating: true, etpLocalIgnoresNodelessBackends: false } };
    this.#modelProfile = l2.etpLocalIgnoresNodelessBackends ? { ...options.profile, l2: { ...l2, etpLocalIgnoresNodelessBackends: false } } : options.profile;
  }

  /** Handles one committed change (wire to `SimApiServer.onCommit`). */
  onCommit(resource: string, event: WatchEvent): void {
    const object = event.type === 'DELETED' ? undefined : event.object;
    const meta = event.object.metadata;
    switch (resource) {
      // First: nine commits in ten are Lease renewals.
      case LEASES:
        if (meta.namespace === this.#options.leaseNamespace) this.#onLease(meta.name, object);
        return;
      case SERVICES:
        this.#onService(`${meta.namespace}/${meta.name}`, object);
        return;
      case NODES:
        this.#upsert(this.#nodes, meta.name, object === undefined ? undefined : modelOf<Node>(object, 'Node'));
        this.#selectInterfaces([meta.name]);
        return;
      case L2_POLICIES:
        this.#upsert(this.#policies, meta.name, object === undefined ? undefined : modelOf<L2AnnouncementPolicy>(object, 'CiliumL2AnnouncementPolicy'));
        this.#selecting = undefined;
        this.#selectInterfaces([...this.#nodes.keys()].sort());
        return;
      case ENDPOINTS:
        this.#onEndpoint(`${meta.namespace}/${meta.name}`, object === undefined ? undefined : modelOf<Endpoint>(object, 'Endpoint'));
        return;
      case IP_POOLS:
        this.#onPool(meta.name, object);
        return;
    }
  }

  /** Each Lease and the nodes competing for it now (the lease-load model's input), by Lease name. */
  leaseCandidates(): { readonly name: string; readonly candidateNodes: readonly string[] }[] {
    const byLease = new Map<string, Set<string>>();
    for (const expected of this.#expected.values()) {
      if (expected.candidates.length === 0) continue;
      const nodes = byLease.get(expected.lease) ?? new Set<string>();
      for (const node of expected.candidates) nodes.add(node);
      byLease.set(expected.lease, nodes);
    }
    return [...byLease.keys()].sort().map((name) => ({ name, candidateNodes: [...(byLease.get(name) ?? [])].sort() }));
  }

  /** Every current service ingress IP, sorted (the prober's targets). */
  vips(): readonly string[] {
    this.#vips ??= [...this.#index().keys()].sort();
    return this.#vips;
  }

  /**
   * Does `node`'s data plane serve `vip`? Yes when some service has the IP and, for
   * `externalTrafficPolicy: Local`, the node hosts a ready backend (Cilium's BPF load balancer
   * runs on every node and drops eTP=Local traffic without a local backend; nodeless backends —
   * Gateway API's Envoy — are served everywhere).
   */
  serves(node: string, vip: string): boolean {
    const model = this.#nodes.get(node);
    if (model === undefined) return false;
    for (const key of this.#index().get(vip) ?? []) {
      const service = this.#services.get(key);
      if (service === undefined) continue;
      if (!etpLocalGate(service, model, backendsOf(service, this.#lists_().endpoints), this.#gateProfile).gated) return true;
    }
    return false;
  }

  #index(): Map<string, string[]> {
    if (this.#vipIndex === undefined) {
      const index = new Map<string, string[]>();
      for (const [key, ips] of this.#ips) {
        for (const ip of ips) {
          const list = index.get(ip);
          if (list === undefined) index.set(ip, [key]);
          else list.push(key);
        }
      }
      this.#vipIndex = index;
    }
    return this.#vipIndex;
  }

  #lists_(): ObservedLists {
    this.#lists ??= { nodes: sortedValues(this.#nodes), policies: sortedValues(this.#policies), endpoints: sortedValues(this.#endpoints) };
    return this.#lists;
  }

  #upsert<T>(map: Map<string, T>, key: string, model: T | undefined): void {
    if (model === undefined) map.delete(key);
    else map.set(key, model);
    this.#lists = undefined;
    for (const service of [...this.#services.keys()].sort()) this.#decide(service);
  }

  /**
   * An endpoint only enters decisions through `backendsOf` of the services it backs, so only those
   * (by its old or new version) are re-decided, in the same sorted order as a full pass: the
   * records are the same, without O(services × nodes) candidacy work per endpoint (seeding 3,000
   * endpoints of a 1,000 × 1,000 world took minutes).
   */
  #onEndpoint(key: string, model: Endpoint | undefined): void {
    const before = this.#endpoints.get(key);
    if (model === undefined) this.#endpoints.delete(key);
    else this.#endpoints.set(key, model);
    this.#lists = undefined;
    const touched = [before, model].filter((e): e is Endpoint => e !== undefined);
    for (const service of [...this.#services.keys()].sort()) {
      const svc = this.#services.get(service);
      if (svc !== undefined && touched.some((endpoint) => backs(svc, endpoint))) this.#decide(service);
    }
  }

  #onService(key: string, object: KubeObject | undefined): void {
    const service = object === undefined ? undefined : serviceFromObject(object);
    if (service === undefined) this.#services.delete(key);
    else this.#services.set(key, service);
    // The model's ingressIPs are the object's (serviceFromObject reads them from `status`).
    const ips = service !== undefined ? service.ingressIPs : object === undefined ? [] : ingressIpsOf(object);
    const before = this.#ips.get(key);
    if (before === undefined ? ips.length > 0 : before.join(',') !== ips.join(',')) {
      if (ips.length === 0) this.#ips.delete(key);
      else this.#ips.set(key, ips);
      this.#vipIndex = undefined;
      this.#vips = undefined;
      this.#record('service-ips', { service: key, ips: [...ips] });
    }
    if (this.#options.profile.l2.sharedIpSeparateLeases) this.#decide(key);
    else for (const other of [...this.#services.keys(), key].sort()) this.#decide(other);
  }

  #decide(key: string): void {
    const service = this.#services.get(key);
    const previous = this.#expected.get(key);
    if (service === undefined) {
      this.#derived.delete(key);
      if (previous !== undefined && (previous.announceable || previous.eligible !== '')) {
        this.#expected.set(key, { lease: previous.lease, announceable: false, eligible: '', candidates: [], extra: '' });
        this.#record('announce-expected', { service: key, lease: previous.lease, announceable: false, eligibleNodes: [] });
      }
      return;
    }
    const lists = this.#lists_();
    let derived = this.#derived.get(key);
    if (derived === undefined || derived.service !== service || derived.lists !== lists) {
      derived = this.#derive(service, lists);
      this.#derived.set(key, derived);
    }
    const next: Expected = { lease: this.#options.leaseOf(service, this.#services), announceable: derived.announceable, eligible: derived.eligibleText, candidates: derived.candidates, extra: derived.extraText };
    if (previous !== undefined && previous.lease === next.lease && previous.announceable === next.announceable && previous.eligible === next.eligible && previous.extra === next.extra) {
      this.#expected.set(key, next);
      return;
    }
    this.#expected.set(key, next);
    this.#record('announce-expected', { service: key, lease: next.lease, announceable: next.announceable, eligibleNodes: [...derived.eligibleNodes], ...derived.extra });
  }

  /** The model's answer for `service` over `lists` (pure in those and the profiles). */
  #derive(service: Service, lists: ObservedLists): Derived {
    // Backends only gate eTP=Local services (candidacy, eligibility): no index of the list otherwise.
    const backends = service.externalTrafficPolicy === 'Local' ? backendsOf(service, lists.endpoints) : [];
    const decision = decideServiceCoverage(service, service.ingressIPs, this.#candidateScope(service, backends, lists.nodes), lists.policies, lists.endpoints, this.#modelProfile, { devices: this.#options.defaultDevices });
    const eligibleNodes = decision.candidateNodes.filter((name) => {
      const node = this.#nodes.get(name);
      return node !== undefined && !etpLocalGate(service, node, backends, this.#gateProfile).gated;
    });
    // INV-LEASE-SCOPE: some candidate has an IP of a type its policies enable, devices or not (under
    // `candidacyRequiresDevice` a node whose policies select none of its devices is no candidate).
    const leaseInScope = decision.candidates.some((d) => d.announce.length > 0);
    const unannouncedIps = decision.announceable ? decision.unannouncedIps.filter((ip) => service.ingressIPs.includes(ip)) : [];
    const lbIfaces = service.ingressIPs.length === 0 ? undefined : this.#partialIfaces(decision.candidates, 'loadBalancerIP');
    const ifaces = this.#partialIfaces(decision.candidates, undefined);
    // Only the fields that say more than `announceable`, in this order (the recorded op's key order).
    const extra: { [key: string]: HistoryValue } = {};
    if (leaseInScope !== decision.announceable) extra['leaseInScope'] = leaseInScope;
    if (unannouncedIps.length > 0) extra['unannouncedIps'] = [...unannouncedIps];
    if (lbIfaces !== undefined) extra['lbIfaces'] = lbIfaces;
    if (ifaces !== undefined) extra['ifaces'] = ifaces;
    return { service, lists, announceable: decision.announceable, eligibleNodes, eligibleText: eligibleNodes.join(','), candidates: decision.candidateNodes, extra, extraText: JSON.stringify(extra) };
  }

  /**
   * `lbIfaces` (`type` loadBalancerIP) / `ifaces` (every IP): the candidates that would program the
   * service's IPs on only some of their devices, with those devices (undefined when none):
   * holder-answers owes answers for LB IPs there alone, and a candidate whose devices for the
   * service all have their link down cannot announce it (the liveness clocks wait). The node-level
   * `interfaces-selected` is the union over every policy selecting the node, whatever service or
   * IP type it enables (explore: reference-holder-answers-s5 of round 2; reference reacquire,
   * 2,000 runs, seed 3 — eth1 selected only for another service's external IPs).
   */
  #partialIfaces(candidates: readonly CandidacyDecision[], type: 'loadBalancerIP' | undefined): { [node: string]: string[] } | undefined {
    let out: { [node: string]: string[] } | undefined;
    for (const d of candidates) {
      const devices = this.#nodes.get(d.node)?.interfaces ?? this.#options.defaultDevices;
      // A scan, not a Set: a node has a handful of devices and announce entries.
      const programmed = (iface: string): boolean => d.announce.some((a) => (type === undefined || a.type === type) && Array.isArray(a.interfaces) && (a.interfaces as readonly string[]).includes(iface));
      if (devices.every(programmed)) continue;
      out ??= {};
      out[d.node] = devices.filter(programmed);
    }
    return out;
  }

  /**
   * The nodes that can be candidates for `service`: all of them, except where the profile's eTP=Local
   * gate decides alone — then only the nodes hosting a ready backend (none when no ready backend
   * counts as local). Candidacy of every other node ends in that gate, so `candidateNodes` and
   * `announceable` are those of a pass over every node, without O(nodes) work per service write.
   */
  #candidateScope(service: Service, backends: readonly Endpoint[], nodes: readonly Node[]): readonly Node[] {
    const l2 = this.#modelProfile.l2;
    if (service.externalTrafficPolicy !== 'Local' || !l2.etpLocalGating) return nodes;
    const hosting = new Set<string>();
    let nodeless = false;
    for (const b of backends) {
      if (!b.ready) continue;
      if (b.nodeName === undefined) nodeless = true;
      else hosting.add(b.nodeName);
    }
    if (hosting.size === 0 && nodeless && !l2.etpLocalIgnoresNodelessBackends) return nodes;
    return [...hosting].sort().flatMap((name) => this.#nodes.get(name) ?? []);
  }

  /**
   * Records `interfaces-selected` for each of `names` whose set changed: the node's devices that
   * some valid policy selecting the node, and enabling an IP type, matches (INV-IFACE-SCOPE's
   * "interfaces selected by the policy"; candidacy may still ignore them, as Cilium's does, unless
   * the profile has `candidacyRequiresDevice`).
   */
  #selectInterfaces(names: readonly string[]): void {
    const prepared = (this.#selecting ??= sortedValues(this.#policies).map(preparePolicy).filter((p) => policyProblems(p).length === 0 && (p.policy.loadBalancerIPs || p.policy.externalIPs)));
    for (const name of names) {
      const node = this.#nodes.get(name);
      const devices = node === undefined ? [] : (node.interfaces ?? this.#options.defaultDevices);
      const selecting = node === undefined ? [] : prepared.filter((p) => p.selectsNode(node));
      const ifaces = devices.filter((iface) => selecting.some((p) => p.selectDevices([iface]).length > 0));
      const text = ifaces.join(',');
      if (this.#ifaces.get(name) === text || (node === undefined && !this.#ifaces.has(name))) continue;
      if (node === undefined) this.#ifaces.delete(name);
      else this.#ifaces.set(name, text);
      this.#record('interfaces-selected', { node: name, ifaces: [...ifaces] });
    }
  }

  #onPool(name: string, object: KubeObject | undefined): void {
    const pool = object === undefined ? undefined : modelOf<IpPool>(object, 'CiliumLoadBalancerIPPool');
    if (pool === undefined) {
      if (!this.#pools.has(name)) return;
      this.#pools.delete(name);
      this.#record('pool-state', { pool: name, deleted: true });
      return;
    }
    const blocks = pool.blocks.map(blockText);
    const reserveFirstLast = poolReservesFirstLast(pool, this.#options.profile.ipam);
    const text = `${blocks.join(',')}|${reserveFirstLast}`;
    if (this.#pools.get(name) === text) return;
    this.#pools.set(name, text);
    this.#record('pool-state', { pool: name, blocks, reserveFirstLast });
  }

  #onLease(name: string, object: KubeObject | undefined): void {
    const lease = isLeaseObject(object) ? object : undefined;
    const holder = lease === undefined ? null : (lease.spec.holderIdentity ?? '');
    const transitions = lease?.spec.leaseTransitions ?? 0;
    const last = this.#leases.get(name);
    if (holder === null ? last === undefined : last !== undefined && last.holder === holder && last.transitions === transitions) return;
    if (holder === null) this.#leases.delete(name);
    else this.#leases.set(name, { holder, transitions });
    this.#record('lease-state', lease === undefined ? { lease: name, holder: null } : { lease: name, holder, transitions, ...(lease.spec.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: lease.spec.leaseDurationSeconds }) });
  }

  #record(f: string, value: HistoryValue): void {
    this.#options.history.record({ process: OBSERVER_PROCESS, type: 'info', f, value });
  }
}

function sortedValues<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.keys()].sort().flatMap((key) => map.get(key) ?? []);
}
