import { Command, CommanderError } from 'commander';
import { registerAnalyzeCommand } from './analyze-command.ts';
import { registerBenchCommand } from './bench-command.ts';
import { registerBugsCommand } from './bugs-command.ts';
import { registerCheckCommand } from './check-command.ts';
import { registerClusterCommands } from './cluster-command.ts';
import { registerControlPlaneCommands } from './control-plane.ts';
import { registerDoctorCommand } from './doctor-command.ts';
import { registerExploreCommand } from './explore-command.ts';
import { registerReapCommand } from './reap-command.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerRunCommand } from './run-command.ts';
import { EXIT, UserError } from './user-error.ts';

/** Writes to the real terminal; the only place the CLI touches stdout/stderr directly. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Builds the command tree; commands set `exitCode` through the returned holder. */
export function buildProgram(io: CliIo, result: { exitCode: number }): Command {
  const program = new Command('l2lab')
    .description('Layer-2 load-balancer failover lab: Cilium L2 announcements + LB-IPAM, MetalLB, kube-vip')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerCheckCommand(program, io, result);
  registerRunCommand(program, io, result);
  registerReportCommand(program, io, result);
  registerReplayCommand(program, io, result);
  registerControlPlaneCommands(program, io, result);
  registerExploreCommand(program, io, result);
  registerReapCommand(program, io, result);
  registerAnalyzeCommand(program, io, result);
  registerClusterCommands(program, io, result);
  registerDoctorCommand(program, io, result);
  registerBenchCommand(program, io, result);
  registerBugsCommand(program, io, result);
  // Lab role processes (started by the lab orchestrator only): hidden, loaded on use.
  program.command('lab-proc <role>', { hidden: true }).requiredOption('--config <file>').action(async (role: string, options: { config: string }) => {
    const { runLabProc } = await import('../lab/proc/run-role.ts');
    result.exitCode = await runLabProc(role, options.config);
    process.exit(result.exitCode); // a role owns its process: lingering sockets must not keep it alive
  });
  return program;
}

/**
 * Runs the CLI and returns the process exit code. User errors print one clear message (and their
 * details) and give 2; anything unexpected prints the message, not a stack, unless L2LAB_DEBUG=1.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const result = { exitCode: EXIT.ok as number };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.harnessError;
    }
    if (error instanceof UserError) {
      io.stderr(`l2lab: ${error.message}\n`);
      for (const detail of error.details) io.stderr(`  ${detail}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`l2lab: internal error: ${message}\n`);
    if (process.env.L2LAB_DEBUG === '1' && error instanceof Error && error.stack !== undefined) io.stderr(`${error.stack}\n`);
    else io.stderr('  (this is a bug in l2lab; rerun with L2LAB_DEBUG=1 for the stack trace and report it)\n');
    return EXIT.harnessError;
  }
}
