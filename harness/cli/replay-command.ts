import { Command, Option } from 'commander';
import type { CliIo } from './main.ts';

/** `l2lab replay`: re-run a run directory's scenario with its recorded seed, profile and world. */
export function registerReplayCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('replay')
    .description('re-run a recorded run (its scenario file, world, seed, profile) into a new run directory and say whether it reproduced: sim byte-identical history, lab same verdicts')
    .argument('<run-dir>', 'a directory l2lab run wrote (reports/<scenario>/<time>-s<seed>/)')
    .option('--out <dir>', 'new run directory (default <run-dir>-replay, then -replay-2 …)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', "\nExit codes: the replayed run's (0, 3, 4, 5, as l2lab run) when it reproduced the recorded run; 1 when it did not; 2 missing or corrupt run directory or scenario.")
    .action(async (dir: string, options: { out?: string; format: 'text' | 'json' }) => {
      const { replayRun } = await import('../report/replay-cli.ts');
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        result.exitCode = await replayRun(dir, options, { stdout: io.stdout, stderr: io.stderr, argv: ['replay', dir, ...(options.out === undefined ? [] : ['--out', options.out])], signal: controller.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
