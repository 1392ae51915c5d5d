/**
 * The nemesis schedule: each step's target checked against the topology and the manifests, its
 * times against the scenario's duration, and edits applied (as merge patches) to what they edit
 * so that a patch which would make the object invalid is reported at the patch, not at run time.
 */
import { stringify } from 'yaml';
import { applyMergePatch } from '../core/merge-patch.ts';
import { parseManifestText } from '../model/parse/parse-documents.ts';
import { formatDurationMs } from './duration.ts';
import type { IssueSink } from './issues.ts';
import { INVERSE_ACTIONS, NAMESPACED_KINDS, type NemesisAction, type NemesisStep, type NodeRef, type ObjectRef } from './nemesis-types.ts';
import { isRecord, objectKey } from './object-index.ts';
import { embeddedObject, pathSegments } from './resolve-manifests.ts';
import type { RawNodeRef, ScenarioFileStep } from './schema.ts';
import type { Topology } from './types.ts';

/** What steps are checked against. */
export interface NemesisContext {
  readonly durationMs: number;
  readonly topology: Topology;
  /** Raw objects by `objectKey` (manifests and topology Nodes). */
  readonly objects: ReadonlyMap<string, Record<string, unknown>>;
  /** Keys of objects `apply` steps create (they may be edited or deleted too). */
  readonly created: ReadonlySet<string>;
  /** `namespace/name` of every Service the scenario has or creates. */
  readonly services: ReadonlySet<string>;
}

/** Resolves the steps in file order (the order runners break ties in). */
export function resolveNemesis(steps: readonly ScenarioFileStep[], context: NemesisContext, sink: IssueSink): NemesisStep[] {
  const resolved = steps.map((step, index) => resolveStep(step, index, steps, context, sink));
  checkEdits(resolved, context, sink);
  return resolved;
}

function resolveStep(step: ScenarioFileStep, index: number, steps: readonly ScenarioFileStep[], context: NemesisContext, sink: IssueSink): NemesisStep {
  const path = ['nemesis', index];
  checkTiming(step, path, context.durationMs, sink);
  if (step.id !== undefined && steps.findIndex((s) => s.id === step.id) < index) sink.error([...path, 'id'], `step id ${step.id} is used by an earlier step`);
  const timing = {
    atMs: step.at,
    ...(step.id === undefined ? {} : { id: step.id }),
    ...(step.for === undefined ? {} : { forMs: step.for }),
    ...(step.repeat === undefined ? {} : { repeat: { everyMs: step.repeat.every, times: step.repeat.times } }),
    source: sink.source(path),
  };
  return { ...timing, ...resolveAction(step, path, index, steps, context, sink) } as NemesisStep;
}

function checkTiming(step: ScenarioFileStep, path: (string | number)[], durationMs: number, sink: IssueSink): void {
  const within = (atMs: number, field: string, what: string): void => {
    if (atMs > durationMs) sink.error([...path, field], `${what} at ${formatDurationMs(atMs)} is after the scenario's duration ${formatDurationMs(durationMs)}`);
  };
  within(step.at, 'at', 'step');
  if (step.for !== undefined) {
    if (INVERSE_ACTIONS[step.action] === undefined) sink.error([...path, 'for'], `${step.action} has no inverse action; 'for' is for ${Object.keys(INVERSE_ACTIONS).join(', ')}`);
    else if (step.for === 0) sink.error([...path, 'for'], 'expected a duration above 0s');
  }
  if (step.repeat !== undefined) {
    if (step.repeat.every === 0) sink.error([...path, 'repeat', 'every'], 'expected a duration above 0s');
    if (step.for !== undefined && step.for >= step.repeat.every) sink.error([...path, 'for'], `expected less than repeat.every (${formatDurationMs(step.repeat.every)}): occurrences would overlap`);
    within(step.at + (step.repeat.times - 1) * step.repeat.every, 'repeat', 'the last repetition');
  }
  const lastStart = step.at + ((step.repeat?.times ?? 1) - 1) * (step.repeat?.every ?? 0);
  if (step.for !== undefined) within(lastStart + step.for, 'for', `the inverse ${INVERSE_ACTIONS[step.action] ?? ''}`);
}

function resolveAction(step: ScenarioFileStep, path: (string | number)[], index: number, steps: readonly ScenarioFileStep[], context: NemesisContext, sink: IssueSink): NemesisAction {
  const node = (raw: RawNodeRef, at: (string | number)[]): NodeRef => nodeRef(raw, at, index, steps, context, sink);
  const service = (name: string, at: (string | number)[]): void => {
    if (!context.services.has(name)) sink.error(at, `unknown service ${name}: expected one of ${[...context.services].join(', ') || '(none in manifests)'}`);
  };
  const moves = (list: readonly string[] | undefined): string[] => {
    list?.forEach((s, i) => service(s, [...path, 'mayMoveIpsOf', i]));
    return [...(list ?? [])];
  };
  switch (step.action) {
    case 'kill-node':
    case 'restart-node':
    case 'kill-agent':
    case 'restart-agent':
    case 'freeze':
    case 'thaw':
    case 'partition-api':
    case 'heal-api':
      return { action: step.action, node: node(step.node, [...path, 'node']) };
    case 'api-outage':
    case 'api-restore':
    case 'restart-operator':
    case 'heal-nodes':
      return { action: step.action };
    case 'link-down':
    case 'link-up': {
      const ref = node(step.node, [...path, 'node']);
      checkIface(ref, step.iface, [...path, 'iface'], context, sink, false);
      return { action: step.action, node: ref, iface: step.iface };
    }
    case 'segment-down':
    case 'segment-up':
      if (!context.topology.segments.some((s) => s.name === step.segment)) sink.error([...path, 'segment'], `unknown segment ${step.segment}: expected one of ${context.topology.segments.map((s) => s.name).join(', ')}`);
      return { action: step.action, segment: step.segment };
    case 'netem':
    case 'netem-clear': {
      const target = shapeTarget(step, path, node, context, sink);
      if (step.action === 'netem-clear') return { action: step.action, ...target };
      if (step.delay === undefined && step.loss === undefined) sink.error(path, 'expected delay and/or loss');
      if (step.jitter !== undefined && step.delay === undefined) sink.error([...path, 'jitter'], 'jitter needs a delay');
      return {
        action: 'netem',
        ...target,
        ...(step.delay === undefined ? {} : { delayMs: step.delay }),
        ...(step.jitter === undefined ? {} : { jitterMs: step.jitter }),
        ...(step.loss === undefined ? {} : { lossPercent: step.loss }),
      };
    }
    case 'partition-nodes': {
      const groups = step.groups.map((group, g) => group.map((ref, i) => node(ref, [...path, 'groups', g, i])));
      const named = groups.flatMap((group, g) => group.map((ref, i) => ({ ref, g, i }))).filter((x) => x.ref.kind === 'node');
      named.forEach((x, k) => {
        if (named.findIndex((y) => y.ref.kind === 'node' && x.ref.kind === 'node' && y.ref.name === x.ref.name) < k) sink.error([...path, 'groups', x.g, x.i], 'node is in more than one group');
      });
      return { action: 'partition-nodes', groups };
    }
    case 'patch-lease':
      service(step.service, [...path, 'service']);
      return { action: 'patch-lease', service: step.service, holder: step.holder };
    case 'edit':
    case 'delete': {
      const target = objectRef(step, path, context, sink);
      return step.action === 'edit'
        ? { action: 'edit', target, patch: step.patch, mayMoveIpsOf: moves(step.mayMoveIpsOf) }
        : { action: 'delete', target, mayMoveIpsOf: moves(step.mayMoveIpsOf) };
    }
    case 'apply': {
      const parsed = embeddedObject(step.object, [...path, 'object'], sink);
      sink.issues.push(...parsed.issues);
      if (step.object.kind === 'Node') sink.error([...path, 'object', 'kind'], 'Nodes come from topology.nodes; change labels with an edit of the Node');
      return { action: 'apply', object: step.object, mayMoveIpsOf: moves(step.mayMoveIpsOf) };
    }
  }
}

function nodeRef(raw: RawNodeRef, path: (string | number)[], index: number, steps: readonly ScenarioFileStep[], context: NemesisContext, sink: IssueSink): NodeRef {
  if (typeof raw === 'string') {
    if (!context.topology.nodes.some((n) => n.name === raw)) sink.error(path, `unknown node ${raw}: expected one of ${context.topology.nodes.map((n) => n.name).join(', ')}`);
    return { kind: 'node', name: raw };
  }
  if ('holder-of' in raw) {
    if (!context.services.has(raw['holder-of'])) sink.error([...path, 'holder-of'], `unknown service ${raw['holder-of']}: expected one of ${[...context.services].join(', ') || '(none in manifests)'}`);
    return { kind: 'holder-of', service: raw['holder-of'] };
  }
  const name = raw['target-of'];
  const earlier = steps.slice(0, index).find((s) => s.id === name);
  if (earlier === undefined) sink.error([...path, 'target-of'], `no earlier step with id ${name}`);
  else if (!('node' in earlier) || earlier.node === undefined) sink.error([...path, 'target-of'], `step ${name} (${earlier.action}) has no node target`);
  return { kind: 'target-of', step: name };
}

/** A data interface of the named node (or of some node, for run-time targets), or `mgmt` when allowed. */
function checkIface(ref: NodeRef, iface: string, path: (string | number)[], context: NemesisContext, sink: IssueSink, mgmtAllowed: boolean): void {
  if (mgmtAllowed && iface === 'mgmt') return;
  const nodes = ref.kind === 'node' ? context.topology.nodes.filter((n) => n.name === ref.name) : context.topology.nodes;
  if (nodes.length === 0) return; // unknown node, reported
  if (!nodes.some((n) => n.interfaces.some((i) => i.name === iface))) {
    const names = [...new Set(nodes.flatMap((n) => n.interfaces.map((i) => i.name)))];
    sink.error(path, `unknown interface ${iface}${ref.kind === 'node' ? ` on node ${ref.name}` : ''}: expected one of ${[...names, ...(mgmtAllowed ? ['mgmt'] : [])].join(', ')}`);
  }
}

type ShapeStep = Extract<ScenarioFileStep, { action: 'netem' | 'netem-clear' }>;
function shapeTarget(step: ShapeStep, path: (string | number)[], node: (raw: RawNodeRef, at: (string | number)[]) => NodeRef, context: NemesisContext, sink: IssueSink): { node?: NodeRef; client?: string; iface?: string } {
  if ((step.node === undefined) === (step.client === undefined)) {
    sink.error(path, 'expected exactly one of node or client');
    return {};
  }
  if (step.client !== undefined) {
    if (!context.topology.clients.some((c) => c.name === step.client)) sink.error([...path, 'client'], `unknown client ${step.client}: expected one of ${context.topology.clients.map((c) => c.name).join(', ') || '(no clients)'}`);
    if (step.iface !== undefined) sink.error([...path, 'iface'], 'a client has one interface; leave iface out');
    return { client: step.client };
  }
  const ref = node(step.node as RawNodeRef, [...path, 'node']);
  if (step.iface !== undefined) checkIface(ref, step.iface, [...path, 'iface'], context, sink, true);
  return { node: ref, ...(step.iface === undefined ? {} : { iface: step.iface }) };
}

type ObjectStep = Extract<ScenarioFileStep, { action: 'edit' | 'delete' }>;
function objectRef(step: ObjectStep, path: (string | number)[], context: NemesisContext, sink: IssueSink): ObjectRef {
  const namespaced = NAMESPACED_KINDS.has(step.kind);
  if (!namespaced && step.namespace !== undefined) sink.error([...path, 'namespace'], `${step.kind} is cluster-scoped; leave namespace out`);
  const ref: ObjectRef = { kind: step.kind, ...(namespaced ? { namespace: step.namespace ?? 'default' } : {}), name: step.name };
  const key = objectKey(ref.kind, ref.namespace, ref.name);
  if (!context.objects.has(key) && !context.created.has(key)) {
    sink.error([...path, 'name'], `no ${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name} in the manifests${ref.kind === 'Node' ? ' or topology.nodes' : ''}`);
  }
  return ref;
}

/**
 * Applies every edit, in time order, to a copy of what it edits and validates the result with the
 * manifest parser; a problem is reported at the patch field that caused it.
 */
function checkEdits(steps: readonly NemesisStep[], context: NemesisContext, sink: IssueSink): void {
  const current = new Map(context.objects);
  const order = steps.map((step, index) => ({ step, index })).sort((a, b) => a.step.atMs - b.step.atMs || a.index - b.index);
  for (const { step, index } of order) {
    if (step.action === 'apply') {
      const meta = isRecord(step.object.metadata) ? step.object.metadata : {};
      if (typeof step.object.kind === 'string' && typeof meta.name === 'string') current.set(objectKey(step.object.kind, typeof meta.namespace === 'string' ? meta.namespace : undefined, meta.name), step.object);
      continue;
    }
    if (step.action !== 'edit') continue;
    const key = objectKey(step.target.kind, step.target.namespace, step.target.name);
    const before = current.get(key);
    if (before === undefined) continue; // reported by objectRef
    const after = applyMergePatch(before, step.patch);
    if (!isRecord(after)) continue;
    const result = parseManifestText(stringify(after), sink.file);
    for (const issue of result.issues) {
      // The line is the patch field's when the patch wrote it, else the closest patch field above.
      sink.error(['nemesis', index, 'patch', ...pathSegments(issue.path, after)], `the patched ${step.target.kind} would be invalid: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`);
    }
    current.set(key, after);
  }
}
