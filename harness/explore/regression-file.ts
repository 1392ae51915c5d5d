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

/** File name of a regression: `<profile>-<invariant>-s<seed>.yaml`. */
export function regressionFileName(profile: string, failure: Pick<ExploreFailure, 'invariant' | 'seed'>): string {
  return `${profile}-${failure.invariant}-s${failure.seed}.yaml`;
}

/** Scenario name of a regression (an RFC 1123 label: the profile's dots become dashes). */
export function regressionScenarioName(profile: string, failure: Pick<ExploreFailure, 'invariant' | 'seed'>): string {
  return `explore-${profile}-${failure.invariant}-s${failure.seed}`.replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, '');
}

/** `l2lab run …` for the regression at `file`. */
export function replayCommand(file: string, failure: Pick<ExploreFailure, 'spec'>): string {
  return `l2lab run ${file} --world sim --seed ${failure.spec.worldSeed}`;
}

/** The fast-check replay block (copy-pasteable into `fc.assert(…, {…})` or `explore --seed … --path …`). */
export function fastCheckReplay(failure: Pick<ExploreFailure, 'seed' | 'path'>): string {
  return `{ seed: ${failure.seed}, path: ${JSON.stringify(failure.path)}, endOnFailure: true }`;
}

/** The regression file's text. */
export function regressionText(profile: string, failure: ExploreFailure, file: string): string {
  const scenario = { ...failure.scenario, name: regressionScenarioName(profile, failure), description: `Found by l2lab explore: ${failure.invariant} (${failure.kind}) violated on ${profile}.` };
  const header = [
    `${regressionFileName(profile, failure)} — found by \`l2lab explore --profile ${profile}\` and shrunk by fast-check.`,
    '',
    `Violates: ${failure.invariant} (${failure.kind}) on profile ${profile}.`,
    `fast-check: ${fastCheckReplay(failure)} (${failure.numShrinks} shrinks)`,
    `Replay: ${replayCommand(file, failure)}`,
    `Re-shrink: l2lab explore --profile ${profile} --seed ${failure.seed} --path ${failure.path}`,
    '',
    ...describeSpec(failure.spec),
  ];
  return renderScenarioYaml(scenario, { header });
}

/** Writes the regression into `dir` (created if needed); returns its path. */
export async function writeRegression(dir: string, profile: string, failure: ExploreFailure): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, regressionFileName(profile, failure));
  await writeFile(file, regressionText(profile, failure, file), 'utf8');
  return file;
}
