import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { analyseManifests } from '../check/analyse.ts';
import { renderCheckJson } from '../check/render-json.ts';
import { renderCheckText } from '../check/render-text.ts';
import type { Severity } from '../check/report.ts';
import { loadManifests } from '../model/load-manifests.ts';
import { assembleManifestSet } from '../model/parse/assemble.ts';
import { parseCiliumValues } from '../model/parse/cilium-values.ts';
import { formatIssue } from '../model/parse/issue.ts';
import type { CiliumValues } from '../model/types.ts';
import { DEFAULT_PROFILE_NAME, PROFILES } from '../profiles/profiles.ts';
import type { CliIo } from './main.ts';
import { EXIT, UserError } from './user-error.ts';

interface CheckOptions {
  readonly file: string[];
  readonly values?: string;
  readonly profile: string;
  readonly format: 'text' | 'json';
  readonly seed: number;
  readonly failOn?: Severity;
}

/** `l2lab check`: what the manifests announce, on which nodes and interfaces, and why not. */
export function registerCheckCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('check')
    .description('tell what your Cilium manifests will announce — and why something will not')
    .requiredOption('-f, --file <path...>', 'manifest files or directories (multi-document YAML, kubectl -o yaml Lists)')
    .option('--values <file>', 'Cilium Helm values (lease timings, k8sClientRateLimit, devices, …)')
    .addOption(new Option('--profile <name>', 'Cilium behaviour profile').choices([...PROFILES.keys()]).default(DEFAULT_PROFILE_NAME))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--seed <n>', 'seed for random allocation (cilium-1.14 allocates at random)', parseSeed, 1)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists').choices(['error', 'warning']))
    .addHelpText(
      'after',
      '\nExit codes: 0 analysed, 1 findings at --fail-on severity, 2 bad input (file:line and field path are printed).',
    )
    .action(async (options: CheckOptions) => {
      result.exitCode = await runCheck(options, io);
    });
}

async function runCheck(options: CheckOptions, io: CliIo): Promise<number> {
  const values = options.values === undefined ? undefined : await loadValues(options.values);
  const { parsed, issues } = await loadManifests(options.file);
  if (issues.length > 0) {
    throw new UserError(`checking manifests: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the input`, issues.map(formatIssue));
  }
  const { set, warnings } = assembleManifestSet(parsed, { gatewayExternalTrafficPolicy: values?.gatewayApiExternalTrafficPolicy });
  const profile = PROFILES.get(options.profile);
  if (profile === undefined) throw new UserError(`unknown profile '${options.profile}'`);
  const report = analyseManifests({ set, values, profile, seed: options.seed, inputFiles: options.file, valuesFile: options.values, parseWarnings: warnings });
  io.stdout(options.format === 'json' ? renderCheckJson(report) : renderCheckText(report));
  const threshold = options.failOn;
  if (threshold !== undefined && report.findings.some((f) => f.severity === 'error' || (threshold === 'warning' && f.severity === 'warning'))) {
    return EXIT.findings;
  }
  return EXIT.ok;
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

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('expected an integer');
  return seed;
}
