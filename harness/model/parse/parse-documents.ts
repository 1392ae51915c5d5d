import type { z } from 'zod';
import type { SourceRef } from '../types.ts';
import { formatPath, type ParseIssue } from './issue.ts';
import { KIND_HANDLERS } from './kinds/index.ts';
import type { ManifestObject } from './manifest-object.ts';
import { readYamlDocuments, type YamlDocument } from './yaml-documents.ts';

/** An object of a kind l2lab does not model: listed so the user sees it was skipped. */
export interface SkippedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly source: SourceRef;
}

/** What one or more manifest files yield before the set is assembled. */
export interface ParsedDocuments {
  readonly objects: ManifestObject[];
  readonly skipped: SkippedObject[];
  readonly issues: ParseIssue[];
}

/** Bound on `List` nesting (kubectl output nests one level; anything deeper is a mistake). */
const MAX_LIST_DEPTH = 4;

/** Parses one file's text: every document validated, every problem reported with its line. */
export function parseManifestText(text: string, file: string): ParsedDocuments {
  const out: ParsedDocuments = { objects: [], skipped: [], issues: [] };
  const { documents, issues } = readYamlDocuments(text, file);
  out.issues.push(...issues);
  for (const doc of documents) parseValue(doc, doc.value, [], 0, out);
  return out;
}

function parseValue(doc: YamlDocument, value: unknown, path: PropertyKey[], depth: number, out: ParsedDocuments): void {
  const line = doc.lineAt(path);
  if (!isRecord(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
    out.issues.push({ file: doc.file, line, path: formatPath(path), message: 'expected a Kubernetes object with string fields apiVersion and kind' });
    return;
  }
  const { kind, apiVersion } = value;
  const name = isRecord(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : '';
  if (kind.endsWith('List') && Array.isArray(value.items)) {
    if (depth >= MAX_LIST_DEPTH) {
      out.issues.push({ file: doc.file, line, path: formatPath(path), message: `Lists nested deeper than ${MAX_LIST_DEPTH} levels` });
      return;
    }
    value.items.forEach((item, index) => parseValue(doc, item, [...path, 'items', index], depth + 1, out));
    return;
  }
  const handler = KIND_HANDLERS.get(kind);
  const source: SourceRef = { file: doc.file, line };
  const objectName = `${kind}/${name === '' ? '<unnamed>' : name}`;
  if (handler === undefined || !apiVersionMatches(handler.apiVersions, apiVersion)) {
    if (handler !== undefined && apiVersion.startsWith(handler.apiVersions[0]?.split('/')[0] ?? '\0')) {
      out.issues.push({
        file: doc.file,
        line: doc.lineAt([...path, 'apiVersion']),
        object: objectName,
        path: formatPath([...path, 'apiVersion']),
        message: `apiVersion ${apiVersion} is not served for ${kind}; expected one of ${handler.apiVersions.join(', ')}`,
      });
      return;
    }
    out.skipped.push({ apiVersion, kind, name, source });
    return;
  }
  const result = handler.schema.safeParse(value, { reportInput: true });
  if (!result.success) {
    out.issues.push(...zodIssues(doc, path, objectName, result.error));
    return;
  }
  out.objects.push(...handler.toModel(result.data, source));
}

function apiVersionMatches(accepted: readonly string[], apiVersion: string): boolean {
  return accepted.includes(apiVersion);
}

function zodIssues(doc: YamlDocument, prefix: PropertyKey[], objectName: string, error: z.ZodError): ParseIssue[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        file: doc.file,
        line: doc.lineAt([...path, key]),
        object: objectName,
        path: formatPath([...path, key]),
        message: `unknown field '${key}'`,
      }));
    }
    return [{ file: doc.file, line: doc.lineAt(path), object: objectName, path: formatPath(path), message: describeZodIssue(issue) }];
  });
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `required field missing (expected ${issue.expected})`;
    // A schema's own message says more than zod's generic one.
    const expected = issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
    return `${expected}, got ${typeName(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
  }
  return issue.input === undefined || typeof issue.input === 'object' ? issue.message : `${issue.message}, got ${JSON.stringify(issue.input)}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
