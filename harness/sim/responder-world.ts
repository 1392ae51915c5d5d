/**
 * The `sim` world of the whole responder: one kernel, one simulated API server holding the
 * scenario's objects (encoded as in `harness/agent/model-objects.ts`), the LB-IPAM operator, and
 * per node an agent (informers, candidacy, one elector per candidate service, liveness, lease GC,
 * reconciler) plus a datapath (pinned responder map + eBPF ARP responder) plugged into one L2
 * segment per interface name (all nodes' `eth0` share segment `eth0`). One seed rules it all.
 *
 * Faults act on the parts a real cluster has: kill the agent (the datapath keeps its map and
 * answers until the liveness cutoff), kill the node (agent and datapath gone, ports unplugged),
 * freeze/thaw the agent (SIGSTOP), partition a node from the API server, an API outage, restart
 * the agent or the operator, take a node interface's link down, boot a killed node again, netem on
 * a node's or client's interface or a node's API path, and node-to-node partitions (the bridges
 * drop frames between the sides; Cilium elects through the API server only, so that is all they
 * change). Segments carry per-frame delay, jitter and loss (per segment, per port). Clients sit on segments with a Linux neighbour cache and
 * a prober sending UDP probes to every VIP; a node's data plane echoes a probe when it serves the
 * VIP (see {@link WorldObserver.serves}). The observer records what the checkers judge against
 * (`announce-expected`, `service-ips`, `pool-state`, `lease-state`). A harness client can also put
 * bare ARP requests on a segment; the segment's capture shows every frame.
 */
import type { History, HistoryValue } from '../core/history.ts';
import { NoopHistory } from '../core/history.ts';
import { complete, type LinkShape } from '../core/net.ts';
import type { KubeObject, MergePatch, StoreRequest, StoreResponse } from '../core/object-store.ts';
import { SeededRng, type Rng } from '../core/rng.ts';
import { Agent } from '../agent/agent.ts';
import type { NodeAnnouncer } from '../agent/announcer.ts';
import { buildMetallbSeam, checkTimingOf, type MetallbSeam } from '../impl/metallb/sim-seam.ts';
import { endpointObject, ENDPOINTS, ingressIpsOf, IP_POOLS, L2_POLICIES, nodeObject, NODES, policyObject, poolObject, serviceObject, SERVICES } from '../agent/model-objects.ts';
import { ApiClient, type RateLimit } from '../election/api-client.ts';
import { isLeaseObject, LEASES } from '../election/lease-record.ts';
import { BROADCAST_MAC, OPCODE_REQUEST, ZERO_MAC, type FramePort } from '../datapath/frame-port.ts';
import { recordProgrammed } from '../datapath/reconcile.ts';
import { ArpResponder } from '../datapath/responder.ts';
import { ResponderMap } from '../datapath/responder-map.ts';
import { MemoryHistory } from '../history/memory-history.ts';
import type { IpamOptions } from '../ipam/allocate.ts';
import { correctLeaseTiming, type LeaseTiming } from '../l2/lease.ts';
import type { ManifestSet } from '../model/types.ts';
import { Operator, OPERATOR_IDENTITY } from '../operator/operator.ts';
import type { Profile } from '../profiles/profile.ts';
import { FreezeGate, freezableSpawner } from './freeze.ts';
import { SimKernel, type RunResult } from './kernel.ts';
import { SimApiServer } from './sim-api-server.ts';
import { SimClock } from './sim-clock.ts';
import { SimObjectStore } from './sim-object-store.ts';
import { SimSegment, type CapturedFrame, type DataFrame, type FdbSettings, type LinkSettings, type SegmentPort } from './sim-segment.ts';
import { SimTaskRunner } from './sim-task-runner.ts';
import type { SimWorldOptions } from './world-options.ts';
import { WorldObserver } from './observer.ts';
import { electionLease, serviceLeaseName } from '../agent/lease-group.ts';
import type { CheckContext, LeaseLoadExpectation } from '../checker/context.ts';
import { topologyInterfaces } from '../checker/topology-interfaces.ts';
import { API_PATH_IFACE } from '../checker/vocabulary.ts';
import { SimClient } from './sim-client.ts';
import { DEFAULT_PROBE, Prober, proberTask, type ProbeSettings } from './prober.ts';
import { neighbourConfig, type NeighbourConfig } from '../net/neighbour-config.ts';
import { netemShape, type NetemShape } from './netem.ts';

/** Options of {@link ResponderWorld}. */
export interface ResponderWorldOptions extends SimWorldOptions {
  readonly manifests: ManifestSet;
  readonly profile: Profile;
  readonly ipam?: IpamOptions;
  /** Interfaces of nodes whose model has none. Default `['eth0']`. */
  readonly defaultInterfaces?: readonly string[];
  /** Base one-way frame delay of every segment (shorthand for `link.delayMs`). */
  readonly frameDelayMs?: number;
  /** Link settings of every segment (delay, jitter, loss). */
  readonly link?: Partial<LinkSettings>;
  /** Per-segment link settings, by segment (interface) name; override `link`. */
  readonly segmentLinks?: Readonly<Record<string, Partial<LinkSettings>>>;
  /** Per-port extra delay / loss, keyed `owner/iface` (`n1/eth0`, `c1/eth0`). */
  readonly portLinks?: Readonly<Record<string, { readonly delayMs?: number; readonly lossRate?: number }>>;
  /** Client hosts with neighbour caches and probers. */
  readonly clients?: readonly SimClientSpec[];
  /** Per-segment bridge FDB (learning, ageing, unknown unicast), by segment (interface) name; default none. */
  readonly segmentFdb?: Readonly<Record<string, FdbSettings>>;
}

/** One client host of the topology. */
export interface SimClientSpec {
  /** Client id (history process). */
  readonly id: string;
  /** Segment to attach to. Default `eth0`. */
  readonly segment?: string;
  /** Default `198.18.0.<10 + index>`. */
  readonly ip?: string;
  /** Default `02:00:00:fe:00:<index + 1>`. */
  readonly mac?: string;
  /** Neighbour-table sysctls (Linux defaults otherwise). */
  readonly neighbour?: Partial<Omit<NeighbourConfig, 'clientMac' | 'clientIp'>>;
  /** Prober settings, or `false` for a client that only keeps a cache. */
  readonly probe?: Partial<ProbeSettings> | false;
  /** VIPs to probe; default every service ingress IP at each round. */
  readonly vips?: readonly string[];
}

/** A client host of the world. */
export interface SimClientHandle {
  readonly client: SimClient;
  readonly prober: Prober | undefined;
}

/** The simulated parts of one node. */
export interface SimNode {
  readonly name: string;
  readonly clock: SimClock;
  readonly gate: FreezeGate;
  readonly map: ResponderMap;
  readonly responder: ArpResponder;
  readonly interfaceMacs: ReadonlyMap<string, string>;
  readonly ports: ReadonlyMap<string, SegmentPort>;
  /** Cilium's agent, or the profile's other announcer (a MetalLB speaker). */
  agent: NodeAnnouncer;
  /** The current agent's API client (a restarted agent gets a new one: a new token bucket). */
  client: ApiClient;
  alive: boolean;
}

/** The interface name of a node's API path (the management link) in netem targets and ops. */
export const MGMT_IFACE = API_PATH_IFACE;

/**
 * What a netem step shapes: a node's data interface, its API path ({@link MGMT_IFACE}), or — no
 * `iface` — every data interface and the API path; or a client's interface.
 */
export type NetemTarget = { readonly node: string; readonly iface?: string } | { readonly client: string };

/** The harness client's MAC and IP on every segment. */
export const CLIENT_MAC = '02:00:00:ff:00:01';
export const CLIENT_IP = '198.18.255.1';

/** A whole announcer cluster against a simulated API server and L2 segments. */
export class ResponderWorld {
  readonly kernel = new SimKernel();
  readonly server: SimApiServer;
  readonly history: History;
  readonly leaseNamespace: string;
  /** Effective lease timings (after Cilium's corrections). */
  readonly timing: LeaseTiming;
  readonly #options: ResponderWorldOptions;
  readonly #rng: Rng;
  readonly #runner: SimTaskRunner;
  readonly #store: SimObjectStore;
  readonly #segments = new Map<string, SimSegment>();
  readonly #clientPorts = new Map<string, SegmentPort>();
  readonly #nodes = new Map<string, SimNode>();
  readonly #clients = new Map<string, SimClientHandle>();
  readonly #observer: WorldObserver;
  #operator: Operator;
  #agentRestarts = 0;
  #nodeBoots = 0;
  #operatorRestarts = 0;
  /** Node pairs a `partitionNodes` separates (undefined: none). */
  #nodeGrudge: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** MetalLB profiles: the speakers' gossip network and holder lookup (undefined for Cilium). */
  readonly #metallb: MetallbSeam | undefined;

  /** Seeds the store from the manifests and starts the operator and every node at virtual 0. */
  constructor(options: ResponderWorldOptions) {
    this.#options = options;
    this.#rng = new SeededRng(options.seed);
    this.leaseNamespace = options.leaseNamespace ?? 'kube-system';
    this.#metallb = buildMetallbSeam(options.profile, options.manifests.nodes.length, (a, b) => this.#gossipReach(a, b));
    this.timing = checkTimingOf(options.profile, options.manifests.nodes.length, correctLeaseTiming(options.timing).effective);
    this.server = new SimApiServer(this.kernel, { rng: this.#rng.fork('api-server'), ...(options.latency === undefined ? {} : { latency: options.latency }) });
    this.history = options.recordHistory === false ? new NoopHistory() : new MemoryHistory(new SimClock(this.kernel));
    this.#runner = new SimTaskRunner(this.kernel, this.server);
    this.#store = new SimObjectStore(this.server, this.kernel);
    this.#observer = new WorldObserver({ profile: options.profile, history: this.history, leaseNamespace: this.leaseNamespace, defaultDevices: options.defaultInterfaces ?? ['eth0'], leaseOf: (service, all) => electionLease(service, all.values(), options.profile) });
    this.server.onCommit((resource, event) => this.#observer.onCommit(resource, event));
    this.#seedStore(options.manifests);
    this.#operator = this.#startOperator();
    options.manifests.nodes.forEach((node, index) => this.#buildNode(node.name, node.interfaces ?? options.defaultInterfaces ?? ['eth0'], index));
    (options.clients ?? []).forEach((spec, index) => this.#buildClient(spec, index));
  }

  /** The behaviour profile the world runs. */
  get profile(): Profile {
    return this.#options.profile;
  }

  /** The observer (current VIPs, which node serves what). */
  get observer(): WorldObserver {
    return this.#observer;
  }

  /** A client host. @throws Error for an unknown client. */
  client(id: string): SimClientHandle {
    const client = this.#clients.get(id);
    if (client === undefined) throw new Error(`looking up sim client ${id}: no such client (have ${[...this.#clients.keys()].join(', ')})`);
    return client;
  }

  /** Client ids in topology order. */
  get clientIds(): string[] {
    return [...this.#clients.keys()];
  }

  /** Runs the kernel to `untilMs` (virtual) with an event budget. */
  runUntil(untilMs: number, maxEvents = 50_000_000): RunResult {
    return this.kernel.run({ untilMs, maxEvents });
  }

  /** Runs for `deltaMs` more virtual time. */
  runFor(deltaMs: number): RunResult {
    return this.runUntil(this.kernel.nowMs + deltaMs);
  }

  /** A node's simulated parts. @throws Error for an unknown node. */
  node(name: string): SimNode {
    const node = this.#nodes.get(name);
    if (node === undefined) throw new Error(`looking up sim node ${name}: no such node (have ${[...this.#nodes.keys()].join(', ')})`);
    return node;
  }

  /** Node names in manifest order. */
  get nodeNames(): string[] {
    return [...this.#nodes.keys()];
  }

  /** The running operator. */
  get operator(): Operator {
    return this.#operator;
  }

  /** The segment named after an interface. @throws Error when no node has that interface. */
  segment(name: string): SimSegment {
    const segment = this.#segments.get(name);
    if (segment === undefined) throw new Error(`looking up segment ${name}: none (have ${[...this.#segments.keys()].join(', ')})`);
    return segment;
  }

  /** The holder in a service's Lease ('' released, undefined absent); `service` is `ns/name`. */
  holderOf(service: string): string | undefined {
    if (this.#metallb !== undefined) return this.#metallb.holderOf(service, this.nodeNames.map((name) => this.node(name)));
    const [namespace = '', name = ''] = service.split('/');
    const lease = this.server.peek({ resource: LEASES, namespace: this.leaseNamespace, name: serviceLeaseName(namespace, name, this.#options.profile) });
    return isLeaseObject(lease) ? (lease.spec.holderIdentity ?? '') : undefined;
  }

  /** Names of the announce Leases in the store, sorted. */
  leaseNames(): string[] {
    return this.server.peekList(LEASES, this.leaseNamespace).map((lease) => lease.metadata.name);
  }

  /** A Service object as stored now. */
  service(service: string): KubeObject | undefined {
    const [namespace = '', name = ''] = service.split('/');
    return this.server.peek({ resource: SERVICES, namespace, name });
  }

  /** The ingress IPs of a service now. */
  ingressIps(service: string): string[] {
    const object = this.service(service);
    return object === undefined ? [] : ingressIpsOf(object);
  }

  /** A pool object as stored now. */
  pool(name: string): KubeObject | undefined {
    return this.server.peek({ resource: IP_POOLS, namespace: '', name });
  }

  /**
   * Applies a request at once as the harness (scenario edits: relabel, patch, delete), recorded as
   * a nemesis `edit`; `mayMoveIpsOf` names services whose IPs the edit may legitimately move
   * (INV-IP-STABILITY).
   */
  apply(request: StoreRequest, mayMoveIpsOf: readonly string[] = []): StoreResponse {
    const resource = 'ref' in request ? request.ref.resource : request.resource;
    const name = 'ref' in request ? request.ref.name : 'object' in request ? request.object.metadata.name : '';
    this.history.record({ process: 'nemesis', type: 'info', f: 'edit', value: { verb: request.verb, resource, name, mayMoveIpsOf: [...mayMoveIpsOf] } });
    return this.server.applyNow(request);
  }

  /** Merge-patches a Service's `spec` (the model object) as the harness. */
  patchServiceSpec(service: string, patch: MergePatch): StoreResponse {
    const [namespace = '', name = ''] = service.split('/');
    return this.apply({ verb: 'patch', ref: { resource: SERVICES, namespace, name }, patch: { spec: patch } }, [service]);
  }

  /** Puts a who-has for `targetIp` from the harness client on `segment` (default `eth0`). */
  sendArpRequest(targetIp: string, segment = 'eth0'): void {
    this.history.record({ process: 'client', type: 'info', f: 'arp-request', value: { ip: targetIp, segment } });
    this.#clientPort(segment).send({ ethDst: BROADCAST_MAC, ethSrc: CLIENT_MAC, opcode: OPCODE_REQUEST, senderMac: CLIENT_MAC, senderIp: CLIENT_IP, targetMac: ZERO_MAC, targetIp });
  }

  /** Frames captured on `segment` at or after `sinceMs`, optionally only replies (opcode 2) for `ip`. */
  frames(segment = 'eth0', sinceMs = 0, filter: { readonly repliesFor?: string } = {}): CapturedFrame[] {
    return this.segment(segment).captured.filter((c) => c.tMs >= sinceMs && (filter.repliesFor === undefined || (c.frame.opcode === 2 && c.frame.senderIp === filter.repliesFor && c.frame.targetMac === CLIENT_MAC)));
  }

  /** Crashes a node's agent; its datapath keeps the map and answers until the liveness cutoff. */
  killAgent(name: string): void {
    this.#nemesis('kill-agent', { node: name });
    this.node(name).agent.crash();
  }

  /**
   * Starts a fresh agent on a node whose agent was killed (the datapath's map is kept). On a killed
   * node nothing starts: nothing runs there (explore: reference-failover-bound-agent-kill-s1).
   */
  restartAgent(name: string): void {
    this.#nemesis('restart-agent', { node: name });
    const node = this.node(name);
    if (!node.alive) return;
    node.agent.crash();
    this.#agentRestarts += 1;
    const { agent, client } = this.#newAgent(node, this.#rng.fork(`node/${name}/restart/${this.#agentRestarts}`));
    node.agent = agent;
    node.client = client;
    for (const [iface, port] of node.ports) if (!port.linkUp) agent.linkDown(iface);
    agent.start();
  }

  /** Kills a whole node: agent crashed, datapath gone, interfaces unplugged. */
  killNode(name: string): void {
    this.#nemesis('kill-node', { node: name });
    const node = this.node(name);
    node.agent.crash();
    for (const port of node.ports.values()) port.detach();
    node.map.clear();
    recordProgrammed(this.history, name, node.map);
    node.alive = false;
  }

  /**
   * Boots a killed node again: its ports are plugged back in (link state and netem as they were: the
   * cable and the harness's shaping outlive the node), its responder map stays empty (the node lost
   * it), a stopped (frozen) process does not come back stopped, and a fresh agent starts with a new
   * API client and its own rng fork. A running node is left alone: returns false, records nothing.
   */
  restartNode(name: string): boolean {
    const node = this.node(name);
    if (node.alive) return false;
    this.#nemesis('restart-node', { node: name });
    for (const port of node.ports.values()) port.reattach();
    // The killed agent's tasks are gone; the gate only has to let the new ones run.
    node.gate.thaw();
    this.#nodeBoots += 1;
    const { agent, client } = this.#newAgent(node, this.#rng.fork(`node/${name}/boot/${this.#nodeBoots}`));
    node.agent = agent;
    node.client = client;
    node.alive = true;
    agent.start();
    return true;
  }

  /**
   * netem on `target` from now on (replacing any earlier shaping of it): a data interface's egress
   * frames, or the API path's requests (see `netem.ts`), are delayed (± jitter) and lost.
   * @throws Error for an unknown node, client or interface; RangeError for a bad shape.
   */
  netem(target: NetemTarget, shape: LinkShape): void {
    const netem = netemShape(describeTarget(target), shape);
    const apply = this.#shaper(target);
    this.#nemesis('netem', { ...targetValue(target), delayMs: netem.delayMs, jitterMs: netem.jitterMs, lossPercent: netem.lossRate * 100 });
    apply(netem);
  }

  /** Removes the netem of `target` (the same target a {@link netem} step named). */
  netemClear(target: NetemTarget): void {
    const apply = this.#shaper(target);
    this.#nemesis('netem-clear', targetValue(target));
    apply(undefined);
  }

  /** What sets (or clears) the shaping of `target`. @throws Error for an unknown node, client or interface. */
  #shaper(target: NetemTarget): (shape: NetemShape | undefined) => void {
    if ('client' in target) {
      const port = this.client(target.client).client.port;
      return (shape) => port.setEgressShape(shape);
    }
    const node = target.node;
    const ports = target.iface === undefined ? [...this.node(node).ports.values()] : target.iface === MGMT_IFACE ? [] : [this.#port(node, target.iface)];
    const api = target.iface === undefined || target.iface === MGMT_IFACE;
    return (shape) => {
      if (api) this.server.shape(node, shape);
      for (const port of ports) port.setEgressShape(shape);
    };
  }

  /**
   * Node-to-node partition (replacing any earlier one): nodes in different `groups` no longer
   * receive each other's frames on any segment; nodes in no group and clients keep hearing everyone.
   * The API path is not touched (that is `partitionApi`).
   * @throws Error for an unknown node.
   */
  partitionNodes(groups: readonly (readonly string[])[]): void {
    for (const group of groups) for (const name of group) this.node(name);
    this.#nemesis('partition-nodes', { groups: groups.map((group) => [...group]) });
    const grudge = new Map<string, Set<string>>();
    groups.forEach((group, g) => {
      const others = groups.filter((_, h) => h !== g).flat();
      for (const name of group) grudge.set(name, new Set([...(grudge.get(name) ?? []), ...others]));
    });
    const symmetric = complete(grudge);
    this.#nodeGrudge = symmetric;
    for (const segment of this.#segments.values()) segment.setPartition(symmetric);
  }

  /** Ends the node-to-node partition. */
  healNodes(): void {
    this.#nemesis('heal-nodes', {});
    this.#nodeGrudge = undefined;
    for (const segment of this.#segments.values()) segment.setPartition(undefined);
  }

  /** SIGSTOP of a node's agent (the datapath keeps running). */
  freezeAgent(name: string): void {
    this.#nemesis('freeze', { node: name });
    this.node(name).gate.freeze();
  }

  /** SIGCONT of a node's agent. */
  thawAgent(name: string): void {
    this.#nemesis('thaw', { node: name });
    this.node(name).gate.thaw();
  }

  /** Cuts `identity` (a node or `operator`) off from the API server. */
  partitionApi(identity: string, mode: 'drop' | 'reject' = 'drop'): void {
    this.#nemesis('partition-api', { node: identity, mode });
    this.server.partition(identity, mode);
  }

  /** Heals one identity's partition, or all. */
  healApi(identity?: string): void {
    this.#nemesis('heal-api', identity === undefined ? {} : { node: identity });
    this.server.heal(identity);
  }

  /** API server outage on (`true`) or over (`false`). */
  apiOutage(down: boolean): void {
    this.#nemesis(down ? 'api-outage' : 'api-restore', {});
    this.server.setAvailable(!down);
  }

  /**
   * The static facts checkers need (`CheckContext`): effective timings and every node interface
   * with its MAC, segment and whether a valid policy selecting the node (and enabling an IP type)
   * selects it at the start (the observer's `interfaces-selected` ops follow edits); with
   * `leaseLoad`, the lease-load model's input from the observer's current candidates.
   */
  checkContext(options: { readonly leaseLoad?: Omit<LeaseLoadExpectation, 'input'> } = {}): CheckContext {
    const { manifests } = this.#options;
    const interfaces = topologyInterfaces(manifests, manifests.nodes.flatMap((node) => [...this.node(node.name).interfaceMacs].map(([iface, mac]) => ({ node: node.name, iface, mac, segment: iface }))));
    // MetalLB elects without the API: no Lease traffic to hold against the model (lease-load: unknown).
    if (options.leaseLoad === undefined || this.#metallb !== undefined) return { timing: this.timing, interfaces };
    const input = { services: this.#observer.leaseCandidates(), nodeCount: manifests.nodes.length, retryPeriodMs: this.timing.retryPeriodMs, renewDeadlineMs: this.timing.renewDeadlineMs, optimisticRenew: this.#options.profile.l2.optimisticRenew, ...(this.#options.profile.kubeVip === undefined ? {} : { leaseGc: false }) };
    return { timing: this.timing, interfaces, leaseLoad: { ...options.leaseLoad, input } };
  }

  /** Takes a node interface's link down: its port neither sends nor receives until {@link linkUp}. */
  linkDown(name: string, iface: string): void {
    this.#nemesis('link-down', { node: name, iface });
    this.#port(name, iface).setLinkUp(false);
    if (this.node(name).alive) this.node(name).agent.linkDown(iface);
  }

  /** Brings a node interface's link back up. */
  linkUp(name: string, iface: string): void {
    this.#nemesis('link-up', { node: name, iface });
    this.#port(name, iface).setLinkUp(true);
    if (this.node(name).alive) this.node(name).agent.linkUp(iface);
  }

  #port(name: string, iface: string): SegmentPort {
    const port = this.node(name).ports.get(iface);
    if (port === undefined) throw new Error(`looking up interface ${name}/${iface}: the node has no such interface (have ${[...this.node(name).ports.keys()].join(', ')})`);
    return port;
  }

  /** Crashes the operator and starts a new one (first run in the profile's import order). */
  restartOperator(): void {
    this.#nemesis('restart-operator', {});
    this.#operator.crash();
    this.#operatorRestarts += 1;
    this.#operator = this.#startOperator();
  }

  #nemesis(f: string, value: { readonly [key: string]: HistoryValue }): void {
    // Names and fields as docs/history.md (harness/checker/vocabulary.ts) defines them.
    this.history.record({ process: 'nemesis', type: 'info', f, value });
  }

  #seedStore(manifests: ManifestSet): void {
    const create = (resource: string, object: KubeObject): void => {
      const response = this.server.applyNow({ verb: 'create', resource, object });
      if (!response.ok) throw new Error(`seeding the sim store with ${resource} ${object.metadata.namespace}/${object.metadata.name}: ${response.error.message}`);
    };
    manifests.nodes.forEach((node) => create(NODES, nodeObject(node)));
    manifests.policies.forEach((policy) => create(L2_POLICIES, policyObject(policy)));
    manifests.pools.forEach((pool) => create(IP_POOLS, poolObject(pool)));
    manifests.services.forEach((service) => create(SERVICES, serviceObject(service)));
    manifests.endpoints.forEach((endpoint, index) => create(ENDPOINTS, endpointObject(endpoint, `${endpoint.serviceName ?? 'pod'}-${index}`)));
  }

  #startOperator(): Operator {
    const clock = new SimClock(this.kernel);
    const client = new ApiClient({ identity: OPERATOR_IDENTITY, clock, history: this.history, ...this.#clientOptions() });
    const operator = new Operator(
      { profile: this.#options.profile, ...(this.#options.ipam === undefined ? {} : { ipam: this.#options.ipam }) },
      { clock, rng: this.#rng.fork(`operator/${this.#operatorRestarts}`), history: this.history, client, watch: this.#store, spawner: this.#runner },
    );
    operator.start();
    return operator;
  }

  #clientOptions(): { rateLimit?: RateLimit; requestTimeoutMs?: number } {
    return { ...(this.#options.rateLimit === undefined ? {} : { rateLimit: this.#options.rateLimit }), ...(this.#options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.#options.requestTimeoutMs }) };
  }

  #buildNode(name: string, interfaces: readonly string[], index: number): void {
    const clock = new SimClock(this.kernel);
    const map = new ResponderMap();
    const interfaceMacs = new Map(interfaces.map((iface, i) => [iface, nodeMac(index, i)]));
    const ports = new Map<string, SegmentPort>();
    const frames: FramePort = { send: (iface, frame) => ports.get(iface)?.send(frame) };
    const kernelAnswers = this.#options.profile.kubeVip?.kernelAnswersArp === true;
    const answerOwnNode = this.#options.profile.l2.answerOwnNode === true;
    const responder = new ArpResponder({ node: name, clock, map, frames, interfaceMacs, leaseDurationMs: this.timing.leaseDurationMs, history: this.history, ...(kernelAnswers ? { kernelAnswers } : {}), ...(answerOwnNode ? { answerOwnNode } : {}) });
    const echo = (iface: string, mac: string, frame: DataFrame): void => {
      // The node's UDP echo backend behind its BPF load balancer: answers probes for VIPs it serves.
      if (frame.echo || frame.ethDst !== mac || !node.alive || !this.#observer.serves(name, frame.dstIp)) return;
      ports.get(iface)?.sendData({ ethDst: frame.ethSrc, ethSrc: mac, srcIp: frame.dstIp, dstIp: frame.srcIp, packetId: frame.packetId, echo: true, answeredBy: name });
    };
    for (const [iface, mac] of interfaceMacs) {
      const link = this.#options.portLinks?.[`${name}/${iface}`];
      ports.set(iface, this.#segmentFor(iface).attach(name, iface, mac, { receive: (frame) => responder.receive(iface, frame), receiveData: (frame) => echo(iface, mac, frame), ...(link === undefined ? {} : { link }) }));
    }
    const partial = { name, clock, gate: new FreezeGate(), map, responder, interfaceMacs, ports };
    const node: SimNode = { ...partial, ...this.#newAgent(partial, this.#rng.fork(`node/${name}`)), alive: true };
    this.#nodes.set(name, node);
    node.agent.start();
  }

  #newAgent(node: Omit<SimNode, 'agent' | 'client' | 'alive'>, rng: Rng): { agent: NodeAnnouncer; client: ApiClient } {
    const frames: FramePort = { send: (iface, frame) => node.ports.get(iface)?.send(frame) };
    const client = new ApiClient({ identity: node.name, clock: node.clock, history: this.history, ...this.#clientOptions() });
    if (this.#metallb !== undefined) {
      const ports = { clock: node.clock, rng, history: this.history, client, watch: this.#store, spawner: freezableSpawner(this.#runner, node.gate), datapath: { map: node.map, frames, interfaceMacs: node.interfaceMacs } };
      return { agent: this.#metallb.speaker({ node: node.name, profile: this.#options.profile, devices: [...node.interfaceMacs.keys()] }, ports), client };
    }
    const agent = new Agent(
      { node: node.name, profile: this.#options.profile, leaseNamespace: this.leaseNamespace, devices: [...node.interfaceMacs.keys()], ...(this.#options.timing === undefined ? {} : { timing: this.#options.timing }), ...(this.#options.leaseGc === undefined ? {} : { leaseGc: this.#options.leaseGc }) },
      { clock: node.clock, rng, history: this.history, client, watch: this.#store, spawner: freezableSpawner(this.#runner, node.gate), datapath: { map: node.map, frames, interfaceMacs: node.interfaceMacs } },
    );
    return { agent, client };
  }

  /** Memberlist traffic between two nodes' speakers: both nodes up, neither frozen, no node partition between them. */
  #gossipReach(a: string, b: string): boolean {
    const from = this.#nodes.get(a);
    const to = this.#nodes.get(b);
    if (from === undefined || to === undefined || !from.alive || !to.alive || from.gate.frozen || to.gate.frozen) return false;
    return this.#nodeGrudge?.get(a)?.has(b) !== true;
  }

  #segmentFor(name: string): SimSegment {
    let segment = this.#segments.get(name);
    if (segment === undefined) {
      const o = this.#options;
      const link = { ...(o.frameDelayMs === undefined ? {} : { delayMs: o.frameDelayMs }), ...o.link, ...o.segmentLinks?.[name] };
      const fdb = o.segmentFdb?.[name];
      segment = new SimSegment(name, this.kernel, this.history, { link, rng: this.#rng.fork(`segment/${name}`), ...(fdb === undefined ? {} : { fdb }) });
      this.#segments.set(name, segment);
    }
    return segment;
  }

  /** Builds a client host, its neighbour cache and (unless disabled) its prober task. */
  #buildClient(spec: SimClientSpec, index: number): void {
    if (this.#clients.has(spec.id) || this.#nodes.has(spec.id)) throw new Error(`building sim client ${spec.id}: the id is taken`);
    const hex = (n: number): string => n.toString(16).padStart(2, '0');
    const ip = spec.ip ?? `198.18.0.${10 + index}`;
    const mac = spec.mac ?? `02:00:00:fe:${hex((index + 1) >> 8)}:${hex((index + 1) & 0xff)}`;
    const segment = this.segment(spec.segment ?? 'eth0');
    const rng = this.#rng.fork(`client/${spec.id}`);
    const client = new SimClient({ id: spec.id, config: neighbourConfig(mac, ip, spec.neighbour), kernel: this.kernel, history: this.history, rng, segment });
    let prober: Prober | undefined;
    if (spec.probe !== false) {
      const clock = new SimClock(this.kernel);
      const fixed = spec.vips;
      prober = new Prober(spec.id, { ...DEFAULT_PROBE, ...spec.probe }, { clock, history: this.history, vips: fixed === undefined ? () => this.#observer.vips() : () => fixed, send: (vip, packetId) => client.sendTo(vip, packetId) });
      client.listen(prober);
      this.#runner.spawn(`${spec.id}/prober`, proberTask(prober, clock, new AbortController().signal));
    }
    this.#clients.set(spec.id, { client, prober });
  }

  #clientPort(segment: string): SegmentPort {
    let port = this.#clientPorts.get(segment);
    if (port === undefined) {
      port = this.segment(segment).attach('client', segment, CLIENT_MAC, { receive: () => undefined });
      this.#clientPorts.set(segment, port);
    }
    return port;
  }
}

function describeTarget(target: NetemTarget): string {
  if ('client' in target) return `client ${target.client}`;
  return target.iface === undefined ? `node ${target.node}` : `${target.node}/${target.iface}`;
}

function targetValue(target: NetemTarget): { readonly [key: string]: string } {
  if ('client' in target) return { client: target.client };
  return target.iface === undefined ? { node: target.node } : { node: target.node, iface: target.iface };
}

/** Deterministic locally administered MAC of interface `ifaceIndex` of node `nodeIndex`. */
export function nodeMac(nodeIndex: number, ifaceIndex: number): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return `02:00:00:${hex((nodeIndex >> 8) & 0xff)}:${hex(nodeIndex & 0xff)}:${hex(ifaceIndex & 0xff)}`;
}
