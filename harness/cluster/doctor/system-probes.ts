/**
 * The real {@link DoctorProbes}: `command -v` for tools, `docker version` against the default
 * endpoint and against l2lab's own daemon socket, `docker image inspect` for the provider images,
 * the control-plane binaries and the cap addon on disk, KUBECONFIG or ~/.kube/config. Every probe
 * is bounded (5 s) and a failure is a fact ("not reachable: …"), never an exception.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { locateBinaries, REPO_ROOT } from '../../control-plane/binaries.ts';
import { DOCKER_PROVIDER_SOCKET } from '../plan/docker-daemon.ts';
import { LOCAL_BASE_IMAGE } from '../plan/plan-cluster.ts';
import { DOCTOR_TOOLS, PROVIDER_IMAGES, type DaemonFact, type DoctorFacts, type DoctorProbes, type DoctorTool } from './doctor-facts.ts';

const PROBE_TIMEOUT_MS = 5_000;

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: PROBE_TIMEOUT_MS, env }, (error, stdout, stderr) => resolve({ ok: error === null, stdout: String(stdout), stderr: String(error !== null && stderr === '' ? error.message : stderr) }));
  });
}

async function daemon(endpoint: string | undefined, hasDocker: boolean): Promise<DaemonFact> {
  const shown = endpoint ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!hasDocker) return { reachable: false, endpoint: shown, error: 'no docker CLI' };
  const env = endpoint === undefined ? process.env : { ...process.env, DOCKER_HOST: endpoint };
  const got = await run('docker', ['version', '--format', '{{.Server.Version}}'], env);
  if (got.ok) return { reachable: true, endpoint: shown, version: got.stdout.trim() };
  return { reachable: false, endpoint: shown, error: got.stderr.trim().split('\n').at(-1)?.slice(0, 160) ?? 'unreachable' };
}

/** Probes this machine. */
export const systemDoctorProbes: DoctorProbes = {
  async gather(): Promise<DoctorFacts> {
    const tools = Object.fromEntries(await Promise.all(DOCTOR_TOOLS.map(async (t) => [t, (await run('sh', ['-c', `command -v ${t}`])).ok] as const))) as Record<DoctorTool, boolean>;
    const defaultDaemon = await daemon(undefined, tools.docker);
    const own = `unix://${DOCKER_PROVIDER_SOCKET}`;
    const ownDaemon = existsSync(DOCKER_PROVIDER_SOCKET) ? await daemon(own, tools.docker) : { reachable: false, endpoint: own, error: 'not started' };
    const images = new Set<string>();
    for (const d of [defaultDaemon, ownDaemon].filter((x) => x.reachable)) {
      for (const ref of [LOCAL_BASE_IMAGE, ...Object.values(PROVIDER_IMAGES)]) {
        if ((await run('docker', ['image', 'inspect', ref], { ...process.env, DOCKER_HOST: d.endpoint })).ok) images.add(ref);
      }
    }
    const controlPlaneBuilt = await locateBinaries().then(() => true, () => false);
    const kubeconfig = process.env.KUBECONFIG ?? (existsSync(join(homedir(), '.kube/config')) ? join(homedir(), '.kube/config') : undefined);
    return {
      uid: process.getuid?.() ?? -1,
      tools,
      controlPlaneBuilt,
      capBuilt: existsSync(join(REPO_ROOT, 'node_modules/cap/build/Release/cap.node')),
      defaultDaemon,
      ownDaemon,
      images,
      baseTarballCached: existsSync(join(REPO_ROOT, '.cache/cluster/debian-bookworm-minbase.tar')),
      ...(kubeconfig === undefined ? {} : { kubeconfig }),
    };
  },
};
