import { Command, InvalidArgumentError, Option } from 'commander';
import type { RunCommandOptions } from '../run/run-cli.ts';
import type { CliIo } from './main.ts';

/** `l2lab run`: one scenario in a world, judged, with a report directory. */
export function registerRunCommand(program: Command, io: CliIo, result: { exitCode: number }): void {
  program
    .command('run')
    .description('run a scenario (topology, manifests, faults, expectations) and judge every invariant')
    .argument('<scenario>', 'scenario file (scenarios/*.yaml)')
    .addOption(new Option('--world <world>', 'where to run it').choices(['sim', 'lab', 'cluster']).default('sim'))
    .addOption(new Option('--provider <provider>', 'with --world cluster: where the nodes run (docker: containers of the locally built responder image; kind, talos: an existing cluster of node containers; k3s: a cluster this run starts and stops (needs Docker and the rancher/k3s image); kubeconfig: any cluster; root)').choices(['docker', 'kind', 'talos', 'k3s', 'kubeconfig']).default('docker'))
    .option('--kubeconfig <file>', 'with --provider kind|talos|kubeconfig: the cluster (default KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default kind-<cluster>, admin@<cluster>, or the current one)')
    .option('--cluster-name <name>', 'kind / Talos cluster name (l2lab cluster up names them l2lab-<run>; default kind, talos-default)')
    .addOption(new Option('--target <target>', 'what announces on the cluster: the l2lab responder or real Cilium').choices(['l2lab', 'cilium']).default('l2lab'))
    .option('--node-map <map>', 'scenario nodes on cluster nodes: n1=kind-worker,n2=… (default: the schedulable workers sorted by name)')
    .option('--k3s-image <image>', 'with --provider k3s: the k3s image (default rancher/k3s:v1.31.4-k3s1; a local one where nothing can be pulled)')
    .option('--nodes <n>', "with --provider k3s: agent containers (default: the scenario's node count)", parseNodes)
    .option('--seed <n>', "seed (default: the scenario's seed, else 1)", parseSeed)
    .option('--profile <name>', "behaviour profile (default: the scenario's)")
    .option('--out <dir>', 'report directory (default reports/<scenario>/<yyyymmdd-hhmmss>-s<seed>/)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit codes: 0 every expectation met, 2 bad scenario or harness error (result unknown), 3 safety violation, 4 liveness violation, 5 interrupted (the report holds what ran).')
    .action(async (file: string, options: RunCommandOptions, command: Command) => {
      // Loaded on use, so `l2lab --help` and other commands do not pay for the simulator.
      const { runScenarioCommand } = await import('../run/run-cli.ts');
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      // `on`: a second SIGINT during the lab's teardown must not kill the process half-way.
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        result.exitCode = await runScenarioCommand(file, options, { stdout: io.stdout, stderr: io.stderr, argv: argvOf(command, file), signal: controller.signal });
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
  program
    .command('lab-run', { hidden: true })
    .description('(internal) the lab orchestrator inside the lab namespace; started by `run --world lab`')
    .argument('<scenario>')
    .requiredOption('--run-id <id>')
    .requiredOption('--manifest <path>')
    .requiredOption('--plan <path>')
    .requiredOption('--out <dir>')
    .requiredOption('--seed <n>', 'seed', parseSeed)
    .option('--profile <name>')
    .addOption(new Option('--format <format>').choices(['text', 'json']).default('text'))
    .option('--argv <json>', 'argv of the outer run, for run.json', '[]')
    .action(async (file: string, options: import('../lab/world/lab-child.ts').LabChildOptions) => {
      const { runLabChild } = await import('../lab/world/lab-child.ts');
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      // `on`, not `once`: a terminal's SIGINT reaches the child twice (process group + the host's forward).
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        result.exitCode = await runLabChild(file, options, io, controller.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // The report is written (or the error is on its way to stderr) and the processes are
        // stopped: a keep-alive socket or a pipe left open must not keep the orchestrator — and the
        // host waiting on it — alive. 2 s lets stdout/stderr drain; exit() keeps process.exitCode.
        setTimeout(() => process.exit(), 2_000);
      }
    });
}

function parseNodes(text: string): number {
  const nodes = Number(text);
  if (!Number.isInteger(nodes) || nodes < 1) throw new InvalidArgumentError('expected a positive integer');
  return nodes;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('expected an integer');
  return seed;
}

/** The argv the program was parsed from (commander keeps it as `rawArgs`, untyped), for run.json. */
function argvOf(command: Command, file: string): string[] {
  const raw = (command.parent as { rawArgs?: unknown } | null)?.rawArgs;
  return Array.isArray(raw) && raw.every((a) => typeof a === 'string') ? [...(raw as string[])] : ['run', file];
}
