/**
 * `l2lab reap` on leftovers of real runs: a lab whose owner (a child Node process) is SIGKILLed
 * keeps its namespaces, a recorded process and a scratch directory until reap removes them all (a
 * dry run first lists them and removes nothing); namespaces without any manifest are removed, or
 * kept when the owner mark on their lab netns names a live owner; a file that is not a manifest
 * gives exit 2 naming it. Every call is limited to this test's run ids (`--run`), so other runs on
 * the machine are never touched. Needs root; skips otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test-io.ts';
import { isRunning, readProcStat, startDetached } from '../../control-plane/processes.ts';
import { createLabNetns } from '../topology/apply-lab.ts';
import { applyLab } from '../topology/apply-lab.ts';
import { parseLabScenario } from '../topology/fixtures.test-helpers.ts';
import { LAB_READY, namespacesOfRun, runCommand, testRunId } from '../topology/lab-run.test-helpers.ts';
import { planLab } from '../topology/plan-lab.ts';
import { RunManifest } from './run-manifest.ts';
import { teardownLab } from './teardown.ts';

if (!LAB_READY) process.stderr.write('reap lab test skipped: needs root, iproute2, nft and ping\n');

const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined)) !== undefined;

describe.skipIf(!LAB_READY)('l2lab reap on the kernel', () => {
  let scratch = '';
  const children: ChildProcess[] = [];
  const manifests: RunManifest[] = [];
  const runIds: string[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'l2lab-reap-lab-'));
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const manifest of manifests) await teardownLab(manifest).catch(() => undefined);
    for (const runId of runIds) for (const ns of await namespacesOfRun(runId)) await runCommand('ip', ['netns', 'del', ns]);
    await rm(scratch, { recursive: true, force: true });
  });

  it('removes the namespaces, processes and files of a run whose owner was killed (after a dry run that removes nothing)', async () => {
    const runsDir = join(scratch, 'runs-dead');
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
    children.push(owner);
    const ownerStat = await readProcStat(owner.pid ?? -1);
    expect(ownerStat).toBeDefined();
    const runId = testRunId();
    runIds.push(runId);
    const plan = planLab(parseLabScenario(), runId);
    const manifest = await RunManifest.create({ runId, runDir: scratch, runsDir, owner: { pid: owner.pid ?? -1, startTimeTicks: ownerStat?.startTimeTicks ?? -1 } });
    manifests.push(manifest);
    await applyLab(plan, manifest);
    const workDir = join(scratch, `work-${runId}`);
    await manifest.record({ kind: 'dir', path: workDir });
    await mkdir(workDir);
    const node = plan.nodes[0]?.netns ?? '';
    const sleeper = await startDetached('sleeper', ['sleep', '300'], join(scratch, 'sleeper.log'), node);
    await manifest.recordProcess(sleeper, node);
    // Started inside the run's namespace but never recorded (a crash between spawn and record).
    const stray = await startDetached('stray', ['sleep', '301'], join(scratch, 'stray.log'), plan.clients[0]?.netns);

    const alive = await runCli('reap', '--runs-dir', runsDir, '--run', runId);
    expect(alive.code).toBe(0);
    expect(alive.out).toContain(`run ${runId}: kept — owner pid ${owner.pid} is alive`);
    expect(await namespacesOfRun(runId)).toHaveLength(7);

    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));

    const dry = await runCli('reap', '--dry-run', '--runs-dir', runsDir, '--run', runId);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`run ${runId}: dead — owner pid ${owner.pid} is gone`);
    expect(dry.out).toContain(`would remove netns ${plan.labNetns}`);
    expect(dry.out).toContain(`would remove process sleeper (pid ${sleeper.pid}`);
    expect(dry.out).toContain(`would remove dir ${workDir}`);
    expect(await namespacesOfRun(runId)).toHaveLength(7);
    expect(await isRunning(sleeper)).toBe(true);

    const real = await runCli('reap', '--runs-dir', runsDir, '--run', runId);
    expect(real.err).toBe('');
    expect(real.code).toBe(0);
    expect(real.out).toContain('removed 1 process(es), 7 namespace(s), 1 path(s)');
    expect(await namespacesOfRun(runId)).toEqual([]);
    expect(await isRunning(sleeper)).toBe(false);
    expect(await isRunning(stray)).toBe(false);
    expect(await exists(workDir)).toBe(false);
    expect(await exists(manifest.path)).toBe(false);

    const again = await runCli('reap', '--runs-dir', runsDir, '--run', runId);
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to reap');
  });

  it('removes namespaces no manifest covers, but keeps those whose owner mark names a live owner', async () => {
    const runsDir = join(scratch, 'runs-orphans');
    const orphan = testRunId();
    const marked = testRunId();
    runIds.push(orphan, marked);
    for (const ns of [`l2l-${orphan}-lab`, `l2l-${orphan}-n1`]) expect((await runCommand('ip', ['netns', 'add', ns])).code).toBe(0);
    // A live run whose manifest lives in another directory: its lab netns carries the owner mark.
    const elsewhere = join(scratch, 'runs-elsewhere');
    const manifest = await RunManifest.create({ runId: marked, runDir: scratch, runsDir: elsewhere });
    manifests.push(manifest);
    await createLabNetns(planLab(parseLabScenario(), marked), manifest);

    const result = await runCli('reap', '--runs-dir', runsDir, '--run', orphan);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`run ${orphan}: orphan namespaces — no manifest, no owner mark, nothing running inside`);
    expect(await namespacesOfRun(orphan)).toEqual([]);

    const kept = await runCli('reap', '--runs-dir', runsDir, '--run', marked);
    expect(kept.code).toBe(0);
    expect(kept.out).toContain(`run ${marked}: kept — owner pid ${process.pid} is alive (manifest ${manifest.path})`);
    expect(await namespacesOfRun(marked)).toEqual([`l2l-${marked}-lab`]);
  });

  it('exits 2 naming a file that is not a run manifest', async () => {
    const runsDir = join(scratch, 'runs-bad');
    await mkdir(runsDir, { recursive: true });
    await writeFile(join(runsDir, 'zzz999.json'), '{"kind":"l2lab-lab-run","version":7}');
    const result = await runCli('reap', '--runs-dir', runsDir, '--run', 'zzz999');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`l2lab reap: ${join(runsDir, 'zzz999.json')}: not a run manifest: version:`);
  });
});
