/**
 * The running `lab` world: the processes of every node, client and the operator, the admin's view
 * of the real API server, the observer, and the faults. It is the lab's twin of the sim's
 * `ResponderWorld` — the same nemesis vocabulary, recorded the same way — over real things:
 *
 * - kill agent = SIGKILL of the agent process (the datapath keeps the pinned map file and answers
 *   until its liveness cutoff); restart agent = a fresh agent process on the same map;
 * - kill node = SIGKILL of every process of the node, its links down and its map file deleted (a
 *   node loses its BPF maps); restart node = links up and fresh processes;
 * - freeze / thaw = SIGSTOP / SIGCONT of the agent (the datapath runs on, as in sim);
 * - API partition = nftables drop between the node and the control plane (requests time out);
 * - API outage = kube-apiserver stopped and started again with the same flags;
 * - link, netem and node-to-node partitions through the {@link LabFabric}.
 *
 * The observer is the sim's `WorldObserver`, fed by watches through the model store instead of the
 * sim server's commit hook; it also keeps `vips.json` current for the probers (the
 * {@link WatchedObserver} the cluster world shares).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serviceLeaseName } from '../../agent/lease-group.ts';
import type { Clock } from '../../core/clock.ts';
import type { Grudge, LinkShape } from '../../core/net.ts';
import type { ObjectStore } from '../../core/object-store.ts';
import type { History } from '../../core/history.ts';
import { isLeaseObject, LEASES } from '../../election/lease-record.ts';
import type { Profile } from '../../profiles/profile.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { WorldObserver } from '../../sim/observer.ts';
import { WatchedObserver } from '../../cluster/observe/watched-observer.ts';
import { HARNESS_IDENTITY } from './lab-edits.ts';
import { WireFaults, type NetemTarget, type WireFabric } from './wire-faults.ts';
import { killRoleProcess, signalIfOurs, startRoleProcess, type RoleProcess } from './role-process.ts';
import { MEMBERLIST_PORT, type GossipEndpoint } from '../gossip/udp-gossip.ts';
import { policyApiOf } from './real-objects.ts';
import { decodePinnedMap } from '../pinned-map.ts';

/**
 * The datapath's liveness cutoff under a MetalLB profile: the speaker stamps every second and its
 * ARP responder is in-process (a crash silences it at once); 3 s leaves two missed stamps of slack
 * on a loaded VM before a killed speaker's node stops answering.
 */
export const SPEAKER_RESPONDER_CUTOFF_MS = 3_000;

/** The kernel-side faults of the lab (links, nftables, tc), implemented by the topology adapter. */
export interface LabFabric extends WireFabric {
  killNodeLinks(node: string): Promise<void>;
  restoreNodeLinks(node: string): Promise<void>;
}

/** How the control plane is reached and restarted. */
export interface LabControlPlane {
  readonly serverUrl: string;
  readonly caPath: string;
  /** The CA certificate itself (the orchestrator's own stores verify the server with it). */
  readonly caPem: string;
  /** kube-apiserver's audit log (Lease requests per identity; wall-clock µs timestamps). */
  readonly auditLogPath: string;
  /** Token of an identity id (`admin`, `operator`, `node-<name>`). */
  tokenOf(identityId: string): string;
  /** Stops kube-apiserver (outage). */
  stopApiserver(): Promise<void>;
  /** Starts it again and waits for /readyz. */
  startApiserver(): Promise<void>;
}

/** Where each node and client lives (from the topology plan). */
export interface LabPlacement {
  readonly cpNetns: string;
  /** `ip`: the interface's address (a MetalLB speaker's memberlist binds the first one's). */
  readonly nodes: readonly { readonly name: string; readonly netns: string; readonly interfaces: readonly { readonly name: string; readonly mac: string; readonly ip?: string }[] }[];
  readonly clients: readonly { readonly name: string; readonly netns: string }[];
}

/** Options of {@link LabWorld}. */
export interface LabWorldOptions {
  readonly scenario: Scenario;
  readonly profile: Profile;
  readonly seed: number;
  /** The lab run id (every process gets it as `L2LAB_RUN_ID`). */
  readonly runId?: string;
  readonly runDir: string;
  readonly epochMonoNs: string;
  readonly clock: Clock;
  readonly history: History;
  /** The admin's store of real objects and the model view over it. */
  readonly adminStore: ObjectStore;
  readonly modelStore: ObjectStore;
  readonly controlPlane: LabControlPlane;
  readonly fabric: LabFabric;
  readonly placement: LabPlacement;
  readonly leaseNamespace: string;
  /** Probe plans per client (from the sim mapping: services, interval, timeout). */
  readonly probes: Readonly<Record<string, { readonly services: readonly string[]; readonly intervalMs: number; readonly timeoutMs: number }>>;
  /** Records each started process in the run manifest. */
  readonly onSpawn: (process: Omit<RoleProcess, 'exited'>) => Promise<void>;
  readonly readyTimeoutMs?: number;
  readonly onProgress?: (line: string) => void;
}

/** The lab's processes and faults. */
export class LabWorld {
  readonly #o: LabWorldOptions;
  readonly #faults: WireFaults;
  readonly #processes = new Map<string, RoleProcess>();
  readonly #watched: WatchedObserver;
  readonly #restarts = new Map<string, number>();
  readonly #problems: string[] = [];

  constructor(options: LabWorldOptions) {
    this.#o = options;
    this.#faults = new WireFaults({ history: options.history, fabric: () => options.fabric, controlPlane: options.controlPlane, netnsOf: (target) => this.#netnsOf(target), mgmtIface: 'eth-m' });
    this.#watched = new WatchedObserver({ profile: options.profile, history: options.history, modelStore: options.modelStore, leaseNamespace: options.leaseNamespace, vipsPath: join(options.runDir, 'vips.json'), onProblem: (m) => this.#problems.push(m) });
  }

  /** The sim's observer, fed by the watches. */
  get observer(): WorldObserver {
    return this.#watched.observer;
  }

  /** Problems seen while running (model read failures, process exits), for the report notes. */
  get problems(): readonly string[] {
    return this.#problems;
  }

  /** Directory of process configs, logs and histories. */
  get procDir(): string {
    return join(this.#o.runDir, 'proc');
  }

  /** The file the probers read VIPs from. */
  get vipsPath(): string {
    return join(this.#o.runDir, 'vips.json');
  }

  /** Every process history file written so far. */
  historyFiles(): string[] {
    return [...this.#historyFiles];
  }

  readonly #historyFiles = new Set<string>();

  /** Opens the observer's watches (before any object exists, so every object arrives as ADDED). */
  async watch(): Promise<void> {
    await mkdir(this.procDir, { recursive: true });
    await this.#watched.watch();
  }

  /**
   * Starts the operator, every node's echo and datapath, then every agent at once — as the sim
   * starts them all at time 0, so the first leases spread over the nodes instead of all going to
   * whichever agent a sequential start brought up first — then the probers.
   */
  async start(): Promise<void> {
    await this.#startOperator();
    await Promise.all(this.#o.placement.nodes.map((node) => this.#startDatapath(node.name)));
    await Promise.all(this.#o.placement.nodes.map((node) => this.#startAgent(node.name)));
    await Promise.all(this.#o.placement.clients.map((client) => this.#startProber(client.name)));
  }

  /**
   * The holder in a service's Lease now ('' released, undefined absent). A MetalLB speaker takes
   * no Lease: its holder is, as in sim, the first node (topology order) whose running speaker
   * announces one of the service's IPs — read from the node's pinned responder map.
   */
  async holderOf(service: string): Promise<string | undefined> {
    if (this.#o.profile.implementation === 'metallb') return this.#speakerHolderOf(service);
    const [namespace = '', name = ''] = service.split('/');
    try {
      const lease = await this.#o.adminStore.get({ resource: LEASES, namespace: this.#o.leaseNamespace, name: serviceLeaseName(namespace, name, this.#o.profile) }, { identity: HARNESS_IDENTITY });
      return isLeaseObject(lease) ? (lease.spec.holderIdentity ?? '') : undefined;
    } catch {
      return undefined;
    }
  }

  async #speakerHolderOf(service: string): Promise<string | undefined> {
    const ips = new Set(this.#watched.vipsOf(service));
    for (const { name } of this.#o.placement.nodes) {
      if (!this.#processes.has(`${name}-agent`)) continue;
      const text = await readFile(this.#mapPath(name), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      if (decodePinnedMap(text, this.#mapPath(name)).entries.some((e) => ips.has(e.ip))) return name;
    }
    return undefined;
  }

  /** Node names in topology order. */
  get nodeNames(): string[] {
    return this.#o.placement.nodes.map((n) => n.name);
  }

  async killAgent(node: string): Promise<void> {
    this.#nemesis('kill-agent', { node });
    await this.#kill(`${node}-agent`);
  }

  async restartAgent(node: string): Promise<void> {
    this.#nemesis('restart-agent', { node });
    if (this.#processes.get(`${node}-datapath`) === undefined) return; // a killed node runs nothing
    await this.#kill(`${node}-agent`);
    await this.#startAgent(node);
  }

  async killNode(node: string): Promise<void> {
    this.#nemesis('kill-node', { node });
    for (const role of ['agent', 'datapath', 'echo']) await this.#kill(`${node}-${role}`);
    await this.#o.fabric.killNodeLinks(node);
    await rm(this.#mapPath(node), { force: true });
  }

  async restartNode(node: string): Promise<void> {
    this.#nemesis('restart-node', { node });
    await this.#o.fabric.restoreNodeLinks(node);
    await this.#startNode(node);
  }

  freeze(node: string): void {
    this.#nemesis('freeze', { node });
    const agent = this.#processes.get(`${node}-agent`);
    if (agent !== undefined) signalIfOurs(agent, 'SIGSTOP');
  }

  thaw(node: string): void {
    this.#nemesis('thaw', { node });
    const agent = this.#processes.get(`${node}-agent`);
    if (agent !== undefined) signalIfOurs(agent, 'SIGCONT');
  }

  partitionApi(node: string): Promise<void> {
    return this.#faults.partitionApi(node);
  }

  healApi(node: string): Promise<void> {
    return this.#faults.healApi(node);
  }

  /** API server outage on (stopped) or over (recorded once kube-apiserver serves again). */
  apiOutage(down: boolean): Promise<void> {
    return this.#faults.apiOutage(down);
  }

  linkDown(node: string, iface: string): Promise<void> {
    return this.#faults.linkDown(node, iface);
  }

  linkUp(node: string, iface: string): Promise<void> {
    return this.#faults.linkUp(node, iface);
  }

  async restartOperator(): Promise<void> {
    this.#nemesis('restart-operator', {});
    await this.#kill('operator');
    await this.#startOperator();
  }

  /** netem on a node or client interface (`mgmt` = the node's API link, eth-m). */
  netem(target: NetemTarget, iface: string, shape: LinkShape | undefined): Promise<void> {
    return this.#faults.netem(target, iface, shape);
  }

  partitionNodes(grudge: Grudge): Promise<void> {
    return this.#faults.partitionNodes(grudge);
  }

  healNodes(): Promise<void> {
    return this.#faults.healNodes();
  }

  /** Stops watches and SIGKILLs every process (the end of a run, like the end of virtual time). */
  async stopAll(): Promise<void> {
    await this.#watched.stop();
    for (const name of [...this.#processes.keys()].reverse()) await this.#kill(name);
  }

  #netnsOf(target: NetemTarget): string {
    const place = target.node !== undefined ? this.#o.placement.nodes.find((n) => n.name === target.node) : this.#o.placement.clients.find((c) => c.name === target.client);
    if (place === undefined) throw new Error(`netem: no node or client ${target.node ?? target.client ?? '(none)'} in the lab`);
    return place.netns;
  }

  #nemesis(f: string, value: Record<string, string | number>): void {
    this.#faults.record(f, value);
  }

  #mapPath(node: string): string {
    return join(this.#o.runDir, 'node', node, 'responder-map.json');
  }

  #historyPath(name: string): string {
    const n = (this.#restarts.get(name) ?? 0) + 1;
    this.#restarts.set(name, n);
    const path = join(this.procDir, n === 1 ? `${name}.history.jsonl` : `${name}.${n}.history.jsonl`);
    this.#historyFiles.add(path);
    return path;
  }

  #common(name: string): { epochMonoNs: string; historyPath: string } {
    return { epochMonoNs: this.#o.epochMonoNs, historyPath: this.#historyPath(name) };
  }

  #api(identityId: string): { serverUrl: string; caPath: string; token: string } {
    return { serverUrl: this.#o.controlPlane.serverUrl, caPath: this.#o.controlPlane.caPath, token: this.#o.controlPlane.tokenOf(identityId) };
  }

  async #start(name: string, role: string, netns: string, config: unknown): Promise<void> {
    const process_ = await startRoleProcess({ name, role, netns, config, dir: this.procDir, readyTimeoutMs: this.#o.readyTimeoutMs ?? 20_000, onSpawn: this.#o.onSpawn, ...(this.#o.runId === undefined ? {} : { runId: this.#o.runId }) });
    this.#processes.set(name, process_);
    void process_.exited.then((code) => {
      if (this.#processes.get(name) === process_) this.#problems.push(`${role} ${name} exited (${code}) without being killed; see ${process_.logPath}`);
    });
  }

  async #kill(name: string): Promise<void> {
    const process_ = this.#processes.get(name);
    if (process_ === undefined) return;
    this.#processes.delete(name);
    signalIfOurs(process_, 'SIGCONT'); // a frozen process must be able to die
    await killRoleProcess(process_);
  }

  async #startOperator(): Promise<void> {
    const s = this.#o.scenario;
    await this.#start('operator', 'operator', this.#o.placement.cpNetns, { profile: this.#o.profile.name, seed: this.#o.seed, ...this.#policyApi(), api: this.#api('operator'), ...this.#common('operator'), ...(s.clientRateLimit === undefined ? {} : { rateLimit: s.clientRateLimit }) });
  }

  async #startNode(node: string): Promise<void> {
    await this.#startDatapath(node);
    await this.#startAgent(node);
  }

  /** The node's UDP echo backend and its ARP datapath (what outlives the agent). */
  async #startDatapath(node: string): Promise<void> {
    const place = this.#o.placement.nodes.find((n) => n.name === node);
    if (place === undefined) throw new Error(`starting node ${node}: not in the lab topology`);
    await mkdir(join(this.#o.runDir, 'node', node), { recursive: true });
    await Promise.all([
      this.#start(`${node}-echo`, 'echo', place.netns, { node, ports: this.#servicePorts(), ...this.#common(`${node}-echo`) }),
      this.#start(`${node}-datapath`, 'datapath', place.netns, { node, interfaces: place.interfaces.map((i) => ({ name: i.name, mac: i.mac })), mapPath: this.#mapPath(node), leaseDurationMs: this.#responderCutoffMs(), ...(this.#o.profile.kubeVip?.kernelAnswersArp === true ? { kernelAnswers: true } : {}), ...this.#common(`${node}-datapath`) }),
    ]);
  }

  async #startAgent(node: string): Promise<void> {
    const place = this.#o.placement.nodes.find((n) => n.name === node);
    if (place === undefined) throw new Error(`starting the agent of ${node}: not in the lab topology`);
    const s = this.#o.scenario;
    const restarts = this.#restarts.get(`${node}-agent`) ?? 0;
    await this.#start(`${node}-agent`, 'agent', place.netns, {
      node,
      profile: this.#o.profile.name,
      timing: s.timing.effective,
      leaseNamespace: this.#o.leaseNamespace,
      devices: place.interfaces.map((i) => i.name),
      interfaceMacs: Object.fromEntries(place.interfaces.map((i) => [i.name, i.mac])),
      ...(s.clientRateLimit === undefined ? {} : { rateLimit: s.clientRateLimit }),
      api: this.#api(`node-${node.replace(/^node-/, '')}`),
      mapPath: this.#mapPath(node),
      seed: this.#o.seed * 1000 + this.#o.placement.nodes.indexOf(place) * 10 + restarts,
      ...this.#policyApi(),
      ...(this.#o.profile.implementation === 'metallb' ? { gossip: this.#gossipOf(node) } : {}),
      ...this.#common(`${node}-agent`),
    });
  }

  /**
   * How long a node's datapath answers after the last liveness stamp: the agent's lease duration
   * (`l2_announcements_max_liveness`), or for a MetalLB speaker — whose responder is in-process and
   * dies with it — {@link SPEAKER_RESPONDER_CUTOFF_MS}.
   */
  #responderCutoffMs(): number {
    return this.#o.profile.implementation === 'metallb' ? SPEAKER_RESPONDER_CUTOFF_MS : this.#o.scenario.timing.effective.leaseDurationMs;
  }

  /** The `policyApi` field of a controller's config: set only when the scenario writes MetalLB's kinds. */
  #policyApi(): { policyApi?: 'metallb' } {
    return policyApiOf(this.#o.scenario) === 'metallb' ? { policyApi: 'metallb' } : {};
  }

  /** A speaker's memberlist endpoints: every node's first data address, memberlist's port. */
  #gossipOf(node: string): { runId: string; self: GossipEndpoint; peers: GossipEndpoint[] } {
    const peers = this.#o.placement.nodes.map((n) => {
      const ip = n.interfaces[0]?.ip;
      if (ip === undefined) throw new Error(`starting the MetalLB speaker of ${node}: node ${n.name} has no data address for memberlist`);
      return { node: n.name, ip, port: MEMBERLIST_PORT };
    });
    const self = peers.find((p) => p.node === node);
    if (self === undefined) throw new Error(`starting the MetalLB speaker of ${node}: not in the lab topology`);
    return { runId: this.#o.runId ?? 'lab', self, peers };
  }

  async #startProber(client: string): Promise<void> {
    const place = this.#o.placement.clients.find((c) => c.name === client);
    const plan = this.#o.probes[client];
    if (place === undefined || plan === undefined) return;
    const ports = this.#servicePortOf();
    await this.#start(`${client}-prober`, 'prober', place.netns, {
      client,
      services: plan.services.map((service) => ({ service, port: ports.get(service) ?? 7 })),
      ratePerSecond: 1000 / plan.intervalMs,
      timeoutMs: plan.timeoutMs,
      vipsPath: this.vipsPath,
      ...this.#common(`${client}-prober`),
    });
  }

  /** Every service port in the scenario (the echo backend listens on all of them). */
  #servicePorts(): number[] {
    return [...new Set([...this.#servicePortOf().values(), 7])].sort((a, b) => a - b);
  }

  #servicePortOf(): Map<string, number> {
    const out = new Map<string, number>();
    for (const service of this.#o.scenario.manifests.services) {
      const port = service.ports?.[0]?.port;
      if (port !== undefined) out.set(`${service.namespace}/${service.name}`, port);
    }
    return out;
  }
}
