/**
 * `l2lab cluster run <scenario> --provider docker`, host side: starts l2lab's Docker daemon when
 * none answers (kind/docker/dockerd.sh), imports the base image from the cached debootstrap
 * tarball (kind/image/base-rootfs.sh), builds the responder image `l2lab-responder:<run>` on it
 * (kind/image/build.sh, no network), re-executes the orchestrator inside the daemon's network
 * namespace (`cluster-docker-run`, see `docker-child.ts`), and at the end removes the image and the
 * build's dangling layers (never the base), and stops the daemon if it started it. The run's
 * containers and networks are removed by the orchestrator; `cluster down --provider docker
 * --run-id <run>` removes what a killed run left.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { REPO_ROOT } from '../../control-plane/binaries.ts';
import { EXIT, UserError } from '../../cli/user-error.ts';
import { DOCKER_PROVIDER_NETNS, DOCKER_PROVIDER_SOCKET } from '../plan/docker-daemon.ts';
import { LOCAL_BASE_IMAGE } from '../plan/plan-cluster.ts';

const exec = promisify(execFile);

/** Options of {@link runDockerCommand}. */
export interface DockerCommandOptions {
  readonly runId: string;
  readonly seed: number;
  readonly profile?: string;
  readonly out: string;
  readonly format: 'text' | 'json';
  /** Use this image instead of building `l2lab-responder:<run>` (kept afterwards). */
  readonly image?: string;
  /** Leave the daemon running even if this command started it. */
  readonly keepDaemon?: boolean;
  readonly argv: readonly string[];
  readonly signal?: AbortSignal;
}

const env = (): NodeJS.ProcessEnv => ({ ...process.env, DOCKER_HOST: `unix://${DOCKER_PROVIDER_SOCKET}` });

async function step(what: string, argv: readonly string[], timeoutMs: number, progress: (line: string) => void): Promise<string> {
  progress(what);
  try {
    return (await exec(argv[0] ?? 'true', argv.slice(1), { cwd: REPO_ROOT, env: env(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new UserError(`cluster run --provider docker: ${what} failed (limit ${timeoutMs} ms)`, [stderr.trim().split('\n').slice(-5).join('\n') || (error instanceof Error ? error.message : String(error))]);
  }
}

/** Runs the scenario on the docker provider; returns the run's exit code. @throws UserError for what the machine lacks. */
export async function runDockerCommand(scenarioFile: string, options: DockerCommandOptions, io: { stdout: (t: string) => void; stderr: (t: string) => void }): Promise<number> {
  if (process.getuid?.() !== 0) throw new UserError('--provider docker needs root: it starts its Docker daemon in a network namespace and captures on the Docker bridge (run as root)');
  const progress = (line: string): void => io.stderr(`docker ${options.runId}: ${line}\n`);
  const status = (await step('Docker daemon status', ['bash', 'kind/docker/dockerd.sh', 'status'], 15_000, () => {})).trim();
  const startedDaemon = status !== 'running';
  await step('Docker daemon (vfs, own namespace)', ['bash', 'kind/docker/dockerd.sh', 'start'], 120_000, progress);
  const image = options.image ?? `l2lab-responder:${options.runId}`;
  let before: string[] = [];
  try {
    await step(`base image ${LOCAL_BASE_IMAGE} (debootstrap tarball, cached)`, ['bash', 'kind/image/base-rootfs.sh'], 900_000, progress);
    before = (await step('image list', ['docker', 'image', 'ls', '-aq'], 60_000, () => {})).split('\n').filter((l) => l !== '');
    if (options.image === undefined) await step(`build ${image} on ${LOCAL_BASE_IMAGE}`, ['bash', 'kind/image/build.sh', '--base', LOCAL_BASE_IMAGE, '--tag', image, '--network', 'none'], 1_800_000, progress);
    const args = [
      'netns', 'exec', DOCKER_PROVIDER_NETNS, process.execPath, '--max-semi-space-size=4', join(REPO_ROOT, 'bin/l2lab.mjs'), 'cluster-docker-run', scenarioFile,
      '--run-id', options.runId, '--image', image, '--out', options.out, '--seed', String(options.seed), '--format', options.format,
      ...(options.profile === undefined ? [] : ['--profile', options.profile]), '--argv', JSON.stringify(options.argv),
    ];
    return await new Promise<number>((resolveCode) => {
      const child = spawn('ip', args, { stdio: 'inherit', env: env() });
      const onAbort = (): void => void child.kill('SIGINT');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', () => resolveCode(EXIT.harnessError));
      child.once('exit', (code, sig) => {
        options.signal?.removeEventListener('abort', onAbort);
        resolveCode(code ?? (sig === 'SIGINT' ? EXIT.interrupted : EXIT.harnessError));
      });
    });
  } finally {
    if (options.image === undefined) await exec('docker', ['image', 'rm', image], { env: env(), timeout: 600_000 }).catch(() => undefined);
    // The build's dangling intermediates are this run's too; the base (listed before) stays.
    const after = await exec('docker', ['image', 'ls', '-aq'], { env: env(), timeout: 60_000 }).then((r) => r.stdout.split('\n').filter((l) => l !== ''), () => []);
    for (const id of after.filter((i) => !before.includes(i))) await exec('docker', ['image', 'rm', id], { env: env(), timeout: 600_000 }).catch(() => undefined);
    if (startedDaemon && options.keepDaemon !== true) await exec('bash', ['kind/docker/dockerd.sh', 'stop'], { cwd: REPO_ROOT, timeout: 120_000 }).catch(() => undefined);
    progress(`cleanup: image ${options.image === undefined ? `${image} removed` : `${image} kept (given)`}${startedDaemon && options.keepDaemon !== true ? ', daemon stopped' : ''}`);
  }
}
