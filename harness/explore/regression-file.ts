/**
 * Writing a shrunk counterexample as a replayable regression scenario: the resolved scenario
 * rendered by `renderScenarioYaml` (so `loadScenario` reads back the same scenario), under a header
 * saying which invariant it violates on which profile, the fast-check `{seed, path}`, the shrunk
 * summary and the exact replay commands.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderScenarioYaml } from '../scenario/render-scenario.ts';
import { describeSpec } from './describe-spec.ts';
import type { ExploreFailure } from './explore.ts';

/**
 * Scenario name of a regression, `<profile>-<invariant>-s<seed>` as an RFC 1123 label (the
 * profile's dots become dashes: `cilium-1-14-lease-scope-s42`). Shipped scenarios are named after
 * their file, so this is the file's base name too.
 */
export function regressionScenarioName(profile: string, failure: Pick<ExploreFailure, 'invariant' | 'seed'>): string {
  return `${profile}-${failure.invariant}-s${failure.seed}`.replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, '');
}

/** File name of a regression: its scenario name + `.yaml`. */
export function regressionFileName(profile: string, failure: Pick<ExploreFailure, 'invariant' | 'seed'>): string {
  return `${regressionScenarioName(profile, failure)}.yaml`;
}

/** `l2lab run …` for the regression at `file`. */
export function replayCommand(file: string, failure: Pick<ExploreFailure, 'spec'>): string {
  return `l2lab run ${file} --world sim --seed ${failure.spec.worldSeed}`;
}

/** The fast-check replay block (copy-pasteable into `fc.assert(…, {…})` or `explore --seed … --path …`). */
export function fastCheckReplay(failure: Pick<ExploreFailure, 'seed' | 'path'>): string {
  return `{ seed: ${failure.seed}, path: ${JSON.stringify(failure.path)}, endOnFailure: true }`;
}

/**
 * `l2lab explore …` that replays the shrunk counterexample: the profile, the generator flags the
 * search used (`searchFlags`, e.g. `--rate-limit tight`: a path only means something under the same
 * arbitrary), the seed and the path.
 */
export function reshrinkCommand(profile: string, failure: Pick<ExploreFailure, 'seed' | 'path'>, searchFlags = ''): string {
  return `l2lab explore --profile ${profile}${searchFlags === '' ? '' : ` ${searchFlags}`} --seed ${failure.seed} --path ${failure.path}`;
}

/** The regression file's text. */
export function regressionText(profile: string, failure: ExploreFailure, file: string, searchFlags = ''): string {
  const scenario = { ...failure.scenario, name: regressionScenarioName(profile, failure), description: `Found by l2lab explore: ${failure.invariant} (${failure.kind}) violated on ${profile}.` };
  const header = [
    `${regressionFileName(profile, failure)} — found by \`l2lab explore --profile ${profile}${searchFlags === '' ? '' : ` ${searchFlags}`}\` and shrunk by fast-check.`,
    '',
    `Violates: ${failure.invariant} (${failure.kind}) on profile ${profile}.`,
    `fast-check: ${fastCheckReplay(failure)} (${failure.numShrinks} shrinks)`,
    `Replay: ${replayCommand(file, failure)}`,
    `Re-shrink: ${reshrinkCommand(profile, failure, searchFlags)}`,
    '',
    ...describeSpec(failure.spec),
  ];
  return renderScenarioYaml(scenario, { header });
}

/** Writes the regression into `dir` (created if needed); returns its path. */
export async function writeRegression(dir: string, profile: string, failure: ExploreFailure, searchFlags = ''): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, regressionFileName(profile, failure));
  await writeFile(file, regressionText(profile, failure, file, searchFlags), 'utf8');
  return file;
}
