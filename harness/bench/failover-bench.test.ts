import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir } from '../cli/test-io.ts';
import { SystemClock } from '../core/system-clock.ts';
import { benchFailoverCommand } from './failover-cli.ts';
import type { FailoverBenchResults } from './failover-results.ts';
import { pointScenario } from './point-scenario.ts';
import { planSweep, parseSweepOption } from './sweep.ts';
import { runTrials } from './trial-pool.ts';

const dir = scratchDir('l2lab-bench-failover-');
afterAll(dir.remove);

describe('l2lab bench failover: option errors exit 2 with the reason', () => {
  it.each([
    [['--sweep', 'colour=red'], /--sweep colour: unknown sweep key; expected one of profile, timings/],
    [['--sweep', 'retryPeriod=soon'], /--sweep retryPeriod=soon: expected a duration/],
    [['--profile', 'cilium-9.9'], /--profile cilium-9.9: unknown profile; expected one of .*cilium-1\.16/],
    [['--sweep', 'nodes=1,3'], /--sweep nodes=1: expected a whole number of nodes, 2 … 200/],
    [['--sweep', 'leaseDuration=1.5'], /--sweep leaseDuration=1.5: expected a duration like 3s or 200ms/],
    [['--trials', '0'], /--trials.*expected a whole number/],
    [['--world', 'moon'], /Allowed choices are sim, lab/],
  ])('%j', async (args, message) => {
    const { code, err } = await runCli('bench', 'failover', ...args, '--out', join(dir.path, 'never'));
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});

describe('l2lab bench failover in sim, end to end (a few trials)', () => {
  it('prints a table per sweep point and writes results.json, summary.md and one CDF per component', async () => {
    const out = join(dir.path, 'tiny');
    const { code, out: stdout, err } = await runCli('bench', 'failover', '--sweep', 'fault=agent-kill,link-down', '--trials', '3', '--workers', '0', '--out', out);
    expect(err).toContain('bench failover: 2 sweep points × 3 trials in sim');
    expect(code).toBe(0);
    expect(stdout).toContain('fault=kill-agent · 3 trials · 3 services hit');
    expect(stdout).toContain('fault=link-down · 3 trials · 3 services hit');
    expect(stdout).toMatch(/leaseTakenOver\s+3\s+0\s+\d+ ms/);
    expect(stdout).toMatch(/OVERVIEW[\s\S]*fault=link-down\s+3\s+—\s+—\s+3/);
    expect(readdirSync(out).sort()).toEqual(['cdf-clientEntryChanged.svg', 'cdf-firstGarp.svg', 'cdf-firstNewMacAnswer.svg', 'cdf-firstSuccessfulProbe.svg', 'cdf-leaseTakenOver.svg', 'results.json', 'summary.md']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FailoverBenchResults;
    expect(results).toMatchObject({ kind: 'bench-failover', world: 'sim', interrupted: false, trialsPerPoint: 3, seed: 1 });
    expect(results.points.map((p) => [p.label, p.trials, p.trialResults.length])).toEqual([
      ['fault=kill-agent', 3, 3],
      ['fault=link-down', 3, 3],
    ]);
    const kill = results.points[0];
    // Every kill of the holder's agent fails over: each trial has its row with every component.
    for (const t of kill?.trialResults ?? []) {
      expect(t.rows).toHaveLength(1);
      expect(t.rows[0]).toMatchObject({ fault: 'kill-agent', service: 'default/web', client: 'c1' });
      expect(t.rows[0]?.leaseTakenOverMs).toBeGreaterThan(0);
      expect(t.rows[0]?.firstSuccessfulProbeMs).toBeGreaterThanOrEqual(t.rows[0]?.leaseTakenOverMs ?? Infinity);
    }
    // Cilium does not fail over on a data link down: every component is "never".
    expect(results.points[1]?.components.every((c) => c.n === 0 && c.missing === 3)).toBe(true);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| leaseTakenOver | 3 | 0 |');
    expect(readFileSync(join(out, 'cdf-leaseTakenOver.svg'), 'utf8')).toMatch(/^<svg[\s\S]*fault=kill-agent/);
  });

  it('the trial seed fixes each trial: worker threads give the same results as the main thread', async () => {
    const points = planSweep({ axes: [parseSweepOption('nodes=3,5')] });
    const scenarios = points.map((p) => pointScenario(p.params, { kind: 'sim-trial' }));
    const inThread = await runTrials({ scenarios, baseSeed: 7, trialsPerPoint: 2, workers: 0 });
    const onWorkers = await runTrials({ scenarios, baseSeed: 7, trialsPerPoint: 2, workers: 2 });
    expect(onWorkers).toEqual(inThread);
    expect(inThread.results.map((r) => [r.point, r.trial])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(new Set(inThread.results.map((r) => r.seed)).size).toBe(2); // trial i: one seed for every point
  });
});

describe('l2lab bench failover: interrupt', () => {
  it('an abort stops the dispatch after the running trial: what ran is returned, flagged', async () => {
    const points = planSweep({ axes: [parseSweepOption('nodes=3,5')] });
    const scenarios = points.map((p) => pointScenario(p.params, { kind: 'sim-trial' }));
    const controller = new AbortController();
    let seen = 0;
    const run = await runTrials({ scenarios, baseSeed: 1, trialsPerPoint: 5, workers: 0, signal: controller.signal, onResult: () => (++seen === 3 ? controller.abort() : undefined) });
    expect(run.interrupted).toBe(true);
    // Trial-major order: trial 0 of both points, then trial 1 of point 0.
    expect(run.results.map((r) => [r.point, r.trial])).toEqual([[0, 0], [0, 1], [1, 0]]);
  });

  it('Ctrl-C before the end writes the bench directory with what was measured, interrupted, exit 5', async () => {
    const out = join(dir.path, 'interrupted');
    const controller = new AbortController();
    let lines = '';
    const code = await benchFailoverCommand(
      { world: 'sim', sweep: ['nodes=3,5'], trials: 50, seed: 1, out, workers: 0 },
      {
        stdout: (t) => void (lines += t),
        // The progress line comes every 5 s of the clock below: the first one aborts.
        stderr: (t) => void (t.includes('/100 trials') ? controller.abort() : undefined),
        argv: ['bench', 'failover'],
        signal: controller.signal,
        clock: steppingClock(1_000),
        now: () => new Date('2026-11-21T20:00:00Z'),
      },
    );
    expect(code).toBe(5);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FailoverBenchResults;
    expect(results.interrupted).toBe(true);
    const ran = results.points.reduce((n, p) => n + p.trials, 0);
    expect(ran).toBeGreaterThan(0);
    expect(ran).toBeLessThan(100);
    expect(lines).toContain('INTERRUPTED (partial results)');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('**Interrupted**');
  });
});

/** A clock whose monotonic time advances `stepMs` at every reading (the progress line's throttle). */
function steppingClock(stepMs: number): SystemClock {
  const clock = new SystemClock();
  let now = 0;
  clock.monotonicMs = () => (now += stepMs);
  return clock;
}
