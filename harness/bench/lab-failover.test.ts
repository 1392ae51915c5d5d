import { describe, expect, it } from 'vitest';
import { runScenarioInSim } from '../run/run-scenario.ts';
import { clipRow, labLayout, labTrials } from './lab-failover.ts';
import { requireLabPrerequisites } from './lab-prerequisites.ts';
import { parsePointScenario, pointScenario } from './point-scenario.ts';
import { planSweep, parseSweepOption } from './sweep.ts';

describe('bench failover --world lab', () => {
  it('needs root: a clear exit-2 error otherwise', async () => {
    await expect(requireLabPrerequisites(1000)).rejects.toThrow(/bench --world lab needs root/);
  });

  it('spaces the faults of one bring-up: undone after the takeover window, next once the Lease settled (fast: 6 s / 10 s)', () => {
    const [fast] = planSweep({ axes: [parseSweepOption('timings=fast')] });
    const [slow] = planSweep({ axes: [parseSweepOption('timings=cilium-default')] });
    expect(labLayout(fast!.params, 30)).toEqual({ kind: 'lab-run', trials: 30, everyMs: 10_000, downMs: 6_000, firstFaultMs: 15_000 });
    // 15 + 5 + 2.2 × 2 = 24.4 s window → down 26 s, then leaseDuration 15 s.
    expect(labLayout(slow!.params, 30)).toEqual({ kind: 'lab-run', trials: 30, everyMs: 41_000, downMs: 26_000, firstFaultMs: 15_000 });
  });

  it('a lab-run scenario of N faults splits into N trials through the failover checker (here run in sim)', () => {
    for (const fault of ['agent-kill', 'node-kill', 'freeze', 'link-down']) {
      const [point] = planSweep({ axes: [parseSweepOption(`fault=${fault}`)] });
      const scenario = parsePointScenario(pointScenario(point!.params, labLayout(point!.params, 3)), point!);
      const run = runScenarioInSim(scenario, { seed: 1 });
      const trials = labTrials(run.ops, run.judge.context, point!.params.fault, 1);
      expect(trials.map((t) => t.trial)).toEqual([0, 1, 2]);
      expect(trials.map((t) => t.faultAtMs)).toEqual([15_000, 25_000, 35_000]);
      for (const t of trials) {
        expect(t.rows).toHaveLength(1);
        expect(t.rows[0]?.fault).toBe(point!.params.fault);
        // Cilium fails over on every holder death, never on a data link down.
        if (fault === 'link-down') expect(t.rows[0]?.leaseTakenOverMs).toBeNull();
        else expect(t.rows[0]?.leaseTakenOverMs).toBeGreaterThan(0);
      }
    }
  });
});

describe('clipRow', () => {
  it("a component seen only after the next fault is not this trial's: never", () => {
    const row = { killMs: 10_000, fault: 'kill-agent', deadNode: 'n1', service: 'default/web', ip: '198.18.0.64', client: 'c1', newHolder: 'n2', leaseTakenOverMs: 3_200, firstGarpMs: null, firstNewMacAnswerMs: 12_000, clientEntryChangedMs: 9_999, firstSuccessfulProbeMs: 10_000 };
    expect(clipRow(row, 10_000)).toEqual({ ...row, firstNewMacAnswerMs: null, firstSuccessfulProbeMs: null });
    expect(clipRow(row, Number.POSITIVE_INFINITY)).toEqual(row);
  });
});
