import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from './test-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'l2lab-explore-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('l2lab explore (seed 42)', () => {
  it('cilium-1.14: exit 3, the violated invariant, the shrunk scenario, the regression file and the replay commands', async () => {
    const { code, out } = await run('explore', '--profile', 'cilium-1.14', '--runs', '100', '--seed', '42', '--out', dir, '--invariant', 'lease-scope');
    expect(code).toBe(3);
    expect(out).toMatch(/^SEED=42 profile=cilium-1.14 runs=100/);
    expect(out).toContain('explore: lease-scope (safety) violated on cilium-1.14');
    expect(out).toContain('services (1): s1:ClusterIP');
    const file = join(dir, 'cilium-1-14-lease-scope-s42.yaml');
    expect(out).toContain(`regression: ${file}`);
    expect(out).toMatch(new RegExp(`replay: +l2lab run ${file.replace(/[.]/g, '\\.')} --world sim --seed \\d+`));
    expect(out).toMatch(/fast-check: \{ seed: 42, path: "[\d:]+", endOnFailure: true \}/);
    expect(existsSync(file)).toBe(true);
  });

  it('C02 under tight limits (cilium-1.14): exit 4; the re-shrink command carries the generator flags and replays the same scenario', async () => {
    const searched = await run('explore', '--profile', 'cilium-1.14', '--rate-limit', 'tight', '--invariant', 'reacquire', '--seed', '42', '--out', dir);
    expect(searched.code).toBe(4);
    const reshrink = /re-shrink: +l2lab explore (.*)\n/.exec(searched.out)?.[1] ?? '';
    expect(reshrink).toMatch(/^--profile cilium-1\.14 --rate-limit tight --invariant reacquire --seed 42 --path [\d:]+$/);
    const replayed = await run('explore', ...reshrink.split(' '), '--out', dir);
    expect(replayed.code).toBe(4);
    const summary = (out: string): string => out.slice(out.indexOf('shrunk scenario:'), out.indexOf('regression:'));
    expect(summary(replayed.out)).toBe(summary(searched.out));
  });

  it('reference, fault-free: exit 0 and the run count', async () => {
    const { code, out } = await run('explore', '--profile', 'reference', '--runs', '20', '--seed', '42', '--max-steps', '0', '--avoid-known-findings', '--out', dir);
    expect(code).toBe(0);
    expect(out).toContain('explore: no invariant violated in 20 runs on reference');
  });

  it('bad input: exit 2 with one clear message, no stack', async () => {
    const unknown = await run('explore', '--profile', 'reference', '--invariant', 'no-such');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('l2lab: unknown invariant no-such');
    expect(unknown.err).not.toMatch(/\n\s+at /);
    const pathOnly = await run('explore', '--profile', 'reference', '--path', '1:2');
    expect(pathOnly.code).toBe(2);
    expect(pathOnly.err).toContain('--path replays a shrink path of one search: give its --seed too');
    const noProfile = await run('explore');
    expect(noProfile.code).toBe(2);
  });
});
