import { readFile } from 'node:fs/promises';
import { EXIT, UserError } from '../cli/user-error.ts';
import { loadManifests } from '../model/load-manifests.ts';
import { assembleManifestSet } from '../model/parse/assemble.ts';
import { parseCiliumValues } from '../model/parse/cilium-values.ts';
import { formatIssue } from '../model/parse/issue.ts';
import type { CiliumValues } from '../model/types.ts';
import { PROFILES } from '../profiles/profiles.ts';
import { analyseManifests } from './analyse.ts';
import { renderCheckJson } from './render-json.ts';
import { renderCheckText } from './render-text.ts';
import type { Severity } from './report.ts';

/** Options of `l2lab check`, as parsed by the CLI. */
export interface CheckOptions {
  readonly file: readonly string[];
  readonly values?: string;
  readonly profile: string;
  readonly format: 'text' | 'json';
  readonly seed: number;
  readonly failOn?: Severity;
}

/**
 * `l2lab check` end to end: read and validate the manifests (every problem reported with
 * `file:line` and field path, exit 2), analyse, print, and return the exit code.
 */
export async function runCheck(options: CheckOptions, write: (text: string) => void): Promise<number> {
  const values = options.values === undefined ? undefined : await loadValues(options.values);
  const { parsed, issues } = await loadManifests(options.file);
  if (issues.length > 0) {
    throw new UserError(`checking manifests: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the input`, issues.map(formatIssue));
  }
  const { set, warnings } = assembleManifestSet(parsed, { gatewayExternalTrafficPolicy: values?.gatewayApiExternalTrafficPolicy });
  const profile = PROFILES.get(options.profile);
  if (profile === undefined) throw new UserError(`unknown profile '${options.profile}'`);
  const report = analyseManifests({
    set,
    profile,
    seed: options.seed,
    inputFiles: options.file,
    parseWarnings: warnings,
    ...(values === undefined ? {} : { values }),
    ...(options.values === undefined ? {} : { valuesFile: options.values }),
  });
  write(options.format === 'json' ? renderCheckJson(report) : renderCheckText(report));
  const threshold = options.failOn;
  const failing = report.findings.some((f) => f.severity === 'error' || (threshold === 'warning' && f.severity === 'warning'));
  return threshold !== undefined && failing ? EXIT.findings : EXIT.ok;
}

async function loadValues(file: string): Promise<CiliumValues> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new UserError(`reading Helm values ${file}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  const { values, issues } = parseCiliumValues(text, file);
  if (values === undefined || issues.length > 0) {
    throw new UserError(`reading Helm values ${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`, issues.map(formatIssue));
  }
  return values;
}
