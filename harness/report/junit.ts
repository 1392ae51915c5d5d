/**
 * `junit.xml`: a run as one JUnit test suite, for the test reports of GitHub Actions, GitLab and
 * Jenkins. One testcase per invariant verdict and per failover bound of the scenario, plus one
 * for the run completing. An unmet expectation is a `<failure>` (message: the unmet line;
 * content: when it failed and the checker's details); an expectation that could not be decided
 * ('unknown' where the invariant must hold) is an `<error>`; an ignored invariant, or one left
 * 'unknown' where that is allowed, is `<skipped>`. Pure: `(run.json, results) → XML`.
 */
import junitModule, { type Builder } from 'junit-report-builder';
import type { InvariantVerdict, RunResults } from '../run/judge.ts';
import { formatSeconds } from './format.ts';
import { COMPONENT_TITLE } from './component-titles.ts';
import type { RunInfo } from './run-info.ts';

/**
 * The package's root builder. It is a CommonJS module whose `module.exports` is the builder, which
 * its typings declare as a default export: Node hands it over as the default import, TypeScript
 * (nodenext) expects it under `.default`.
 */
const rootBuilder: Builder = 'newBuilder' in junitModule ? (junitModule as unknown as Builder) : junitModule.default;

/** JUnit class name of a run's cases: `l2lab.<scenario>.<world>.<profile>` (dots inside a part become `_`, as CI readers split packages on dots). */
export function junitClassName(info: Pick<RunInfo, 'scenario' | 'world' | 'profile'>): string {
  return ['l2lab', info.scenario.name, info.world, info.profile].map((p) => p.replaceAll('.', '_')).join('.');
}

function expectationText(v: InvariantVerdict): string {
  return v.expected === 'not-false' ? 'expected not to fail' : v.expected === 'ignore' ? 'ignored on this profile' : `expected to ${v.expected}`;
}

function verdictLine(v: InvariantVerdict): string {
  return v.valid === 'unknown' ? 'unknown (the history does not decide it)' : v.valid ? 'holds' : `fails at ${v.failedAtMs === undefined ? '?' : formatSeconds(v.failedAtMs)}`;
}

/** Renders junit.xml. Pure. */
export function renderJunitXml(info: RunInfo, results: RunResults): string {
  const builder = rootBuilder.newBuilder();
  const className = junitClassName(info);
  const suite = builder
    .testSuite()
    .name(`${info.scenario.name} [${info.world}, ${info.profile}, seed ${info.seed}]`)
    .timestamp(info.invocation.startedAt.replace(/\.\d+Z$/, ''))
    .time(info.invocation.wallMs / 1000)
    .property('scenario', info.scenario.name)
    .property('scenario.file', info.scenario.file)
    .property('world', info.world)
    .property('profile', info.profile)
    .property('seed', String(info.seed))
    .property('outcome', info.end === 'interrupted' ? 'interrupted' : results.outcome);
  if (info.scenario.bug !== undefined) suite.property('bug', info.scenario.bug.id);

  const completed = suite.testCase().className(className).name('run completed');
  if (info.end === 'interrupted') completed.failure(`interrupted at ${formatSeconds(info.sim.virtualMs)}: the verdicts judge a partial history`, 'interrupted');

  for (const v of results.invariants) {
    const test = suite.testCase().className(className).name(`invariant ${v.name} (${v.kind}, ${expectationText(v)})`);
    const detail = [`verdict: ${verdictLine(v)}`, `expectation: ${expectationText(v)}`, ...(v.failedAtMs === undefined ? [] : [`failing time: ${formatSeconds(v.failedAtMs)} since the run's time zero`]), `details: ${JSON.stringify(v.details, null, 2)}`].join('\n');
    const unmet = results.unmet.find((line) => line.startsWith(`${v.name} (`)) ?? `${v.name} (${v.kind}): ${expectationText(v)}, got ${verdictLine(v)}`;
    if (!v.met && v.valid === 'unknown') test.error(unmet, 'undecided', detail);
    else if (!v.met) test.failure(unmet, v.kind).stacktrace(detail);
    else if (v.expected === 'ignore' || v.valid === 'unknown') test.skipped().standardOutput(detail);
    else test.standardOutput(detail);
  }

  for (const c of results.failover.components) {
    if (c.boundMs === undefined) continue;
    const test = suite.testCase().className(className).name(`failover ${c.component}: ${COMPONENT_TITLE[c.component]} within ${c.boundMs} ms`);
    const detail = `${c.count} failovers; p50 ${c.p50Ms === null ? '—' : `${Math.round(c.p50Ms)} ms`}, max ${c.maxMs === null ? '—' : `${Math.round(c.maxMs)} ms`}, missing in ${c.missing}`;
    if (c.met) {
      test.standardOutput(detail);
      continue;
    }
    const unmet = results.unmet.find((line) => line.startsWith(`failover ${c.component}:`)) ?? `failover ${c.component}: bound ${c.boundMs} ms not met`;
    const worst = results.failover.rows.find((r) => {
      const value = r[`${c.component}Ms` as keyof typeof r];
      return value === null || (typeof value === 'number' && value > (c.boundMs ?? Infinity));
    });
    test.failure(unmet, 'liveness').stacktrace(`${detail}${worst === undefined ? '' : `\nfirst failing failover: ${worst.fault} ${worst.deadNode} at ${formatSeconds(worst.killMs)} (${worst.service} ${worst.ip}${worst.client === null ? '' : `, client ${worst.client}`})`}`);
  }
  return `${builder.build()}\n`;
}
