import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { RunResults } from '../run/judge.ts';
import { junitClassName, renderJunitXml } from './junit.ts';
import { literalResults, literalRunInfo } from './test-fixtures.ts';

const schemaPath = new URL('./junit.xsd', import.meta.url);

async function validate(xml: string): Promise<readonly string[]> {
  const schema = await readFile(schemaPath, 'utf8');
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
  return result.errors.map((e) => e.rawMessage);
}

/** The attribute values of every `<tag …>` in document order. */
function tags(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag}\\b((?:[^>"]|"[^"]*")*)>`, 'g'))].map((m) => Object.fromEntries([...(m[1] ?? '').matchAll(/([\w.-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

describe('junit.xml', () => {
  it('validates against the JUnit XSD the CI reporters read, and the schema rejects a broken document', async () => {
    expect(await validate(renderJunitXml(literalRunInfo(), literalResults()))).toEqual([]);
    expect((await validate('<testsuites><testsuite name="x"><testcase name="t"/></testsuite></testsuites>')).length).toBeGreaterThan(0);
  });

  it('one suite per run; one case per invariant verdict and per failover bound; unmet → failure with the unmet line and the failing time; ignored/unknown → skipped', () => {
    const xml = renderJunitXml(literalRunInfo(), literalResults());
    expect(tags(xml, 'testsuite')).toEqual([{ name: 'literal [sim, cilium-1.16, seed 7]', timestamp: '2026-11-21T14:55:00', time: '1.5', tests: '6', failures: '2', errors: '0', skipped: '2' }]);
    expect(tags(xml, 'testcase').map((t) => t['name'])).toEqual([
      'run completed',
      'invariant one-responder (safety, expected to hold)',
      'invariant holder-answers (safety, expected not to fail)',
      'invariant new-ip-announced (liveness, expected not to fail)',
      'invariant lease-load (liveness, ignored on this profile)',
      'failover leaseTakenOver: Lease taken over (API) within 5000 ms',
    ]);
    expect(new Set(tags(xml, 'testcase').map((t) => t['classname']))).toEqual(new Set([junitClassName(literalRunInfo())]));
    expect(junitClassName(literalRunInfo())).toBe('l2lab.literal.sim.cilium-1_16');
    expect(tags(xml, 'failure')).toEqual([
      { message: 'one-responder (safety): expected to hold, got fails at 13.500 s', type: 'safety' },
      { message: 'failover leaseTakenOver: max 6000 ms > bound 5000 ms', type: 'liveness' },
    ]);
    expect(xml).toContain("failing time: 13.500 s since the run's time zero");
    expect(xml).toContain('first failing failover: kill-agent n1 at 10.000 s');
    expect(tags(xml, 'property')).toContainEqual({ name: 'profile', value: 'cilium-1.16' });
  });

  it('an invariant that must hold but is undecided is an error; an interrupted run fails its "run completed" case', async () => {
    const base = literalResults();
    const results: RunResults = { ...base, unmet: ['one-responder (safety): expected to hold, got unknown'], invariants: [{ ...base.invariants[0]!, valid: 'unknown', met: false }], failover: { rows: [], components: [] } };
    const xml = renderJunitXml({ ...literalRunInfo(), end: 'interrupted' }, results);
    expect(tags(xml, 'error')).toEqual([{ message: 'one-responder (safety): expected to hold, got unknown', type: 'undecided' }]);
    expect(tags(xml, 'failure')).toEqual([{ message: 'interrupted at 30.000 s: the verdicts judge a partial history', type: 'interrupted' }]);
    expect(await validate(xml)).toEqual([]);
  });
});
