/**
 * A scenario's Kubernetes/Cilium objects — an embedded multi-document string, a list of objects,
 * and/or `manifestFiles` — parsed by the manifest parser of `l2lab check`, with every problem
 * pointing at the line of the scenario file (or of the manifest file) where it was written.
 * Nodes come from `topology.nodes` only: one Node object per topology node is added here, so the
 * policy node selectors see exactly the labels the topology gives.
 */
import { stringify } from 'yaml';
import { assembleManifestSet } from '../model/parse/assemble.ts';
import type { ParseIssue } from '../model/parse/issue.ts';
import type { ManifestObject } from '../model/parse/manifest-object.ts';
import { parseManifestText, type ParsedDocuments } from '../model/parse/parse-documents.ts';
import { readYamlDocuments } from '../model/parse/yaml-documents.ts';
import type { ManifestSet, Node } from '../model/types.ts';
import type { IssueSink } from './issues.ts';
import type { ScenarioFile } from './schema.ts';
import type { Topology } from './types.ts';

/** Text of each `manifestFiles` entry as written, or why it could not be read. */
export type ManifestFileTexts = ReadonlyMap<string, { readonly text: string; readonly file: string } | { readonly error: string }>;

/** Resolved manifests: the raw objects (for rendering and seeding) and the parsed set. */
export interface ResolvedManifests {
  readonly objects: readonly unknown[];
  readonly set: ManifestSet;
}

/** Parses every manifest source of the scenario and adds the topology's Nodes. */
export function resolveManifests(raw: ScenarioFile, scenarioText: string, topology: Topology, files: ManifestFileTexts, sink: IssueSink): ResolvedManifests {
  const parsed: ParsedDocuments[] = [];
  const objects: unknown[] = [];
  const collect = (result: ParsedDocuments, values: readonly unknown[]): void => {
    parsed.push(result);
    objects.push(...values);
    sink.issues.push(...result.issues);
  };
  if (typeof raw.manifests === 'string') collect(...embeddedText(raw.manifests, scenarioText, sink));
  else raw.manifests?.forEach((object, index) => collect(embeddedObject(object, ['manifests', index], sink), [object]));
  raw.manifestFiles?.forEach((path, index) => {
    const entry = files.get(path);
    if (entry === undefined || 'error' in entry) {
      sink.error(['manifestFiles', index], `cannot read manifest file ${path}: ${entry?.error ?? 'not loaded (parse with loadScenario)'}`);
      return;
    }
    const documents = readYamlDocuments(entry.text, entry.file).documents.map((d) => d.value);
    collect(parseManifestText(entry.text, entry.file), documents);
  });
  const { set, warnings } = assembleManifestSet(parsed);
  sink.warnings.push(...warnings);
  for (const node of set.nodes) {
    sink.issues.push({ file: node.source.file, line: node.source.line, path: '', object: `Node/${node.name}`, message: 'Nodes come from topology.nodes (put labels and interfaces there); remove this Node' });
  }
  const nodeNames = new Set(topology.nodes.map((n) => n.name));
  for (const endpoint of set.endpoints) {
    if (endpoint.nodeName !== undefined && !nodeNames.has(endpoint.nodeName)) {
      sink.issues.push({ file: endpoint.source.file, line: endpoint.source.line, path: '', message: `backend on node ${endpoint.nodeName}, which is not in topology.nodes (${[...nodeNames].join(', ')})` });
    }
  }
  const nodes: Node[] = topology.nodes.map((n) => ({ kind: 'Node', name: n.name, labels: n.labels, interfaces: n.interfaces.map((i) => i.name), source: n.source }));
  return { objects, set: { ...set, nodes } };
}

/**
 * An embedded multi-document string: parsed as its own text, lines shifted to the scenario file.
 * A block scalar (`manifests: |`) starts on the line after the key; a plain or quoted string on
 * the key's line.
 */
function embeddedText(text: string, scenarioText: string, sink: IssueSink): [ParsedDocuments, unknown[]] {
  const keyLine = sink.lineAt(['manifests']);
  const lineText = scenarioText.split('\n')[keyLine - 1] ?? '';
  const offset = /[|>][-+0-9]*\s*(#.*)?$/.test(lineText) ? keyLine : keyLine - 1;
  const result = parseManifestText(text, sink.file);
  const shift = (line: number): number => (line === 0 ? keyLine : line + offset);
  const values = readYamlDocuments(text, sink.file).documents.map((d) => d.value);
  return [
    {
      objects: result.objects.map((o) => withSource(o, { file: sink.file, line: shift(o.source.line) })),
      skipped: result.skipped.map((s) => ({ ...s, source: { file: sink.file, line: shift(s.source.line) } })),
      issues: result.issues.map((i) => ({ ...i, line: shift(i.line) })),
    },
    values,
  ];
}

/**
 * One object of the list form: validated by the manifest parser through a YAML rendering of it;
 * lines are mapped back through the issue's field path into the scenario document.
 */
export function embeddedObject(object: Record<string, unknown>, path: readonly (string | number)[], sink: IssueSink): ParsedDocuments {
  const result = parseManifestText(stringify(object), sink.file);
  const line = sink.lineAt(path);
  return {
    objects: result.objects.map((o) => withSource(o, { file: sink.file, line })),
    skipped: result.skipped.map((s) => ({ ...s, source: { file: sink.file, line } })),
    issues: result.issues.map((i): ParseIssue => ({ ...i, line: sink.lineAt([...path, ...pathSegments(i.path, object)]) })),
  };
}

function withSource<T extends ManifestObject>(object: T, source: { file: string; line: number }): T {
  return { ...object, source };
}

/**
 * Splits a formatted field path (`metadata.labels.l2lab.io/x`, `spec.blocks[0].cidr`) back into
 * keys by walking `value`: keys may contain dots, so the longest key present at each level wins.
 */
export function pathSegments(formatted: string, value: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let rest = formatted;
  let node = value;
  while (rest !== '') {
    const index = /^\[(\d+)\]/.exec(rest);
    if (index !== null) {
      const i = Number(index[1]);
      out.push(i);
      node = Array.isArray(node) ? node[i] : undefined;
      rest = rest.slice(index[0].length).replace(/^\./, '');
      continue;
    }
    const keys = typeof node === 'object' && node !== null ? Object.keys(node).filter((k) => rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`)) : [];
    const key = keys.sort((a, b) => b.length - a.length)[0] ?? /^[^.[]+/.exec(rest)?.[0] ?? rest;
    out.push(key);
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    rest = rest.slice(key.length).replace(/^\./, '');
  }
  return out;
}
