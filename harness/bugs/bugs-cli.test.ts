/**
 * Why this test? `l2lab bugs` end to end in sim: the child runs, the report directories read back,
 * the table, results.json/summary.md, and the exit codes users script against (0 reproduced, 1 not,
 * 2 bad input). The scenario is C02's with a short profile list (two child runs per case).
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../cli/user-error.ts';
import { runBugsCommand } from './bugs-cli.ts';

const C02 = readFileSync('scenarios/bugs/c02-lost-lease-never-reacquired.yaml', 'utf8');

function scenarioDir(affected: string, fixed: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'l2lab-bugs-test-'));
  mkdirSync(join(dir, 'bugs'));
  const text = C02.replace(/affected: \[[^\]]*\]/, `affected: [${affected}]`).replace(/fixed: \[[^\]]*\]/, `fixed: [${fixed}]`);
  writeFileSync(join(dir, 'bugs', 'c02.yaml'), text);
  return dir;
}

async function run(dir: string, only?: string): Promise<{ code: number; stdout: string; out: string }> {
  let stdout = '';
  const out = join(dir, 'out');
  const code = await runBugsCommand({ world: 'sim', format: 'text', dir: join(dir, 'bugs'), out, ...(only === undefined ? {} : { only }) }, { stdout: (t) => void (stdout += t), stderr: () => {} });
  return { code, stdout, out };
}

describe('l2lab bugs (sim)', () => {
  it('exit 0 when the invariant fails on the affected profile and holds on the fixed one; writes the reports', async () => {
    const { code, stdout, out } = await run(scenarioDir('cilium-1.14', 'reference'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/C02 +cilium-1\.14 \(affected\) +sim +reacquire +fails +fails +Lease cilium-l2announce-default-web unheld from t=/);
    expect(stdout).toMatch(/C02 +reference \(fixed\) +sim +reacquire +holds +holds +Lease cilium-l2announce-default-web re-acquired by n\d at /);
    expect(stdout).toContain('C02: reproduced — 2 runs');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { exitCode: number; runs: { status: string }[] };
    expect(results.exitCode).toBe(0);
    expect(results.runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    expect(existsSync(join(out, 'c02-lost-lease-never-reacquired', 'cilium-1.14-sim', 'history.jsonl'))).toBe(true);
  }, 120_000);

  it('exit 1 when a "fixed" profile shows the bug', async () => {
    const { code, stdout } = await run(scenarioDir('cilium-1.15', 'cilium-1.14'));
    expect(code).toBe(1);
    expect(stdout).toContain('C02: NOT reproduced');
  }, 120_000);

  it('a bad --only is a user error (exit 2) before any run', async () => {
    await expect(run(scenarioDir('cilium-1.14', 'reference'), 'K99')).rejects.toThrow(UserError);
  });
});
