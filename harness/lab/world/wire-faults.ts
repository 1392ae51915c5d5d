/**
 * `WireFaults`: the network and control-plane faults the lab and the docker world perform the same
 * way — each recorded as a nemesis op in the history, then done through the lab's fault adapter
 * (`LabNet` over the lab's veths or the containers') and the control plane. One place decides what
 * a fault records and when: before the effect, except an outage's end (when kube-apiserver serves
 * again) and netem (once applied — a shape the kernel refuses did not happen).
 */
import type { Grudge, LinkShape } from '../../core/net.ts';
import type { History } from '../../core/history.ts';

/** The fault adapter calls {@link WireFaults} needs (`LabNet` has them). */
export interface WireFabric {
  linkDown(node: string, iface: string): Promise<void>;
  linkUp(node: string, iface: string): Promise<void>;
  partitionApi(node: string): Promise<void>;
  healApi(node: string): Promise<void>;
  netem(netns: string, iface: string, shape: LinkShape): Promise<void>;
  clearNetem(netns: string, iface: string): Promise<void>;
  partitionNodes(grudge: Grudge): Promise<void>;
  healNodes(): Promise<void>;
}

/** A node or a client, as a netem step names it. */
export type NetemTarget = { readonly node?: string; readonly client?: string };

/** What {@link WireFaults} acts through. */
export interface WireFaultPorts {
  readonly history: History;
  /** Read on every call: the docker world's adapter is rebuilt after a node restart. */
  fabric(): WireFabric;
  readonly controlPlane: { stopApiserver(): Promise<void>; startApiserver(): Promise<void> };
  /** The netns of a node or client. @throws Error naming a target the world does not have. */
  netnsOf(target: NetemTarget): string;
  /** The node's API-link interface a scenario calls `mgmt` (`eth-m` in the lab, eth1 in a container). */
  readonly mgmtIface: string;
}

/** Recorded wire and control-plane faults. */
export class WireFaults {
  readonly #p: WireFaultPorts;

  constructor(ports: WireFaultPorts) {
    this.#p = ports;
  }

  async partitionApi(node: string): Promise<void> {
    this.record('partition-api', { node, mode: 'drop' });
    await this.#p.fabric().partitionApi(node);
  }

  async healApi(node: string): Promise<void> {
    this.record('heal-api', { node });
    await this.#p.fabric().healApi(node);
  }

  /**
   * API server outage on (stopped) or over. The outage is over when kube-apiserver serves again
   * (`/readyz`), not when it is started: a restart takes seconds, and requests in that time are
   * part of the fault (checkers excuse them inside the outage interval).
   */
  async apiOutage(down: boolean): Promise<void> {
    if (down) {
      this.record('api-outage', {});
      await this.#p.controlPlane.stopApiserver();
      return;
    }
    await this.#p.controlPlane.startApiserver();
    this.record('api-restore', {});
  }

  async linkDown(node: string, iface: string): Promise<void> {
    this.record('link-down', { node, iface });
    await this.#p.fabric().linkDown(node, iface);
  }

  async linkUp(node: string, iface: string): Promise<void> {
    this.record('link-up', { node, iface });
    await this.#p.fabric().linkUp(node, iface);
  }

  /** netem on a node or client interface (`mgmt` = the node's API link); `undefined` clears it. */
  async netem(target: NetemTarget, iface: string, shape: LinkShape | undefined): Promise<void> {
    const netns = this.#p.netnsOf(target);
    const name = iface === 'mgmt' ? this.#p.mgmtIface : iface;
    // Recorded once applied: a shape the kernel cannot do (no sch_netem: delay, jitter) is refused
    // and the step reported skipped, so the history must not claim it happened.
    if (shape === undefined) await this.#p.fabric().clearNetem(netns, name);
    else await this.#p.fabric().netem(netns, name, shape);
    this.record(shape === undefined ? 'netem-clear' : 'netem', { ...target, iface: name, ...(shape === undefined ? {} : { delayMs: shape.delayMs ?? 0, jitterMs: shape.jitterMs ?? 0, lossPercent: shape.lossPercent ?? 0 }) } as Record<string, string | number>);
  }

  async partitionNodes(grudge: Grudge): Promise<void> {
    this.record('partition-nodes', { groups: [...grudge.keys()].join(',') });
    await this.#p.fabric().partitionNodes(grudge);
  }

  async healNodes(): Promise<void> {
    this.record('heal-nodes', {});
    await this.#p.fabric().healNodes();
  }

  /** Records a nemesis op (the worlds' own faults — kills, freezes — record through this too). */
  record(f: string, value: Record<string, string | number>): void {
    this.#p.history.record({ process: 'nemesis', type: 'info', f, value });
  }
}
