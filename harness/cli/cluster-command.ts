import { Option, type Command } from 'commander';
import type { CliIo } from './main.ts';
import { EXIT, UserError } from './user-error.ts';

interface ClusterFlags {
  provider: string;
  target: string;
  runId?: string;
  kubeconfig?: string;
  image?: string;
  subnet?: string;
  ciliumVersion?: string;
  dryRun?: boolean;
}

/**
 * `l2lab cluster up|down --provider kind|talos|k3s|kubeconfig|docker [--target l2lab|cilium]
 * [--run-id ID] [--dry-run]`: brings a cluster-world cluster up or down from a plan
 * (`harness/cluster/plan/`). `--dry-run` prints the plan as a bash script and touches nothing.
 * Exit 0 done, 2 bad input, a missing tool (named with its install command) or a failed step.
 * Also the hidden `cluster-proc node|operator`, the responder image's entrypoint.
 */
export function registerClusterCommands(program: Command, io: CliIo, result: { exitCode: number }): void {
  const cluster = program.command('cluster').description('bring a cluster-world cluster up or down: kind, Talos-in-Docker, k3s, any kubeconfig, or local Docker');
  for (const action of ['up', 'down'] as const) {
    cluster
      .command(action)
      .description(action === 'up' ? 'create the cluster (or use --kubeconfig) and deploy the target' : 'remove exactly what `up` of the same run id made')
      .addOption(new Option('--provider <provider>', 'where the cluster comes from').choices(['kind', 'talos', 'k3s', 'kubeconfig', 'docker']).makeOptionMandatory())
      .addOption(new Option('--target <target>', 'our responder workload, or real Cilium').choices(['l2lab', 'cilium']).default('l2lab'))
      .option('--run-id <id>', action === 'up' ? 'names everything made (default: a fresh id, printed)' : 'the run id `up` printed (required)')
      .option('--kubeconfig <file>', 'the existing cluster (--provider kubeconfig)')
      .option('--image <ref>', 'responder image (default l2lab-responder:<run>, built; kubeconfig: l2lab-responder:dev)')
      .option('--subnet <cidr>', 'second Docker network, inside 198.18.0.0/15 (default from the run id)')
      .option('--cilium-version <v>', 'Cilium chart version for --target cilium')
      .option('--dry-run', 'print the commands as a bash script; run nothing')
      .addHelpText('after', '\nThe plan is printed by --dry-run exactly as it runs; see docs/kind.md. Exit codes: 0 done, 2 bad input, missing tool or failed step.')
      .action(async (flags: ClusterFlags) => {
        const [{ planCluster, ClusterPlanError }, { renderShellPlan }, { executePlan }, { systemPlanRunner }, { REPO_ROOT }, { newRunId }] = await Promise.all([
          import('../cluster/plan/plan-cluster.ts'), import('../cluster/plan/render-shell.ts'), import('../cluster/plan/execute-plan.ts'),
          import('../cluster/exec/system-plan-runner.ts'), import('../control-plane/binaries.ts'), import('../lab/world/lab-command.ts'),
        ]);
        if (action === 'down' && flags.runId === undefined) throw new UserError('cluster down: --run-id is required (the id `cluster up` printed): down removes exactly that run');
        const runId = flags.runId ?? newRunId();
        let plan;
        try {
          plan = planCluster({
            action, provider: flags.provider as never, target: flags.target as never, runId, repoRoot: REPO_ROOT,
            ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }), ...(flags.image === undefined ? {} : { image: flags.image }),
            ...(flags.subnet === undefined ? {} : { subnet: flags.subnet }), ...(flags.ciliumVersion === undefined ? {} : { ciliumVersion: flags.ciliumVersion }),
          });
        } catch (error) {
          if (error instanceof ClusterPlanError) throw new UserError(`cluster ${action}: ${error.message}`);
          throw error;
        }
        if (flags.dryRun === true) {
          io.stdout(renderShellPlan(plan));
          result.exitCode = EXIT.ok;
          return;
        }
        io.stderr(`cluster ${action} ${runId}: ${plan.steps.length} steps (--provider ${plan.provider} --target ${plan.target})\n`);
        const outcome = await executePlan(plan, systemPlanRunner(io.stderr), (line) => io.stderr(`cluster ${runId}: ${line}\n`));
        for (const note of plan.notes) io.stderr(`cluster ${runId}: note: ${note}\n`);
        for (const failure of outcome.failures) io.stderr(`cluster ${runId}: not removed: ${failure}\n`);
        if (action === 'up') io.stdout(`cluster ${runId} up: kubeconfig ${plan.kubeconfig}; remove with: l2lab cluster down --provider ${plan.provider} --target ${plan.target} --run-id ${runId}\n`);
        else io.stdout(`cluster ${runId} down${outcome.failures.length > 0 ? ` (${outcome.failures.length} step(s) failed, see above)` : ''}\n`);
        result.exitCode = outcome.failures.length > 0 ? EXIT.harnessError : EXIT.ok;
      });
  }
  cluster
    .command('run <scenario>')
    .description('run a scenario in the cluster world (--provider docker: containers of the locally built image, the real control plane; root)')
    .addOption(new Option('--provider <provider>', 'where the nodes run').choices(['docker']).default('docker'))
    .option('--run-id <id>', 'names everything made (default: a fresh id)')
    .option('--seed <n>', 'seed', (v: string) => Number.parseInt(v, 10), 1)
    .option('--profile <name>', "behaviour profile (default: the scenario's)")
    .option('--out <dir>', 'report directory (default reports/<scenario>/cluster-<run>)')
    .option('--image <ref>', 'use this responder image instead of building l2lab-responder:<run>')
    .option('--keep-daemon', 'leave a Docker daemon this command started running')
    .addOption(new Option('--format <format>').choices(['text', 'json']).default('text'))
    .action(async (file: string, flags: { provider: string; runId?: string; seed: number; profile?: string; out?: string; image?: string; keepDaemon?: boolean; format: 'text' | 'json' }) => {
      const [{ runDockerCommand }, { newRunId }, { basename, resolve }] = await Promise.all([import('../cluster/docker/docker-command.ts'), import('../lab/world/lab-command.ts'), import('node:path')]);
      const runId = flags.runId ?? `d${newRunId().slice(0, 5)}`;
      if (!/^[a-z0-9]{1,12}$/.test(runId)) throw new UserError(`--run-id '${runId}': 1–12 lowercase letters or digits`);
      if (!Number.isInteger(flags.seed)) throw new UserError('--seed: expected an integer');
      const out = resolve(flags.out ?? `reports/${basename(file).replace(/\.ya?ml$/, '')}/cluster-${runId}`);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        result.exitCode = await runDockerCommand(resolve(file), { runId, seed: flags.seed, out, format: flags.format, argv: process.argv.slice(2), signal: controller.signal, ...(flags.profile === undefined ? {} : { profile: flags.profile }), ...(flags.image === undefined ? {} : { image: flags.image }), ...(flags.keepDaemon === true ? { keepDaemon: true } : {}) }, io);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
  // The docker provider's orchestrator inside the daemon's namespace (started by `cluster run`).
  program
    .command('cluster-docker-run <scenario>', { hidden: true })
    .requiredOption('--run-id <id>').requiredOption('--image <ref>').requiredOption('--out <dir>')
    .option('--seed <n>', 'seed', (v: string) => Number.parseInt(v, 10), 1).option('--profile <name>')
    .addOption(new Option('--format <format>').choices(['text', 'json']).default('text')).option('--argv <json>', 'argv of the outer run', '[]')
    .action(async (file: string, options: import('../cluster/docker/docker-child.ts').DockerChildOptions) => {
      const { runDockerChild } = await import('../cluster/docker/docker-child.ts');
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      result.exitCode = await runDockerChild(file, options, io, controller.signal);
    });
  // The responder image's entrypoint (kind/image/Containerfile): hidden, loaded on use.
  program.command('cluster-proc <kind>', { hidden: true }).action(async (kind: string) => {
    const { runClusterProc } = await import('../cluster/in-cluster/cluster-proc.ts');
    result.exitCode = await runClusterProc(kind);
    process.exit(result.exitCode); // the roles' sockets must not keep the container alive
  });
}
