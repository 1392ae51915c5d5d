/**
 * A MetalLB layer2 speaker on one node (`speaker/layer2_controller.go`, `internal/layer2/`,
 * `internal/speakerlist/`), as the `metallb` profiles switch it:
 *
 * - informers on Nodes, Services, Endpoints and the advertisements (L2Advertisements, read through
 *   the model's announcement policies — `harness/model/parse/kinds/metallb.ts`);
 * - liveness by gossip: a {@link MemberView} kept by the memberlist loop over a {@link GossipTransport}
 *   (the sim's in-process hub, the lab's UDP between speaker processes);
 * - on every change (informer, member join/leave) it decides, for every LB IP, the eligible nodes
 *   (the advertisements' node selectors, eTP=Local endpoints) alive in its view, ranks them by
 *   sha256(node#key) and announces the IPs it ranks first for — no Lease, no API write;
 * - the ARP responder lives in the speaker process: a crash takes the node's answers with it;
 * - gratuitous ARPs: the burst of `announcer.go` when it starts owning an IP, again on a member
 *   join (`garpOnMemberJoin`), and every `gratuitousArpIntervalMs` when set (M06).
 *
 * It records what the checkers read: `became-leader` / `lost-leader` with `lease` = the election
 * the IP belongs to, named as the observer names it (`electionLease`), when it starts / stops
 * announcing (the speaker's own claim is MetalLB's "holder"), `candidacy`, and through the
 * reconciler `announce-table` and `garp-sent`. Not modelled: the interface rescan every 10 s (link
 * changes are ignored), the withdrawal when the API is unreachable (M09), the "a ready endpoint
 * somewhere" rule for eTP=Cluster.
 */
import type { HistoryValue } from '../../core/history.ts';
import { sleep, type Task } from '../../core/task.ts';
import { announceTable, sameTable, type LedService } from '../../agent/announce-table.ts';
import type { AgentDatapath } from '../../agent/agent.ts';
import type { NodeAnnouncer } from '../../agent/announcer.ts';
import type { ControllerPorts } from '../../agent/controller-ports.ts';
import { Informer } from '../../agent/informer.ts';
import { electionLease } from '../../agent/lease-group.ts';
import { ENDPOINTS, L2_POLICIES, modelOf, NODES, serviceFromObject, SERVICES } from '../../agent/model-objects.ts';
import type { SpawnedTask } from '../../agent/spawner.ts';
import { Wakeup } from '../../agent/wakeup.ts';
import { AnnounceReconciler, recordProgrammed, type AnnounceTableEntry } from '../../datapath/reconcile.ts';
import { decideCandidacy, type CandidacyDecision } from '../../l2/candidacy.ts';
import type { Endpoint, L2AnnouncementPolicy, Node, Service } from '../../model/types.ts';
import type { Profile } from '../../profiles/profile.ts';
import type { MetallbSwitches } from '../../profiles/metallb-switches.ts';
import { decideGarp } from '../../responder/decide-garp.ts';
import { decideAnnouncer, electionKey } from './election.ts';
import { garpBurstOffsetsMs } from './garp-schedule.ts';
import { MemberView, type GossipTransport, type MemberEvent } from './gossip.ts';

/** How often the speaker stamps the responder's liveness (its responder is in-process: any stamp will do). */
const LIVENESS_INTERVAL_MS = 1_000;
/** The loop's idle wait (it wakes on every change; the bound keeps each wait finite). */
const IDLE_WAIT_MS = 3_600_000;

/** Settings of one speaker. */
export interface SpeakerConfig {
  readonly node: string;
  /** A `metallb` profile (its `metallb` switches are required). */
  readonly profile: Profile;
  /** The node's interfaces (what an advertisement's `interfaces` selects among). */
  readonly devices: readonly string[];
}

/** Ports of a speaker: a controller's, the node's datapath, and the world's gossip network. */
export interface SpeakerPorts extends ControllerPorts {
  readonly datapath: AgentDatapath;
  readonly gossip: GossipTransport;
}

/** One node's MetalLB speaker. Construct, then `start()`. */
export class MetallbSpeaker implements NodeAnnouncer {
  readonly config: SpeakerConfig;
  readonly switches: MetallbSwitches;
  readonly reconciler: AnnounceReconciler;
  readonly view: MemberView;
  readonly #ports: SpeakerPorts;
  readonly #wakeup = new Wakeup();
  readonly #stop = new AbortController();
  readonly #informers: Record<'nodes' | 'services' | 'endpoints' | 'policies', Informer>;
  #tasks: SpawnedTask[] = [];
  #table: readonly AnnounceTableEntry[] = [];
  /** Elections (named as Leases) this speaker announces for → their services. */
  #led = new Map<string, readonly string[]>();
  #candidates: string[] = [];
  /** Phase of the memberlist loop's ticks after the start (drawn at `start`). */
  #phaseMs = 0;
  /** Where the round-robins over the member list start (memberlist shuffles it; drawn at `start`). */
  #phaseCursor = 0;
  /** A member joined since the loop last ran (`garpOnMemberJoin`). */
  #memberJoined = false;
  /** This speaker's side was merged with another since the loop last ran: its claims are renewed. */
  #merged = false;

  constructor(config: SpeakerConfig, ports: SpeakerPorts) {
    const switches = config.profile.metallb;
    if (switches === undefined) throw new Error(`building the MetalLB speaker of ${config.node}: profile ${config.profile.name} has no metallb switches`);
    this.config = config;
    this.switches = switches;
    this.#ports = ports;
    const inform = (resource: string): Informer => new Informer(resource, config.node, () => this.#wakeup.notify(), () => this.#wakeup.notify());
    this.#informers = { nodes: inform(NODES), services: inform(SERVICES), endpoints: inform(ENDPOINTS), policies: inform(L2_POLICIES) };
    this.reconciler = new AnnounceReconciler({ ...ports.datapath, history: ports.history, node: config.node, profile: config.profile });
    this.view = new MemberView(config.node, switches.memberlist, (event) => this.#onMemberEvent(event));
  }

  get table(): readonly AnnounceTableEntry[] {
    return this.#table;
  }

  get candidateServices(): string[] {
    return [...this.#candidates];
  }

  get ledServices(): string[] {
    return [...new Set([...this.#led.values()].flat())].sort();
  }

  start(): void {
    const { spawner, client, rng, watch } = this.#ports;
    const node = this.config.node;
    const signal = this.#stop.signal;
    for (const [name, informer] of Object.entries(this.#informers)) {
      informer.open(watch);
      this.#spawn(`${node}/informer/${name}`, informer.run(client, rng.fork(`informer/${name}`), signal));
    }
    this.#spawn(`${node}/liveness`, this.#livenessLoop(signal));
    const memberlistRng = rng.fork('memberlist');
    this.#phaseCursor = memberlistRng.intBetween(0, 1_000);
    this.view.seedProbeCursor(this.#phaseCursor);
    this.#phaseMs = memberlistRng.float() * this.switches.memberlist.probeIntervalMs;
    this.#ports.gossip.join(this.view);
    this.#spawn(`${node}/memberlist`, this.#memberlistLoop(signal));
    this.#spawn(`${node}/speaker`, this.#loop(signal));
    if (this.switches.gratuitousArpIntervalMs > 0) this.#spawn(`${node}/garp-interval`, this.#periodicGarpLoop(signal));
  }

  /** Crash: tasks gone, the in-process ARP responder with them (the node stops answering). */
  crash(): void {
    for (const task of this.#tasks) task.kill();
    for (const informer of Object.values(this.#informers)) informer.close();
    this.#ports.gossip.remove(this.config.node, false);
    this.#forget();
  }

  /** Graceful stop: memberlist `Leave` (the others drop this node at once), announcements withdrawn. */
  stop(): void {
    this.#stop.abort();
    for (const informer of Object.values(this.#informers)) informer.close();
    this.#ports.gossip.remove(this.config.node, true);
    this.#forget();
    this.#wakeup.notify();
  }

  /** Link changes reach MetalLB only at its 10 s interface rescan, which is not modelled. */
  linkUp(_iface: string): void {}

  /** See {@link linkUp}. */
  linkDown(_iface: string): void {}

  #spawn(name: string, task: Task<void>): void {
    this.#tasks = this.#tasks.filter((t) => t.state === 'running');
    this.#tasks.push(this.#ports.spawner.spawn(name, task));
  }

  /** The process is gone: its table, its claims and its in-process responder with it (nothing recorded: a crash). */
  #forget(): void {
    this.#table = [];
    this.#led = new Map();
    this.#candidates = [];
    this.#clearResponder();
  }

  #clearResponder(): void {
    const { map } = this.#ports.datapath;
    if (map.size > 0) {
      map.clear();
      recordProgrammed(this.#ports.history, this.config.node, map);
    }
  }

  #onMemberEvent(event: MemberEvent): void {
    if (event.kind !== 'merged') this.#record('member-event', { node: this.config.node, member: event.member, kind: event.kind });
    if (event.kind === 'join') this.#memberJoined = true;
    if (event.kind !== 'leave') this.#merged = true;
    this.#wakeup.notify();
  }

  *#livenessLoop(signal: AbortSignal): Task<void> {
    // Bounded by the signal (lab) and the kernel's limits (sim).
    for (;;) {
      this.#ports.datapath.map.stampLiveness(this.#ports.clock.monotonicMs());
      if ((yield* sleep(LIVENESS_INTERVAL_MS, signal)) === 'aborted') return;
    }
  }

  /** memberlist's probe / suspicion / rejoin cycle, one gossip interval per turn. */
  *#memberlistLoop(signal: AbortSignal): Task<void> {
    const { clock, gossip } = this.#ports;
    const node = this.config.node;
    const timings = this.switches.memberlist;
    let probe: { target: string; endMs: number } | undefined;
    // memberlist's tickers start when the speaker does: a phase of its own within a probe interval.
    if ((yield* sleep(this.#phaseMs, signal)) === 'aborted') return;
    let nextProbeMs = clock.monotonicMs();
    let nextRejoinMs = this.switches.rejoinIntervalMs === undefined ? Number.POSITIVE_INFINITY : clock.monotonicMs() + this.switches.rejoinIntervalMs;
    let nextPushPullMs = clock.monotonicMs() + timings.pushPullIntervalMs;
    let pushPulls = 0;
    // Bounded by the signal (lab) and the kernel's limits (sim).
    for (;;) {
      const nowMs = clock.monotonicMs();
      for (const member of [...this.view.alive()].sort()) {
        // A suspect this speaker reaches again refutes (it hears the gossip about itself).
        if (this.view.isSuspect(member) && gossip.probe(node, member)) this.view.markAlive(member);
      }
      for (const member of this.view.expired(nowMs)) this.view.markDead(member);
      if (probe !== undefined && nowMs >= probe.endMs) {
        if (this.view.has(probe.target) && !gossip.probe(node, probe.target) && this.view.suspect(probe.target, nowMs, node)) {
          gossip.spreadSuspicion(node, probe.target, nowMs, timings.gossipIntervalMs);
        }
        probe = undefined;
      }
      if (probe === undefined && nowMs >= nextProbeMs) {
        // An ack to the direct ping ends the round at once; otherwise the indirect pings have until its end.
        const target = this.view.nextProbeTarget();
        if (target !== undefined && !gossip.probe(node, target)) probe = { target, endMs: nowMs + timings.probeIntervalMs };
        nextProbeMs = nowMs + timings.probeIntervalMs;
      }
      if (nowMs >= nextPushPullMs) {
        gossip.pushPull(node, this.#phaseCursor + pushPulls);
        pushPulls += 1;
        nextPushPullMs += timings.pushPullIntervalMs;
      }
      if (nowMs >= nextRejoinMs) {
        gossip.rejoin(node);
        nextRejoinMs += this.switches.rejoinIntervalMs ?? Number.POSITIVE_INFINITY;
      }
      if ((yield* sleep(timings.gossipIntervalMs, signal)) === 'aborted') return;
    }
  }

  *#loop(signal: AbortSignal): Task<void> {
    // Bounded by the signal (lab) and the kernel's limits (sim): each turn waits on the wake-up.
    for (;;) {
      if (signal.aborted) return;
      if (Object.values(this.#informers).every((i) => i.synced)) this.#reconcile();
      yield* this.#wakeup.wait(IDLE_WAIT_MS);
    }
  }

  *#periodicGarpLoop(signal: AbortSignal): Task<void> {
    // Bounded by the signal (lab) and the kernel's limits (sim).
    for (;;) {
      if ((yield* sleep(this.switches.gratuitousArpIntervalMs, signal)) === 'aborted') return;
      for (const entry of this.#table) this.#sendGarp(entry.ip, entry.interface);
    }
  }

  /** The rest of the takeover burst for one pair (the first GARP went with the insert). */
  *#burst(ip: string, iface: string, offsetsMs: readonly number[]): Task<void> {
    let atMs = 0;
    for (const offsetMs of offsetsMs) {
      if (offsetMs > atMs && (yield* sleep(offsetMs - atMs, this.#stop.signal)) === 'aborted') return;
      atMs = offsetMs;
      if (this.#table.some((e) => e.ip === ip && e.interface === iface)) this.#sendGarp(ip, iface);
      else return;
    }
  }

  #reconcile(): void {
    const selfObject = this.#informers.nodes.get(`/${this.config.node}`);
    const self = selfObject === undefined ? undefined : modelOf<Node>(selfObject, 'Node');
    if (self === undefined) return;
    const nodes = this.#informers.nodes.list().flatMap((o) => modelOf<Node>(o, 'Node') ?? []);
    const policies = this.#policies();
    const endpoints = this.#informers.endpoints.list().flatMap((o) => modelOf<Endpoint>(o, 'Endpoint') ?? []);
    const services = this.#informers.services.list().flatMap((o) => serviceFromObject(o) ?? []);
    services.sort((a, b) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
    const alive = this.view.alive();
    const led: LedService[] = [];
    const leases = new Map<string, string[]>();
    const candidates: string[] = [];
    for (const service of services) {
      const key = `${service.namespace}/${service.name}`;
      if (service.ingressIPs.length === 0) continue;
      const own = this.#decide(service, self, policies, endpoints);
      if (!own.candidate) continue;
      candidates.push(key);
      const eligible = nodes.filter((n) => n.name === self.name || this.#decide(service, n, policies, endpoints).candidate).map((n) => n.name);
      const won = new Set(service.ingressIPs.filter((ip) => decideAnnouncer(eligible, alive, electionKey(key, ip, this.switches)) === self.name));
      if (won.size === 0) continue;
      led.push({ service: key, decision: { ...own, announce: own.announce.filter((a) => won.has(a.ip)) } });
      const lease = electionLease(service, services, this.config.profile);
      leases.set(lease, [...(leases.get(lease) ?? []), key]);
    }
    this.#candidates = candidates;
    const memberJoined = this.#memberJoined;
    const merged = this.#merged;
    this.#memberJoined = false;
    this.#merged = false;
    this.#recordLeadership(leases, merged);
    const table = announceTable(led);
    const joined = memberJoined && this.switches.garpOnMemberJoin;
    const before = new Set(this.#table.map((e) => `${e.ip}@${e.interface}`));
    if (!sameTable(table, this.#table)) {
      this.#table = table;
      this.reconciler.apply(table);
    }
    const offsets = garpBurstOffsetsMs(this.switches);
    for (const entry of table) {
      const fresh = !before.has(`${entry.ip}@${entry.interface}`);
      // A fresh pair's first GARP went with the insert; a member join re-announces from the start.
      if (fresh) this.#spawn(`${this.config.node}/garp/${entry.ip}@${entry.interface}`, this.#burst(entry.ip, entry.interface, offsets.slice(1)));
      else if (joined) this.#spawn(`${this.config.node}/garp/${entry.ip}@${entry.interface}`, this.#burst(entry.ip, entry.interface, offsets));
    }
  }

  /** The speaker's candidacy rule for `node` (MetalLB before 0.13.6 answers on every interface: M07). */
  #decide(service: Service, node: Node, policies: readonly L2AnnouncementPolicy[], endpoints: readonly Endpoint[]): CandidacyDecision {
    const devices = node.name === this.config.node ? this.config.devices : (node.interfaces ?? this.config.devices);
    return decideCandidacy({ service, ingressIPs: service.ingressIPs, node, policies, endpoints, profile: this.config.profile, devices });
  }

  #policies(): readonly L2AnnouncementPolicy[] {
    const policies = this.#informers.policies.list().flatMap((o) => modelOf<L2AnnouncementPolicy>(o, 'CiliumL2AnnouncementPolicy') ?? []);
    return this.switches.interfacesField ? policies : policies.map((p) => ({ ...p, interfaces: undefined }));
  }

  /**
   * `became-leader` / `lost-leader` for the claims that start / end. After its side merged with
   * another (a speaker started, two sides of a partition joined, a frozen speaker refuted its
   * death) every kept claim is made afresh — a `lost-leader` and a `became-leader` at the same
   * instant: the other side may have claimed the same services meanwhile, which the checkers'
   * timeline reads as a takeover of this speaker's claim, and from here on the merged view decides.
   */
  #recordLeadership(next: Map<string, string[]>, renew: boolean): void {
    for (const lease of [...this.#led.keys()].sort()) if (!next.has(lease) || renew) this.#record('lost-leader', { lease, reason: 'cancelled' });
    for (const lease of [...next.keys()].sort()) if (!this.#led.has(lease) || renew) this.#record('became-leader', { lease });
    this.#led = next;
  }

  #sendGarp(ip: string, iface: string): void {
    const { frames, interfaceMacs } = this.#ports.datapath;
    const mac = interfaceMacs.get(iface);
    if (mac === undefined) return;
    const garp = decideGarp(ip, mac, this.config.profile);
    frames.send(iface, garp);
    const node = this.config.node;
    this.#ports.history.record({ process: node, type: 'info', f: 'garp-sent', value: { node, ip, iface, mac, opcode: garp.opcode === 1 ? 'request' : 'reply' } });
  }

  #record(f: string, value: HistoryValue): void {
    this.#ports.history.record({ process: this.config.node, type: 'info', f, value });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
