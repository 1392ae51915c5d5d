import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { ParseIssue } from './issue.ts';

/** One YAML document of a multi-document file, with what is needed to point at its lines. */
export interface YamlDocument {
  readonly file: string;
  readonly value: unknown;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** 1-based line where the document's content starts. */
  readonly line: number;
}

/** Splits `text` into YAML documents; syntax errors become issues with line and column. */
export function readYamlDocuments(text: string, file: string): { documents: YamlDocument[]; issues: ParseIssue[] } {
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
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Unresolved or exploding aliases are only found when the document is resolved.
      const start = document.contents?.range?.[0] ?? 0;
      const line = lineCounter.linePos(start).line;
      issues.push({ file, line, path: '', message: `invalid YAML: ${firstLine(error instanceof Error ? error.message : String(error))}` });
      continue;
    }
    if (value === null || value === undefined) continue; // `---` with nothing after it
    const start = document.contents?.range?.[0] ?? 0;
    documents.push({ file, value, document, lineCounter, line: lineCounter.linePos(start).line });
  }
  return { documents, issues };
}

/** Line of the node at `path` inside the document, or of the closest ancestor that exists. */
export function lineAt(doc: YamlDocument, path: readonly PropertyKey[]): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = doc.document.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node !== undefined && node !== null && typeof node === 'object' && node.range !== undefined) {
      return doc.lineCounter.linePos(node.range[0]).line;
    }
  }
  return doc.line;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
