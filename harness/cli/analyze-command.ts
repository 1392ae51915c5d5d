import { Command, Option } from 'commander';
import type { CliIo } from './main.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `l2lab analyze`: owners, takeovers, GARPs, unanswered requests and split brain in an ARP capture. */
export function registerAnalyzeCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('analyze')
    .description('analyse the ARP in a capture (pcap/pcapng, Ethernet/802.1Q/SLL/SLL2, gzip ok): owners over time, MAC changes and outage gaps, GARPs, unanswered requests, split brain')
    .argument('<capture>', 'a pcap or pcapng file (as tcpdump -w or dumpcap writes it), optionally gzip-compressed')
    .addOption(new Option('--vip <ip|cidr>', 'analyse only these IPs (repeat or comma-separate; CIDRs ok); default every IP').default([]).argParser(collect))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--reply-timeout <duration>', 'a request with no answer within this is unanswered (1s, 200ms, 500us)', '1s')
    .option('--split-window <duration>', 'claims by two MACs at most this far apart make a split-brain window', '1s')
    .option('--max-listed <n>', 'most entries kept per list per IP (the rest are counted)', '1000')
    .option('--max-rows <n>', 'text format: most rows per table and timeline lines', '200')
    .addHelpText('after', '\nExit codes: 0 analysed (also partially: a cut or corrupt capture gives its results so far, flagged partial, with a warning), 2 nothing could be analysed (missing file, not a capture, bad option), 5 interrupted (Ctrl-C; results so far printed). See docs/analyze.md.')
    .action(async (capture: string, options: import('../analyze/analyze-cli.ts').AnalyzeCliOptions) => {
      const { runAnalyze } = await import('../analyze/analyze-cli.ts');
      const { terminalProgress } = await import('../analyze/terminal-progress.ts');
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        result.exitCode = await runAnalyze(capture, options, { stdout: io.stdout, stderr: io.stderr, signal: abort.signal, ...terminalProgress() });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
