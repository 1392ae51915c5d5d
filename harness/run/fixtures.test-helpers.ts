/**
 * Scenarios for the run tests, as text: small (2–3 nodes, one service, fast timings) so every
 * run takes a few hundred ms of wall time.
 */
import { parseScenarioText } from '../scenario/parse-scenario.ts';
import type { Scenario } from '../scenario/types.ts';

/** A two-node scenario; `nemesis` and `expectations` blocks are appended verbatim. */
export function tinyScenarioText(options: { readonly name?: string; readonly profile?: string; readonly extra?: string; readonly topology?: string; readonly duration?: string } = {}): string {
  const topology =
    options.topology ??
    `topology:
  segments:
    - name: lan
  nodes:
    - name: n1
      interfaces: [{ name: eth0, segment: lan }]
    - name: n2
      interfaces: [{ name: eth0, segment: lan }]
  clients:
    - name: c1
      segment: lan
      arp: { baseReachableTime: 4s, delayFirstProbeTime: 1s, retransTime: 300ms }
`;
  return `apiVersion: l2lab.io/v1alpha1
kind: Scenario
metadata:
  name: ${options.name ?? 'tiny'}
profile: ${options.profile ?? 'cilium-1.16'}
duration: ${options.duration ?? '20s'}
seed: 3
timings: fast
${topology}manifests: |
  apiVersion: cilium.io/v2alpha1
  kind: CiliumL2AnnouncementPolicy
  metadata:
    name: lan
  spec:
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
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: api
    namespace: default
  spec:
    type: LoadBalancer
    ports: [{ port: 7, protocol: UDP }]
workload:
  probes:
    - clients: [c1]
      services: [default/web]
      ratePerSecond: 5
${options.extra ?? ''}`;
}

/** Parses a scenario text. @throws Error listing the issues when it is invalid. */
export function scenarioOf(text: string, file = 'tiny.yaml'): Scenario {
  const { scenario, issues } = parseScenarioText(text, file);
  if (scenario === undefined) throw new Error(`test scenario invalid:\n${issues.map((i) => `${i.file}:${i.line}: ${i.path}: ${i.message}`).join('\n')}`);
  return scenario;
}
