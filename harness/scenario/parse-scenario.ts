/**
 * `parseScenarioText`: one scenario file's text → a resolved {@link Scenario}, or every problem
 * as `file:line: field.path: what was expected`. Pure: manifest files the scenario names are
 * passed in (`loadScenario` reads them). Never throws for bad input.
 */
import { DEFAULT_PROFILE_NAME } from '../profiles/profiles.ts';
import { formatDurationMs } from './duration.ts';
import type { ParseIssue } from '../model/parse/issue.ts';
import { readYamlDocuments } from '../model/parse/yaml-documents.ts';
import { IssueSink } from './issues.ts';
import { indexObjects, isRecord, objectKey, serviceKeys } from './object-index.ts';
import { resolveExpectations, resolveWorkload } from './resolve-expectations.ts';
import { resolveManifests, type ManifestFileTexts } from './resolve-manifests.ts';
import { resolveNemesis } from './resolve-nemesis.ts';
import { resolveTiming } from './resolve-timing.ts';
import { resolveTopology } from './resolve-topology.ts';
import { scenarioFileSchema, type ScenarioFile } from './schema.ts';
import type { BugInfo, Scenario } from './types.ts';
import { WORLDS } from './types.ts';
import { zodIssues } from './zod-issues.ts';

/** Result of parsing: the scenario when there are no issues; warnings either way. */
export interface ScenarioParseResult {
  readonly scenario?: Scenario;
  /** Errors: the scenario cannot be run. */
  readonly issues: readonly ParseIssue[];
  /** Corrections and suspicious things the run goes ahead with. */
  readonly warnings: readonly ParseIssue[];
}

/** Options of {@link parseScenarioText}. */
export interface ParseScenarioOptions {
  /** Texts of the `manifestFiles` entries, keyed as written in the scenario. */
  readonly manifestFiles?: ManifestFileTexts;
}

/** Parses and validates one scenario file (one YAML document). */
export function parseScenarioText(text: string, file: string, options: ParseScenarioOptions = {}): ScenarioParseResult {
  const { documents, issues } = readYamlDocuments(text, file);
  if (issues.length > 0) return { issues, warnings: [] };
  const doc = documents[0];
  if (doc === undefined) return { issues: [{ file, line: 1, path: '', message: 'expected a scenario (apiVersion: l2lab.io/v1alpha1, kind: Scenario), found an empty file' }], warnings: [] };
  if (documents.length > 1) {
    return { issues: [{ file, line: documents[1]?.line ?? 1, path: '', message: `expected one scenario per file, found ${documents.length} YAML documents` }], warnings: [] };
  }
  if (!isRecord(doc.value)) return { issues: [{ file, line: doc.line, path: '', message: 'expected a mapping (apiVersion, kind, metadata, topology, …)' }], warnings: [] };
  const parsed = scenarioFileSchema.safeParse(doc.value);
  if (!parsed.success) return { issues: zodIssues(doc, parsed.error), warnings: [] };
  const sink = new IssueSink(doc);
  const scenario = resolve(parsed.data, text, options, sink);
  return sink.issues.length > 0 ? { issues: sink.issues, warnings: sink.warnings } : { scenario, issues: [], warnings: sink.warnings };
}

function resolve(raw: ScenarioFile, text: string, options: ParseScenarioOptions, sink: IssueSink): Scenario {
  if (raw.duration === 0) sink.error(['duration'], 'expected a duration above 0s');
  raw.worlds?.forEach((world, i) => {
    if (raw.worlds?.indexOf(world) !== i) sink.error(['worlds', i], `${world} is listed twice`);
  });
  const timing = resolveTiming(raw.timings, sink);
  const topology = resolveTopology(raw.topology, sink);
  const manifests = resolveManifests(raw, text, topology, options.manifestFiles ?? new Map(), sink);
  const objects = indexObjects(manifests.objects, topology);
  const created = new Set<string>();
  for (const step of raw.nemesis ?? []) {
    const meta = step.action === 'apply' && isRecord(step.object.metadata) ? step.object.metadata : undefined;
    if (step.action === 'apply' && typeof step.object.kind === 'string' && typeof meta?.name === 'string') {
      created.add(objectKey(step.object.kind, typeof meta.namespace === 'string' ? meta.namespace : undefined, meta.name));
    }
  }
  const services = serviceKeys(new Map([...objects, ...[...created].map((k) => [k, {}] as const)]));
  const loadBalancers = manifests.set.services.filter((s) => s.type === 'LoadBalancer' && s.derivedFrom === undefined).map((s) => `${s.namespace}/${s.name}`);
  const nemesis = resolveNemesis(raw.nemesis ?? [], { durationMs: raw.duration, topology, objects, created, services }, sink);
  const workload = resolveWorkload(raw.workload, topology, services, loadBalancers, sink);
  const expectations = resolveExpectations(raw.expectations, raw.metadata.bug, sink);
  if (raw.expectations?.leaseLoad?.to !== undefined && raw.expectations.leaseLoad.to > raw.duration) {
    sink.error(['expectations', 'leaseLoad', 'to'], `expected at most the scenario's duration ${formatDurationMs(raw.duration)}`);
  }
  const bug = raw.metadata.bug;
  return {
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    name: raw.metadata.name,
    description: raw.metadata.description ?? '',
    ...(bug === undefined ? {} : { bug: resolveBug(bug) }),
    profile: raw.profile ?? bug?.affected[0] ?? DEFAULT_PROFILE_NAME,
    worlds: [...(raw.worlds ?? WORLDS)],
    durationMs: raw.duration,
    ...(raw.seed === undefined ? {} : { seed: raw.seed }),
    timing,
    ...(raw.clientRateLimit === undefined ? {} : { clientRateLimit: { qps: raw.clientRateLimit.qps, burst: raw.clientRateLimit.burst } }),
    topology,
    manifestObjects: manifests.objects,
    manifests: manifests.set,
    workload,
    nemesis,
    expectations,
    source: { file: sink.file, line: 1 },
  };
}

function resolveBug(bug: NonNullable<ScenarioFile['metadata']['bug']>): BugInfo {
  return {
    id: bug.id,
    ...(bug.title === undefined ? {} : { title: bug.title }),
    ...(bug.repo === undefined ? {} : { repo: bug.repo }),
    issues: [...(bug.issues ?? [])],
    pulls: [...(bug.pulls ?? [])],
    affected: [...bug.affected],
    fixed: [...(bug.fixed ?? [])],
    ...(bug.symptom === undefined ? {} : { symptom: bug.symptom }),
  };
}
