/**
 * `loadScenario`: the only I/O of scenario parsing — reads the scenario file and the manifest
 * files it names (relative to the scenario's folder), then hands the texts to
 * `parseScenarioText`. Unreadable files become issues; nothing throws for bad input.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readYamlDocuments } from '../model/parse/yaml-documents.ts';
import { parseScenarioText, type ScenarioParseResult } from './parse-scenario.ts';
import type { ManifestFileTexts } from './resolve-manifests.ts';

/** Reads, parses and validates the scenario at `path`. */
export async function loadScenario(path: string): Promise<ScenarioParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { issues: [{ file: path, line: 0, path: '', message: `cannot read scenario: ${describeFsError(error)}` }], warnings: [] };
  }
  return parseScenarioText(text, path, { manifestFiles: await readManifestFiles(text, path) });
}

/** The `manifestFiles` entries of a scenario text, read relative to the scenario's folder. */
async function readManifestFiles(text: string, path: string): Promise<ManifestFileTexts> {
  const value = readYamlDocuments(text, path).documents[0]?.value;
  const listed = typeof value === 'object' && value !== null && 'manifestFiles' in value ? (value as { manifestFiles: unknown }).manifestFiles : undefined;
  const files = new Map<string, { text: string; file: string } | { error: string }>();
  if (!Array.isArray(listed)) return files;
  for (const entry of listed) {
    if (typeof entry !== 'string' || files.has(entry)) continue; // the schema reports non-strings
    const file = join(dirname(path), entry);
    try {
      files.set(entry, { text: await readFile(file, 'utf8'), file });
    } catch (error) {
      files.set(entry, { error: describeFsError(error) });
    }
  }
  return files;
}

function describeFsError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : '';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
