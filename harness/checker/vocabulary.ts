/**
 * The history vocabulary (docs/history.md): the `f` names every world records and the shape of
 * their `value`s, with readers that narrow a loosely typed op into a typed one. A malformed op
 * is a harness bug, so readers throw {@link VocabularyError}; checkers run under `checkSafe`,
 * which reports it as `valid: 'unknown'` rather than a pass or a violation.
 */
import type { HistoryOp, HistoryValue } from '../core/history.ts';

/** Op names. The elector and API-client names are the ones `harness/election/` records. */
export const F = {
  becameLeader: 'became-leader',
  lostLeader: 'lost-leader',
  releasedLease: 'released-lease',
  electorExit: 'elector-exit',
  candidacy: 'candidacy',
  leaseRequest: 'lease-request',
  apiRequest: 'api-request',
  leaseState: 'lease-state',
  announceExpected: 'announce-expected',
  interfacesSelected: 'interfaces-selected',
  serviceIps: 'service-ips',
  poolState: 'pool-state',
  announceTable: 'announce-table',
  garpSent: 'garp-sent',
  arpObserved: 'arp-observed',
  neighChanged: 'neigh-changed',
  linkObserved: 'link-observed',
  processProblem: 'process-problem',
  probe: 'probe',
} as const;

/** Nemesis op names (process `nemesis`); `kill-node` and `cancel-elector` are the election world's. */
export const NEMESIS = {
  killNode: 'kill-node',
  restartNode: 'restart-node',
  killAgent: 'kill-agent',
  restartAgent: 'restart-agent',
  freeze: 'freeze',
  thaw: 'thaw',
  partitionApi: 'partition-api',
  healApi: 'heal-api',
  apiOutage: 'api-outage',
  apiRestore: 'api-restore',
  linkDown: 'link-down',
  linkUp: 'link-up',
  netem: 'netem',
  netemClear: 'netem-clear',
  partitionNodes: 'partition-nodes',
  healNodes: 'heal-nodes',
  cancelElector: 'cancel-elector',
  patchLease: 'patch-lease',
  edit: 'edit',
} as const;

/** The `iface` of a `netem` op that shapes a node's API path (its management link). */
export const API_PATH_IFACE = 'mgmt';

/** The process name of nemesis ops. */
export const NEMESIS_PROCESS = 'nemesis';

/** A malformed op (missing or mistyped field). */
export class VocabularyError extends Error {
  readonly code = 'history-vocabulary' as const;
}

type Obj = { readonly [key: string]: HistoryValue | undefined };

function objectOf(op: HistoryOp): Obj {
  const value = op.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new VocabularyError(`op #${op.index} ${op.f}: value is not an object`);
  return value as Obj;
}

function str(op: HistoryOp, value: Obj, key: string): string {
  const field = value[key];
  if (typeof field !== 'string') throw new VocabularyError(`op #${op.index} ${op.f}: ${key} must be a string, got ${JSON.stringify(field)}`);
  return field;
}

function optStr(op: HistoryOp, value: Obj, key: string): string | undefined {
  const field = value[key];
  if (field === undefined || field === null) return undefined;
  if (typeof field !== 'string') throw new VocabularyError(`op #${op.index} ${op.f}: ${key} must be a string or null, got ${JSON.stringify(field)}`);
  return field;
}

function num(op: HistoryOp, value: Obj, key: string): number | undefined {
  const field = value[key];
  if (field === undefined || field === null) return undefined;
  if (typeof field !== 'number') throw new VocabularyError(`op #${op.index} ${op.f}: ${key} must be a number, got ${JSON.stringify(field)}`);
  return field;
}

function strings(op: HistoryOp, value: Obj, key: string): string[] {
  const field = value[key];
  if (!Array.isArray(field) || !field.every((item) => typeof item === 'string')) throw new VocabularyError(`op #${op.index} ${op.f}: ${key} must be a string array`);
  return field as string[];
}

/** `became-leader` / `lost-leader` (process = node): the elector's transitions. */
export interface LeadershipOp {
  readonly tMs: number;
  readonly node: string;
  readonly lease: string;
}

/** Reads a `became-leader`/`lost-leader` op. */
export function readLeadership(op: HistoryOp): LeadershipOp {
  return { tMs: op.tMs, node: op.process, lease: str(op, objectOf(op), 'lease') };
}

/** A completed `lease-request` (`ok`/`fail`/`info`; the invoke carries no outcome). */
export interface LeaseRequestOp {
  readonly tMs: number;
  readonly node: string;
  readonly type: HistoryOp['type'];
  readonly verb: string;
  readonly name: string | undefined;
  readonly outcome: string;
  readonly latencyMs: number;
  readonly throttleWaitMs: number;
}

/** Reads a completed `lease-request`. */
export function readLeaseRequest(op: HistoryOp): LeaseRequestOp {
  const value = objectOf(op);
  return {
    tMs: op.tMs,
    node: op.process,
    type: op.type,
    verb: str(op, value, 'verb'),
    name: optStr(op, value, 'name'),
    outcome: str(op, value, 'outcome'),
    latencyMs: num(op, value, 'latencyMs') ?? 0,
    throttleWaitMs: num(op, value, 'throttleWaitMs') ?? 0,
  };
}

/** `announce-expected` (process `model`): what the model says about a service from now on. */
export interface AnnounceExpectedOp {
  readonly tMs: number;
  readonly service: string;
  readonly lease: string;
  readonly announceable: boolean;
  readonly eligibleNodes: readonly string[];
  /**
   * INV-LEASE-SCOPE's own test: a policy selects the service and a node, and enables a type of IP
   * the service has (no foreign class) — whether or not any device matches the interface patterns
   * (candidacy ignores interfaces, as Cilium's does). Defaults to `announceable`.
   */
  readonly leaseInScope: boolean;
  /** Service IPs no candidate would program (type not enabled, no device): owed on no wire. */
  readonly unannouncedIps: readonly string[];
  /**
   * Candidates that would program the service's LB IPs on only some of their devices, and on
   * which: a holder owes answers for them there alone (absent node: every interface it selects).
   */
  readonly lbIfaces: ReadonlyMap<string, readonly string[]>;
  /** The same for every IP of the service: where each such candidate would announce anything. */
  readonly ifaces: ReadonlyMap<string, readonly string[]>;
}

/** Reads an `announce-expected` op. */
export function readAnnounceExpected(op: HistoryOp): AnnounceExpectedOp {
  const value = objectOf(op);
  const announceable = value['announceable'];
  if (typeof announceable !== 'boolean') throw new VocabularyError(`op #${op.index} ${op.f}: announceable must be a boolean`);
  const leaseInScope = value['leaseInScope'] ?? announceable;
  if (typeof leaseInScope !== 'boolean') throw new VocabularyError(`op #${op.index} ${op.f}: leaseInScope must be a boolean`);
  const unannouncedIps = value['unannouncedIps'] === undefined ? [] : strings(op, value, 'unannouncedIps');
  const byNode = (key: string): Map<string, readonly string[]> => {
    const raw = value[key] ?? {};
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new VocabularyError(`op #${op.index} ${op.f}: ${key} must be an object of string arrays`);
    return new Map(Object.keys(raw).map((node) => [node, strings(op, raw as Obj, node)]));
  };
  return { tMs: op.tMs, service: str(op, value, 'service'), lease: str(op, value, 'lease'), announceable, eligibleNodes: strings(op, value, 'eligibleNodes'), leaseInScope, unannouncedIps, lbIfaces: byNode('lbIfaces'), ifaces: byNode('ifaces') };
}

/** `interfaces-selected` (process `observer`): the node's devices some valid policy selecting it announces on, from now on. */
export interface InterfacesSelectedOp {
  readonly tMs: number;
  readonly node: string;
  readonly ifaces: readonly string[];
}

/** Reads an `interfaces-selected` op. */
export function readInterfacesSelected(op: HistoryOp): InterfacesSelectedOp {
  const value = objectOf(op);
  return { tMs: op.tMs, node: str(op, value, 'node'), ifaces: strings(op, value, 'ifaces') };
}

/** `service-ips` (process `observer`): a service's `status.loadBalancer.ingress` IPs from now on. */
export interface ServiceIpsOp {
  readonly tMs: number;
  readonly service: string;
  readonly ips: readonly string[];
}

/** Reads a `service-ips` op. */
export function readServiceIps(op: HistoryOp): ServiceIpsOp {
  const value = objectOf(op);
  return { tMs: op.tMs, service: str(op, value, 'service'), ips: strings(op, value, 'ips') };
}

/** `pool-state` (process `observer`): a pool's blocks from now on; `deleted` removes it. */
export interface PoolStateOp {
  readonly tMs: number;
  readonly pool: string;
  /** `a.b.c.d/n` CIDRs or `start-stop` ranges. */
  readonly blocks: readonly string[];
  /** The effective allowFirstLastIPs=No of the profile (reserve first/last of CIDR blocks). */
  readonly reserveFirstLast: boolean;
  readonly deleted: boolean;
}

/** Reads a `pool-state` op. */
export function readPoolState(op: HistoryOp): PoolStateOp {
  const value = objectOf(op);
  return { tMs: op.tMs, pool: str(op, value, 'pool'), blocks: value['deleted'] === true ? [] : strings(op, value, 'blocks'), reserveFirstLast: value['reserveFirstLast'] === true, deleted: value['deleted'] === true };
}

/** `announce-table` (process = node): the datapath's programmed (IP, interface) pairs from now on. */
export interface AnnounceTableOp {
  readonly tMs: number;
  readonly node: string;
  readonly entries: readonly { readonly ip: string; readonly iface: string }[];
}

/** Reads an `announce-table` op. */
export function readAnnounceTable(op: HistoryOp): AnnounceTableOp {
  const value = objectOf(op);
  const entries = value['entries'];
  if (!Array.isArray(entries)) throw new VocabularyError(`op #${op.index} ${op.f}: entries must be an array`);
  return {
    tMs: op.tMs,
    node: str(op, value, 'node'),
    entries: entries.map((entry) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new VocabularyError(`op #${op.index} ${op.f}: entry is not an object`);
      const e = entry as Obj;
      return { ip: str(op, e, 'ip'), iface: str(op, e, 'iface') };
    }),
  };
}

/** `garp-sent` (process = node): the responder sent a gratuitous ARP. */
export interface GarpSentOp {
  readonly tMs: number;
  readonly node: string;
  readonly ip: string;
  readonly iface: string;
  readonly mac: string;
  readonly opcode: string;
}

/** Reads a `garp-sent` op. */
export function readGarpSent(op: HistoryOp): GarpSentOp {
  const value = objectOf(op);
  return { tMs: op.tMs, node: str(op, value, 'node'), ip: str(op, value, 'ip'), iface: str(op, value, 'iface'), mac: str(op, value, 'mac'), opcode: str(op, value, 'opcode') };
}

/** `arp-observed` (process `wire`): an ARP frame seen on a segment (capture or sim segment). */
export interface ArpObservedOp {
  /** `tUs / 1000` when present (capture precision), else the op's `tMs`. */
  readonly tMs: number;
  readonly segment: string;
  /** `classifyArp` kind: request, reply, gratuitous-request, gratuitous-reply, probe, other. */
  readonly kind: string;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetIp: string;
  /** Ethernet destination when recorded (a unicast request reaches only that MAC). */
  readonly ethDst: string | undefined;
}

/** Reads an `arp-observed` op. */
export function readArpObserved(op: HistoryOp): ArpObservedOp {
  const value = objectOf(op);
  const tUs = num(op, value, 'tUs');
  return {
    tMs: tUs === undefined ? op.tMs : tUs / 1000,
    segment: optStr(op, value, 'segment') ?? '',
    kind: str(op, value, 'kind'),
    senderMac: str(op, value, 'senderMac'),
    senderIp: str(op, value, 'senderIp'),
    targetIp: str(op, value, 'targetIp'),
    ethDst: optStr(op, value, 'ethDst'),
  };
}

/** True for frames that claim an IP: replies and both gratuitous forms. */
export function isAnswer(observed: ArpObservedOp): boolean {
  return observed.kind === 'reply' || observed.kind === 'gratuitous-reply' || observed.kind === 'gratuitous-request';
}

/** `neigh-changed` (process = client): the client's neighbour entry for an IP changed. */
export interface NeighChangedOp {
  readonly tMs: number;
  readonly client: string;
  readonly ip: string;
  readonly mac: string | undefined;
  readonly state: string;
}

/** Reads a `neigh-changed` op. */
export function readNeighChanged(op: HistoryOp): NeighChangedOp {
  const value = objectOf(op);
  return { tMs: op.tMs, client: optStr(op, value, 'client') ?? op.process, ip: str(op, value, 'ip'), mac: optStr(op, value, 'mac'), state: str(op, value, 'state') };
}

/** A completed `probe` (`ok` = answered, `fail`/`info` = not). */
export interface ProbeOp {
  readonly tMs: number;
  readonly client: string;
  readonly vip: string;
  readonly ok: boolean;
  readonly answeredBy: string | undefined;
}

/** Reads a completed `probe`. */
export function readProbe(op: HistoryOp): ProbeOp {
  const value = objectOf(op);
  return { tMs: op.tMs, client: optStr(op, value, 'client') ?? op.process, vip: str(op, value, 'vip'), ok: op.type === 'ok', answeredBy: optStr(op, value, 'answeredBy') };
}

/** A nemesis op: its action and target node/service, if any. */
export interface NemesisOp {
  readonly tMs: number;
  readonly f: string;
  readonly node: string | undefined;
  readonly service: string | undefined;
  /** `link-down`/`link-up`, `netem`/`netem-clear`: the interface (`mgmt` = the API path), if named. */
  readonly iface: string | undefined;
  /** `edit` ops: services whose IPs this edit may legitimately move (INV-IP-STABILITY). */
  readonly mayMoveIpsOf: readonly string[];
}

/** Reads a nemesis op (any `f`; unknown actions are kept, checkers ignore them). */
export function readNemesis(op: HistoryOp): NemesisOp {
  const value = op.value !== null && typeof op.value === 'object' && !Array.isArray(op.value) ? (op.value as Obj) : {};
  const may = value['mayMoveIpsOf'];
  return {
    tMs: op.tMs,
    f: op.f,
    node: optStr(op, value, 'node'),
    service: optStr(op, value, 'service'),
    iface: optStr(op, value, 'iface'),
    mayMoveIpsOf: Array.isArray(may) ? may.filter((item): item is string => typeof item === 'string') : [],
  };
}

/** The completed (non-invoke) ops named `f`, in history order. */
export function completed(ops: readonly HistoryOp[], f: string): HistoryOp[] {
  return ops.filter((op) => op.f === f && op.type !== 'invoke');
}

/** The nemesis ops, in history order. */
export function nemesisOps(ops: readonly HistoryOp[]): NemesisOp[] {
  return ops.filter((op) => op.process === NEMESIS_PROCESS && op.type !== 'invoke').map(readNemesis);
}
