import type { Command } from 'commander';
import type { CliIo } from './main.ts';
import { EXIT, UserError } from './user-error.ts';

interface ReapFlags {
  dryRun?: boolean;
  runsDir?: string;
  run?: string;
}

/**
 * `l2lab reap [--dry-run] [--runs-dir DIR] [--run ID]`: removes what dead lab runs left — for each
 * run manifest whose owner process is gone, its processes, namespaces and files, then the
 * manifest; namespaces `l2l-<runId>-*` of runs with no manifest and no live owner; and the docker
 * provider's attached names `l2d-<runId>-*` whose containers are gone. Exit 0 when
 * everything dead is gone (or listed, with --dry-run); 2 for a file that is not a run manifest or
 * something that could not be removed.
 */
export function registerReapCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('reap')
    .description('remove what dead lab runs left: processes, namespaces l2l-<run>-*, files, and attached container namespace names l2d-<run>-* (needs root)')
    .option('--dry-run', 'only print what would be removed')
    .option('--runs-dir <dir>', 'run manifests directory (default /run/l2lab/runs, or L2LAB_RUNS_DIR)')
    .option('--run <id>', 'only this run id')
    .addHelpText('after', '\nA run is dead when its owner process (PID + start time) is gone. Exit codes: 0 done, 2 bad manifest or removal failed.')
    .action(async (flags: ReapFlags) => {
      // Loaded here so that `l2lab --help` and the other commands do not pay for it.
      const [{ reap }, { DEFAULT_RUNS_DIR }] = await Promise.all([import('../lab/manifest/reap.ts'), import('../lab/manifest/run-manifest.ts')]);
      if (flags.run !== undefined && !/^[a-z0-9]{1,12}$/.test(flags.run)) throw new UserError(`--run '${flags.run}': a run id is 1–12 lowercase letters or digits`);
      const runsDir = flags.runsDir ?? DEFAULT_RUNS_DIR;
      let outcome;
      try {
        outcome = await reap({ runsDir, dryRun: flags.dryRun === true, ...(flags.run === undefined ? {} : { onlyRun: flags.run }) });
      } catch (error) {
        throw new UserError(`reap: ${error instanceof Error ? error.message : String(error)}`);
      }
      for (const line of outcome.lines) io.stdout(`${line}\n`);
      for (const bad of outcome.badManifests) io.stderr(`l2lab reap: ${bad}\n`);
      for (const failure of outcome.failures) io.stderr(`l2lab reap: ${failure}\n`);
      const acted = outcome.actions.filter((a) => a.kind === 'teardown' || a.kind === 'remove-namespaces' || a.kind === 'detach-names').length;
      if (acted === 0) io.stdout(`nothing to reap${outcome.actions.length > 0 ? ` (${outcome.actions.filter((a) => a.kind === 'keep').length} live run(s) kept)` : ''} in ${runsDir} and /run/netns\n`);
      else if (flags.dryRun === true) io.stdout(`dry run: ${acted} dead run(s); nothing was removed\n`);
      result.exitCode = outcome.badManifests.length > 0 || outcome.failures.length > 0 ? EXIT.harnessError : EXIT.ok;
    });
}
