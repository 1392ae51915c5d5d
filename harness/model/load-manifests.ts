import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ParseIssue } from './parse/issue.ts';
import { parseManifestText, type ParsedDocuments } from './parse/parse-documents.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Bound on files read from directories, so a mistaken `-f /` fails fast instead of crawling. */
const MAX_FILES = 10_000;
/** Files larger than this are refused: manifests are small, a huge file is a mistake. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads manifest files and directories (recursively, `.yaml`/`.yml`/`.json`, sorted by path) and
 * parses every document. Unreadable paths become issues; nothing throws for bad input.
 */
export async function loadManifests(paths: readonly string[]): Promise<{ parsed: ParsedDocuments[]; issues: ParseIssue[] }> {
  const parsed: ParsedDocuments[] = [];
  const issues: ParseIssue[] = [];
  const files: string[] = [];
  for (const path of paths) {
    try {
      files.push(...(await expand(path, files.length)));
    } catch (error) {
      issues.push({ file: path, line: 0, path: '', message: describeFsError(error) });
    }
  }
  for (const file of files) {
    try {
      const size = (await stat(file)).size;
      if (size > MAX_FILE_BYTES) {
        issues.push({ file, line: 0, path: '', message: `file is ${size} bytes, more than the ${MAX_FILE_BYTES}-byte limit for manifests` });
        continue;
      }
      parsed.push(parseManifestText(await readFile(file, 'utf8'), file));
    } catch (error) {
      issues.push({ file, line: 0, path: '', message: describeFsError(error) });
    }
  }
  return { parsed, issues: [...issues, ...parsed.flatMap((p) => p.issues)] };
}

async function expand(path: string, alreadyFound: number): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true, recursive: true }))
    .filter((e) => e.isFile() && MANIFEST_EXTENSIONS.has(extname(e.name)))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of entries) {
    if (alreadyFound + found.length >= MAX_FILES) {
      throw new Error(`reading directory ${path}: more than ${MAX_FILES} manifest files`);
    }
    found.push(file);
  }
  if (found.length === 0) throw new Error(`reading directory ${path}: no .yaml, .yml or .json files in it`);
  return found;
}

function describeFsError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    const code = String((error as NodeJS.ErrnoException).code);
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EACCES') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
    return `cannot read (${code})`;
  }
  return error instanceof Error ? error.message : String(error);
}
