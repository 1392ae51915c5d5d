/**
 * The L2 announcer agent of one node (spec §1.4, §2.2), as Cilium's `l2announcer` behaves: it
 * keeps informers on Nodes, Services, Endpoints and CiliumL2AnnouncementPolicies; on every change
 * it re-decides candidacy for its own node ({@link decideCandidacy}); it runs one {@link Elector}
 * per candidate service (started on becoming a candidate, cancelled — so the lease is released —
 * when the service stops matching); on leadership changes it recomputes the desired announce table
 * and hands it to the reconciler, which programs the datapath; and it stamps its liveness for the
 * datapath every second.
 *
 * Concurrency mirrors the goroutines: each informer, the liveness updater and each elector is its
 * own task (started through the injected {@link TaskSpawner}); the agent's loop only reacts —
 * informer and elector callbacks mark state dirty and wake it — so no API call ever blocks the
 * table. Killing the agent kills every one of them (no release: a crash); `stop()` is graceful.
 *
 * Leases are not watched: the electors read them (Cilium's agent has no Lease informer either),
 * and a watch would cost every agent one event per renewal of every lease.
 *
 * Profile switches honoured here: `leaseForNonAnnounceable` and `candidacyRequiresDevice` (C01,
 * C14, through decideCandidacy), `candidacyRequiresEveryIp` (§1.3 P1/P2, over the Node cache:
 * `l2/coverage.ts`), `pruneOnAgentStart` (stale pinned entries deleted at start),
 * `newIpWakesAnnouncer` (#47579: when false, a status-only change adding/changing LB IPs of a
 * service that already had one does not wake the announcer; it is picked up by the next other
 * event), and the elector's switches (re-candidacy after loss, renew style, release form).
 * `deleteSharedEntryWithOrigin` (C07: `shared-entry-drop.ts`) and `devicesFrozenAtAcquire` (C10:
 * `devices-at-acquire.ts`) shape the table it publishes.
 *
 * kube-vip profiles (`profile.kubeVip`) reuse all of it — informers, candidacy, one client-go
 * elector per Lease — with kube-vip's Lease names (`lease-group.ts`), no Lease GC, no full resync
 * (an address a crashed kube-vip left stays: K02) and its periodic GARP rounds
 * (`harness/impl/kube-vip/garp-rounds.ts`, K04); the reconciler's map stands for the addresses on
 * the interfaces, which the kernel answers for (`ArpContext.kernelAnswers`).
 */
import type { HistoryValue } from '../core/history.ts';
import type { KubeObject } from '../core/object-store.ts';
import type { SleepOutcome } from '../core/clock.ts';
import { sleepEffect, type Task } from '../core/task.ts';
import { Elector, type ElectorExit } from '../election/elector.ts';
import { leaseGcLoop } from '../election/lease-gc.ts';
import { AnnounceReconciler, FULL_RESYNC_PERIOD_MS, type AnnounceTableEntry } from '../datapath/reconcile.ts';
import type { FramePort } from '../datapath/frame-port.ts';
import type { ResponderMap } from '../datapath/responder-map.ts';
import { KubeVipGarpRounds } from '../impl/kube-vip/garp-rounds.ts';
import { backendsOf, etpLocalGate } from '../l2/backends.ts';
import { decideCandidacy, type CandidacyDecision } from '../l2/candidacy.ts';
import { restrictToFullCoverage } from '../l2/coverage.ts';
import type { LeaseTiming } from '../l2/lease.ts';
import type { Endpoint, L2AnnouncementPolicy, Node, Service } from '../model/types.ts';
import type { Profile } from '../profiles/profile.ts';
import { announceTable, sameLed, sameTable, type LedService } from './announce-table.ts';
import { restrictToDevicesAtAcquire } from './devices-at-acquire.ts';
import { droppedSharedPairs, withoutDropped } from './shared-entry-drop.ts';
import type { ControllerPorts } from './controller-ports.ts';
import { Informer, type InformerChange } from './informer.ts';
import { electionLease } from './lease-group.ts';
import { ENDPOINTS, ingressIpsOf, L2_POLICIES, modelOf, NODES, serviceFromObject, SERVICES } from './model-objects.ts';
import type { SpawnedTask, TaskSpawner } from './spawner.ts';
import { Wakeup } from './wakeup.ts';

/** Cilium's `agent-liveness-update-interval` default [recalled from the agent flags, not the spec]. */
export const LIVENESS_UPDATE_INTERVAL_MS = 1_000;

/** Settings of one agent. */
export interface AgentConfig {
  /** The node name: holderIdentity, audit user, history process. */
  readonly node: string;
  readonly profile: Profile;
  /** Namespace of the announce Leases (Cilium's namespace). */
  readonly leaseNamespace: string;
  readonly timing?: Partial<LeaseTiming>;
  /** The node's Cilium devices (datapath interfaces); policies' regexes select among them. */
  readonly devices: readonly string[];
  /** Default {@link LIVENESS_UPDATE_INTERVAL_MS}. */
  readonly livenessIntervalMs?: number;
  /** Run the lease GC loop (every agent does in Cilium). Default true. */
  readonly leaseGc?: boolean;
}

/** The datapath the agent programs (state that outlives the agent) and the GARP path. */
export interface AgentDatapath {
  readonly map: ResponderMap;
  readonly frames: FramePort;
  readonly interfaceMacs: ReadonlyMap<string, string>;
}

/** Injected ports: a controller's, plus the node's datapath. */
export interface AgentPorts extends ControllerPorts {
  readonly datapath: AgentDatapath;
}

/** One elector (one Lease) and the candidate services electing on it (one, unless shared IPs elect together). */
interface ElectorSlot {
  readonly elector: Elector;
  readonly controller: AbortController;
  readonly task: SpawnedTask;
  readonly services: Map<string, CandidacyDecision>;
}

/** A candidacy decision and the inputs it was made from (compared by identity). */
interface CandidacyMemo {
  readonly service: Service;
  readonly node: Node;
  readonly policies: readonly L2AnnouncementPolicy[];
  readonly endpoints: readonly Endpoint[];
  readonly devices: readonly string[];
  readonly decision: CandidacyDecision;
}

/** One node's L2 announcer agent. Construct, then `start()`. */
export class Agent {
  readonly config: AgentConfig;
  readonly reconciler: AnnounceReconciler;
  readonly #ports: AgentPorts;
  readonly #wakeup = new Wakeup();
  readonly #stop = new AbortController();
  readonly #informers: Record<'nodes' | 'services' | 'endpoints' | 'policies', Informer>;
  /** Electors by Lease name. */
  readonly #electors = new Map<string, ElectorSlot>();
  /** Candidate services (`ns/name`) → the Lease they elect on. */
  readonly #serviceLease = new Map<string, string>();
  readonly #tasks: SpawnedTask[] = [];
  readonly #dirtyServices = new Set<string>();
  /** #47579: services whose new IP did not wake the announcer; merged into the next real wake-up. */
  readonly #unwoken = new Set<string>();
  #dirtyAll = true;
  #allSynced = false;
  #tableDirty = false;
  #table: readonly AnnounceTableEntry[] = [];
  #policies: { version: number; items: readonly L2AnnouncementPolicy[] } = { version: -1, items: [] };
  #endpoints: { version: number; items: readonly Endpoint[] } = { version: -1, items: [] };
  #nodes: { version: number; items: readonly Node[] } = { version: -1, items: [] };
  #electorGeneration = 0;
  /** Interfaces whose link came back up since the loop last ran (`garpOnLinkUp`). */
  readonly #linksUp = new Set<string>();
  /** Devices whose link is down (`candidacyRequiresLinkUp`): left out of candidacy. */
  readonly #linksDown = new Set<string>();
  /** Devices whose link is down, whatever candidacy does with them (`devicesFrozenAtAcquire`). */
  readonly #downNow = new Set<string>();
  /** C10 (`devicesFrozenAtAcquire`): per Lease led, the devices whose link was up when the term started. */
  readonly #devicesAtAcquire = new Map<string, ReadonlySet<string>>();
  /** C07 (`deleteSharedEntryWithOrigin`): the table before the drop, and the pairs dropped. */
  #desired: readonly AnnounceTableEntry[] = [];
  #droppedShared: ReadonlySet<string> = new Set();
  /** The `led` list the current table was built from, while it depends on nothing else (see #publish). */
  #publishedLed: readonly LedService[] | undefined = undefined;
  /** The last {@link decideCandidacy} per service and the inputs it was made from. */
  readonly #candidacyMemo = new Map<string, CandidacyMemo>();
  /** The informer key of this node's Node (built once: a concatenated key is re-hashed per lookup). */
  readonly #selfKey: string;

  constructor(config: AgentConfig, ports: AgentPorts) {
    this.config = config;
    this.#ports = ports;
    const node = config.node;
    this.#selfKey = `/${node}`;
    // Every informer's first sync wakes the loop: the last one to sync may list nothing (no
    // endpoints yet) and so report no change, yet it is what makes the agent ready to decide.
    const inform = (resource: string, onChange: (change: InformerChange) => void): Informer =>
      new Informer(resource, node, onChange, () => this.#markAll());
    this.#informers = {
      nodes: inform(NODES, (change) => this.#onNodeChange(change)),
      services: inform(SERVICES, (change) => this.#onServiceChange(change)),
      endpoints: inform(ENDPOINTS, () => this.#markAll()),
      policies: inform(L2_POLICIES, () => this.#markAll()),
    };
    this.reconciler = new AnnounceReconciler({ ...ports.datapath, history: ports.history, node, profile: config.profile });
  }

  /** The desired table last handed to the reconciler. */
  get table(): readonly AnnounceTableEntry[] {
    return this.#table;
  }

  /** Services (`ns/name`) this agent runs an elector for, sorted. */
  get candidateServices(): string[] {
    return [...this.#serviceLease.keys()].sort();
  }

  /** Services whose live elector currently leads, sorted. */
  get ledServices(): string[] {
    return [...this.#electors.values()].filter((slot) => slot.task.state === 'running' && slot.elector.leading).flatMap((slot) => [...slot.services.keys()]).sort();
  }

  /** The elector of a service, if one runs (tests). */
  elector(service: string): Elector | undefined {
    const lease = this.#serviceLease.get(service);
    return lease === undefined ? undefined : this.#electors.get(lease)?.elector;
  }

  /** Starts the informers, the liveness updater and the agent loop as tasks. */
  start(): void {
    const { spawner, client, rng, watch } = this.#ports;
    const node = this.config.node;
    // `pruneOnAgentStart`: entries pinned by a previous life go before the liveness stamp revives them.
    if (this.config.profile.l2.pruneOnAgentStart) this.reconciler.fullResync([]);
    for (const [name, informer] of Object.entries(this.#informers)) {
      informer.open(watch);
      this.#tasks.push(spawner.spawn(`${node}/informer/${name}`, informer.run(client, rng.fork(`informer/${name}`), this.#stop.signal)));
    }
    this.#tasks.push(spawner.spawn(`${node}/liveness`, this.#livenessLoop(this.#stop.signal)));
    // kube-vip runs no Lease GC (Cilium's collects only `cilium-l2announce*` Leases anyway).
    if (this.config.leaseGc !== false && this.config.profile.kubeVip === undefined) this.#tasks.push(spawner.spawn(`${node}/lease-gc`, leaseGcLoop(client, { namespace: this.config.leaseNamespace }, this.#stop.signal)));
    this.#tasks.push(spawner.spawn(`${node}/agent`, this.#loop(this.#stop.signal)));
  }

  /**
   * The link of `iface` came back up (Cilium's devices controller sees it over netlink). Under
   * `garpOnLinkUp` the agent's loop — a task, so a frozen or crashed agent does nothing — sends a
   * GARP for every IP programmed on it.
   */
  linkUp(iface: string): void {
    const l2 = this.config.profile.l2;
    this.#downNow.delete(iface);
    if (l2.candidacyRequiresLinkUp && this.#linksDown.delete(iface)) this.#markAll();
    if (!l2.garpOnLinkUp) return;
    this.#linksUp.add(iface);
    this.#wakeup.notify();
  }

  /** The link of `iface` went down: under `candidacyRequiresLinkUp` it no longer counts as a device. */
  linkDown(iface: string): void {
    this.#downNow.add(iface);
    if (!this.config.profile.l2.candidacyRequiresLinkUp || this.#linksDown.has(iface)) return;
    this.#linksDown.add(iface);
    this.#markAll();
  }

  /** The devices candidacy sees: all of them, or those with their link up (`candidacyRequiresLinkUp`). */
  #devices(): readonly string[] {
    return this.#linksDown.size === 0 ? this.config.devices : this.config.devices.filter((d) => !this.#linksDown.has(d));
  }

  /** Crash: every task of the agent stops now, watches close, nothing is released. */
  crash(): void {
    for (const task of this.#tasks) task.kill();
    for (const slot of this.#electors.values()) slot.task.kill();
    for (const informer of Object.values(this.#informers)) informer.close();
  }

  /** Graceful shutdown: electors are cancelled (leaders release), informers stop. */
  stop(): void {
    this.#stop.abort();
    for (const slot of this.#electors.values()) slot.controller.abort();
    for (const informer of Object.values(this.#informers)) informer.close();
    this.#wakeup.notify();
  }

  *#livenessLoop(signal: AbortSignal): Task<void> {
    const intervalMs = this.config.livenessIntervalMs ?? LIVENESS_UPDATE_INTERVAL_MS;
    // Bounded by the signal (lab) and the kernel's limits (sim).
    for (;;) {
      this.#ports.datapath.map.stampLiveness(this.#ports.clock.monotonicMs());
      // The effect yielded here, not through `sleep`: one generator less per tick (3 nodes × 1/s).
      if (((yield sleepEffect(intervalMs, signal)) as SleepOutcome) === 'aborted') return;
    }
  }

  *#loop(signal: AbortSignal): Task<void> {
    const clock = this.#ports.clock;
    let nextResyncMs = clock.monotonicMs() + FULL_RESYNC_PERIOD_MS;
    const kubeVip = this.config.profile.kubeVip;
    // kube-vip: the ARP loop's periodic GARPs (K04), paced by this loop so a stopped agent sends none.
    const garps = kubeVip === undefined ? undefined : new KubeVipGarpRounds(kubeVip, this.config.profile.l2.garpOpcode, clock.monotonicMs(), (key, opcode) => this.reconciler.garp(key, opcode));
    // Bounded by the signal (lab) and the kernel's limits (sim): each turn waits on the wake-up.
    for (;;) {
      if (signal.aborted) return;
      if (this.#synced()) this.#reconcile();
      if (this.#linksUp.size > 0) {
        for (const iface of [...this.#linksUp].sort()) this.reconciler.announceAgain(iface);
        this.#linksUp.clear();
      }
      if (clock.monotonicMs() >= nextResyncMs) {
        // kube-vip removes only addresses it stops leading: one left by a crashed process stays (K02).
        if (kubeVip === undefined) this.reconciler.fullResync(this.#table);
        nextResyncMs = clock.monotonicMs() + FULL_RESYNC_PERIOD_MS;
      }
      const garpDueMs = garps?.turn(clock.monotonicMs(), this.#table);
      const untilMs = garpDueMs === undefined ? nextResyncMs : Math.min(nextResyncMs, garpDueMs);
      // The wake-up's effect yielded here, not through `wait`: one generator less per turn.
      const sleep = this.#wakeup.sleepFor(Math.max(0, untilMs - clock.monotonicMs()));
      if (sleep !== undefined) yield sleep;
      this.#wakeup.consume();
    }
  }

  #synced(): boolean {
    // An informer never un-syncs (a failed re-LIST keeps its cache): once all are, stay so.
    if (!this.#allSynced) this.#allSynced = Object.values(this.#informers).every((informer) => informer.synced);
    return this.#allSynced;
  }

  #onNodeChange(change: InformerChange): void {
    // Other nodes' labels do not change this node's candidacy; its own do (all policies re-match).
    // Under `candidacyRequiresEveryIp` they do: what the others would announce is the measure.
    if (change.key === this.#selfKey || this.config.profile.l2.candidacyRequiresEveryIp) this.#markAll();
  }

  #onServiceChange(change: InformerChange): void {
    const { previous, current } = change;
    if (!this.config.profile.l2.newIpWakesAnnouncer && previous !== undefined && current !== undefined && onlyNewIps(previous, current)) {
      this.#unwoken.add(change.key);
      return;
    }
    // Services electing together: one service's IPs can move another to a different Lease.
    if (!this.config.profile.l2.sharedIpSeparateLeases) this.#dirtyAll = true;
    else if (this.#unchangedNonCandidate(change)) return;
    this.#dirtyServices.add(change.key);
    this.#wakeup.notify();
  }

  /**
   * A change that leaves the node a non-candidate of a service it runs no elector for: deciding it
   * in the loop would change nothing (no record, no elector, same table), so the loop is not woken —
   * the start-up storm's status writes reach every agent, and most nodes compete for few services.
   * Not when a wake-up would do something else too (#47579's held services, a pending full pass).
   */
  #unchangedNonCandidate(change: InformerChange): boolean {
    if (this.#serviceLease.has(change.key) || this.#unwoken.size > 0 || this.#dirtyAll || !this.#synced()) return false;
    const self = this.#informers.nodes.get(this.#selfKey);
    const node = self === undefined ? undefined : modelOf<Node>(self, 'Node');
    if (node === undefined) return false;
    const service = change.current === undefined ? undefined : serviceFromObject(change.current);
    if (service === undefined) return true;
    if (this.#etpGated(service, node)) return true;
    return !this.#candidacy(change.key, service, node).candidate;
  }

  /** The eTP=Local gate alone excludes the node (candidacy ends there or earlier): no policy work. */
  #etpGated(service: Service, node: Node): boolean {
    return service.externalTrafficPolicy === 'Local' && etpLocalGate(service, node, backendsOf(service, this.#endpointList()), this.config.profile).gated;
  }

  #markAll(): void {
    this.#dirtyAll = true;
    this.#wakeup.notify();
  }

  #onLeadershipChange(): void {
    this.#tableDirty = true;
    this.#wakeup.notify();
  }

  #reconcile(): void {
    const self = this.#informers.nodes.get(this.#selfKey);
    const node = self === undefined ? undefined : modelOf<Node>(self, 'Node');
    // Spec §1.4: the agent waits for its own (Cilium)Node before deciding anything.
    if (node === undefined) return;
    const woke = this.#dirtyAll || this.#dirtyServices.size > 0 || this.#tableDirty;
    if (woke) for (const key of this.#unwoken) this.#dirtyServices.add(key);
    if (woke) this.#unwoken.clear();
    const keys = this.#dirtyAll ? new Set([...this.#informers.services.keys(), ...this.#serviceLease.keys()]) : this.#dirtyServices;
    for (const key of [...keys].sort()) this.#decide(key, node);
    const changed = this.#dirtyAll || this.#dirtyServices.size > 0;
    this.#dirtyAll = false;
    this.#dirtyServices.clear();
    if (changed || this.#tableDirty) this.#publish();
    this.#tableDirty = false;
  }

  #decide(key: string, node: Node): void {
    const object = this.#informers.services.get(key);
    const service = object === undefined ? undefined : serviceFromObject(object);
    // Not running for it and excluded by the eTP=Local gate alone: deciding changes nothing.
    if (service !== undefined && !this.#serviceLease.has(key) && this.#etpGated(service, node)) return;
    if (service === undefined) this.#candidacyMemo.delete(key);
    const own = service === undefined ? undefined : this.#candidacy(key, service, node);
    const decision = service !== undefined && own?.candidate === true && this.config.profile.l2.candidacyRequiresEveryIp ? this.#withFullCoverage(service, own) : own;
    const lease = service !== undefined && decision?.candidate === true ? electionLease(service, this.config.profile.l2.sharedIpSeparateLeases ? [] : this.#serviceModels(), this.config.profile) : undefined;
    const current = this.#serviceLease.get(key);
    if (current !== undefined && current !== lease) {
      // §1.4: a service that stops matching (or moves to another Lease) leaves its election; the
      // last one out cancels it (lease released), entries removed.
      const slot = this.#electors.get(current);
      this.#serviceLease.delete(key);
      slot?.services.delete(key);
      if (slot !== undefined && slot.services.size === 0) {
        slot.controller.abort();
        this.#electors.delete(current);
      }
      if (lease === undefined) this.#record('candidacy', { service: key, candidate: false, reasons: decision === undefined ? ['service-deleted'] : decision.reasons.map((r) => r.code) });
    }
    if (lease === undefined || decision === undefined) return;
    const slot = this.#electors.get(lease) ?? this.#startElector(lease, key);
    slot.services.set(key, decision);
    this.#serviceLease.set(key, lease);
    if (current === undefined) this.#record('candidacy', { service: key, candidate: true, policies: [...decision.matchingPolicies] });
  }

  /**
   * This node's {@link decideCandidacy} for service `key`, memoised while its inputs are the same
   * objects (models are memoised per store object, lists per informer version): a wake-up that
   * re-decides every service recomputes only those whose inputs changed.
   */
  #candidacy(key: string, service: Service, node: Node): CandidacyDecision {
    const policies = this.#policyList();
    const endpoints = this.#endpointList();
    const devices = this.#devices();
    const memo = this.#candidacyMemo.get(key);
    if (memo !== undefined && memo.service === service && memo.node === node && memo.policies === policies && memo.endpoints === endpoints && memo.devices === devices) return memo.decision;
    const decision = decideCandidacy({ service, ingressIPs: service.ingressIPs, node, policies, endpoints, profile: this.config.profile, devices });
    this.#candidacyMemo.set(key, { service, node, policies, endpoints, devices, decision });
    return decision;
  }

  /**
   * `candidacyRequiresEveryIp`: `own` against what every other node in the cache would announce.
   * A node without `interfaces` is taken to have this agent's devices (Cilium's Helm `devices` is
   * cluster-wide; the observer's model uses the world's default devices).
   */
  #withFullCoverage(service: Service, own: CandidacyDecision): CandidacyDecision {
    const { profile, devices } = this.config;
    const policies = this.#policyList();
    const endpoints = this.#endpointList();
    const others = this.#nodeList()
      .filter((other) => other.name !== own.node)
      .map((other) => decideCandidacy({ service, ingressIPs: service.ingressIPs, node: other, policies, endpoints, profile, devices: other.interfaces ?? devices }));
    return restrictToFullCoverage([own, ...others])[0] ?? own;
  }

  #nodeList(): readonly Node[] {
    const informer = this.#informers.nodes;
    if (this.#nodes.version !== informer.version) {
      this.#nodes = { version: informer.version, items: informer.list().flatMap((o) => modelOf<Node>(o, 'Node') ?? []) };
    }
    return this.#nodes.items;
  }

  /** The cached services as models (for the shared-IP Lease rule). */
  #serviceModels(): Service[] {
    return this.#informers.services.list().flatMap((o) => serviceFromObject(o) ?? []);
  }

  /** Starts the elector of `lease`, first wanted by service `key` (names its task and rng stream). */
  #startElector(lease: string, key: string): ElectorSlot {
    const { clock, rng, history, client, spawner } = this.#ports;
    const callbacks = { onStartedLeading: () => this.#onStartedLeading(lease), onStoppedLeading: () => this.#onStoppedLeading(lease) };
    this.#electorGeneration += 1;
    const elector = new Elector(
      { namespace: this.config.leaseNamespace, leaseName: lease, identity: this.config.node, switches: this.config.profile.l2, ...(this.config.timing === undefined ? {} : { timing: this.config.timing }) },
      { clock, rng: rng.fork(`elector/${key}/${this.#electorGeneration}`), history, client },
      callbacks,
    );
    const controller = new AbortController();
    const task = spawner.spawn<ElectorExit>(`${this.config.node}/elector/${key}`, elector.run(controller.signal));
    const slot: ElectorSlot = { elector, controller, task, services: new Map() };
    this.#electors.set(lease, slot);
    return slot;
  }

  /** C10: under `devicesFrozenAtAcquire` the term on `lease` programs only the devices up now. */
  #onStartedLeading(lease: string): void {
    if (this.config.profile.l2.devicesFrozenAtAcquire === true) this.#devicesAtAcquire.set(lease, new Set(this.config.devices.filter((d) => !this.#downNow.has(d))));
    this.#onLeadershipChange();
  }

  #onStoppedLeading(lease: string): void {
    this.#devicesAtAcquire.delete(lease);
    this.#onLeadershipChange();
  }

  /** The desired table as the profile's bugs leave it: C10's devices frozen at acquisition, C07's dropped shared entries. */
  #withProfileBugs(desired: readonly AnnounceTableEntry[]): readonly AnnounceTableEntry[] {
    let table = desired;
    if (this.#devicesAtAcquire.size > 0) {
      const frozen = new Map<string, ReadonlySet<string>>();
      for (const entry of table) {
        for (const service of entry.services) {
          const lease = this.#serviceLease.get(service);
          const devices = lease === undefined ? undefined : this.#devicesAtAcquire.get(lease);
          if (devices !== undefined) frozen.set(service, devices);
        }
      }
      table = restrictToDevicesAtAcquire(table, frozen);
    }
    if (this.config.profile.l2.deleteSharedEntryWithOrigin === true) {
      this.#droppedShared = droppedSharedPairs(this.#desired, table, this.#droppedShared);
      this.#desired = table;
      table = withoutDropped(table, this.#droppedShared);
    }
    return table;
  }

  #publish(): void {
    const led: LedService[] = [];
    for (const slot of this.#electors.values()) {
      if (slot.task.state !== 'running' || !slot.elector.leading) continue;
      for (const [service, decision] of slot.services) led.push({ service, decision });
    }
    led.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
    // Without C10's or C07's state the table is a function of `led` alone, and decisions are
    // immutable: the same services with the same decision objects give the table already published
    // (most wake-ups change neither), so it is not rebuilt to be compared.
    const tableOfLedAlone = this.#devicesAtAcquire.size === 0 && this.config.profile.l2.deleteSharedEntryWithOrigin !== true;
    if (tableOfLedAlone && this.#publishedLed !== undefined && sameLed(led, this.#publishedLed)) return;
    this.#publishedLed = tableOfLedAlone ? led : undefined;
    const table = this.#withProfileBugs(announceTable(led));
    if (sameTable(table, this.#table)) return;
    this.#table = table;
    this.reconciler.apply(table);
  }

  #policyList(): readonly L2AnnouncementPolicy[] {
    const informer = this.#informers.policies;
    if (this.#policies.version !== informer.version) {
      this.#policies = { version: informer.version, items: informer.list().flatMap((o) => modelOf<L2AnnouncementPolicy>(o, 'CiliumL2AnnouncementPolicy') ?? []) };
    }
    return this.#policies.items;
  }

  #endpointList(): readonly Endpoint[] {
    const informer = this.#informers.endpoints;
    if (this.#endpoints.version !== informer.version) {
      this.#endpoints = { version: informer.version, items: informer.list().flatMap((o) => modelOf<Endpoint>(o, 'Endpoint') ?? []) };
    }
    return this.#endpoints.items;
  }

  #record(f: string, value: HistoryValue): void {
    this.#ports.history.record({ process: this.config.node, type: 'info', f, value });
  }
}

/** True when only `status` changed, and only by LB IPs, on a service that already had one (#47579). */
function onlyNewIps(previous: KubeObject, current: KubeObject): boolean {
  const before = ingressIpsOf(previous);
  const after = ingressIpsOf(current);
  if (before.length === 0 || before.join(',') === after.join(',')) return false;
  return JSON.stringify(previous.spec) === JSON.stringify(current.spec);
}
