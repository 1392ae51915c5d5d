/**
 * `l2lab run` end to end through the CLI's `main()` with a capturing io: exit codes (0, 2, 3, 4,
 * 5), the report directory, byte-identical histories for one seed, and what summary.md says.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run, scratchDir } from '../cli/test-io.ts';
import { tinyScenarioText } from './fixtures.test-helpers.ts';
import { runScenarioCommand } from './run-cli.ts';

const scratch = scratchDir('l2lab-run-test-');
const dir = scratch.path;
const file = scratch.file;
afterAll(scratch.remove);

const KILL = `nemesis:
  - at: 8s
    id: kill
    action: kill-agent
    node: { holder-of: default/web }
    for: 6s
`;

/** C01: cilium-1.14 takes a Lease for a policy-selected ClusterIP service (nothing to announce). */
const CLUSTER_IP = `  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: dns
    namespace: default
  spec:
    type: ClusterIP
    clusterIP: 10.96.0.10
    ports: [{ port: 53, protocol: UDP }]
`;
const withClusterIp = (text: string): string => text.replace('workload:', `${CLUSTER_IP}workload:`);

describe('l2lab run: exit codes', () => {
  it('0 when every expectation is met; the report directory has every report file', async () => {
    const out = join(dir, 'pass');
    const { code, out: text, err } = await run('run', file('pass.yaml', tinyScenarioText({ extra: `${KILL}expectations:\n  hold: [one-responder, failover-bound, reacquire]\n` })), '--out', out);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['failover-cdf.svg', 'history.jsonl', 'junit.xml', 'lease-load.svg', 'ownership.svg', 'results.json', 'run.json', 'summary.md', 'timeline.txt']);
    expect(text).toContain('FAILOVER  ms after the fault · kill-agent');
    expect(text).toMatch(/LEASE LOAD {2}requests\/s vs the model/);
    expect(text).toContain(`PASS: every expectation met · report ${out}`);
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { seed: number; world: string; profile: string; invocation: { argv: string[] }; git: { sha: string | null } };
    expect(info).toMatchObject({ seed: 3, world: 'sim', profile: 'cilium-1.16' });
    expect(info.invocation.argv).toContain('--out');
    expect(info.git).toHaveProperty('sha');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { expectationsMet: boolean; outcome: string };
    expect(results).toMatchObject({ expectationsMet: true, outcome: 'pass' });
  });

  it('--format json: the report directory, the exit code and the results', async () => {
    const { code, out } = await run('run', file('json.yaml', tinyScenarioText({ extra: `${KILL}expectations:\n  hold: [failover-bound]\n` })), '--format', 'json', '--out', join(dir, 'json'));
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { report: string; exitCode: number; end: string; results: { outcome: string; failover: { components: { component: string }[] }; leaseLoad: { rows: { verb: string }[] } } };
    expect(parsed).toMatchObject({ report: join(dir, 'json'), exitCode: 0, end: 'completed', results: { outcome: 'pass' } });
    expect(parsed.results.failover.components.map((c) => c.component)).toEqual(['leaseTakenOver', 'firstGarp', 'firstNewMacAnswer', 'clientEntryChanged', 'firstSuccessfulProbe']);
    expect(parsed.results.leaseLoad.rows.map((r) => r.verb)).toEqual(['get', 'update', 'list']);
  });

  it('2 for a bad scenario: file:line: path: message, no stack trace', async () => {
    const bad = file('bad.yaml', tinyScenarioText().replace('duration: 20s', 'duration: 20 parsecs'));
    const { code, err, out } = await run('run', bad, '--out', join(dir, 'bad'));
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`l2lab: ${bad}: 1 problem in the scenario`);
    expect(err).toMatch(new RegExp(`${bad}:6: duration: `));
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('2 for a missing file, an unknown profile, a world the scenario does not list, and a cluster provider without scenario support', async () => {
    expect((await run('run', join(dir, 'nope.yaml'))).err).toContain('no such file or directory');
    const ok = file('ok.yaml', tinyScenarioText());
    const profile = await run('run', ok, '--profile', 'cilium-0.1');
    expect(profile.code).toBe(2);
    expect(profile.err).toContain('unknown profile "cilium-0.1"');
    const simOnly = file('sim-only.yaml', tinyScenarioText().replace('kind: Scenario\n', 'kind: Scenario\nworlds: [sim]\n'));
    const lab = await run('run', simOnly, '--world', 'lab');
    expect(lab.code).toBe(2);
    expect(lab.err).toContain('lists worlds [sim], not lab');
    const simOnlyCluster = await run('run', simOnly, '--world', 'cluster');
    expect(simOnlyCluster.code).toBe(2);
    expect(simOnlyCluster.err).toContain('lists worlds [sim], not cluster');
    // k3s starts its own cluster (what a machine without Docker says: harness/cluster/k3s/k3s-command.test.ts).
    const k3s = await run('run', ok, '--world', 'cluster', '--provider', 'k3s', '--kubeconfig', join(dir, 'kc'));
    expect(k3s.code).toBe(2);
    expect(k3s.err).toContain('--provider k3s starts its own cluster: --kubeconfig, --context and --cluster-name do not apply');
    const kubeconfig = await run('run', ok, '--world', 'cluster', '--provider', 'kubeconfig', '--kubeconfig', join(dir, 'no-kubeconfig'));
    expect(kubeconfig.code).toBe(2);
    expect(kubeconfig.err).toContain(`reading the kubeconfig ${join(dir, 'no-kubeconfig')}: `);
  });

  it('3 when a safety invariant expected to hold fails (C01 lease-scope on cilium-1.14)', async () => {
    const text = withClusterIp(tinyScenarioText({ profile: 'cilium-1.14', duration: '10s', extra: 'expectations:\n  hold: [lease-scope]\n' }));
    const { code, out } = await run('run', file('c01.yaml', text), '--out', join(dir, 'c01'));
    expect(code).toBe(3);
    expect(out).toContain('FAIL (safety): lease-scope (safety): expected to hold, got fails at');
    expect(readFileSync(join(dir, 'c01', 'summary.md'), 'utf8')).toContain('**FAIL (safety)**');
  });

  it('a bug scenario: the fail invariant must fail on the affected profile (0) and hold on the fixed one (0)', async () => {
    const text = withClusterIp(tinyScenarioText({ profile: 'cilium-1.14', duration: '10s', extra: 'expectations:\n  fail: [lease-scope]\n' })).replace(
      'metadata:\n  name: tiny\n',
      'metadata:\n  name: tiny\n  bug: { id: C01, affected: [cilium-1.14], fixed: [cilium-1.15] }\n',
    );
    const path = file('c01-bug.yaml', text);
    expect((await run('run', path, '--out', join(dir, 'c01-affected'))).code).toBe(0);
    expect((await run('run', path, '--profile', 'cilium-1.15', '--out', join(dir, 'c01-fixed'))).code).toBe(0);
  });

  it('4 when a liveness expectation is not met (a failover component above its bound)', async () => {
    const text = tinyScenarioText({ extra: `${KILL}expectations:\n  hold: [failover-bound]\n  failover:\n    leaseTakenOver: 1ms\n` });
    const { code, out } = await run('run', file('slow.yaml', text), '--out', join(dir, 'slow'));
    expect(code).toBe(4);
    expect(out).toMatch(/FAIL \(liveness\): failover leaseTakenOver: max \d+ ms > bound 1 ms/);
  });

  it('5 when interrupted: the report holds the partial history and says so', async () => {
    const controller = new AbortController();
    controller.abort();
    const out = join(dir, 'interrupted');
    let text = '';
    const code = await runScenarioCommand(file('int.yaml', tinyScenarioText({ extra: KILL })), { world: 'sim', format: 'text', out }, { stdout: (t) => void (text += t), argv: [], signal: controller.signal });
    expect(code).toBe(5);
    expect(text).toContain('INTERRUPTED at 0.000 s virtual');
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({ end: 'interrupted' });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('**INTERRUPTED**');
  });
});

describe('l2lab run: reports', () => {
  it('one seed twice → byte-identical history.jsonl (and results.json); another seed differs', async () => {
    const path = file('det.yaml', tinyScenarioText({ extra: KILL }));
    for (const [name, seed] of [['a', '5'], ['b', '5'], ['c', '6']] as const) expect((await run('run', path, '--seed', seed, '--out', join(dir, `det-${name}`))).code).toBe(0);
    const read = (name: string, f: string): string => readFileSync(join(dir, `det-${name}`, f), 'utf8');
    expect(read('a', 'history.jsonl').length).toBeGreaterThan(10_000);
    expect(read('b', 'history.jsonl')).toBe(read('a', 'history.jsonl'));
    expect(read('b', 'results.json')).toBe(read('a', 'results.json'));
    expect(read('c', 'history.jsonl')).not.toBe(read('a', 'history.jsonl'));
  });

  it('the default directory is reports/<scenario>/<yyyymmdd-hhmmss>-s<seed>/ (a second run in the same second gets -2)', async () => {
    const path = file('named.yaml', tinyScenarioText({ name: 'named', duration: '5s' }));
    const now = (): Date => new Date('2026-11-21T14:05:09Z');
    const ports = { stdout: () => undefined, argv: [], reportsRoot: join(dir, 'reports'), now };
    expect(await runScenarioCommand(path, { world: 'sim', format: 'text' }, ports)).toBe(0);
    expect(await runScenarioCommand(path, { world: 'sim', format: 'text', seed: 9 }, ports)).toBe(0);
    expect(await runScenarioCommand(path, { world: 'sim', format: 'text', seed: 9 }, ports)).toBe(0);
    expect(readdirSync(join(dir, 'reports', 'named')).sort()).toEqual(['20261121-140509-s3', '20261121-140509-s9', '20261121-140509-s9-2']);
  });

  it('summary.md: what ran, the outcome, nemesis, failover components, lease load vs model, verdicts', async () => {
    const out = join(dir, 'summary');
    expect((await run('run', file('summary.yaml', tinyScenarioText({ extra: `${KILL}expectations:\n  hold: [one-responder, failover-bound]\n  failover:\n    firstGarp: 7s\n` })), '--out', out)).code).toBe(0);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('# tiny — sim, cilium-1.16, seed 3');
    expect(md).toContain('**PASS** — every expectation met.');
    expect(md).toContain('| world / profile / seed | sim / cilium-1.16 / 3 |');
    expect(md).toContain('| lease timings | leaseDuration 3 s, renewDeadline 1 s, retryPeriod 0.2 s (fast) |');
    expect(md).toMatch(/\| 8\.000 s \| kill-agent \| n[12] \| done \|/);
    expect(md).toMatch(/\| 14\.000 s \| restart-agent \| n[12] \| done \|/);
    expect(md).toMatch(/\| firstGarp \| \d+ ms \| \d+ ms \| 7000 ms \| yes \|/);
    expect(md).toMatch(/\| update \| 10\.00 \| \d+\.\d\d \| [+−]\d+\.\d % \|/); // two leases, each renewed every 200 ms
    expect(md).toContain('| one-responder | safety | hold | holds | yes |');
    expect(md).toContain('| failover-bound | liveness | hold | holds | yes |');
  });

  it('l2lab report re-renders results.json and summary.md byte for byte from run.json + history.jsonl, with the same exit code', async () => {
    const out = join(dir, 'rerender');
    const text = withClusterIp(tinyScenarioText({ profile: 'cilium-1.14', duration: '10s', extra: 'expectations:\n  hold: [lease-scope]\n' }));
    expect((await run('run', file('rerender.yaml', text), '--out', out)).code).toBe(3);
    const before = ['results.json', 'summary.md'].map((f) => readFileSync(join(out, f), 'utf8'));
    rmSync(join(out, 'summary.md'));
    const again = await run('report', out);
    expect(again.code).toBe(3);
    expect(again.out).toContain('FAIL (safety): lease-scope');
    expect(['results.json', 'summary.md'].map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
    const missing = await run('report', join(dir, 'no-such-run'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('run.json: no such file (is this an l2lab run directory?)');
  });
});
