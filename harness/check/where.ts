import type { SourceRef } from '../model/types.ts';

/** `file:line` for messages and reports. */
export function at(source: SourceRef): string {
  return `${source.file}:${source.line}`;
}
