import { Command, Option } from 'commander';
import type { CliIo } from './main.ts';

/** `l2lab report`: re-render a run directory from its run.json and history.jsonl. */
export function registerReportCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('report')
    .description('re-judge and re-render a run directory (results.json, summary.md, timeline.txt, junit.xml, the SVG plots) from run.json + history.jsonl')
    .argument('<run-dir>', 'a directory l2lab run wrote (reports/<scenario>/<time>-s<seed>/)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit codes as l2lab run: 0 every expectation met, 2 unreadable run directory, 3 safety, 4 liveness, 5 the run was interrupted.')
    .action(async (dir: string, options: { format: 'text' | 'json' }) => {
      const { rerenderReport } = await import('../report/report-cli.ts');
      result.exitCode = await rerenderReport(dir, options, io.stdout);
    });
}
