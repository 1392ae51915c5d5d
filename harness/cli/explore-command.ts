import { Command, InvalidArgumentError, Option } from 'commander';
import { PROFILES } from '../profiles/profiles.ts';
import type { CliIo } from './main.ts';

/** Options of `l2lab explore` as commander parses them. */
export interface ExploreCommandOptions {
  readonly profile: string;
  readonly runs: number;
  readonly seed?: number;
  readonly path?: string;
  readonly out: string;
  readonly invariant?: readonly string[];
  readonly rateLimit: 'default' | 'tight';
  readonly avoidKnownFindings?: boolean;
  readonly maxNodes?: number;
  readonly maxServices?: number;
  readonly maxSteps?: number;
}

/** `l2lab explore`: property search over generated scenarios in the sim, shrinking the first violation. */
export function registerExploreCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('explore')
    .description('search generated scenarios in the sim for a violated invariant; shrink it and write a replayable regression')
    .addOption(new Option('--profile <name>', 'behaviour profile every scenario runs on').choices([...PROFILES.keys()]).makeOptionMandatory())
    .option('--runs <n>', 'generated scenarios to run', parseCount, 100)
    .option('--seed <n>', 'fast-check seed (default: a random one, printed)', parseSeed)
    .option('--path <path>', 'replay this fast-check shrink path (with --seed) instead of searching')
    .option('--out <dir>', 'where the regression scenario is written', 'scenarios/regressions')
    .option('--invariant <name...>', 'judge only these invariants')
    .addOption(new Option('--rate-limit <bias>', 'client rate limits drawn: default (none or loose) or tight (1–3 QPS)').choices(['default', 'tight']).default('default'))
    .option('--avoid-known-findings', 'leave out the corners where reference is known to fail (docs/explore.md)')
    .option('--max-nodes <n>', 'largest topology', parseCount)
    .option('--max-services <n>', 'most services', parseCount)
    .option('--max-steps <n>', 'most nemesis steps (0 = fault-free)', parseWhole)
    .addHelpText('after', '\nExit codes: 0 no violation in --runs runs, 2 bad input or harness error, 3 safety violation, 4 liveness violation.')
    .action(async (options: ExploreCommandOptions) => {
      // Loaded on use, so `l2lab --help` and other commands do not pay for the simulator.
      const { runExploreCommand } = await import('../explore/run-explore.ts');
      const env = { ...io, nowMs: () => performance.now(), randomSeed: () => Math.floor(Math.random() * 0x7fff_ffff) };
      result.exitCode = await runExploreCommand(options, env);
    });
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || Math.abs(seed) > 0x7fff_ffff) throw new InvalidArgumentError('expected a 32-bit integer');
  return seed;
}

function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function parseWhole(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}
