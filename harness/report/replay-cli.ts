/**
 * `l2lab replay <run-dir>` behind the command line: re-runs the recorded scenario file with the
 * recorded world, seed and profile into a new run directory, then says whether the run was
 * reproduced — sim: the new history is byte-identical to the recorded one; lab (real time, not
 * deterministic): every invariant has the same verdict as the recorded history judged by the
 * same checkers. Says when the scenario file changed since the run (run.json's digest). Loaded
 * lazily by `cli/replay-command.ts`.
 */
import { access } from 'node:fs/promises';
import { EXIT, UserError } from '../cli/user-error.ts';
import type { RunResults } from '../run/judge.ts';
import { freshDir } from '../run/run-cli.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { withProfile } from '../scenario/timeline.ts';
import { readRunDir } from './report-cli.ts';
import { renderReport, scenarioDigest } from './report.ts';
import type { RunInfo } from './run-info.ts';

/** Options of `l2lab replay`. */
export interface ReplayOptions {
  /** New run directory; default `<run-dir>-replay` (then `-replay-2` …). */
  readonly out?: string;
  readonly format: 'text' | 'json';
}

/** What the command needs from outside. */
export interface ReplayPorts {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly argv: readonly string[];
  readonly signal?: AbortSignal;
}

/** Exit code when the replay did not reproduce the recorded run. */
export const EXIT_NOT_REPRODUCED = EXIT.findings;

/** Where the scenario stands against the recorded digest. */
export type ScenarioDrift = 'same' | 'changed' | 'unknown';

/** One invariant whose verdict differs between the recorded and the replayed run. */
export interface VerdictDifference {
  readonly name: string;
  readonly recorded: boolean | 'unknown' | undefined;
  readonly replayed: boolean | 'unknown' | undefined;
}

/** The invariants whose verdicts differ (missing on one side = undefined). Pure. */
export function verdictDifferences(recorded: Pick<RunResults, 'invariants'>, replayed: Pick<RunResults, 'invariants'>): VerdictDifference[] {
  const names = [...new Set([...recorded.invariants.map((v) => v.name), ...replayed.invariants.map((v) => v.name)])];
  return names
    .map((name) => ({ name, recorded: recorded.invariants.find((v) => v.name === name)?.valid, replayed: replayed.invariants.find((v) => v.name === name)?.valid }))
    .filter((d) => d.recorded !== d.replayed);
}

/** The first line (1-based) where two JSONL texts differ, or null when they are identical. Pure. */
export function firstDifferentLine(a: string, b: string): number | null {
  if (a === b) return null;
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) if (left[i] !== right[i]) return i + 1;
  return null;
}

/** Replays a run directory; returns the exit code. @throws UserError for a missing or corrupt run directory or scenario. */
export async function replayRun(dir: string, options: ReplayOptions, ports: ReplayPorts): Promise<number> {
  const recorded = await readRunDir(dir);
  const { info } = recorded;
  if (info.world === 'cluster') throw new UserError(`${dir}: a cluster run; replay supports sim and lab runs`);
  const file = info.scenario.file;
  try {
    await access(file);
  } catch {
    throw new UserError(`${file}: the scenario file recorded in ${dir}/run.json is missing (paths are relative to where l2lab run was started)`);
  }
  const drift = await scenarioDrift(file, info);
  const driftLine =
    drift === 'changed'
      ? `note: ${file} changed since the run (its digest differs from run.json's): the replay runs the scenario as it is now`
      : drift === 'unknown'
        ? 'note: run.json records no scenario digest (a run older than replay): cannot tell whether the scenario changed'
        : `${file} is unchanged since the run`;
  ports.stderr(`replay: ${info.scenario.name}, world ${info.world}, profile ${info.profile}, seed ${info.seed}; ${driftLine}\n`);

  const out = options.out ?? (await freshDir(`${dir.replace(/\/+$/, '')}-replay`, 'replays'));
  const { runScenarioCommand } = await import('../run/run-cli.ts');
  // The replayed run prints its own summary first (the lab's orchestrator writes to the inherited
  // stdout itself); with --format json the sim's goes to stderr, so stdout stays one JSON document.
  const runStdout = options.format === 'json' ? ports.stderr : ports.stdout;
  const exitCode = await runScenarioCommand(file, { world: info.world, seed: info.seed, profile: info.profile, out, format: 'text' }, { stdout: runStdout, stderr: ports.stderr, argv: ports.argv, ...(ports.signal === undefined ? {} : { signal: ports.signal }) });
  const replayed = await readRunDir(out);
  const replayedResults = renderReport(replayed.info, replayed.ops).results;

  let reproduced: boolean;
  let detail: string;
  let differences: VerdictDifference[] = [];
  if (info.world === 'sim') {
    const line = firstDifferentLine(recorded.historyText, replayed.historyText);
    reproduced = line === null;
    detail = reproduced ? `history.jsonl byte-identical to the recorded run (${replayed.ops.length} ops)` : `history.jsonl differs from the recorded run from line ${line} on (recorded ${recorded.ops.length} ops, replayed ${replayed.ops.length})`;
  } else {
    // Real time is not reproducible op for op: compare verdicts, both histories judged by today's checkers.
    differences = verdictDifferences(renderReport(info, recorded.ops).results, replayedResults);
    reproduced = differences.length === 0;
    detail = reproduced ? 'every invariant has the verdict of the recorded run' : `${differences.length} verdict${differences.length === 1 ? ' differs' : 's differ'}: ${differences.map((d) => `${d.name} ${verdictWord(d.recorded)} → ${verdictWord(d.replayed)}`).join(', ')}`;
  }
  const code = reproduced ? exitCode : EXIT_NOT_REPRODUCED;
  if (options.format === 'json') {
    ports.stdout(`${JSON.stringify({ recorded: dir, replay: out, world: info.world, scenarioDrift: drift, reproduced, detail, differences, runExitCode: exitCode, exitCode: code }, null, 2)}\n`);
  } else {
    ports.stdout(`\nreplay of ${dir}\n  new run      ${out} (outcome ${replayedResults.outcome}, exit ${exitCode})\n  scenario     ${driftLine}\n  ${reproduced ? 'REPRODUCED' : 'NOT REPRODUCED'}  ${detail}\n`);
  }
  return code;
}

function verdictWord(valid: boolean | 'unknown' | undefined): string {
  return valid === undefined ? 'absent' : valid === 'unknown' ? 'unknown' : valid ? 'holds' : 'fails';
}

/** Compares the scenario file as it is now with run.json's digest. */
async function scenarioDrift(file: string, info: RunInfo): Promise<ScenarioDrift> {
  if (info.scenario.sha256 === undefined) return 'unknown';
  const { scenario } = await loadScenario(file);
  if (scenario === undefined) return 'changed';
  const profiled = withProfile(scenario, info.profile);
  return 'scenario' in profiled && scenarioDigest(profiled.scenario) === info.scenario.sha256 ? 'same' : 'changed';
}

