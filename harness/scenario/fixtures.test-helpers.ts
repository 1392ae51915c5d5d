/**
 * A small valid scenario for table tests: each case replaces one line (or appends lines) so the
 * expected `file:line` of every error is obvious from this text.
 */
export const BASE_SCENARIO = `apiVersion: l2lab.io/v1alpha1
kind: Scenario
metadata:
  name: base
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
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: default
  spec:
    type: LoadBalancer
nemesis:
  - at: 10s
    id: kill
    action: kill-node
    node: { holder-of: default/web }
expectations:
  hold: [one-responder]
`;

/** BASE_SCENARIO with line `line` (1-based) replaced by `replacement` (may be several lines). */
export function withLine(line: number, replacement: string): string {
  const lines = BASE_SCENARIO.split('\n');
  lines.splice(line - 1, 1, replacement);
  return lines.join('\n');
}

/** BASE_SCENARIO with `text` appended (its first line is line 42). */
export function withAppended(text: string): string {
  return `${BASE_SCENARIO}${text}`;
}

/** BASE_SCENARIO with lines `first`…`last` (1-based, inclusive) replaced by `replacement`. */
export function withLines(first: number, last: number, replacement: string): string {
  const lines = BASE_SCENARIO.split('\n');
  lines.splice(first - 1, last - first + 1, replacement);
  return lines.join('\n');
}
