/**
 * Collects a parse's problems: errors (the scenario is not usable) and warnings (it is, but
 * something was corrected or is suspicious), each located by field path in the scenario file.
 */
import { formatPath, type ParseIssue } from '../model/parse/issue.ts';
import type { SourceRef } from '../model/types.ts';
import type { YamlDocument } from '../model/parse/yaml-documents.ts';

/** Where problems of one scenario document go. */
export class IssueSink {
  readonly issues: ParseIssue[] = [];
  readonly warnings: ParseIssue[] = [];
  readonly #doc: YamlDocument;

  constructor(doc: YamlDocument) {
    this.#doc = doc;
  }

  get file(): string {
    return this.#doc.file;
  }

  /** An error at the field `path` of the scenario document. */
  error(path: readonly PropertyKey[], message: string): void {
    this.issues.push(this.#at(path, message));
  }

  /** A warning at the field `path`. */
  warn(path: readonly PropertyKey[], message: string): void {
    this.warnings.push(this.#at(path, message));
  }

  /** The source reference of the field `path` (for resolved objects). */
  source(path: readonly PropertyKey[]): SourceRef {
    return { file: this.#doc.file, line: this.#doc.lineAt(path) };
  }

  lineAt(path: readonly PropertyKey[]): number {
    return this.#doc.lineAt(path);
  }

  #at(path: readonly PropertyKey[], message: string): ParseIssue {
    return { file: this.#doc.file, line: this.#doc.lineAt(path), path: formatPath(path), message };
  }
}
