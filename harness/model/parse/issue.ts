/**
 * A problem found in user input: where (file, line, field path) and what was expected. Parsers
 * collect these instead of throwing, so one run reports every problem at once.
 */
export interface ParseIssue {
  readonly file: string;
  /** 1-based; 0 when the file itself is the problem (unreadable, not YAML). */
  readonly line: number;
  readonly column?: number;
  /** `Kind/name` of the object, when known. */
  readonly object?: string;
  /** Field path inside the object, `spec.blocks[0].cidr`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

/** `file:line[:col]: Kind/name: path: message`, the form editors and CI annotate. */
export function formatIssue(issue: ParseIssue): string {
  const where = issue.column === undefined ? `${issue.file}:${issue.line}` : `${issue.file}:${issue.line}:${issue.column}`;
  const what = [issue.object, issue.path].filter((part) => part !== undefined && part !== '').join(': ');
  return what === '' ? `${where}: ${issue.message}` : `${where}: ${what}: ${issue.message}`;
}

/** Renders a field path array as `spec.blocks[0].cidr`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
