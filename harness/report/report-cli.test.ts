/**
 * `l2lab report` and `l2lab replay` end to end through the CLI: a sim run's derived files
 * (results, summary, timeline, junit, plots) re-render byte for byte from run.json +
 * history.jsonl; a replay reproduces the history byte for byte and says when the scenario
 * changed; missing or corrupt run directories exit 2.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run, scratchDir } from '../cli/test-io.ts';
import { tinyScenarioText } from '../run/fixtures.test-helpers.ts';

const scratch = scratchDir('l2lab-report-test-');
afterAll(scratch.remove);

const KILL = `nemesis:
  - at: 8s
    id: kill
    action: kill-agent
    node: { holder-of: default/web }
    for: 4s
`;

const DERIVED = ['failover-cdf.svg', 'junit.xml', 'lease-load.svg', 'ownership.svg', 'results.json', 'summary.md', 'timeline.txt'];

describe('l2lab report and replay', () => {
  const scenario = scratch.file('kill.yaml', tinyScenarioText({ duration: '16s', extra: `${KILL}expectations:\n  hold: [one-responder, failover-bound]\n` }));
  const runDir = join(scratch.path, 'run');

  it('l2lab report re-renders every derived file byte for byte after they are deleted; summary.md links them', async () => {
    expect((await run('run', scenario, '--out', runDir)).code).toBe(0);
    expect(readdirSync(runDir).sort()).toEqual([...DERIVED, 'history.jsonl', 'run.json'].sort());
    const before = DERIVED.map((f) => readFileSync(join(runDir, f), 'utf8'));
    for (const f of DERIVED) rmSync(join(runDir, f));
    const again = await run('report', runDir);
    expect(again.code).toBe(0);
    expect(DERIVED.map((f) => readFileSync(join(runDir, f), 'utf8'))).toEqual(before);
    const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
    for (const f of ['timeline.txt', 'ownership.svg', 'failover-cdf.svg', 'lease-load.svg', 'junit.xml']) expect(summary).toContain(`(${f})`);
    const svg = readFileSync(join(runDir, 'ownership.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('time since the run started (s)');
    expect(svg).toContain('kill-agent');
  });

  it('l2lab replay re-runs with the recorded seed and profile: byte-identical history, exit code of the run', async () => {
    const replayDir = join(scratch.path, 'replay');
    const replay = await run('replay', runDir, '--out', replayDir, '--format', 'json');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out)).toMatchObject({ reproduced: true, scenarioDrift: 'same', world: 'sim', replay: replayDir });
    expect(readFileSync(join(replayDir, 'history.jsonl'), 'utf8')).toBe(readFileSync(join(runDir, 'history.jsonl'), 'utf8'));
  });

  it('says when the scenario changed since the run, and exits 1 when the history is not reproduced', async () => {
    writeFileSync(scenario, readFileSync(scenario, 'utf8').replace('at: 8s', 'at: 9s'));
    const replay = await run('replay', runDir, '--out', join(scratch.path, 'replay-changed'));
    expect(replay.err).toContain('changed since the run');
    expect(replay.out).toContain('NOT REPRODUCED  history.jsonl differs from the recorded run from line');
    expect(replay.code).toBe(1);
  });

  it('exit 2 with a clear message for a missing or corrupt run directory', async () => {
    const missing = await run('replay', join(scratch.path, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('run.json: no such file (is this an l2lab run directory?)');
    const corrupt = join(scratch.path, 'corrupt');
    rmSync(corrupt, { recursive: true, force: true });
    await run('run', scenario, '--out', corrupt);
    writeFileSync(join(corrupt, 'run.json'), '{ not json');
    const bad = await run('replay', corrupt);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('run.json: not JSON');
    expect(bad.err).not.toContain('    at ');
  });
});
