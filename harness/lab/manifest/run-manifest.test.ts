import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../cli/test-io.ts';
import type { Clock } from '../../core/clock.ts';
import { listManifests, ManifestError, parseManifest, RunManifest } from './run-manifest.ts';
import type { LabExec } from '../net/lab-exec.ts';
import { describeResource } from './schema.ts';
import { teardownLab } from './teardown.ts';

const scratch = scratchDir('l2lab-manifest-');
afterAll(() => scratch.remove());

const fixedClock: Clock = { monotonicMs: () => 0, wallMs: () => Date.UTC(2026, 0, 2, 3, 4, 5), setTimer: () => ({ cancel: () => undefined }), sleep: () => Promise.resolve('elapsed') };
let counter = 0;
async function freshManifest(runId = `t${(counter += 1)}`): Promise<RunManifest> {
  return RunManifest.create({ runId, runDir: '/tmp/l2lab-run', runsDir: join(scratch.path, 'runs'), owner: { pid: 4242, startTimeTicks: 99 }, clock: fixedClock });
}

describe('RunManifest', () => {
  it('writes a valid version-1 manifest at create, before any resource', async () => {
    const manifest = await freshManifest('abc123');
    expect(manifest.path).toBe(join(scratch.path, 'runs', 'abc123.json'));
    expect(JSON.parse(await readFile(manifest.path, 'utf8'))).toEqual({
      kind: 'l2lab-lab-run',
      version: 1,
      runId: 'abc123',
      ownerPid: 4242,
      ownerStartTicks: 99,
      createdAt: '2026-01-02T03:04:05.000Z',
      runDir: '/tmp/l2lab-run',
      resources: [],
    });
  });

  it('refuses a second manifest for the same run id', async () => {
    await freshManifest('dup1');
    await expect(freshManifest('dup1')).rejects.toThrow('a manifest for this run id already exists');
  });

  it('records resources in order, once each, and forgets them', async () => {
    const manifest = await freshManifest();
    await manifest.record({ kind: 'netns', name: 'l2l-x-lab' });
    await manifest.recordAll([{ kind: 'netns', name: 'l2l-x-n1' }, { kind: 'netns', name: 'l2l-x-lab' }, { kind: 'file', path: '/tmp/x/a.json' }]);
    await manifest.recordProcess({ name: 'self', pid: process.pid });
    const onDisk = await RunManifest.load(manifest.path);
    expect(onDisk.resources.map((r) => ('path' in r ? r.path : r.name))).toEqual(['l2l-x-lab', 'l2l-x-n1', '/tmp/x/a.json', 'self']);
    await manifest.forget({ kind: 'netns', name: 'l2l-x-n1' });
    expect((await RunManifest.load(manifest.path)).resources).toHaveLength(3);
  });

  it('keeps every record of concurrent writers (writes are serialised), and leaves no temp file', async () => {
    const manifest = await freshManifest('conc1');
    await Promise.all(Array.from({ length: 20 }, (_, i) => manifest.record({ kind: 'file', path: `/tmp/x/f${i}` })));
    expect((await RunManifest.load(manifest.path)).resources).toHaveLength(20);
    expect((await readdir(join(scratch.path, 'runs'))).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('keeps the records of every holder of the same manifest (creator and a loaded copy), and teardown sees them all', async () => {
    const creator = await freshManifest();
    const other = await RunManifest.load(creator.path);
    await creator.record({ kind: 'file', path: join(scratch.path, 'holders', 'a') });
    await other.record({ kind: 'file', path: join(scratch.path, 'holders', 'b') });
    await creator.record({ kind: 'file', path: join(scratch.path, 'holders', 'c') });
    expect((await RunManifest.load(creator.path)).resources).toHaveLength(3);
    const report = await teardownLab(creator);
    expect(report.paths).toEqual(['c', 'b', 'a'].map((n) => join(scratch.path, 'holders', n)));
    // The other copy finds the file gone: the run is torn down, nothing left to do.
    expect((await teardownLab(other)).paths).toEqual([]);
    expect(other.removed).toBe(true);
  });

  it('detaches an attached name (a container\'s or the host\'s netns) without stopping what runs inside', async () => {
    const manifest = await freshManifest();
    await manifest.record({ kind: 'netns-name', name: 'l2k-t9-host' });
    expect(describeResource({ kind: 'netns-name', name: 'l2k-t9-host' })).toBe('netns name l2k-t9-host (attached)');
    const calls: string[][] = [];
    const exec: LabExec = (file, args) => {
      calls.push([file, ...args]);
      return Promise.resolve({ stdout: '', stderr: '' });
    };
    const report = await teardownLab(manifest, { exec });
    expect(calls).toEqual([['ip', 'netns', 'delete', 'l2k-t9-host']]);
    expect(report.namespaces).toEqual(['l2k-t9-host']);
    expect(report.strays).toEqual([]);
    expect(manifest.removed).toBe(true);
  });

  it('refuses a resource that does not fit the schema, naming the field', async () => {
    const manifest = await freshManifest();
    await expect(manifest.record({ kind: 'dir', path: '/' })).rejects.toThrow(/recording .* path: an absolute path at least two levels deep/);
    await expect(manifest.record({ kind: 'process', name: 'x', pid: -1, startTimeTicks: 0 })).rejects.toThrow(ManifestError);
  });

  it('refuses to record a process that is not running', async () => {
    const manifest = await freshManifest();
    await expect(manifest.recordProcess({ name: 'ghost', pid: 2 ** 22 + 1 })).rejects.toThrow('recording process ghost (pid 4194305)');
  });
});

describe('parseManifest', () => {
  it('names the file and each schema problem', () => {
    const text = JSON.stringify({ kind: 'l2lab-lab-run', version: 2, runId: 'UPPER', ownerPid: 1, ownerStartTicks: 1, createdAt: 'x', runDir: '/r', resources: [{ kind: 'socket' }] });
    expect(() => parseManifest(text, '/run/l2lab/runs/x.json')).toThrow(/^\/run\/l2lab\/runs\/x\.json: not a run manifest: version: .*; runId: .*; resources\.0\.kind: /);
  });

  it('names the file for invalid JSON', () => {
    expect(() => parseManifest('{', '/r/y.json')).toThrow('/r/y.json: not a run manifest: invalid JSON');
  });

  it('lists a runs directory, reporting bad files without failing the good ones', async () => {
    const dir = join(scratch.path, 'list');
    await mkdir(dir, { recursive: true });
    await RunManifest.create({ runId: 'good1', runDir: '/r', runsDir: dir, owner: { pid: 1, startTimeTicks: 1 }, clock: fixedClock });
    await writeFile(join(dir, 'bad1.json'), '{"kind":"something-else"}');
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const entries = await listManifests(dir);
    expect(entries.map((e) => [e.path.slice(dir.length + 1), e.ok])).toEqual([['bad1.json', false], ['good1.json', true]]);
    expect(await listManifests(join(dir, 'missing'))).toEqual([]);
  });
});

describe('teardownLab (files and directories)', () => {
  it('removes in LIFO order, then the manifest; a second call is a no-op', async () => {
    const manifest = await freshManifest();
    const root = join(scratch.path, 'lifo');
    const paths = [join(root, 'a'), join(root, 'a', 'b.txt'), join(root, 'c.txt')];
    await manifest.recordAll([{ kind: 'dir', path: paths[0] ?? '' }, { kind: 'file', path: paths[1] ?? '' }, { kind: 'file', path: paths[2] ?? '' }]);
    await mkdir(paths[0] ?? '', { recursive: true });
    await writeFile(paths[1] ?? '', 'x');
    await writeFile(paths[2] ?? '', 'y');
    const report = await teardownLab(manifest);
    expect(report.paths).toEqual([...paths].reverse());
    expect(await readdir(root)).toEqual([]);
    await expect(readFile(manifest.path)).rejects.toThrow(/ENOENT/);
    expect(manifest.removed).toBe(true);
    const again = await teardownLab(manifest);
    expect(again).toEqual({ runId: manifest.runId, processes: [], strays: [], namespaces: [], paths: [] });
    await expect(manifest.record({ kind: 'file', path: '/tmp/x/late' })).rejects.toThrow('the manifest was removed');
  });

  it('tolerates recorded things that never came to exist (recorded before creation)', async () => {
    const manifest = await freshManifest();
    await manifest.recordAll([{ kind: 'netns', name: 'l2l-never-n1' }, { kind: 'file', path: join(scratch.path, 'never', 'x') }, { kind: 'process', name: 'gone', pid: 2 ** 22 + 3, startTimeTicks: 1 }]);
    const report = await teardownLab(manifest);
    expect(report.processes).toEqual([{ name: 'gone', pid: 2 ** 22 + 3, how: 'not-running' }]);
    expect(report.namespaces).toEqual([]);
    expect(manifest.removed).toBe(true);
  });
});
