/**
 * The cluster world's docker provider end to end on this machine, where no image can be pulled:
 * l2lab's own Docker daemon (vfs, its own network namespace), the base image imported from a
 * debootstrap tarball, the responder image built on it, and scenarios/leader-kill.yaml run with
 * the nodes as containers of that image (datapath + echo per node, the agent in its own container
 * in the node's network namespace), the lab's real kube-apiserver + etcd, tcpdump on the Docker
 * bridge and the container nemesis (`docker kill` of the leader's agent container, `docker start`
 * 15 s later). Asserts the scenario's expectations hold and that nothing the run made is left:
 * no container, network or attached namespace of the run, no image but the cached base.
 *
 * Needs root, dockerd (Debian docker.io), the control plane and the cached or fetchable base;
 * skips with the reason otherwise. `L2LAB_TEST_IMAGE=<tag>` reuses a built image (no build).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../control-plane/binaries.ts';
import { binariesForTests } from '../../control-plane/cp-test-support.ts';
import type { HistoryOp } from '../../core/history.ts';
import { parseHistoryJsonl } from '../../history/jsonl.ts';
import type { StepRecord } from '../../run/nemesis-driver.ts';
import { DOCKER_PROVIDER_SOCKET } from '../plan/docker-daemon.ts';
import { LOCAL_BASE_IMAGE } from '../plan/plan-cluster.ts';
import { DOCKER_RUN_FILE } from './docker-child.ts';
import { runDockerCommand } from './docker-command.ts';

const setup = await binariesForTests();
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const why = process.getuid?.() !== 0 ? 'needs root' : !has('dockerd') || !has('docker') ? 'needs dockerd and docker (apt-get install -y docker.io)' : setup.skipReason !== undefined ? 'needs the control plane (make control-plane)' : undefined;
if (why !== undefined) process.stderr.write(`docker provider test skipped: ${why}\n`);

const runId = `d${randomBytes(3).toString('hex')}`;
const reuse = process.env.L2LAB_TEST_IMAGE;
const env = { ...process.env, DOCKER_HOST: `unix://${DOCKER_PROVIDER_SOCKET}` };
const out = mkdtempSync(join(tmpdir(), 'l2lab-docker-'));
const dockerLines = (args: string[]): string[] => spawnSync('docker', args, { env, encoding: 'utf8', timeout: 60_000 }).stdout?.split('\n').filter((l) => l !== '') ?? [];

let startedDaemon = false;

describe.skipIf(why !== undefined)('docker provider: leader-kill with the responder image', () => {
  beforeAll(() => {
    // The test owns the daemon's life when it starts it: the run keeps it for the checks below.
    startedDaemon = spawnSync('bash', ['kind/docker/dockerd.sh', 'status'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim() !== 'running';
    const started = spawnSync('bash', ['kind/docker/dockerd.sh', 'start'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    if (started.status !== 0) throw new Error(`starting l2lab's Docker daemon: ${started.stderr}`);
  }, 180_000);

  afterAll(() => {
    if (startedDaemon) spawnSync('bash', ['kind/docker/dockerd.sh', 'stop'], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 120_000 });
    rmSync(out, { recursive: true, force: true });
  }, 180_000);

  it('kills the leader\'s agent container, another node takes over on the Docker bridge, and the run leaves nothing behind but the base', async () => {
    const images = (): string[] => dockerLines(['image', 'ls', '-aq']);
    const imagesBefore = images();
    let err = '';
    const code = await runDockerCommand(join(REPO_ROOT, 'scenarios/leader-kill.yaml'), { runId, seed: 1, out, format: 'json', argv: ['test'], keepDaemon: true, ...(reuse === undefined ? {} : { image: reuse }) }, { stdout: () => {}, stderr: (t) => void (err += t) });
    process.stderr.write(err);
    const summary = JSON.parse(readFileSync(join(out, DOCKER_RUN_FILE), 'utf8')) as { outcome: string; steps: StepRecord[]; leftovers: unknown; notes: string[] };
    const ops: HistoryOp[] = parseHistoryJsonl(readFileSync(join(out, 'history.jsonl'), 'utf8'));
    const kill = summary.steps.find((s) => s.action === 'kill-agent');
    expect(kill?.outcome, JSON.stringify(summary.steps)).toBe('done');
    // The container nemesis acted on the holder's agent container; restart 15 s later.
    expect(ops.some((op) => op.f === 'kill-agent' && op.process === 'nemesis')).toBe(true);
    expect(summary.steps.find((s) => s.action === 'restart-agent')?.outcome).toBe('done');
    // Frames seen by tcpdump on the Docker bridge, and leadership from the agents in the image.
    expect(ops.filter((op) => op.f === 'arp-observed').length).toBeGreaterThan(0);
    expect(ops.some((op) => op.f === 'became-leader')).toBe(true);
    expect(summary.outcome, JSON.stringify({ notes: summary.notes }, null, 1).slice(0, 6000)).toBe('pass');
    expect(code).toBe(0);
    // Nothing of the run is left: containers, networks, attached namespaces; no image but the base.
    expect(summary.leftovers).toEqual({ containers: [], networks: [], netns: [] });
    expect(dockerLines(['ps', '-aq', '--filter', `label=l2lab.io/run=${runId}`])).toEqual([]);
    expect(dockerLines(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).filter((i) => i.includes(runId))).toEqual([]);
    // On a fresh machine the cached base is imported during the run: it is the one image allowed to be new.
    const base = dockerLines(['image', 'ls', '-q', LOCAL_BASE_IMAGE]);
    if (reuse === undefined) expect(images().filter((i) => !imagesBefore.includes(i) && !base.includes(i))).toEqual([]);
    expect(dockerLines(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])).toContain(LOCAL_BASE_IMAGE);
  }, 2_400_000);
});
