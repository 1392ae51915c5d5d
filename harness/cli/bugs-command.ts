import { Command, InvalidArgumentError, Option } from 'commander';
import type { BugsCommandOptions } from '../bugs/bugs-cli.ts';
import { BUG_WORLDS } from '../bugs/plan.ts';
import type { CliIo } from './main.ts';

/** `l2lab bugs`: every bug scenario on its affected and fixed profiles, one table of verdicts and evidence. */
export function registerBugsCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('bugs')
    .description('reproduce the bugs of scenarios/bugs/: each must fail on its affected profiles and hold on its fixed ones')
    .addOption(new Option('--world <world>', 'where to run them').choices([...BUG_WORLDS]).default('sim'))
    .option('--only <ids>', 'comma-separated bug ids (C02,M03) or scenario names')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--out <dir>', 'output directory (default reports/bugs/<yyyymmdd-hhmmss>/): one report per run + results.json + summary.md')
    .option('--dir <dir>', 'folder of the bug scenarios', 'scenarios/bugs')
    .option('--jobs <n>', 'runs at a time (default 2 in sim, 1 in the lab)', parseJobs)
    .addHelpText('after', '\nExit codes: 0 every bug reproduced (skipped worlds aside), 1 some bug did not reproduce (a catching invariant did otherwise on some profile, or another expectation of its scenario was unmet), 2 bad input or a run that produced no results, 5 interrupted.')
    .action(async (options: BugsCommandOptions) => {
      // Loaded on use, so `l2lab --help` and other commands do not pay for it.
      const { runBugsCommand } = await import('../bugs/bugs-cli.ts');
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        result.exitCode = await runBugsCommand(options, { stdout: io.stdout, stderr: io.stderr, signal: controller.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

function parseJobs(text: string): number {
  const jobs = Number(text);
  if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 16) throw new InvalidArgumentError('expected a whole number from 1 to 16');
  return jobs;
}
