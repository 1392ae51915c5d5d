/**
 * kube-vip's gratuitous ARP schedule (K04; `pkg/arp/arp.go`, PR #383), as a pure planner over the
 * pairs the agent leads, plus the small stateful wrapper the agent's loop calls each turn.
 *
 * - `once` (≤ v0.4.2): nothing periodic — the one GARP is the reconciler's, when the address is
 *   added on a takeover.
 * - `periodic-per-vip` (v0.4.3 – v0.x, `layer2Update` per VIP): the reconciler's GARP when the VIP
 *   starts, then one every `arpRate` ms from then on while it is led.
 * - `periodic-manager` (v1.x): one loop per process, first turn when the agent starts, then every
 *   `arpRate` ms (it sleeps after each turn: sliding); each turn sends a GARP for every led pair.
 *   Adding an address sends nothing by itself, so a takeover is announced 0 – `arpRate` ms later.
 *
 * The opcode alternates reply/request on every send under `garpOpcodeAlternates` (`pkg/vip/arp.go`).
 */
import { ARP_REPLY, ARP_REQUEST } from '../../responder/decide-garp.ts';
import type { ResponderKey } from '../../datapath/responder-map.ts';
import { responderKey } from '../../datapath/responder-map.ts';
import { effectiveArpRateMs, type KubeVipSwitches } from '../../profiles/kube-vip-switches.ts';

/** What the planner remembers between turns. */
export interface GarpScheduleState {
  /** `periodic-manager`: monotonic ms of the manager loop's next turn. */
  readonly nextRoundMs: number;
  /** `periodic-per-vip`: next GARP of each led pair, by pair key. */
  readonly dueByPair: ReadonlyMap<string, number>;
}

/** One turn's plan. */
export interface GarpPlan {
  /** Pairs to send a GARP for now, in the order given. */
  readonly send: readonly ResponderKey[];
  readonly state: GarpScheduleState;
  /** When the planner wants to run again (monotonic ms); undefined = only on a table change. */
  readonly nextDueMs: number | undefined;
}

/** The state of an agent started at `startMs` (the manager loop's first turn is at the start). */
export function initialGarpState(startMs: number): GarpScheduleState {
  return { nextRoundMs: startMs, dueByPair: new Map() };
}

/** Decides which led pairs get a GARP at `nowMs`. Pure. */
export function planGarps(state: GarpScheduleState, led: readonly ResponderKey[], nowMs: number, switches: Pick<KubeVipSwitches, 'garp' | 'arpRateMs'>): GarpPlan {
  const rateMs = effectiveArpRateMs(switches.arpRateMs);
  switch (switches.garp) {
    case 'once':
      return { send: [], state, nextDueMs: undefined };
    case 'periodic-manager': {
      if (nowMs < state.nextRoundMs) return { send: [], state, nextDueMs: state.nextRoundMs };
      const nextRoundMs = nowMs + rateMs;
      return { send: led, state: { ...state, nextRoundMs }, nextDueMs: nextRoundMs };
    }
    case 'periodic-per-vip': {
      const dueByPair = new Map<string, number>();
      const send: ResponderKey[] = [];
      let nextDueMs: number | undefined;
      for (const key of led) {
        const text = responderKey(key.ip, key.interface);
        // A pair led for the first time had its GARP when its address was added (the reconciler).
        let dueMs = state.dueByPair.get(text) ?? nowMs + rateMs;
        if (dueMs <= nowMs) {
          send.push(key);
          dueMs = nowMs + rateMs;
        }
        dueByPair.set(text, dueMs);
        nextDueMs = nextDueMs === undefined ? dueMs : Math.min(nextDueMs, dueMs);
      }
      return { send, state: { ...state, dueByPair }, nextDueMs };
    }
  }
}

/** The opcode of the `sendIndex`-th GARP (0-based) of one agent: alternating, or the fixed one. */
export function garpOpcodeFor(sendIndex: number, alternates: boolean, fixed: 'reply' | 'request'): typeof ARP_REQUEST | typeof ARP_REPLY {
  if (!alternates) return fixed === 'request' ? ARP_REQUEST : ARP_REPLY;
  return sendIndex % 2 === 0 ? ARP_REPLY : ARP_REQUEST;
}
