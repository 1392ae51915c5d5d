/**
 * A simulated L2 segment (a bridge): interfaces attach with a MAC; a frame sent by one is
 * delivered to every *other* attached interface whose MAC it is addressed to (broadcast reaches
 * all), after a per-frame delay and unless lost. Every ARP frame that reaches the bridge is kept
 * in a capture and recorded as `arp-observed` (process `wire`), as tcpdump on the bridge would see
 * it — a frame lost on the way *to* a receiver is still captured; one sent from a down link is not.
 *
 * Link behaviour ({@link LinkSettings}) is set per segment and may be overridden per port: a
 * delivery from port A to port B takes `delay + U(0, jitter)` of the segment plus the extra delay
 * of both ports, and is lost with probability 1 − (1 − loss_segment)(1 − loss_A)(1 − loss_B). Draws
 * come from the segment's own seeded {@link Rng} and are made only when jitter or loss is set, so
 * a lossless, jitter-free segment draws nothing (histories of such worlds do not depend on it).
 *
 * Two kinds of frame share the wire: ARP frames (decoded {@link ArpFrame}s, answered by datapaths
 * and client neighbour caches) and data frames ({@link DataFrame}: the prober's UDP probes and
 * their echoes), which are not captured.
 *
 * Runtime faults: a port's egress can be shaped ({@link SegmentPort.setEgressShape}, netem on that
 * interface: its frames reach the bridge late or never, and are captured when they reach it), a
 * killed node's port unplugged and plugged back ({@link SegmentPort.reattach}), and a node-to-node
 * partition ({@link SimSegment.setPartition}) makes the bridge drop frames between ports whose
 * owners hold a grudge — they are still captured, as tcpdump on a filtering bridge sees them.
 */
import type { ArpFrame } from '../datapath/frame-port.ts';
import { BROADCAST_MAC } from '../datapath/frame-port.ts';
import type { History } from '../core/history.ts';
import { drops, type Grudge } from '../core/net.ts';
import type { Rng } from '../core/rng.ts';
import { classifyArp } from '../packet/arp.ts';
import type { SimKernel } from './kernel.ts';
import { drawFrameDelayMs, netemDraws, type NetemShape } from './netem.ts';

/** One captured frame: when it was sent, by whom, on which interface. */
export interface CapturedFrame {
  readonly tMs: number;
  /** Owner of the sending interface (node name or client id). */
  readonly from: string;
  readonly interface: string;
  readonly frame: ArpFrame;
}

/**
 * A UDP datagram on the wire, reduced to what the prober needs: Ethernet addresses, the IPs, and
 * the probe's identity. `echo` marks the backend's answer (it carries the answering node).
 */
export interface DataFrame {
  readonly ethDst: string;
  readonly ethSrc: string;
  readonly srcIp: string;
  readonly dstIp: string;
  /** Client-wide packet id (the neighbour cache queues packets by id). */
  readonly packetId: number;
  readonly echo: boolean;
  /** Set on echoes: the node whose backend answered. */
  readonly answeredBy?: string;
}

/** Per-frame link behaviour. */
export interface LinkSettings {
  /** Base one-way delay (ms, ≥ 0). */
  readonly delayMs: number;
  /** Extra delay drawn uniformly in [0, jitterMs) per delivery (ms, ≥ 0). */
  readonly jitterMs: number;
  /** Probability in [0, 1) that one delivery is lost. */
  readonly lossRate: number;
}

/** Default one-way frame delay on the segment (a switch hop). */
export const DEFAULT_FRAME_DELAY_MS = 0.05;

/** Segment defaults: one switch hop, no jitter, no loss. */
export const DEFAULT_LINK: LinkSettings = { delayMs: DEFAULT_FRAME_DELAY_MS, jitterMs: 0, lossRate: 0 };

/** A port on the segment. */
export interface SegmentPort {
  readonly owner: string;
  readonly interface: string;
  readonly mac: string;
  /** Carrier state: a down link neither sends nor receives (frames are lost, not captured). */
  readonly linkUp: boolean;
  /** Sends an ARP frame onto the segment (lost once detached or while the link is down). */
  send(frame: ArpFrame): void;
  /** Sends a data frame onto the segment (same delivery rules, not captured). */
  sendData(frame: DataFrame): void;
  /** Link down (`false`) or up (`true`); idempotent. */
  setLinkUp(up: boolean): void;
  /** Unplugs the port: nothing is sent or delivered until {@link reattach}. Idempotent. */
  detach(): void;
  /** Plugs a detached port back in, where it was (a rebooted node); link state is kept. Idempotent. */
  reattach(): void;
  /**
   * netem on this interface's egress from now on (undefined clears it): every frame it sends is
   * lost or delayed per {@link drawFrameDelayMs} before it reaches the bridge; frames already
   * queued keep their draw.
   * @throws RangeError when the shape needs draws and the segment has no rng.
   */
  setEgressShape(shape: NetemShape | undefined): void;
}

/** What a port's owner hands to {@link SimSegment.attach}. */
export interface PortHandlers {
  /** Called for each ARP frame delivered to the port. */
  readonly receive: (frame: ArpFrame) => void;
  /** Called for each data frame delivered to the port; data frames are dropped without one. */
  readonly receiveData?: (frame: DataFrame) => void;
  /** Port overrides: `delayMs` here is *extra* delay on top of the segment's; `lossRate` compounds. */
  readonly link?: Partial<Pick<LinkSettings, 'delayMs' | 'lossRate'>>;
}

interface Attachment {
  readonly owner: string;
  readonly interface: string;
  readonly mac: string;
  readonly handlers: PortHandlers;
  extraDelayMs: number;
  lossRate: number;
  attached: boolean;
  up: boolean;
  /** Egress netem, with the port's own draw stream. */
  egress: { readonly shape: NetemShape; readonly rng: Rng | undefined } | undefined;
}

/**
 * A learning bridge's forwarding database (M06). The bridge learns each frame's source MAC on the
 * port it came from and forgets it `ageingMs` later unless seen again; a unicast frame to a MAC it
 * does not know is flooded to every port (`flood`, Linux's default: only the owner of the MAC takes
 * it, so delivery is unchanged) or dropped (`drop`: unknown-unicast flooding off). A frame to a
 * known MAC goes to the learned port only. Learning is on the bridge, so a partition or a
 * receiver's link state does not stop it; a dropped frame is still captured (tcpdump on the bridge).
 */
export interface FdbSettings {
  readonly ageingMs: number;
  readonly unknownUnicast: 'flood' | 'drop';
}

/** Options of {@link SimSegment}. */
export interface SimSegmentOptions {
  readonly link?: Partial<LinkSettings>;
  /** A learning bridge; absent: every attached MAC is known at all times (no ageing). */
  readonly fdb?: FdbSettings;
  /** Source of jitter and loss draws (give each segment its own fork). Required when either is set. */
  readonly rng?: Rng;
}

/** Delivery counters (tests, reports). */
export interface SegmentCounters {
  delivered: number;
  /** Deliveries lost by the loss draw. */
  lost: number;
  /** Frames not sent or not delivered because a link was down. */
  linkDown: number;
  /** Frames a port's egress netem dropped before they reached the bridge. */
  shapedLost: number;
  /** Deliveries the bridge dropped because of a node-to-node partition. */
  partitioned: number;
  /** Unicast frames dropped because the FDB did not know the destination (`unknownUnicast: 'drop'`). */
  unknownUnicastDropped?: number;
}

/** What a {@link Port} asks of its segment. */
interface PortBridge {
  readonly send: (frame: ArpFrame) => void;
  readonly sendData: (frame: DataFrame) => void;
  readonly setEgressShape: (shape: NetemShape | undefined) => void;
}

/**
 * A {@link SegmentPort}: a class, not an object literal, because a literal with a getter
 * (`linkUp`) gets a hidden class of its own per port, holding the getter closure — hidden classes
 * live in the old generation, so every world's ports, and through them the whole world, outlived
 * each young-generation collection until the next full one.
 */
class Port implements SegmentPort {
  readonly owner: string;
  readonly interface: string;
  readonly mac: string;
  readonly #attachment: Attachment;
  readonly #bridge: PortBridge;

  constructor(attachment: Attachment, bridge: PortBridge) {
    this.owner = attachment.owner;
    this.interface = attachment.interface;
    this.mac = attachment.mac;
    this.#attachment = attachment;
    this.#bridge = bridge;
  }

  get linkUp(): boolean {
    return this.#attachment.attached && this.#attachment.up;
  }

  send(frame: ArpFrame): void {
    this.#bridge.send(frame);
  }

  sendData(frame: DataFrame): void {
    this.#bridge.sendData(frame);
  }

  setLinkUp(up: boolean): void {
    this.#attachment.up = up;
  }

  detach(): void {
    this.#attachment.attached = false;
  }

  reattach(): void {
    this.#attachment.attached = true;
  }

  setEgressShape(shape: NetemShape | undefined): void {
    this.#bridge.setEgressShape(shape);
  }
}

/** A broadcast domain on virtual time. */
export class SimSegment {
  readonly name: string;
  readonly captured: CapturedFrame[] = [];
  readonly counters: SegmentCounters = { delivered: 0, lost: 0, linkDown: 0, shapedLost: 0, partitioned: 0 };
  readonly #kernel: SimKernel;
  readonly #history: History;
  readonly #rng: Rng | undefined;
  readonly #attachments: Attachment[] = [];
  #link: LinkSettings;
  #grudge: Grudge | undefined = undefined;
  readonly #fdbSettings: FdbSettings | undefined;
  /** MAC → the port it was last seen on and when (only with {@link FdbSettings}). */
  readonly #fdb = new Map<string, { readonly port: Attachment; readonly atMs: number }>();

  /**
   * `history` receives one `arp-observed` op (process `wire`) per ARP frame put on the bridge.
   * @throws RangeError for invalid link settings, or jitter/loss without an rng.
   */
  constructor(name: string, kernel: SimKernel, history: History, options: SimSegmentOptions = {}) {
    this.name = name;
    this.#kernel = kernel;
    this.#history = history;
    this.#rng = options.rng;
    this.#fdbSettings = options.fdb;
    if (options.fdb !== undefined && !(Number.isFinite(options.fdb.ageingMs) && options.fdb.ageingMs > 0)) throw new RangeError(`segment ${name}: fdb ageingMs must be finite and > 0, got ${options.fdb.ageingMs}`);
    this.#link = DEFAULT_LINK;
    this.setLink(options.link ?? {});
  }

  /** The segment's current link settings. */
  get link(): LinkSettings {
    return this.#link;
  }

  /**
   * Changes the segment's link settings from now on (frames in flight keep their draw).
   * @throws RangeError for a negative/non-finite delay or jitter, a loss outside [0, 1), or jitter/loss without an rng.
   */
  setLink(link: Partial<LinkSettings>): void {
    const next = { ...this.#link, ...link };
    validateLink(`segment ${this.name}`, next);
    if ((next.jitterMs > 0 || next.lossRate > 0) && this.#rng === undefined) throw new RangeError(`segment ${this.name}: jitter or loss needs an rng`);
    this.#link = next;
  }

  /**
   * From now on the bridge drops every delivery between two ports whose owners `grudge` separates
   * ({@link drops}); undefined heals. Frames already in flight are delivered.
   */
  setPartition(grudge: Grudge | undefined): void {
    this.#grudge = grudge === undefined || grudge.size === 0 ? undefined : grudge;
  }

  /** Plugs an interface in. */
  attach(owner: string, interfaceName: string, mac: string, handlers: PortHandlers): SegmentPort {
    const extraDelayMs = handlers.link?.delayMs ?? 0;
    const lossRate = handlers.link?.lossRate ?? 0;
    validateLink(`port ${owner}/${interfaceName} on ${this.name}`, { delayMs: extraDelayMs, jitterMs: 0, lossRate });
    if (lossRate > 0 && this.#rng === undefined) throw new RangeError(`port ${owner}/${interfaceName} on ${this.name}: loss needs an rng`);
    const a: Attachment = { owner, interface: interfaceName, mac, handlers, extraDelayMs, lossRate, attached: true, up: true, egress: undefined };
    this.#attachments.push(a);
    return new Port(a, {
      send: (frame) => (a.egress === undefined ? this.#sendArp(a, frame) : this.#shaped(a, () => this.#sendArp(a, frame))),
      sendData: (frame) => (a.egress === undefined ? this.#sendData(a, frame) : this.#shaped(a, () => this.#sendData(a, frame))),
      setEgressShape: (shape) => {
        if (shape !== undefined && netemDraws(shape) && this.#rng === undefined) throw new RangeError(`netem on ${owner}/${interfaceName} (segment ${this.name}): loss or jitter needs an rng`);
        a.egress = shape === undefined ? undefined : { shape, rng: a.egress?.rng ?? this.#rng?.fork(`netem/${owner}/${interfaceName}`) };
      },
    });
  }

  /** Runs `onBridge` when a frame leaving `from`'s shaped egress reaches the bridge, unless netem drops it. */
  #shaped(from: Attachment, onBridge: () => void): void {
    const egress = from.egress;
    if (egress === undefined || !from.attached || !from.up) return onBridge();
    const delayMs = egress.rng === undefined ? egress.shape.delayMs : drawFrameDelayMs(egress.shape, egress.rng);
    if (delayMs === undefined) {
      this.counters.shapedLost += 1;
      return;
    }
    this.#kernel.after(delayMs, onBridge, `netem ${from.owner}/${from.interface}`);
  }

  #sendData(from: Attachment, frame: DataFrame): void {
    this.#transmit(from, frame.ethDst, (to) => to.handlers.receiveData?.(frame), frame.ethSrc);
  }

  #sendArp(from: Attachment, frame: ArpFrame): void {
    if (!from.attached) return;
    if (from.up) {
      this.captured.push({ tMs: this.#kernel.nowMs, from: from.owner, interface: from.interface, frame });
      this.#history.record({
        process: 'wire',
        type: 'info',
        f: 'arp-observed',
        value: { segment: this.name, tUs: this.#kernel.nowMs * 1000, kind: classifyArp(frame), senderMac: frame.senderMac, senderIp: frame.senderIp, targetIp: frame.targetIp, ethSrc: frame.ethSrc, ethDst: frame.ethDst },
      });
    }
    this.#transmit(from, frame.ethDst, (to) => to.handlers.receive(frame), frame.ethSrc);
  }

  /**
   * With an FDB: learns `ethSrc` on `from`, and says whether a frame to `ethDst` may reach `to` —
   * broadcast always; a known MAC only on its learned port; unknown unicast per the setting.
   * Without one: every frame may (the MAC match decides).
   */
  #fdbAllows(from: Attachment, ethSrc: string | undefined, ethDst: string): (to: Attachment) => boolean {
    const settings = this.#fdbSettings;
    if (settings === undefined) return () => true;
    const nowMs = this.#kernel.nowMs;
    if (ethSrc !== undefined && ethSrc !== BROADCAST_MAC) this.#fdb.set(ethSrc, { port: from, atMs: nowMs });
    if (ethDst === BROADCAST_MAC) return () => true;
    const entry = this.#fdb.get(ethDst);
    if (entry !== undefined && nowMs - entry.atMs <= settings.ageingMs) return (to) => to === entry.port;
    if (settings.unknownUnicast === 'flood') return () => true;
    this.counters.unknownUnicastDropped = (this.counters.unknownUnicastDropped ?? 0) + 1;
    return () => false;
  }

  /** Schedules one delivery per receiver, grouped into one kernel event per distinct delay. */
  #transmit(from: Attachment, ethDst: string, deliver: (to: Attachment) => void, ethSrc?: string): void {
    if (!from.attached) return;
    if (!from.up) {
      this.counters.linkDown += 1;
      return;
    }
    const forwards = this.#fdbAllows(from, ethSrc, ethDst);
    const link = this.#link;
    const grudge = this.#grudge;
    let groups: Map<number, Attachment[]> | undefined;
    for (const to of this.#attachments) {
      if (to === from || !to.attached || (ethDst !== BROADCAST_MAC && ethDst !== to.mac) || !forwards(to)) continue;
      if (grudge !== undefined && drops(grudge, from.owner, to.owner)) {
        this.counters.partitioned += 1;
        continue;
      }
      const lossRate = to.lossRate === 0 && from.lossRate === 0 ? link.lossRate : 1 - (1 - link.lossRate) * (1 - from.lossRate) * (1 - to.lossRate);
      if (lossRate > 0 && (this.#rng?.float() ?? 1) < lossRate) {
        this.counters.lost += 1;
        continue;
      }
      const jitterMs = link.jitterMs > 0 ? (this.#rng?.float() ?? 0) * link.jitterMs : 0;
      const delayMs = link.delayMs + jitterMs + from.extraDelayMs + to.extraDelayMs;
      groups ??= new Map();
      const group = groups.get(delayMs);
      if (group === undefined) groups.set(delayMs, [to]);
      else group.push(to);
    }
    if (groups === undefined) return;
    for (const [delayMs, targets] of groups) {
      this.#kernel.after(delayMs, () => {
        for (const target of targets) {
          if (!target.attached) continue;
          if (!target.up) {
            this.counters.linkDown += 1;
            continue;
          }
          this.counters.delivered += 1;
          deliver(target);
        }
      }, `frame ${this.name}`);
    }
  }
}

function validateLink(what: string, link: LinkSettings): void {
  if (!(Number.isFinite(link.delayMs) && link.delayMs >= 0)) throw new RangeError(`${what}: delayMs must be finite and ≥ 0, got ${link.delayMs}`);
  if (!(Number.isFinite(link.jitterMs) && link.jitterMs >= 0)) throw new RangeError(`${what}: jitterMs must be finite and ≥ 0, got ${link.jitterMs}`);
  if (!(link.lossRate >= 0 && link.lossRate < 1)) throw new RangeError(`${what}: lossRate must be in [0, 1), got ${link.lossRate}`);
}
