import jsyaml from 'js-yaml';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { ParseIssue } from './issue.ts';

/**
 * Multi-document YAML with line numbers, fast on large inputs and exact on errors.
 *
 * The fast path reads with js-yaml (about 10× faster than `yaml` on a 1.4 MB manifest set) and
 * records the start line of every mapping and sequence through its parse listener. Exact lines of
 * arbitrary fields (for error messages) come from the `yaml` library's document model, built only
 * when a field's line is asked for. Input that js-yaml rejects, or that uses anchors (aliases
 * shared by reference could make validation walk an exponential tree), takes the `yaml` path,
 * which reports every syntax error with line and column and bounds alias expansion.
 */

/** One YAML document of a multi-document file. */
export interface YamlDocument {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  /** 1-based line of the node at `path` (or of its closest existing ancestor). */
  lineAt(path: readonly PropertyKey[]): number;
}

const ANCHOR = /(?:^|[\s:[{,-])&[^\s,[\]{}]/m;
/** Aliases expanded at most this often by the `yaml` path (billion-laughs guard). */
const MAX_ALIAS_COUNT = 100;

/** Splits `text` into YAML documents; syntax errors become issues with line and column. */
export function readYamlDocuments(text: string, file: string): { documents: YamlDocument[]; issues: ParseIssue[] } {
  if (!ANCHOR.test(text)) {
    const fast = readFast(text, file);
    if (fast !== undefined) return { documents: fast, issues: [] };
  }
  return readExact(text, file);
}

function readFast(text: string, file: string): YamlDocument[] | undefined {
  const objectLines = new WeakMap<object, number>();
  const openLines: number[] = [];
  const rootLines: number[] = [];
  const values: unknown[] = [];
  try {
    jsyaml.loadAll(text, (value) => values.push(value), {
      filename: file,
      schema: jsyaml.CORE_SCHEMA, // as the `yaml` path: YAML 1.2 core, timestamps stay strings
      listener(this: unknown, event: 'open' | 'close', state: { line: number; result: unknown }) {
        if (event === 'open') {
          if (openLines.length === 0) rootLines.push(state.line + 1);
          openLines.push(state.line + 1);
          return;
        }
        const line = openLines.pop() ?? 1;
        if (typeof state.result === 'object' && state.result !== null) objectLines.set(state.result, line);
      },
    });
  } catch {
    return undefined; // the exact path reports the error(s) with positions
  }
  const exact = lazyExact(text, file);
  const documents: YamlDocument[] = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined) return; // `---` with nothing after it
    const line = (typeof value === 'object' ? objectLines.get(value) : undefined) ?? rootLines[index] ?? 1;
    documents.push({
      file,
      value,
      line,
      lineAt(path) {
        if (path.length === 0) return line;
        const target = walk(value, path);
        const known = typeof target === 'object' && target !== null ? objectLines.get(target) : undefined;
        return known ?? exact()[index]?.lineAt(path) ?? line;
      },
    });
  });
  return documents;
}

/** The exact documents of `text`, parsed on first use (only error paths need them). */
function lazyExact(text: string, file: string): () => YamlDocument[] {
  let documents: YamlDocument[] | undefined;
  return () => {
    documents ??= readExact(text, file, true).documents;
    return documents;
  };
}

function walk(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * The `yaml` library's path. With `keepEmpty`, empty documents keep their index so document
 * numbers agree with js-yaml's.
 */
function readExact(text: string, file: string, keepEmpty = false): { documents: YamlDocument[]; issues: ParseIssue[] } {
  const lineCounter = new LineCounter();
  const documents: YamlDocument[] = [];
  const issues: ParseIssue[] = [];
  for (const document of parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true })) {
    if (!('errors' in document)) continue; // an EmptyStream: no documents at all
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const pos = lineCounter.linePos(error.pos[0]);
        issues.push({ file, line: pos.line, column: pos.col, path: '', message: `invalid YAML: ${firstLine(error.message)}` });
      }
      continue;
    }
    const start = document.contents?.range?.[0] ?? 0;
    const line = lineCounter.linePos(start).line;
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      // Unresolved or exploding aliases are only found when the document is resolved.
      issues.push({ file, line, path: '', message: `invalid YAML: ${firstLine(error instanceof Error ? error.message : String(error))}` });
      continue;
    }
    if ((value === null || value === undefined) && !keepEmpty) continue;
    documents.push({ file, value, line, lineAt: (path) => exactLine(document, lineCounter, path, line) });
  }
  return { documents, issues };
}

function exactLine(document: Document.Parsed, lineCounter: LineCounter, path: readonly PropertyKey[], fallback: number): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = document.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node !== undefined && node !== null && typeof node === 'object' && node.range !== undefined) {
      return lineCounter.linePos(node.range[0]).line;
    }
  }
  return fallback;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
