/**
 * MetalLB in the lab: a three-node lab run (real CLI, `--world lab --profile metallb-l2`) of a
 * MetalLB-written scenario (IPAddressPool + L2Advertisement, created in the real API server through
 * `kind/crds-metallb/`) kills the speaker announcing the service. The survivors' memberlist — UDP
 * between the speaker processes on the nodes' data addresses — must declare it dead and another
 * node must take the IP over (`became-leader` by a node other than the killed one, after the kill),
 * the run's failover bound must hold under MetalLB's timing, and nothing of the run is left behind.
 * Needs root, iproute2, arping, tcpdump and the control-plane binaries; skips with a reason otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistoryJsonl } from '../../history/jsonl.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const tools = ['ip', 'arping', 'tcpdump'].every((tool) => spawnSync('which', [tool], { stdio: 'ignore' }).status === 0);
const canLab = process.getuid?.() === 0 && tools;
if (!canLab) process.stderr.write('MetalLB speaker lab test skipped: needs root, iproute2, arping and tcpdump\n');

const SCENARIO = `apiVersion: l2lab.io/v1alpha1
kind: Scenario
metadata:
  name: metallb-speaker-kill
  description: the announcing MetalLB speaker is killed; memberlist over UDP lets another node take the IP.
profile: metallb-l2
worlds: [sim, lab]
duration: 24s
seed: 1
topology:
  segments:
    - name: lan
  nodes:
    - name: n1
      interfaces: [{ name: eth0, segment: lan }]
    - name: n2
      interfaces: [{ name: eth0, segment: lan }]
    - name: n3
      interfaces: [{ name: eth0, segment: lan }]
  clients:
    - name: c1
      segment: lan
manifests: |
  apiVersion: metallb.io/v1beta1
  kind: IPAddressPool
  metadata:
    name: lan
  spec:
    addresses: [198.18.0.240/28]
  ---
  apiVersion: metallb.io/v1beta1
  kind: L2Advertisement
  metadata:
    name: lan
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: default
  spec:
    type: LoadBalancer
    ports: [{ port: 7, protocol: UDP }]
workload:
  probes:
    - clients: [c1]
      services: [default/web]
      ratePerSecond: 5
nemesis:
  - at: 6s
    id: kill-leader
    action: kill-agent
    node: { holder-of: default/web }
expectations:
  hold: [one-responder, failover-bound]
`;

const RUN_TIMEOUT_MS = 200_000;

describe.skipIf(!canLab)('MetalLB speakers in the lab', () => {
  it('another node takes the IP over after the announcing speaker is killed, within the failover bound, and nothing is left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2l-speaker-'));
    const file = join(dir, 'speaker-kill.yaml');
    writeFileSync(file, SCENARIO);
    const out = join(dir, 'out');
    const child = spawnSync(process.execPath, ['--max-semi-space-size=4', join(REPO, 'bin/l2lab.mjs'), 'run', file, '--world', 'lab', '--format', 'json', '--out', out], { cwd: REPO, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    expect(existsSync(join(out, 'history.jsonl')), `no history; stderr: ${child.stderr.slice(-2000)}`).toBe(true);
    const ops = parseHistoryJsonl(readFileSync(join(out, 'history.jsonl'), 'utf8'));
    const kill = ops.find((op) => op.process === 'nemesis' && op.f === 'kill-agent');
    const killed = (kill?.value as { node?: string } | undefined)?.node;
    expect(killed, 'the kill-agent step found a holder (a speaker announcing default/web)').toMatch(/^n[123]$/);
    const takeovers = ops.filter((op) => op.f === 'became-leader' && op.tMs > (kill?.tMs ?? Number.POSITIVE_INFINITY) && op.process !== killed);
    expect(takeovers.map((op) => op.process)).not.toEqual([]);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { invariants?: readonly { name: string; valid: boolean | 'unknown' }[] };
    expect(results.invariants?.find((i) => i.name === 'failover-bound')?.valid).toBe(true);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { lab?: { runId: string } };

    const runId = run.lab?.runId ?? '';
    expect(runId).not.toBe('');
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`l2l-${runId}-`));
    expect(namespaces).toEqual([]);
  }, RUN_TIMEOUT_MS + 10_000);
});
