/**
 * Zod issues → `file:line: path: message` issues. Lines come from the YAML document
 * (`YamlDocument.lineAt`), and unions report the branch the input was meant for (a mapping given
 * for `timings` is judged as a mapping, not as "not one of the presets").
 */
import type { z } from 'zod';
import { formatPath, type ParseIssue } from '../model/parse/issue.ts';
import type { YamlDocument } from '../model/parse/yaml-documents.ts';

type ZodIssue = z.core.$ZodIssue;

/** Converts a zod error on `doc.value` (or on the value at `prefix`) into located issues. */
export function zodIssues(doc: YamlDocument, error: z.ZodError, prefix: readonly PropertyKey[] = []): ParseIssue[] {
  return error.issues.flatMap((issue) => located(doc, issue, prefix));
}

function located(doc: YamlDocument, issue: ZodIssue, prefix: readonly PropertyKey[]): ParseIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    // A union with its own message says it better than any one branch when no branch matched the type.
    const branch = chooseBranch(issue.errors, issue.message !== 'Invalid input');
    if (branch !== undefined) return branch.flatMap((inner) => located(doc, inner, path));
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ file: doc.file, line: doc.lineAt([...path, key]), path: formatPath([...path, key]), message: `unknown field '${key}'` }));
  }
  return [{ file: doc.file, line: doc.lineAt(path), path: formatPath(path), message: describe(issue, valueAt(doc.value, path)) }];
}

/**
 * The union branch the input was written for: the first whose issues are all below the root (the
 * input had that branch's type); failing that, undefined when the union has its own message (used
 * instead), else the first branch whose root issue is about the value rather than the type.
 */
function chooseBranch(branches: readonly (readonly ZodIssue[])[], ownMessage: boolean): readonly ZodIssue[] | undefined {
  const rootTypeMismatch = (i: ZodIssue): boolean => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'unrecognized_keys');
  const matched = branches.find((b) => b.length > 0 && b.every((i) => i.path.length > 0));
  if (matched !== undefined || ownMessage) return matched;
  return branches.find((b) => b.length > 0 && !b.some(rootTypeMismatch));
}

function describe(issue: ZodIssue, input: unknown): string {
  const discriminated = issue as { discriminator?: unknown; options?: unknown };
  if (issue.code === 'invalid_union' && discriminated.discriminator !== undefined && Array.isArray(discriminated.options)) {
    const options = discriminated.options.map(String).join(', ');
    return input === undefined ? `required field missing (expected one of ${options})` : `expected one of ${options}, got ${JSON.stringify(input)}`;
  }
  if (issue.code === 'invalid_type') {
    if (input === undefined) return `required field missing (${issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message})`;
    const expected = issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
    return `${expected}, got ${typeName(input)}`;
  }
  if (issue.code === 'invalid_value') {
    return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}, got ${JSON.stringify(input)}`;
  }
  if (issue.code === 'custom' || input === undefined || typeof input === 'object') return issue.message;
  return `${issue.message}, got ${JSON.stringify(input)}`;
}

/** The raw value at `path` (undefined when absent). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
