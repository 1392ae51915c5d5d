/**
 * Scenarios for the lab topology tests: parsed from YAML like real ones, so addresses and MACs are
 * the resolver's defaults; error cases edit the parsed value (the schema would refuse them first).
 */
import { parseScenarioText } from '../../scenario/parse-scenario.ts';
import type { Scenario } from '../../scenario/types.ts';

/** Two segments, three nodes (n2 with a second interface), two clients, pools of a CIDR and ranges. */
export const LAB_SCENARIO = `apiVersion: l2lab.io/v1alpha1
kind: Scenario
metadata:
  name: lab-topology
profile: cilium-1.16
duration: 30s
timings: fast
topology:
  segments:
    - name: lan
    - name: storage
  nodes:
    - name: n1
      interfaces: [{ name: eth0, segment: lan }]
    - name: n2
      interfaces: [{ name: eth0, segment: lan }, { name: eth1, segment: storage }]
    - name: n3
      interfaces: [{ name: eth0, segment: lan }]
  clients:
    - name: c1
      segment: lan
      arp: { baseReachableTime: 5s, delayFirstProbeTime: 1500ms, locktime: 250ms, arpAccept: 1 }
    - name: c2
      segment: storage
manifests: |
  apiVersion: cilium.io/v2alpha1
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: lan
  spec:
    blocks:
      - cidr: 198.18.0.240/29
      - start: 198.18.0.248
        stop: 198.18.0.250
  ---
  apiVersion: cilium.io/v2alpha1
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: storage
  spec:
    blocks:
      - start: 198.18.1.100
      - cidr: fd00::/120
`;

/** Parses scenario text. @throws Error listing the issues when it does not parse. */
export function parseLabScenario(text: string = LAB_SCENARIO): Scenario {
  const result = parseScenarioText(text, 'lab-topology.yaml');
  if (result.scenario === undefined) throw new Error(`fixture does not parse: ${result.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`).join('; ')}`);
  return result.scenario;
}

/** Two nodes and one client on one segment, one pool: the smallest wire (lab faults, docker wire). */
export const TWO_NODE_SCENARIO = `apiVersion: l2lab.io/v1alpha1
kind: Scenario
metadata:
  name: lab-net
profile: cilium-1.16
duration: 30s
timings: fast
topology:
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
manifests: |
  apiVersion: cilium.io/v2alpha1
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: lan
  spec:
    blocks:
      - cidr: 198.18.0.240/28
`;
