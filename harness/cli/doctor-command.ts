import { Option, type Command } from 'commander';
import type { CliIo } from './main.ts';
import { EXIT } from './user-error.ts';

/**
 * `l2lab doctor [--format text|json]`: which worlds (sim, lab, cluster) and cluster providers this
 * machine can run, and for the others every missing piece with the command that installs it.
 * Exit 0 always (a report, not a check); `--format json` for scripts.
 */
export function registerDoctorCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('doctor')
    .description('which worlds and cluster providers this machine can run, and how to get what is missing')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: { format: 'text' | 'json' }) => {
      const [{ systemDoctorProbes }, { decideDoctor }, { renderDoctorJson, renderDoctorText }] = await Promise.all([
        import('../cluster/doctor/system-probes.ts'), import('../cluster/doctor/decide-doctor.ts'), import('../cluster/doctor/render-doctor.ts'),
      ]);
      const report = decideDoctor(await systemDoctorProbes.gather());
      io.stdout(flags.format === 'json' ? renderDoctorJson(report) : renderDoctorText(report));
      result.exitCode = EXIT.ok;
    });
}
