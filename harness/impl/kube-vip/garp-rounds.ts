/**
 * The agent side of kube-vip's periodic GARPs: keeps {@link planGarps}'s state for one agent
 * lifetime and sends what it plans through the injected `send` (the reconciler's, which records
 * `garp-sent`). The agent's loop calls {@link KubeVipGarpRounds.turn} on every turn and sleeps no
 * longer than the returned due time, so a frozen or crashed agent sends nothing — as a stopped
 * kube-vip process.
 */
import type { AnnounceTableEntry } from '../../datapath/reconcile.ts';
import type { ResponderKey } from '../../datapath/responder-map.ts';
import type { KubeVipSwitches } from '../../profiles/kube-vip-switches.ts';
import type { ARP_REPLY, ARP_REQUEST } from '../../responder/decide-garp.ts';
import { garpOpcodeFor, initialGarpState, planGarps, type GarpScheduleState } from './garp-schedule.ts';

/** Sends one GARP for a programmed pair with the given opcode. */
export type SendGarp = (key: ResponderKey, opcode: typeof ARP_REQUEST | typeof ARP_REPLY) => void;

/** Periodic GARP rounds of one kube-vip agent. */
export class KubeVipGarpRounds {
  readonly #switches: KubeVipSwitches;
  readonly #fixedOpcode: 'reply' | 'request';
  readonly #send: SendGarp;
  #state: GarpScheduleState;
  #sends = 0;

  constructor(switches: KubeVipSwitches, fixedOpcode: 'reply' | 'request', startMs: number, send: SendGarp) {
    this.#switches = switches;
    this.#fixedOpcode = fixedOpcode;
    this.#send = send;
    this.#state = initialGarpState(startMs);
  }

  /** GARPs sent by the rounds so far. */
  get sends(): number {
    return this.#sends;
  }

  /** One turn at `nowMs` over the led table; returns when the next turn is due (undefined: none). */
  turn(nowMs: number, table: readonly AnnounceTableEntry[]): number | undefined {
    const led = table.map((entry) => ({ ip: entry.ip, interface: entry.interface }));
    const plan = planGarps(this.#state, led, nowMs, this.#switches);
    this.#state = plan.state;
    for (const key of plan.send) {
      this.#send(key, garpOpcodeFor(this.#sends, this.#switches.garpOpcodeAlternates, this.#fixedOpcode));
      this.#sends += 1;
    }
    return plan.nextDueMs;
  }
}
