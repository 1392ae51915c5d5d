/**
 * The lab agent hears its node's link state: a two-node lab run (real CLI, `--world lab`) pulls
 * n1's data cable (the bridge-side veth goes down) for 4 s; n1's agent — through its link
 * monitor, `ip -o monitor link` in n1's netns — records `link-observed` down after the nemesis
 * `link-down` and up after `link-up` (and tells its Agent `linkDown`/`linkUp`), n2's agent sees
 * nothing, no `process-problem` is recorded, and nothing of the run is left behind: no namespace,
 * no process carrying the run id (the monitors are children of the agents, in the node
 * namespaces). Needs root, iproute2, arping, tcpdump and the control-plane binaries; skips with a
 * reason otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistoryJsonl } from '../../history/jsonl.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const tools = ['ip', 'arping', 'tcpdump'].every((tool) => spawnSync('which', [tool], { stdio: 'ignore' }).status === 0);
const canLab = process.getuid?.() === 0 && tools;
if (!canLab) process.stderr.write('link-watch lab test skipped: needs root, iproute2, arping and tcpdump\n');

const SCENARIO = `apiVersion: l2lab.io/v1alpha1
kind: Scenario
metadata:
  name: link-watch
  description: n1's data cable pulled for 4 s; its agent hears it.
profile: reference
worlds: [sim, lab]
duration: 12s
seed: 1
timings: fast
topology:
  segments:
    - name: lan
  nodes:
    - name: n1
      labels: { l2lab.io/announce: "true" }
      interfaces: [{ name: eth0, segment: lan }]
    - name: n2
      labels: { l2lab.io/announce: "true" }
      interfaces: [{ name: eth0, segment: lan }]
  clients:
    - name: c1
      segment: lan
manifests: |
  apiVersion: cilium.io/v2alpha1
  kind: CiliumL2AnnouncementPolicy
  metadata:
    name: lan
  spec:
    nodeSelector:
      matchLabels: { l2lab.io/announce: "true" }
    interfaces: ["^eth0$"]
    loadBalancerIPs: true
  ---
  apiVersion: cilium.io/v2alpha1
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: lan
  spec:
    blocks:
      - cidr: 198.18.0.240/28
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: default
  spec:
    type: LoadBalancer
    ports: [{ port: 7, protocol: UDP }]
nemesis:
  - at: 4s
    action: link-down
    node: n1
    iface: eth0
    for: 4s
`;

const RUN_TIMEOUT_MS = 200_000;

describe.skipIf(!canLab)('lab agent link watch', () => {
  it('records the pulled cable as link-observed on that node only, between the nemesis ops, and leaves nothing behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2l-linkwatch-'));
    const file = join(dir, 'link-watch.yaml');
    writeFileSync(file, SCENARIO);
    const out = join(dir, 'out');
    const child = spawnSync(process.execPath, ['--max-semi-space-size=4', join(REPO, 'bin/l2lab.mjs'), 'run', file, '--world', 'lab', '--format', 'json', '--out', out], { cwd: REPO, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    expect(existsSync(join(out, 'history.jsonl')), `no history; stderr: ${child.stderr.slice(-2000)}`).toBe(true);
    const ops = parseHistoryJsonl(readFileSync(join(out, 'history.jsonl'), 'utf8'));
    const nemesis = (f: string): number => ops.find((op) => op.process === 'nemesis' && op.f === f)?.tMs ?? Number.NaN;
    const observed = ops.filter((op) => op.f === 'link-observed').map((op) => ({ tMs: op.tMs, ...(op.value as { node: string; iface: string; up: boolean }) }));
    expect(observed.map(({ node, iface, up }) => ({ node, iface, up }))).toEqual([
      { node: 'n1', iface: 'eth0', up: false },
      { node: 'n1', iface: 'eth0', up: true },
    ]);
    expect(observed[0]?.tMs).toBeGreaterThanOrEqual(nemesis('link-down'));
    expect(observed[0]?.tMs).toBeLessThan(nemesis('link-up'));
    expect(observed[1]?.tMs).toBeGreaterThanOrEqual(nemesis('link-up'));
    expect(ops.filter((op) => op.f === 'process-problem')).toEqual([]);

    const runId = (JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { lab?: { runId: string } }).lab?.runId ?? '';
    expect(runId).not.toBe('');
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`l2l-${runId}-`));
    expect(namespaces).toEqual([]);
    // Every process of the run (the link monitors too) carries L2LAB_RUN_ID and is gone.
    const marker = `L2LAB_RUN_ID=${runId}`;
    const alive = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, RUN_TIMEOUT_MS + 10_000);
});
