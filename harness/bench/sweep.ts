/**
 * Sweep planning for `l2lab bench failover`: `--sweep key=v1,v2,…` options parsed and validated,
 * then the cartesian product of the axes as sweep points, each a complete set of trial parameters
 * (profile, lease timings, nodes, services, fault kind, client ARP settings). Pure; bad input
 * throws a {@link UserError} naming the option, the value and what was expected (exit 2).
 */
import { UserError } from '../cli/user-error.ts';
import { BENCH_FAULTS, type BenchFault, type BenchTimingSpec } from '../lab/bench/bench-scenarios.ts';
import { PROFILES } from '../profiles/profiles.ts';
import { formatDurationMs, parseDurationMs } from '../scenario/duration.ts';
import { BENCH_TIMING_PRESETS, isBenchTimingPreset, type BenchTimingPreset } from './timings.ts';

/** Keys `--sweep` accepts (client ARP keys as the scenario format names them). */
export const SWEEP_KEYS = [
  'profile',
  'timings',
  'leaseDuration',
  'renewDeadline',
  'retryPeriod',
  'nodes',
  'services',
  'fault',
  'arpAccept',
  'baseReachableTime',
  'delayFirstProbeTime',
  'retransTime',
  'locktime',
  'ucastSolicit',
  'mcastSolicit',
  'dropGratuitousArp',
] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];

/** Other spellings accepted for a key: the Linux sysctl names of the ARP settings. */
const KEY_ALIASES: Readonly<Record<string, SweepKey>> = {
  arp_accept: 'arpAccept',
  base_reachable_time: 'baseReachableTime',
  base_reachable_time_ms: 'baseReachableTime',
  delay_first_probe_time: 'delayFirstProbeTime',
  retrans_time: 'retransTime',
  retrans_time_ms: 'retransTime',
  ucast_solicit: 'ucastSolicit',
  mcast_solicit: 'mcastSolicit',
  drop_gratuitous_arp: 'dropGratuitousArp',
  'lease-duration': 'leaseDuration',
  'renew-deadline': 'renewDeadline',
  'retry-period': 'retryPeriod',
  timing: 'timings',
  faults: 'fault',
  profiles: 'profile',
};

/** Fault names as users say them, onto the nemesis actions. */
const FAULT_ALIASES: Readonly<Record<string, BenchFault>> = {
  'agent-kill': 'kill-agent',
  'node-kill': 'kill-node',
  'kill-agent': 'kill-agent',
  'kill-node': 'kill-node',
  freeze: 'freeze',
  'link-down': 'link-down',
};

/** Client ARP keys whose values are durations (written back as `30s`). */
const ARP_DURATION_KEYS: ReadonlySet<SweepKey> = new Set(['baseReachableTime', 'delayFirstProbeTime', 'retransTime', 'locktime']);
/** Client ARP keys whose values are counts. */
const ARP_COUNT_KEYS: ReadonlySet<SweepKey> = new Set(['ucastSolicit', 'mcastSolicit']);

/** One value of an axis, as the scenario generator takes it. */
export type SweepValue = string | number | boolean;

/** One `--sweep` axis: a key and its values in the order given. */
export interface SweepAxis {
  readonly key: SweepKey;
  readonly values: readonly SweepValue[];
}

/** The parameters of one sweep point (everything a trial's scenario is generated from). */
export interface FailoverParams {
  readonly profile: string;
  /** A preset name or explicit values (when a lease key was swept). */
  readonly timings: BenchTimingSpec;
  readonly nodes: number;
  readonly services: number;
  readonly fault: BenchFault;
  /** Client ARP settings in the scenario format (`arpAccept: 1`, `baseReachableTime: 30s`); empty = Linux defaults. */
  readonly clientArp: Readonly<Record<string, SweepValue>>;
}

/** One sweep point: its index, a label naming the swept values, its parameters. */
export interface SweepPoint {
  readonly index: number;
  /** `key=value` of every swept key, in axis order (`(defaults)` when nothing is swept). */
  readonly label: string;
  /** The swept values by key (what the label says, machine-readable). */
  readonly values: Readonly<Partial<Record<SweepKey, SweepValue>>>;
  readonly params: FailoverParams;
}

/** Defaults of every key not swept. */
export const SWEEP_DEFAULTS = { profile: 'cilium-1.16', timings: 'fast', nodes: 3, services: 1, fault: 'kill-agent' } as const satisfies Partial<Record<SweepKey, SweepValue>>;

/** The default sweep (no `--sweep`): lease timings × 4, nodes × 3, fault kinds × 4. */
export const DEFAULT_FAILOVER_SWEEP: readonly SweepAxis[] = [
  { key: 'timings', values: Object.keys(BENCH_TIMING_PRESETS) },
  { key: 'nodes', values: [3, 5, 10] },
  { key: 'fault', values: [...BENCH_FAULTS] },
];

/** The lab's default sweep: one bring-up per point, so only the fast timings and the two kills (about 6 min each at 30 trials). */
export const DEFAULT_LAB_FAILOVER_SWEEP: readonly SweepAxis[] = [
  { key: 'timings', values: ['fast'] },
  { key: 'fault', values: ['kill-agent', 'kill-node'] },
];

/** At most this many sweep points (a typo like nodes=1,…,100 should not start a day-long run). */
export const MAX_SWEEP_POINTS = 10_000;

/** Parses one `--sweep key=v1,v2,…`. @throws UserError on an unknown key or a bad value. */
export function parseSweepOption(text: string): SweepAxis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--sweep ${JSON.stringify(text)}: expected key=v1,v2,… with a key among ${SWEEP_KEYS.join(', ')}`);
  const rawKey = text.slice(0, eq).trim();
  const key = (SWEEP_KEYS as readonly string[]).includes(rawKey) ? (rawKey as SweepKey) : KEY_ALIASES[rawKey];
  if (key === undefined) throw new UserError(`--sweep ${rawKey}: unknown sweep key; expected one of ${SWEEP_KEYS.join(', ')}`);
  const parts = text.slice(eq + 1).split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UserError(`--sweep ${rawKey}: empty value in ${JSON.stringify(text.slice(eq + 1))}; expected v1,v2,…`);
  const values = parts.map((part) => parseValue(key, rawKey, part));
  const seen = new Set(values.map(String));
  if (seen.size !== values.length) throw new UserError(`--sweep ${rawKey}: a value is listed twice in ${JSON.stringify(text.slice(eq + 1))}`);
  return { key, values };
}

function parseValue(key: SweepKey, rawKey: string, text: string): SweepValue {
  const bad = (expected: string): never => {
    throw new UserError(`--sweep ${rawKey}=${text}: expected ${expected}`);
  };
  switch (key) {
    case 'profile':
      return PROFILES.has(text) ? text : bad(`a profile, one of ${[...PROFILES.keys()].join(', ')}`);
    case 'timings':
      return isBenchTimingPreset(text) ? text : bad(`a timing preset, one of ${Object.keys(BENCH_TIMING_PRESETS).join(', ')} (or sweep leaseDuration/renewDeadline/retryPeriod)`);
    case 'fault':
      return FAULT_ALIASES[text] ?? bad(`a fault kind: agent-kill, node-kill, freeze or link-down`);
    case 'nodes':
      return intIn(text, 2, 200) ?? bad('a whole number of nodes, 2 … 200 (a takeover needs another candidate)');
    case 'services':
      return intIn(text, 1, 62) ?? bad('a whole number of services, 1 … 62');
    case 'arpAccept':
      return intIn(text, 0, 2) ?? bad('0, 1 or 2 (net.ipv4.conf.*.arp_accept)');
    case 'dropGratuitousArp':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : bad('true or false (1 or 0)');
    case 'leaseDuration':
    case 'renewDeadline':
    case 'retryPeriod':
    case 'baseReachableTime':
    case 'delayFirstProbeTime':
    case 'retransTime':
    case 'locktime': {
      // A bare number is ms for the sysctls that are in ms (`base_reachable_time_ms`), seconds nowhere.
      const duration = /^\d+$/.test(text) && ARP_DURATION_KEYS.has(key) ? { ok: true as const, ms: Number(text) } : parseDurationMs(text);
      if (!duration.ok) return bad(`a duration like 3s or 200ms (${duration.message})`);
      if (duration.ms <= 0 && !ARP_DURATION_KEYS.has(key)) return bad('a duration above 0');
      return duration.ms;
    }
    case 'ucastSolicit':
    case 'mcastSolicit':
      return intIn(text, 0, 255) ?? bad('a count, 0 … 255');
  }
}

function intIn(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** Options of {@link planSweep}. */
export interface PlanSweepInput {
  /** The `--sweep` axes; empty = {@link DEFAULT_FAILOVER_SWEEP}. */
  readonly axes: readonly SweepAxis[];
  /** `--profile P1,P2`: a profile axis (ahead of the others) unless `profile` is also swept. */
  readonly profiles?: readonly string[];
  /** The axes without `--sweep` (default {@link DEFAULT_FAILOVER_SWEEP}). */
  readonly defaultAxes?: readonly SweepAxis[];
}

/**
 * The sweep points: the cartesian product of the axes, the first axis varying slowest, every
 * other key at its default. A key given twice, or a profile both by `--profile` and `--sweep`, is
 * refused.
 */
export function planSweep(input: PlanSweepInput): SweepPoint[] {
  const given = input.axes.length === 0 ? (input.defaultAxes ?? DEFAULT_FAILOVER_SWEEP) : input.axes;
  const keys = new Set<SweepKey>();
  for (const axis of given) {
    if (keys.has(axis.key)) throw new UserError(`--sweep ${axis.key} is given twice; list every value in one --sweep ${axis.key}=v1,v2,…`);
    keys.add(axis.key);
  }
  const profiles = input.profiles ?? [];
  for (const p of profiles) if (!PROFILES.has(p)) throw new UserError(`--profile ${p}: unknown profile; expected one of ${[...PROFILES.keys()].join(', ')}`);
  if (profiles.length > 0 && keys.has('profile')) throw new UserError('--profile and --sweep profile=… both name profiles; use one of them');
  const axes: SweepAxis[] = profiles.length > 0 ? [{ key: 'profile', values: profiles }, ...given] : [...given];
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_SWEEP_POINTS) throw new UserError(`the sweep has ${total} points; expected at most ${MAX_SWEEP_POINTS}`);
  const varied = axes.filter((a) => a.values.length > 1 || input.axes.length > 0 || (a.key === 'profile' && profiles.length > 0));
  const points: SweepPoint[] = [];
  for (let index = 0; index < total; index += 1) {
    const values: Partial<Record<SweepKey, SweepValue>> = {};
    let rest = index;
    for (let a = axes.length - 1; a >= 0; a -= 1) {
      const axis = axes[a] as SweepAxis;
      values[axis.key] = axis.values[rest % axis.values.length] as SweepValue;
      rest = Math.floor(rest / axis.values.length);
    }
    const params = paramsOf(values);
    const label = varied.length === 0 ? '(defaults)' : varied.map((a) => `${a.key}=${formatValue(a.key, values[a.key] as SweepValue)}`).join(' ');
    points.push({ index, label, values, params });
  }
  return points;
}

/** A value as a user writes it (durations as `3s`). */
export function formatValue(key: SweepKey, value: SweepValue): string {
  const durationKey = key === 'leaseDuration' || key === 'renewDeadline' || key === 'retryPeriod' || ARP_DURATION_KEYS.has(key);
  return durationKey && typeof value === 'number' ? formatDurationMs(value) : String(value);
}

/** The complete parameters of a point from its swept values. */
function paramsOf(values: Partial<Record<SweepKey, SweepValue>>): FailoverParams {
  const preset = (values.timings ?? SWEEP_DEFAULTS.timings) as BenchTimingPreset;
  const base = BENCH_TIMING_PRESETS[preset];
  const explicit = values.leaseDuration !== undefined || values.renewDeadline !== undefined || values.retryPeriod !== undefined;
  const timings: BenchTimingSpec = explicit
    ? {
        leaseDurationMs: (values.leaseDuration as number | undefined) ?? base.leaseDurationMs,
        renewDeadlineMs: (values.renewDeadline as number | undefined) ?? base.renewDeadlineMs,
        retryPeriodMs: (values.retryPeriod as number | undefined) ?? base.retryPeriodMs,
      }
    : preset === 'fast' || preset === 'cilium-default'
      ? preset
      : base;
  const clientArp: Record<string, SweepValue> = {};
  for (const key of SWEEP_KEYS) {
    const value = values[key];
    if (value === undefined || !isArpKey(key)) continue;
    clientArp[key] = ARP_DURATION_KEYS.has(key) ? formatDurationMs(value as number) : value;
  }
  return {
    profile: String(values.profile ?? SWEEP_DEFAULTS.profile),
    timings,
    nodes: Number(values.nodes ?? SWEEP_DEFAULTS.nodes),
    services: Number(values.services ?? SWEEP_DEFAULTS.services),
    fault: (values.fault ?? SWEEP_DEFAULTS.fault) as BenchFault,
    clientArp,
  };
}

function isArpKey(key: SweepKey): boolean {
  return key === 'arpAccept' || key === 'dropGratuitousArp' || ARP_DURATION_KEYS.has(key) || ARP_COUNT_KEYS.has(key);
}
