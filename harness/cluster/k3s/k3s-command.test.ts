import { describe, expect, it } from 'vitest';
import { UserError } from '../../cli/user-error.ts';
import type { Clock } from '../../core/clock.ts';
import type { Scenario } from '../../scenario/types.ts';
import { DOCTOR_TOOLS, type DoctorFacts, type DoctorTool } from '../doctor/doctor-facts.ts';
import type { PlanRunner } from '../plan/execute-plan.ts';
import { runK3sCommand, type K3sCommandPorts } from './k3s-command.ts';
import type { K3sFactory } from './k3s-starter.ts';

const allTools = (except: readonly DoctorTool[] = []): Record<DoctorTool, boolean> => Object.fromEntries(DOCTOR_TOOLS.map((t) => [t, !except.includes(t)])) as Record<DoctorTool, boolean>;
const IMAGE = 'rancher/k3s:v1.31.4-k3s1';
/** A machine with every tool and a reachable daemon that holds no k3s image. */
const dockerMachine: DoctorFacts = {
  uid: 0,
  tools: allTools(),
  controlPlaneBuilt: true,
  capBuilt: true,
  defaultDaemon: { reachable: true, endpoint: 'unix:///var/run/docker.sock', version: '27.0' },
  ownDaemon: { reachable: false, endpoint: 'unix:///run/l2lab-docker/docker.sock', error: 'not started' },
  images: new Set(),
  baseTarballCached: true,
};
/** This machine: docker.io installed, no daemon at the default endpoint, nothing pullable. */
const noDaemon: DoctorFacts = { ...dockerMachine, tools: allTools(['kind', 'talosctl', 'helm']), defaultDaemon: { reachable: false, endpoint: 'unix:///var/run/docker.sock', error: 'connect ENOENT /var/run/docker.sock' } };
const scenario = { name: 's', topology: { nodes: [{ name: 'n1' }, { name: 'n2' }] } } as unknown as Scenario;
const clock: Clock = { monotonicMs: () => 0, wallMs: () => 0, setTimer: () => ({ cancel: () => {} }), sleep: async () => 'elapsed' };

function harness(facts: DoctorFacts, o: { serverError?: string; failArgv?: string; exitCode?: number } = {}) {
  const log: string[] = [];
  const stderr: string[] = [];
  const factory: K3sFactory = {
    startNetwork: async (name) => (log.push(`network ${name}`), { stop: async () => void log.push(`stop network ${name}`) }),
    startServer: async (spec) => {
      if (o.serverError !== undefined) throw new Error(o.serverError);
      log.push(`server ${spec.name}`);
      return { kubeconfig: () => 'kc', stop: async () => void log.push(`stop ${spec.name}`) };
    },
    startAgent: async (spec) => (log.push(`agent ${spec.name}`), { stop: async () => void log.push(`stop ${spec.name}`) }),
    listNodeNames: async () => ['l2lab-s1-server', 'l2lab-s1-a1', 'l2lab-s1-a2'],
  };
  const runner: PlanRunner = {
    hasTool: async () => true,
    run: async (argv) => {
      log.push(`run ${argv.join(' ').slice(0, 60)}`);
      return { code: o.failArgv !== undefined && argv.join(' ').includes(o.failArgv) ? 1 : 0, stderrTail: '' };
    },
  };
  const ports: K3sCommandPorts = {
    probes: { gather: async () => facts },
    hasImage: async (image) => facts.images.has(image) || image === 'rancher/k3s:local',
    factory: async () => (log.push('factory loaded'), factory),
    runner,
    clock,
    token: () => 'tok',
    runOnCluster: async (kubeconfig, cluster) => (log.push(`scenario on ${cluster} with ${kubeconfig}`), o.exitCode ?? 0),
    stderr: (t) => void stderr.push(t),
  };
  return { ports, log, stderr };
}

const run = (h: ReturnType<typeof harness>, extra: { target?: 'l2lab' | 'cilium'; k3sImage?: string } = {}) =>
  runK3sCommand(scenario, { target: extra.target ?? 'l2lab', runId: 's1', repoRoot: '/repo', ...(extra.k3sImage === undefined ? {} : { k3sImage: extra.k3sImage }) }, h.ports);

async function userError(p: Promise<unknown>): Promise<UserError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('runK3sCommand', () => {
  it('no Docker daemon (this machine): exit 2 naming the daemon, the image and how to get it; nothing is started', async () => {
    const h = harness(noDaemon);
    const error = await userError(run(h));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/--provider k3s: 1 missing .*rancher\/k3s:v1\.31\.4-k3s1 .*needs a Docker daemon and that image/);
    expect(error.details[0]).toMatch(/^missing a Docker daemon at unix:\/\/\/var\/run\/docker.sock \(connect ENOENT/);
    expect(error.details.join('\n')).toContain(`docker pull ${IMAGE}`);
    expect(error.details.join('\n')).toContain('--k3s-image');
    expect(h.log).toEqual([]);
  });

  it('--target cilium without helm names helm', async () => {
    const error = await userError(run(harness({ ...dockerMachine, tools: allTools(['helm']) }), { target: 'cilium' }));
    expect(error.details[0]).toMatch(/^missing helm \(installs Cilium\)/);
  });

  it('an image that cannot be pulled: exit 2 naming it and the two ways out; the network is stopped', async () => {
    const h = harness(dockerMachine, { serverError: '(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' });
    const error = await userError(run(h, { k3sImage: 'rancher/k3s:v1.30.0-k3s1' }));
    expect(error.message).toBe('--provider k3s: could not start the k3s cluster; the image rancher/k3s:v1.30.0-k3s1 is not in the Docker daemon and pulling it failed or is impossible here');
    expect(error.details.join('\n')).toMatch(/no such host/);
    expect(error.details.join('\n')).toContain('docker pull rancher/k3s:v1.30.0-k3s1');
    expect(error.details.join('\n')).toContain('--k3s-image <local image>');
    expect(h.log).toEqual(['factory loaded', 'network l2lab-s1', 'stop network l2lab-s1']);
  });

  it('starts the cluster, sets it up, runs the scenario on it, and stops everything after; the exit code is the scenario\'s', async () => {
    const h = harness({ ...dockerMachine, images: new Set([IMAGE]) }, { exitCode: 3 });
    expect(await run(h)).toBe(3);
    const i = (prefix: string) => h.log.findIndex((l) => l.startsWith(prefix));
    expect(h.log.slice(0, 5)).toEqual(['factory loaded', 'network l2lab-s1', 'server l2lab-s1-server', 'agent l2lab-s1-a1', 'agent l2lab-s1-a2']);
    expect(i('run bash kind/image/build.sh')).toBeGreaterThan(i('agent l2lab-s1-a2'));
    expect(h.log).toContain('scenario on l2lab-s1 with /repo/.cache/cluster/s1/kubeconfig');
    expect(i('scenario on')).toBeGreaterThan(i('run kubectl'));
    expect(h.log.slice(i('scenario on') + 1)).toEqual(['stop l2lab-s1-a2', 'stop l2lab-s1-a1', 'stop l2lab-s1-server', 'stop network l2lab-s1', 'run docker image rm l2lab-responder:s1']);
    expect(h.stderr.join('')).not.toMatch(/testcontainers pulls it/);
  });

  it('a failed setup step: exit 2 without the cluster-down advice, the scenario does not run, everything is stopped', async () => {
    const h = harness(dockerMachine, { failArgv: 'apply -f kind/manifests/' });
    const error = await userError(run(h));
    expect(error.message).toBe('--provider k3s: setting up l2lab-s1 failed');
    expect(error.details.join('\n')).not.toMatch(/cluster down/);
    expect(h.log.some((l) => l.startsWith('scenario on'))).toBe(false);
    expect(h.log).toContain('stop network l2lab-s1');
    expect(h.stderr.join('')).toMatch(/testcontainers pulls it/);
  });
});

describe('runK3sCommand with a local --k3s-image', () => {
  it('a start failure with a local image is not blamed on pulling', async () => {
    const h = harness(dockerMachine, { serverError: 'container exited: cgroup v1 not supported' });
    const error = await userError(run(h, { k3sImage: 'rancher/k3s:local' }));
    expect(error.message).toBe('--provider k3s: could not start the k3s cluster (rancher/k3s:local) at the server stage');
    expect(error.details.join('\n')).not.toMatch(/docker pull/);
    expect(h.stderr.join('')).not.toMatch(/testcontainers pulls it/);
  });
});
