import { Command, InvalidArgumentError, Option } from 'commander';
import { SystemClock } from '../core/system-clock.ts';
import type { BenchPorts } from '../bench/failover-cli.ts';
import type { CliIo } from './main.ts';

/** `l2lab bench failover` and `l2lab bench lease-load`: distributions and sweeps, with a bench directory. */
export function registerBenchCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  const bench = program.command('bench').description('benchmarks: failover latency distributions over sweeps, lease load against the model');
  bench
    .command('failover')
    .description('trials of a leader failure; per failover component p50/p90/p99/max for each sweep point, CDF plots')
    .addOption(new Option('--world <world>', 'where the trials run').choices(['sim', 'lab']).default('sim'))
    .option('--profile <names>', 'behaviour profile(s), comma-separated (a profile axis); default cilium-1.16')
    .option('--trials <n>', 'trials per sweep point (default 100 in sim, 30 in the lab)', parseCount)
    .option('--sweep <key=v1,v2,...>', 'a sweep axis (repeatable): timings, leaseDuration, renewDeadline, retryPeriod, nodes, services, fault, profile, arpAccept, baseReachableTime, …', collect, [])
    .option('--seed <n>', 'base seed; trial i of every point runs with a seed derived from it and i', parseSeed, 1)
    .option('--out <dir>', 'bench directory (default reports/bench/failover/<yyyymmdd-hhmmss>/)')
    .option('--workers <n>', 'sim worker threads (default: the cores, at most 8; 0 = the main thread)', parseWorkers)
    .addHelpText(
      'after',
      [
        '',
        'Default sweep (no --sweep): sim timings=fast,kube-vip-default,cilium-default,k8s-default × nodes=3,5,10 × fault=agent-kill,node-kill,freeze,link-down; lab (root, one bring-up per point) timings=fast × fault=agent-kill,node-kill.',
        'Examples: --sweep retryPeriod=100ms,200ms,500ms   --sweep arpAccept=0,1 --sweep baseReachableTime=5s,30s   --profile cilium-1.16,reference',
        'Exit codes: 0 done, 2 bad option or harness error, 5 interrupted (the bench directory holds what was measured).',
      ].join('\n'),
    )
    .action(async (options: import('../bench/failover-cli.ts').BenchFailoverOptions, command: Command) => {
      const { benchFailoverCommand } = await import('../bench/failover-cli.ts');
      result.exitCode = await withSigint((signal) => benchFailoverCommand(options, portsOf(io, command, signal)));
    });
  bench
    .command('lease-load')
    .description('lease requests/s by verb and per node against the model, throttling and lease losses under a client rate limit')
    .addOption(new Option('--world <world>', 'where the elections run').choices(['sim', 'lab']).default('sim'))
    .option('--nodes <list>', 'node counts', '3,10,20')
    .option('--services <list>', 'service counts (at most 62)', '5,50')
    .option('--retry <list>', 'retryPeriods (2s = Cilium defaults 15s/5s/2s, 200ms = fast 3s/1s/200ms, others scale 7.5R/2.5R/R)', '2s,200ms')
    .option('--qps <q>', "each agent's client-go rate limit, requests/s (with --burst)", parsePositive)
    .option('--burst <b>', 'the rate limiter burst (with --qps)', parseCount)
    .option('--duration <d>', 'measurement window (default 30s at retryPeriod ≥ 1s, else 15s)')
    .option('--profile <name>', 'behaviour profile', 'cilium-1.16')
    .option('--seed <n>', 'seed', parseSeed, 1)
    .option('--out <dir>', 'bench directory (default reports/bench/lease-load/<yyyymmdd-hhmmss>/)')
    .addHelpText('after', '\nExit codes: 0 done, 2 bad option or harness error, 5 interrupted (the bench directory holds the cells measured).')
    .action(async (options: import('../bench/lease-load-cli.ts').BenchLeaseLoadOptions, command: Command) => {
      const { benchLeaseLoadCommand } = await import('../bench/lease-load-cli.ts');
      result.exitCode = await withSigint((signal) => benchLeaseLoadCommand(options, portsOf(io, command, signal)));
    });
  bench
    .command('compare')
    .description('the same leader-failure sweep and the Lease load on several implementations, side by side (default cilium-1.16, metallb-l2, kube-vip-arp)')
    .addOption(new Option('--world <world>', 'where the trials run').choices(['sim', 'lab']).default('sim'))
    .option('--profiles <names>', 'two or more profiles, comma-separated', 'cilium-1.16,metallb-l2,kube-vip-arp')
    .option('--sweep <key=v1,v2,...>', 'failover sweep axes as bench failover (default timings=fast,cilium-default and fault=agent-kill,node-kill)', collect, [])
    .option('--trials <n>', 'failover trials per sweep point (default 100 in sim, 30 in the lab)', parseCount)
    .option('--nodes <list>', 'lease-load node counts', '3,10')
    .option('--services <list>', 'lease-load service counts', '5,50')
    .option('--retry <list>', 'lease-load retryPeriods', '2s')
    .option('--seed <n>', 'base seed', parseSeed, 1)
    .option('--out <dir>', 'comparison directory (default reports/bench/compare/<yyyymmdd-hhmmss>/): summary.md, results.json, failover/, lease-load-<profile>/')
    .addHelpText('after', '\nExit codes: 0 done, 2 bad option or harness error, 5 interrupted (what was measured is written).')
    .action(async (options: import('../bench/compare-cli.ts').BenchCompareOptions, command: Command) => {
      const { benchCompareCommand } = await import('../bench/compare-cli.ts');
      result.exitCode = await withSigint((signal) => benchCompareCommand(options, portsOf(io, command, signal)));
    });
}

/** Runs `body` with SIGINT/SIGTERM turned into an abort signal (the benchmark stops and writes what it has). */
async function withSigint(body: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function portsOf(io: CliIo, command: Command, signal: AbortSignal): BenchPorts {
  const raw = (command.parent?.parent as { rawArgs?: unknown } | null | undefined)?.rawArgs;
  const argv = Array.isArray(raw) && raw.every((a) => typeof a === 'string') ? (raw as string[]) : ['bench', command.name()];
  // The bar draws on the terminal itself; without one, progress goes through io.stderr as lines.
  return { stdout: io.stdout, stderr: io.stderr, ...(process.stderr.isTTY ? { stderrStream: process.stderr } : {}), argv, signal, clock: new SystemClock(), now: () => new Date() };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function parseWorkers(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 64) throw new InvalidArgumentError('expected a whole number, 0 … 64');
  return n;
}

function parsePositive(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('expected an integer');
  return seed;
}
