/**
 * Failover as components (architecture: "Observations → one history → checkers"): for each holder
 * death and each service whose Lease it held, the time from the kill to
 * 1. **lease taken over** — another node's `became-leader` for the Lease (API);
 * 2. **first GARP** — the first gratuitous ARP for a service IP from a MAC not of the dead node
 *    (wire), and the first answer of any kind from such a MAC;
 * 3. **client entry changed** — the client's neighbour entry for the IP moved to such a MAC;
 * 4. **first successful probe** — the client's first answered probe to the IP after the kill,
 *    not answered by the dead node (data plane).
 * One row per (kill, service, IP, client); a missing component is null (it never happened).
 */
import type { HistoryOp } from '../core/history.ts';
import type { FailoverComponentName } from '../scenario/types.ts';
import type { CheckContext } from './context.ts';
import { HOLDER_DEATHS } from './failover-bound.ts';
import { leaseOfService } from './holder-answers.ts';
import { buildExpectations, buildFaults, buildLeadership, buildServiceIps, liveLeadersAt, wireAnswers } from './timeline.ts';
import { completed, F, nemesisOps, readLeadership, readNeighChanged, readProbe } from './vocabulary.ts';

/** One failover, in ms after the kill (null = not observed). */
export interface FailoverComponents {
  readonly killMs: number;
  readonly fault: string;
  readonly deadNode: string;
  readonly service: string;
  readonly ip: string;
  readonly client: string | null;
  readonly newHolder: string | null;
  readonly leaseTakenOverMs: number | null;
  readonly firstGarpMs: number | null;
  readonly firstNewMacAnswerMs: number | null;
  readonly clientEntryChangedMs: number | null;
  readonly firstSuccessfulProbeMs: number | null;
}

/** Options of {@link failoverComponents}. */
/** The row field of each failover component (`FAILOVER_COMPONENTS`). */
export const COMPONENT_FIELD: Readonly<Record<FailoverComponentName, keyof FailoverComponents & `${string}Ms`>> = {
  leaseTakenOver: 'leaseTakenOverMs',
  firstGarp: 'firstGarpMs',
  firstNewMacAnswer: 'firstNewMacAnswerMs',
  clientEntryChanged: 'clientEntryChangedMs',
  firstSuccessfulProbe: 'firstSuccessfulProbeMs',
};

export interface FailoverComponentsOptions {
  /**
   * Nemesis ops (`f`) that start a failover: default the holder deaths (kill-node, freeze,
   * kill-agent). `l2lab bench failover` adds `link-down` of the holder's data link, a fault Cilium
   * does not fail over (its components then read "never").
   */
  readonly faults?: ReadonlySet<string>;
}

/** Extracts the failover components of every holder death (or `options.faults`) in the history. */
export function failoverComponents(ops: readonly HistoryOp[], context: CheckContext, options: FailoverComponentsOptions = {}): FailoverComponents[] {
  const faults = options.faults ?? HOLDER_DEATHS;
  const leadership = buildLeadership(ops, buildFaults(ops));
  const leaseOf = buildExpectations(ops).leaseOfService;
  const serviceIps = buildServiceIps(ops);
  const answers = wireAnswers(ops);
  const became = completed(ops, F.becameLeader).map(readLeadership);
  const neigh = completed(ops, F.neighChanged).map(readNeighChanged);
  const probes = completed(ops, F.probe).map(readProbe);
  const clients = [...new Set([...neigh.map((n) => n.client), ...probes.map((p) => p.client)])].sort();
  const rows: FailoverComponents[] = [];

  for (const kill of nemesisOps(ops)) {
    if (!faults.has(kill.f) || kill.node === undefined) continue;
    const dead = kill.node;
    const t0 = kill.tMs;
    const deadMacs = new Set((context.interfaces ?? []).filter((i) => i.node === dead).map((i) => i.mac.toLowerCase()));
    const since = (tMs: number | undefined): number | null => (tMs === undefined ? null : tMs - t0);
    for (const [service, series] of [...serviceIps].sort(([a], [b]) => a.localeCompare(b))) {
      const lease = leaseOfService(service, leaseOf);
      if (!liveLeadersAt(leadership.get(lease), t0 - 1e-9).includes(dead)) continue;
      const takeover = became.find((b) => b.lease === lease && b.node !== dead && b.tMs >= t0);
      for (const ip of series.at(t0) ?? []) {
        const fresh = answers.filter((a) => a.tMs >= t0 && a.senderIp === ip && !deadMacs.has(a.senderMac));
        const firstGarp = fresh.find((a) => a.kind !== 'reply');
        for (const client of clients.length > 0 ? clients : [null]) {
          const changed = neigh.find((n) => n.client === client && n.ip === ip && n.tMs >= t0 && n.mac !== undefined && !deadMacs.has(n.mac));
          const probe = probes.find((p) => p.client === client && p.vip === ip && p.ok && p.tMs >= t0 && p.answeredBy !== dead);
          rows.push({
            killMs: t0,
            fault: kill.f,
            deadNode: dead,
            service,
            ip,
            client,
            newHolder: takeover?.node ?? null,
            leaseTakenOverMs: since(takeover?.tMs),
            firstGarpMs: since(firstGarp?.tMs),
            firstNewMacAnswerMs: since(fresh[0]?.tMs),
            clientEntryChangedMs: since(changed?.tMs),
            firstSuccessfulProbeMs: since(probe?.tMs),
          });
        }
      }
    }
  }
  return rows;
}
