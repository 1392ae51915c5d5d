/**
 * The kube runner's API-level part against a real kube-apiserver + etcd (`upControlPlane` on the
 * loopback of a namespace this test creates, 198.18.0.2): a kubeconfig with a client certificate
 * the test signs with the control plane's CA (group system:masters — kind's and Talos's admin
 * kubeconfigs authenticate so), Node objects and fake agent pods, kill-agent of the Lease holder,
 * a taint through the scenario's `edit`, labels applied and restored
 * (`kube-world.lab-steps.ts`). Needs root, iproute2, openssl and the control-plane binaries
 * (`make control-plane`); skips otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesForTests, CP_TEST_TIMEOUT_MS, tempRunDir } from '../../control-plane/cp-test-support.ts';
import { downControlPlane } from '../../control-plane/down.ts';
import { layoutFor } from '../../control-plane/layout.ts';
import type { RunRecord } from '../../control-plane/run-record.ts';
import { upControlPlane } from '../../control-plane/up.ts';
import { callInNetns } from '../../lab/proc/netns-call.ts';
import type { ApiFaultsArgs, WholeRunArgs } from './kube-world.lab-steps.ts';

const setup = await binariesForTests();
const canNetns = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0 && spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!canNetns) process.stderr.write('kube world lab test skipped: needs root, iproute2 (ip netns) and openssl\n');
const STEPS = new URL('./kube-world.lab-steps.ts', import.meta.url).href;

describe.skipIf(setup.binaries === undefined || !canNetns)('the kube runner against a real kube-apiserver', () => {
  const runId = `t${randomBytes(2).toString('hex')}`;
  const netns = `l2lp-${runId}-cp`;
  let runDir = '';
  let record: RunRecord;
  let kubeconfig = '';

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['-n', netns, 'addr', 'add', '198.18.0.2/32', 'dev', 'lo']);
    runDir = await tempRunDir('kube-world');
    record = await upControlPlane({ runDir, nodeNames: ['kw1'], netns, address: '198.18.0.2', ports: { apiserverPort: 0 }, ...(setup.binaries === undefined ? {} : { binaries: setup.binaries }) });
    const layout = layoutFor(runDir);
    const key = join(runDir, 'admin.key');
    const csr = join(runDir, 'admin.csr');
    const crt = join(runDir, 'admin.crt');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', '/O=system:masters/CN=l2lab-kube-test'], { stdio: 'ignore' });
    execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', layout.caCertPath, '-CAkey', layout.caKeyPath, '-CAcreateserial', '-days', '1', '-out', crt], { stdio: 'ignore' });
    const b64 = async (path: string): Promise<string> => (await readFile(path)).toString('base64');
    kubeconfig = join(runDir, 'test-admin.kubeconfig');
    await writeFile(kubeconfig, `apiVersion: v1
kind: Config
current-context: lab
clusters:
- name: lab
  cluster: { server: "${record.serverUrl}", certificate-authority-data: ${await b64(layout.caCertPath)} }
contexts:
- name: lab
  context: { cluster: lab, user: admin }
users:
- name: admin
  user: { client-certificate-data: ${await b64(crt)}, client-key-data: ${await b64(key)} }
`);
  }, CP_TEST_TIMEOUT_MS);

  afterAll(async () => {
    if (runDir) await downControlPlane(runDir).catch(() => undefined);
    spawnSync('ip', ['netns', 'del', netns], { stdio: 'ignore' });
  }, CP_TEST_TIMEOUT_MS);

  it('kills the holder’s agent pod, taints the mapped node, waits for the successor and restores the labels', async () => {
    const args: ApiFaultsArgs = { kubeconfig, scenarioPath: join(process.cwd(), 'scenarios/leader-kill.yaml'), runId };
    const seen = await callInNetns<Record<string, unknown>>(netns, STEPS, 'apiFaults', args, 60_000);
    expect(seen['auth']).toBe('client-certificate');
    expect(seen['nodeMap']).toEqual({ n1: 'kw1', n2: 'kw2', n3: 'kw3' });
    // Mapped workers carry the scenario's label during the run; the control plane loses it.
    expect(seen['labelsDuring']).toEqual({ kcp: null, kw1: 'true', kw2: 'true', kw3: 'true' });
    expect(seen['holderBefore']).toBe('n2');
    expect(seen['steps']).toEqual([
      { atMs: 0, occurrence: 'kill@0', action: 'kill-agent', node: 'n2', outcome: 'done' },
      { atMs: 0, occurrence: 'taint@0', action: 'edit', outcome: 'done' },
      { atMs: 0, occurrence: 'outage@0', action: 'api-outage', outcome: 'skipped', reason: expect.stringMatching(/^failed: api-outage needs the nodes as Docker containers/) },
    ]);
    expect(seen['podsAfterKill']).toEqual(['agent-kw1', 'agent-kw3']);
    expect(seen['taints']).toEqual([{ key: 'l2lab.io/test', value: 'x', effect: 'NoSchedule' }]);
    expect(seen['problems']).toEqual([]);
    expect(seen['nemesisOps']).toEqual([
      { f: 'kill-agent', value: { node: 'n2' } },
      { f: 'edit', value: { verb: 'patch', resource: 'nodes', name: 'n1', mayMoveIpsOf: [] } },
      { f: 'restart-agent', value: { node: 'n2' } },
    ]);
    // Restored: what each node had before (kw1, kw2 'false'; kw3, kcp 'true'), no interface annotation.
    expect(seen['labelsAfter']).toEqual({ kcp: 'true', kw1: 'false', kw2: 'false', kw3: 'true' });
    expect(seen['annotationsAfter']).toEqual({ kcp: null, kw1: null, kw2: null, kw3: null });
  });

  it('runs a scenario file end to end on the kubeconfig provider: DaemonSet set to the run and back, faults, objects removed', async () => {
    // leader-kill, short: kill the agent on n1 (= kw2 by --node-map) at 2 s, back at 4 s; untaint n3 (= kw1).
    const text = (await readFile(join(process.cwd(), 'scenarios/leader-kill.yaml'), 'utf8'))
      .replace('duration: 40s', 'duration: 7s')
      .replace(/nemesis:\n[\s\S]*?\nexpectations:/, 'nemesis:\n  - at: 2s\n    action: kill-agent\n    node: n1\n    for: 2s\n  - at: 1s\n    action: edit\n    kind: Node\n    name: n3\n    patch: { spec: { taints: null } }\n  - at: 3s\n    action: link-down\n    node: n2\n    iface: eth0\nexpectations:');
    const scenarioPath = join(runDir, 'short-leader-kill.yaml');
    await writeFile(scenarioPath, text);
    const args: WholeRunArgs = { kubeconfig, scenarioPath, runId, runDir: join(runDir, 'run') };
    const seen = await callInNetns<Record<string, unknown>>(netns, STEPS, 'wholeRun', args, 90_000);
    expect(seen['end']).toBe('completed');
    expect(seen['nodeMap']).toEqual({ n1: 'kw2', n2: 'kw3', n3: 'kw1' });
    expect(seen['steps']).toEqual([
      { atMs: 1000, occurrence: expect.any(String), action: 'edit', outcome: 'done' },
      { atMs: 2000, occurrence: expect.any(String), action: 'kill-agent', node: 'n1', outcome: 'done' },
      { atMs: 3000, occurrence: expect.any(String), action: 'link-down', outcome: 'skipped', reason: expect.stringMatching(/kubeconfig provider has none/), unsupported: true },
      { atMs: 4000, occurrence: expect.any(String), action: 'restart-agent', node: 'n1', outcome: 'done', inverseOf: expect.any(String) },
    ]);
    expect(seen['nemesisOps']).toEqual([
      { f: 'edit', value: { verb: 'patch', resource: 'nodes', name: 'n3', mayMoveIpsOf: [] } },
      { f: 'kill-agent', value: { node: 'n1' } },
      { f: 'restart-agent', value: { node: 'n1' } },
    ]);
    // The observer saw the cluster's nodes under the scenario's names, and no other node.
    expect(seen['interfacesSelected']).toEqual(expect.arrayContaining(['n1', 'n2', 'n3']));
    expect((seen['interfacesSelected'] as string[]).every((n) => ['n1', 'n2', 'n3'].includes(n))).toBe(true);
    expect(seen['notes']).toEqual(expect.arrayContaining(['nodes: n1=kw2, n2=kw3, n3=kw1']));
    // Undone: the DaemonSet as it was, the scenario's objects gone, the annotation off; the edit's untaint stays (it was the scenario's).
    expect(seen['argsAfter']).toEqual(['cluster-proc', 'node']);
    expect(seen['servicesAfter']).toEqual([]);
    expect(seen['poolsAfter']).toEqual([]);
    expect(seen['taintsAfter']).toMatchObject({ kw1: [] });
    expect(seen['annotationsAfter']).toEqual({ kcp: null, kw1: null, kw2: null, kw3: null });
  });

  it('judges a --target cilium run from the Leases: the holder’s Cilium pod deleted, the takeover measured, agent-evidence invariants reported only', async () => {
    const text = (await readFile(join(process.cwd(), 'scenarios/leader-kill.yaml'), 'utf8'))
      .replace('duration: 40s', 'duration: 6s')
      .replace(/nemesis:\n[\s\S]*?\nexpectations:/, 'nemesis:\n  - at: 2s\n    action: kill-agent\n    node: { holder-of: default/web }\nexpectations:');
    const scenarioPath = join(runDir, 'cilium-leader-kill.yaml');
    await writeFile(scenarioPath, text);
    const args: WholeRunArgs = { kubeconfig, scenarioPath, runId: `${runId}c`, runDir: join(runDir, 'cilium-run') };
    const seen = await callInNetns<Record<string, unknown>>(netns, STEPS, 'ciliumRun', args, 90_000);
    expect(seen['steps']).toEqual([{ action: 'kill-agent', node: 'n2', outcome: 'done' }]);
    expect(seen['ciliumPods']).toEqual(['cilium-kw1', 'cilium-kw2']);
    // kw3 (n2) held it from the start; kw1 (n3) took it at 3 s, 1 s after the kill.
    expect(seen['became']).toEqual(['n2', 'n3']);
    expect(seen['leaseTakenOver']).toMatchObject({ count: 1, missing: 0 });
    expect(seen['expectedHold']).toEqual(['one-responder']);
    const notes = (seen['notes'] as string[]).join('\n');
    expect(notes).toContain("judged with Cilium's configured Lease timing 15000/5000/2000 ms (kube-system/cilium-config)");
    expect(notes).toContain('are reported only (their evidence is the agents\' own ops, which Cilium does not record); the scenario expected holder-eligible, holder-answers, failover-bound, reacquire, lease-scope');
  });
});
