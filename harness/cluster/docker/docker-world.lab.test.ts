/**
 * The cluster world's docker provider end to end on this machine, where no image can be pulled:
 * l2lab's own Docker daemon (vfs, its own network namespace), the base image imported from a
 * debootstrap tarball, the responder image built on it once for the file, and three scenarios run
 * with the nodes as containers of that image (datapath + echo per node, the agent in its own
 * container in the node's network namespace), the lab's real kube-apiserver + etcd and tcpdump on
 * the Docker bridge:
 * - scenarios/leader-kill.yaml: the container nemesis (`docker kill` of the leader's agent
 *   container, `docker start` 15 s later);
 * - scenarios/api-partition.yaml: the lab's API partition (nftables in the node container's
 *   namespace on its management interface), through `LabNet` over the containers' wire;
 * - scenarios/data-link-down.yaml: the lab's pulled cable (the bridge-side veth of the holder's
 *   eth0 down in the daemon's namespace).
 * Each with the scenario's own (fast) timings, as the lab suite runs it. Asserts every scenario's
 * expectations hold, that no nemesis step was skipped and its faults are in the history, and that
 * nothing the runs made is left: no container, network, attached namespace or bridge partition
 * table of a run, no image but the cached base.
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
import { SystemClock } from '../../core/system-clock.ts';
import { parseHistoryJsonl } from '../../history/jsonl.ts';
import type { StepRecord } from '../../run/nemesis-driver.ts';
import { DOCKER_PROVIDER_NETNS, DOCKER_PROVIDER_SOCKET } from '../plan/docker-daemon.ts';
import { LOCAL_BASE_IMAGE } from '../plan/plan-cluster.ts';
import { DOCKER_RUN_FILE } from './docker-child.ts';
import { runDockerCommand } from './docker-command.ts';

const setup = await binariesForTests();
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const why = process.getuid?.() !== 0 ? 'needs root' : !has('dockerd') || !has('docker') ? 'needs dockerd and docker (apt-get install -y docker.io)' : setup.skipReason !== undefined ? 'needs the control plane (make control-plane)' : undefined;
if (why !== undefined) process.stderr.write(`docker provider test skipped: ${why}\n`);

const prefix = `d${randomBytes(2).toString('hex')}`;
const reuse = process.env.L2LAB_TEST_IMAGE;
const image = reuse ?? `l2lab-responder:${prefix}`;
const env = { ...process.env, DOCKER_HOST: `unix://${DOCKER_PROVIDER_SOCKET}` };
const out = mkdtempSync(join(tmpdir(), 'l2lab-docker-'));
const dockerLines = (args: string[]): string[] => spawnSync('docker', args, { env, encoding: 'utf8', timeout: 60_000 }).stdout?.split('\n').filter((l) => l !== '') ?? [];
const images = (): string[] => dockerLines(['image', 'ls', '-aq']);

/** Each scenario, the nemesis ops its faults record, and what else its run must show. */
const SCENARIOS = [
  { name: 'leader-kill', faults: ['kill-agent', 'restart-agent'] },
  { name: 'api-partition', faults: ['partition-api', 'heal-api'] },
  { name: 'data-link-down', faults: ['link-down', 'link-up'] },
] as const;

let startedDaemon = false;
let imagesBefore: string[] = [];

/** What a run of the provider left: containers and networks by its label, attached names, the bridge partition table. */
function leftoversOf(runId: string): string[] {
  const left = dockerLines(['ps', '-aq', '--filter', `label=l2lab.io/run=${runId}`]).map((c) => `container ${c}`);
  left.push(...dockerLines(['network', 'ls', '-q', '--filter', `label=l2lab.io/run=${runId}`]).map((n) => `network ${n}`));
  left.push(...spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(`l2d-${runId}-`)).map((n) => `netns ${n}`));
  if (spawnSync('ip', ['netns', 'exec', DOCKER_PROVIDER_NETNS, 'nft', 'list', 'table', 'bridge', 'l2lab'], { stdio: 'ignore' }).status === 0) left.push(`nft table bridge l2lab in ${DOCKER_PROVIDER_NETNS}`);
  return left;
}

describe.skipIf(why !== undefined)('docker provider: leader-kill, api-partition and data-link-down with the responder image', () => {
  beforeAll(() => {
    // The test owns the daemon's life when it starts it: the runs keep it for the checks below.
    startedDaemon = spawnSync('bash', ['kind/docker/dockerd.sh', 'status'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim() !== 'running';
    const started = spawnSync('bash', ['kind/docker/dockerd.sh', 'start'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    if (started.status !== 0) throw new Error(`starting l2lab's Docker daemon: ${started.stderr}`);
    const base = spawnSync('bash', ['kind/image/base-rootfs.sh'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 900_000 });
    if (base.status !== 0) throw new Error(`importing the base image: ${base.stderr}`);
    imagesBefore = images();
    if (reuse !== undefined) return;
    // One build for the file: the runs are given the image, so none builds or removes it.
    const built = spawnSync('bash', ['kind/image/build.sh', '--base', LOCAL_BASE_IMAGE, '--tag', image, '--network', 'none'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 1_800_000 });
    if (built.status !== 0) throw new Error(`building ${image}: ${built.stderr.slice(-2000)}`);
  }, 2_700_000);

  afterAll(() => {
    if (reuse === undefined) spawnSync('docker', ['image', 'rm', image], { env, stdio: 'ignore', timeout: 600_000 });
    if (startedDaemon) spawnSync('bash', ['kind/docker/dockerd.sh', 'stop'], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 120_000 });
    rmSync(out, { recursive: true, force: true });
  }, 900_000);

  SCENARIOS.forEach(({ name, faults }, i) => {
    it(`${name}: its expectations hold, every step ran (${faults.join(', ')}), and the run leaves nothing behind`, async () => {
      const runId = `${prefix}${i}`;
      const dir = join(out, name);
      let err = '';
      const clock = new SystemClock();
      const t0 = clock.monotonicMs();
      const code = await runDockerCommand(join(REPO_ROOT, `scenarios/${name}.yaml`), { runId, seed: 1, out: dir, format: 'json', argv: ['test'], keepDaemon: true, image }, { stdout: () => {}, stderr: (t) => void (err += t) });
      process.stderr.write(`${err}docker provider ${name}: exit ${code} in ${Math.round((clock.monotonicMs() - t0) / 1000)} s\n`);
      const summary = JSON.parse(readFileSync(join(dir, DOCKER_RUN_FILE), 'utf8')) as { outcome: string; steps: StepRecord[]; leftovers: unknown; notes: string[]; phasesMs: Record<string, number> };
      process.stderr.write(`docker provider ${name}: phases ${JSON.stringify(summary.phasesMs)}\n`);
      const ops: HistoryOp[] = parseHistoryJsonl(readFileSync(join(dir, 'history.jsonl'), 'utf8'));
      // Every nemesis step performed (none skipped as unsupported or failed), its faults recorded.
      expect(summary.steps.map((s) => s.action)).toEqual([...faults]);
      expect(summary.steps.filter((s) => s.outcome !== 'done'), JSON.stringify(summary.steps)).toEqual([]);
      expect(faults.filter((f) => !ops.some((op) => op.process === 'nemesis' && op.f === f))).toEqual([]);
      // Frames seen by tcpdump on the Docker bridge, and leadership from the agents in the image.
      expect(ops.filter((op) => op.f === 'arp-observed').length).toBeGreaterThan(0);
      expect(ops.some((op) => op.f === 'became-leader')).toBe(true);
      if (name === 'data-link-down') {
        // The holder's own agent saw its cable pulled and plugged back (carrier, not admin state).
        expect(ops.filter((op) => op.f === 'link-observed').map((op) => (op.value as { up: boolean }).up)).toEqual([false, true]);
      }
      expect(summary.outcome, JSON.stringify({ notes: summary.notes }, null, 1).slice(0, 6000)).toBe('pass');
      expect(code).toBe(0);
      // Nothing of the run is left: containers, networks, attached namespaces, the partition table.
      expect(summary.leftovers).toEqual({ containers: [], networks: [], netns: [] });
      expect(leftoversOf(runId)).toEqual([]);
      expect(dockerLines(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).filter((i) => i.includes(runId))).toEqual([]);
    }, 1_200_000);
  });

  it('leaves no image but the cached base once the file\'s image is removed', () => {
    if (reuse === undefined) {
      const removed = spawnSync('docker', ['image', 'rm', image], { env, encoding: 'utf8', timeout: 600_000 });
      expect(removed.status, removed.stderr).toBe(0);
      // The build's dangling layers are the file's too; the base (listed before the build) stays.
      for (const id of images().filter((i) => !imagesBefore.includes(i))) spawnSync('docker', ['image', 'rm', id], { env, stdio: 'ignore', timeout: 600_000 });
      expect(images().filter((i) => !imagesBefore.includes(i))).toEqual([]);
    }
    expect(dockerLines(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])).toContain(LOCAL_BASE_IMAGE);
  }, 900_000);
});
