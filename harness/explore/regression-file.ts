/**
 * Writing a shrunk counterexample as a replayable regression scenario: the resolved scenario
 * rendered by `renderScenarioYaml` (so `loadScenario` reads back the same scenario), under a header
 * saying which invariant it violates on which profile, the fast-check `{seed, path}`, the shrunk
 * summary and the exact replay commands.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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

/** The regression file's text; `name` is its scenario name and file base name (default the plain one). */
export function regressionText(profile: string, failure: ExploreFailure, file: string, searchFlags = '', name = regressionScenarioName(profile, failure)): string {
  const scenario = { ...failure.scenario, name, description: `Found by l2lab explore: ${failure.invariant} (${failure.kind}) violated on ${profile}.` };
  const header = [
    `${name}.yaml — found by \`l2lab explore --profile ${profile}${searchFlags === '' ? '' : ` ${searchFlags}`}\` and shrunk by fast-check.`,
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

/** How many numbered names (`-2`, `-3`, …) {@link writeRegression} tries before giving up. */
export const MAX_REGRESSION_SUFFIX = 99;

/** The `n`th candidate name: the plain name, then `<name>-2`, … kept within 63 characters. */
function numberedName(base: string, n: number): string {
  if (n === 1) return base;
  const suffix = `-${n}`;
  return `${base.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * Writes the regression into `dir` (created if needed); returns its path. An existing file is never
 * overwritten: the same text is reused as is, a different one (another finding of the same
 * profile, invariant and seed — e.g. a shipped regression of a search with other flags) moves the
 * new one to the first free `<name>-2.yaml`, `-3`, … (exclusive create, so concurrent searches
 * cannot clobber each other either).
 * @throws Error when all {@link MAX_REGRESSION_SUFFIX} names are taken by other files.
 */
export async function writeRegression(dir: string, profile: string, failure: ExploreFailure, searchFlags = ''): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = regressionScenarioName(profile, failure);
  for (let n = 1; n <= MAX_REGRESSION_SUFFIX; n += 1) {
    const name = numberedName(base, n);
    const file = join(dir, `${name}.yaml`);
    const text = regressionText(profile, failure, file, searchFlags, name);
    try {
      await writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((await readFile(file, 'utf8')) === text) return file;
    }
  }
  throw new Error(`writing the regression ${base}.yaml into ${dir}: ${base}.yaml and ${base}-2 … -${MAX_REGRESSION_SUFFIX}.yaml all exist with other contents`);
}
