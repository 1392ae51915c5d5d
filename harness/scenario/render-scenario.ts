/**
 * `renderScenarioYaml`: a resolved scenario back to a self-contained scenario file (manifests
 * embedded as a list of objects, every default written out), so `explore` can write a shrunk
 * counterexample to `scenarios/regressions/` that replays exactly. Parsing the rendering gives the
 * same scenario, up to `source` locations (which say where a value was written).
 */
import { stringify } from 'yaml';
import { formatDurationMs } from './duration.ts';
import type { NemesisAction, NemesisStep, NodeRef } from './nemesis-types.ts';
import { TIMING_PRESETS, type ClientArpSettings, type Expectations, type Scenario } from './types.ts';

/** Options of {@link renderScenarioYaml}. */
export interface RenderOptions {
  /** Comment lines put above the document (the "what it verifies and why" header, the replay command). */
  readonly header?: readonly string[];
}

/** Renders `scenario` as a scenario file. */
export function renderScenarioYaml(scenario: Scenario, options: RenderOptions = {}): string {
  const header = (options.header ?? []).map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  const body = stringify(scenarioDocument(scenario), { lineWidth: 0, aliasDuplicateObjects: false });
  return header === '' ? body : `${header}\n${body}`;
}

/** The scenario in the file's shape (plain data, for YAML or JSON). */
export function scenarioDocument(s: Scenario): Record<string, unknown> {
  const d = formatDurationMs;
  const bug = s.bug;
  const preset = s.timing.preset;
  const isPreset = preset !== undefined && sameTiming(TIMING_PRESETS[preset], s.timing.requested);
  return {
    apiVersion: s.apiVersion,
    kind: s.kind,
    metadata: {
      name: s.name,
      ...(s.description === '' ? {} : { description: s.description }),
      ...(bug === undefined
        ? {}
        : {
            bug: {
              id: bug.id,
              ...optional('title', bug.title),
              ...optional('repo', bug.repo),
              ...(bug.issues.length === 0 ? {} : { issues: [...bug.issues] }),
              ...(bug.pulls.length === 0 ? {} : { pulls: [...bug.pulls] }),
              affected: [...bug.affected],
              ...(bug.fixed.length === 0 ? {} : { fixed: [...bug.fixed] }),
              ...optional('symptom', bug.symptom),
            },
          }),
    },
    profile: s.profile,
    worlds: [...s.worlds],
    duration: d(s.durationMs),
    ...optional('seed', s.seed),
    timings: isPreset
      ? preset
      : { ...optional('preset', preset), leaseDuration: d(s.timing.requested.leaseDurationMs), renewDeadline: d(s.timing.requested.renewDeadlineMs), retryPeriod: d(s.timing.requested.retryPeriodMs) },
    ...(s.clientRateLimit === undefined ? {} : { clientRateLimit: { ...s.clientRateLimit } }),
    topology: {
      addressPlan: s.topology.addressPlan,
      segments: s.topology.segments.map((g) => ({ name: g.name, subnet: g.subnet, ...(g.fdb === undefined ? {} : { fdb: { ageing: d(g.fdb.ageingMs), unknownUnicast: g.fdb.unknownUnicast } }) })),
      nodes: s.topology.nodes.map((n) => ({ name: n.name, labels: { ...n.labels }, interfaces: n.interfaces.map((i) => ({ name: i.name, segment: i.segment, mac: i.mac, ip: i.ip })) })),
      ...(s.topology.clients.length === 0 ? {} : { clients: s.topology.clients.map((c) => ({ name: c.name, segment: c.segment, ...(c.node === undefined ? { ip: c.ip, mac: c.mac } : { node: c.node }), arp: arpDocument(c.arp) })) }),
    },
    ...(s.manifestObjects.length === 0 ? {} : { manifests: [...s.manifestObjects] }),
    ...(s.workload.probes.length === 0
      ? {}
      : {
          workload: {
            probes: s.workload.probes.map((p) => ({ clients: [...p.clients], services: [...p.services], ratePerSecond: p.ratePerSecond, protocol: p.protocol, ...optional('port', p.port) })),
          },
        }),
    ...(s.nemesis.length === 0 ? {} : { nemesis: s.nemesis.map(stepDocument) }),
    expectations: expectationsDocument(s.expectations),
  };
}

function arpDocument(a: ClientArpSettings): Record<string, unknown> {
  const d = formatDurationMs;
  return {
    arpAccept: a.arpAccept,
    baseReachableTime: d(a.baseReachableTimeMs),
    delayFirstProbeTime: d(a.delayFirstProbeTimeMs),
    retransTime: d(a.retransTimeMs),
    ucastSolicit: a.ucastSolicit,
    mcastSolicit: a.mcastSolicit,
    mcastResolicit: a.mcastResolicit,
    locktime: d(a.locktimeMs),
    gcStaleTime: d(a.gcStaleTimeMs),
    gcActive: a.gcActive,
    dropGratuitousArp: a.dropGratuitousArp,
    unresQlen: a.unresQlen,
  };
}

function stepDocument(step: NemesisStep): Record<string, unknown> {
  const d = formatDurationMs;
  return {
    at: d(step.atMs),
    ...optional('id', step.id),
    ...(step.forMs === undefined ? {} : { for: d(step.forMs) }),
    ...(step.repeat === undefined ? {} : { repeat: { every: d(step.repeat.everyMs), times: step.repeat.times } }),
    ...actionDocument(step),
  };
}

function actionDocument(a: NemesisAction): Record<string, unknown> {
  const moves = (list: readonly string[]) => (list.length === 0 ? {} : { mayMoveIpsOf: [...list] });
  switch (a.action) {
    case 'api-outage':
    case 'api-restore':
    case 'restart-operator':
    case 'heal-nodes':
      return { action: a.action };
    case 'link-down':
    case 'link-up':
      return { action: a.action, node: nodeRefDocument(a.node), iface: a.iface };
    case 'segment-down':
    case 'segment-up':
      return { action: a.action, segment: a.segment };
    case 'netem':
      return {
        action: a.action,
        ...(a.node === undefined ? {} : { node: nodeRefDocument(a.node) }),
        ...optional('client', a.client),
        ...optional('iface', a.iface),
        ...(a.delayMs === undefined ? {} : { delay: formatDurationMs(a.delayMs) }),
        ...(a.jitterMs === undefined ? {} : { jitter: formatDurationMs(a.jitterMs) }),
        ...optional('loss', a.lossPercent),
      };
    case 'netem-clear':
      return { action: a.action, ...(a.node === undefined ? {} : { node: nodeRefDocument(a.node) }), ...optional('client', a.client), ...optional('iface', a.iface) };
    case 'partition-nodes':
      return { action: a.action, groups: a.groups.map((g) => g.map(nodeRefDocument)) };
    case 'patch-lease':
      return { action: a.action, service: a.service, holder: a.holder };
    case 'edit':
      return { action: a.action, kind: a.target.kind, ...optional('namespace', a.target.namespace), name: a.target.name, patch: a.patch, ...moves(a.mayMoveIpsOf) };
    case 'delete':
      return { action: a.action, kind: a.target.kind, ...optional('namespace', a.target.namespace), name: a.target.name, ...moves(a.mayMoveIpsOf) };
    case 'apply':
      return { action: a.action, object: a.object, ...moves(a.mayMoveIpsOf) };
    default:
      return { action: a.action, node: nodeRefDocument(a.node) };
  }
}

function nodeRefDocument(ref: NodeRef): unknown {
  if (ref.kind === 'node') return ref.name;
  return ref.kind === 'holder-of' ? { 'holder-of': ref.service } : { 'target-of': ref.step };
}

function expectationsDocument(e: Expectations): Record<string, unknown> {
  const durations = (record: Readonly<Record<string, number | undefined>>, strip: string) =>
    Object.fromEntries(Object.entries(record).flatMap(([k, v]) => (v === undefined ? [] : [[k.endsWith(strip) ? k.slice(0, k.length - strip.length) : k, formatDurationMs(v)]])));
  const bounds = durations(e.boundsMs, 'Ms');
  const failover = durations(e.failoverMaxMs, '');
  const load = e.leaseLoad;
  return {
    ...(e.hold.length === 0 ? {} : { hold: [...e.hold] }),
    ...(e.fail.length === 0 ? {} : { fail: [...e.fail] }),
    ...(e.ignore.length === 0 ? {} : { ignore: [...e.ignore] }),
    ...(Object.keys(bounds).length === 0 ? {} : { bounds }),
    ...(Object.keys(failover).length === 0 ? {} : { failover }),
    ...(load === undefined
      ? {}
      : { leaseLoad: { ...optional('tolerance', load.tolerance), ...(load.fromMs === undefined ? {} : { from: formatDurationMs(load.fromMs) }), ...(load.toMs === undefined ? {} : { to: formatDurationMs(load.toMs) }) } }),
  };
}

function sameTiming(a: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }, b: typeof a): boolean {
  return a.leaseDurationMs === b.leaseDurationMs && a.renewDeadlineMs === b.renewDeadlineMs && a.retryPeriodMs === b.retryPeriodMs;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
