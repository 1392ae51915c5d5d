import { Command, InvalidArgumentError, Option } from 'commander';
import type { CheckOptions } from '../check/run-check.ts';
import { DEFAULT_PROFILE_NAME, PROFILES } from '../profiles/profiles.ts';
import type { CliIo } from './main.ts';

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
    .addHelpText('after', '\nExit codes: 0 analysed, 1 findings at --fail-on severity, 2 bad input (file:line and field path are printed).')
    .action(async (options: CheckOptions) => {
      // Loaded on use, so `l2lab --help` and other commands do not pay for the analysis modules.
      const { runCheck } = await import('../check/run-check.ts');
      result.exitCode = await runCheck(options, io.stdout);
    });
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('expected an integer');
  return seed;
}
