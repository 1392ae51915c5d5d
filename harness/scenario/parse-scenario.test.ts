import { describe, expect, it } from 'vitest';
import { formatIssue } from '../model/parse/issue.ts';
import { BASE_SCENARIO, withAppended, withLine, withLines } from './fixtures.test-helpers.ts';
import { parseScenarioText } from './parse-scenario.ts';
import { PROFILES } from '../profiles/profiles.ts';

/** The shipped profile names as unknown-profile messages list them (profiles are added by other work). */
const PROFILE_NAMES = [...PROFILES.keys()].join(', ');

const issuesOf = (text: string, options: Parameters<typeof parseScenarioText>[2] = {}) => parseScenarioText(text, 's.yaml', options).issues.map(formatIssue);
const step = (lines: string) => withLine(39, `    node: n1\n${lines}`);

describe('parseScenarioText: the base scenario', () => {
  it('parses with defaults filled in', () => {
    const { scenario, issues, warnings } = parseScenarioText(BASE_SCENARIO, 's.yaml');
    expect(issues).toEqual([]);
    expect(warnings).toEqual([]);
    expect(scenario?.durationMs).toBe(30_000);
    expect(scenario?.worlds).toEqual(['sim', 'lab', 'cluster']);
    expect(scenario?.timing).toEqual({ preset: 'fast', requested: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 }, effective: { leaseDurationMs: 3_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 }, corrections: [] });
    expect(scenario?.topology.segments).toEqual([{ name: 'lan', subnet: '198.18.0.0/24', source: { file: 's.yaml', line: 10 } }]);
    expect(scenario?.topology.nodes.map((n) => n.interfaces)).toEqual([[{ name: 'eth0', segment: 'lan', mac: '02:00:00:00:00:00', ip: '198.18.0.10' }], [{ name: 'eth0', segment: 'lan', mac: '02:00:00:00:01:00', ip: '198.18.0.11' }]]);
    expect(scenario?.topology.clients.map((c) => [c.ip, c.mac, c.arp.arpAccept, c.arp.baseReachableTimeMs])).toEqual([['198.18.0.200', '02:00:00:ff:00:01', 0, 30_000]]);
    // Nodes come from the topology; manifest objects keep the scenario file's lines.
    expect(scenario?.manifests.nodes.map((n) => [n.name, n.interfaces, n.source.line])).toEqual([['n1', ['eth0'], 12], ['n2', ['eth0'], 14]]);
    expect(scenario?.manifests.pools.map((p) => p.source.line)).toEqual([20]);
    expect(scenario?.manifests.services.map((s) => [s.name, s.source.line])).toEqual([['web', 28]]);
    expect(scenario?.nemesis).toEqual([{ atMs: 10_000, id: 'kill', action: 'kill-node', node: { kind: 'holder-of', service: 'default/web' }, source: { file: 's.yaml', line: 36 } }]);
  });

  it('defaults to Cilium timings, the newest Cilium profile and, for a bug, its first affected profile', () => {
    const plain = parseScenarioText(withLines(5, 7, 'duration: 30s'), 's.yaml').scenario;
    expect(plain?.timing.requested).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 });
    expect(plain?.profile).toBe('cilium-1.20.2');
    const bug = parseScenarioText(withLines(4, 5, '  name: base\n  bug: { id: C02, affected: [cilium-1.14], fixed: [cilium-1.15] }').replace('  hold: [one-responder]', '  fail: [reacquire]'), 's.yaml');
    expect(bug.issues.map(formatIssue)).toEqual([]);
    expect(bug.scenario?.profile).toBe('cilium-1.14');
    const finding = parseScenarioText(withLines(4, 5, '  name: base\n  bug: { id: L01, repo: l2lab, affected: [cilium-1.16], fixed: [reference] }').replace('  hold: [one-responder]', '  fail: [failover-bound]'), 's.yaml');
    expect(finding.issues.map(formatIssue)).toEqual([]);
  });

  it('reports lease-timing corrections as warnings and runs with the corrected values', () => {
    const result = parseScenarioText(withLine(7, 'timings: { leaseDuration: 2s, renewDeadline: 2s, retryPeriod: 200ms }'), 's.yaml');
    expect(result.issues).toEqual([]);
    expect(result.warnings.map(formatIssue)).toEqual(['s.yaml:7: timings.renewDeadline: lease duration must exceed the renew deadline; Cilium uses duration/2: Cilium runs with renewDeadline 1s instead of 2s']);
    expect(result.scenario?.timing.effective).toEqual({ leaseDurationMs: 2_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 });
  });
});

describe('topology.clients[].node (C15: a prober on a node)', () => {
  it("takes the node's MAC and address on the client's segment, and renders back as node", () => {
    const result = parseScenarioText(withLine(18, '      segment: lan\n      node: n2'), 's.yaml');
    expect(result.issues.map(formatIssue)).toEqual([]);
    const n2 = result.scenario?.topology.nodes.find((n) => n.name === 'n2')?.interfaces[0];
    expect(result.scenario?.topology.clients[0]).toMatchObject({ name: 'c1', node: 'n2', mac: n2?.mac, ip: n2?.ip });
  });

  it.each([
    ['an unknown node', '      segment: lan\n      node: n9', 's.yaml:19: topology.clients[0].node: unknown node "n9": expected one of n1, n2'],
    ['its own MAC as well', '      segment: lan\n      node: n1\n      mac: 02:00:00:00:00:99', "s.yaml:20: topology.clients[0].mac: a client on node n1 uses that node's MAC: leave mac out"],
  ])('reports %s', (_what, lines, expected) => {
    expect(parseScenarioText(withLine(18, lines), 's.yaml').issues.map(formatIssue)).toEqual([expected]);
  });
});

describe('parseScenarioText: every problem as file:line: path: message', () => {
  const cases: [string, string, string[]][] = [
    // Syntax and shape
    ['YAML syntax error', withLine(6, 'duration: [30s'), ['s.yaml:7:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['two documents', `${BASE_SCENARIO}---\nkind: Scenario\n`, ['s.yaml:43: expected one scenario per file, found 2 YAML documents']],
    ['wrong apiVersion', withLine(1, 'apiVersion: l2lab.io/v1'), ['s.yaml:1: apiVersion: expected "l2lab.io/v1alpha1", got "l2lab.io/v1"']],
    ['unknown field', withAppended('colour: blue\n'), ["s.yaml:42: colour: unknown field 'colour'"]],
    ['missing duration', withLine(6, ''), ['s.yaml:1: duration: required field missing (expected a duration like 3s, 200ms or 1m30s)']],
    ['duration as a number', withLine(6, 'duration: 30'), ['s.yaml:6: duration: expected a duration like 3s, 200ms or 1m30s, got number 30']],
    ['duration with a unit Go does not know', withLine(6, 'duration: 30sec'), ['s.yaml:6: duration: expected a duration like 3s, 200ms or 1m30s, got "30sec"']],
    ['sub-millisecond duration', withLine(6, 'duration: 1.0005s'), ['s.yaml:6: duration: expected whole milliseconds, got "1.0005s" (1000.5ms)']],
    ['zero duration', withLines(6, 6, 'duration: 0s').replace('  - at: 10s', '  - at: 0s'), ['s.yaml:6: duration: expected a duration above 0s']],
    ['unknown world', withLine(6, 'duration: 30s\nworlds: [sim, kind]'), ['s.yaml:7: worlds[1]: expected one of "sim", "lab", "cluster", got "kind"']],
    ['world listed twice', withLine(6, 'duration: 30s\nworlds: [sim, sim]'), ['s.yaml:7: worlds[1]: sim is listed twice']],
    // Profiles, timings
    ['unknown profile', withLine(5, 'profile: cilium-9.9'), [`s.yaml:5: profile: unknown profile "cilium-9.9": expected one of ${PROFILE_NAMES}`]],
    ['unknown timing preset', withLine(7, 'timings: slow'), ['s.yaml:7: timings: expected a preset (fast, cilium-default) or a mapping with leaseDuration, renewDeadline, retryPeriod, got "slow"']],
    ['bad timing field', withLine(7, 'timings: { leaseDuration: 3s, renewDeadline: 1 }'), ['s.yaml:7: timings.renewDeadline: expected a duration like 3s, 200ms or 1m30s, got number 1']],
    ['client rate limit burst 0', withLine(7, 'timings: fast\nclientRateLimit: { qps: 5, burst: 0 }'), ['s.yaml:8: clientRateLimit.burst: expected at least 1, got 0']],
    // Topology
    ['interface name longer than IFNAMSIZ', withLine(13, '      interfaces: [{ name: enp0s31f6-data-x, segment: lan }]'), ['s.yaml:13: topology.nodes[0].interfaces[0].name: expected an interface name of at most 15 characters (Linux IFNAMSIZ), got "enp0s31f6-data-x"']],
    ['interface on an unknown segment', withLine(13, '      interfaces: [{ name: eth0, segment: wan }]'), ['s.yaml:13: topology.nodes[0].interfaces[0].segment: unknown segment "wan": expected one of lan']],
    ['interface twice on a node', withLine(13, '      interfaces: [{ name: eth0, segment: lan }, { name: eth0, segment: lan }]'), ['s.yaml:13: topology.nodes[0].interfaces[1].name: interface eth0 is defined twice on node n1']],
    ['no default address left', withLine(10, '    - name: lan\n      subnet: 198.18.0.0/28'), ['s.yaml:18: topology.clients[0].ip: no default address left in 198.18.0.0/28: give an ip']],
    ['node defined twice', withLine(14, '    - name: n1'), ['s.yaml:14: topology.nodes[1].name: node n1 is defined twice']],
    ['segment defined twice', withLine(10, '    - name: lan\n    - name: lan'), ['s.yaml:11: topology.segments[1].name: segment lan is defined twice']],
    ['node name not a DNS label', withLine(12, '    - name: Node_1'), ["s.yaml:12: topology.nodes[0].name: expected a node name: lowercase letters, digits and '-' (RFC 1123 label), got \"Node_1\""]],
    ['client on an unknown segment', withLine(18, '      segment: wan'), ['s.yaml:18: topology.clients[0].segment: unknown segment "wan": expected one of lan']],
    ['client named like a node', withLine(17, '    - name: n2'), ['s.yaml:17: topology.clients[0].name: n2 is already a node name: nodes and clients share one namespace (history processes)']],
    ['address outside the segment subnet', withLine(13, '      interfaces: [{ name: eth0, segment: lan, ip: 10.0.0.1 }]'), ["s.yaml:13: topology.nodes[0].interfaces[0].ip: 10.0.0.1 is outside segment lan's subnet 198.18.0.0/24"]],
    ['MAC used twice', withLine(15, '      interfaces: [{ name: eth0, segment: lan, mac: "02:00:00:00:00:00" }]'), ['s.yaml:15: topology.nodes[1].interfaces[0].mac: MAC 02:00:00:00:00:00 is already used by node n1 interface eth0']],
    ['arp_accept out of range', withLine(18, '      segment: lan\n      arp: { arpAccept: 3 }'), ['s.yaml:19: topology.clients[0].arp.arpAccept: expected 0, 1 or 2 (net.ipv4.conf.*.arp_accept), got 3']],
    ['unknown ARP setting', withLine(18, '      segment: lan\n      arp: { arp_accept: 1 }'), ["s.yaml:19: topology.clients[0].arp.arp_accept: unknown field 'arp_accept'"]],
    // Manifests
    ['invalid object in the embedded string', withLine(26, '      - cidr: 198.18.0.999/28'), ['s.yaml:26: CiliumLoadBalancerIPPool/lan: spec.blocks[0].cidr: expected a CIDR, like 192.168.1.0/24 or 2001:db8::/64, got "198.18.0.999/28"']],
    ['invalid object in the list form', withLines(19, 34, 'manifests:\n  - apiVersion: v1\n    kind: Service\n    metadata: { name: web, namespace: default }\n    spec:\n      type: Balancer'), ['s.yaml:24: Service/web: spec.type: expected one of "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", got "Balancer"']],
    ['a Node in the manifests', withLine(27, '  ---\n  apiVersion: v1\n  kind: Node\n  metadata: { name: n1 }\n  ---'), ['s.yaml:28: Node/n1: Nodes come from topology.nodes (put labels and interfaces there); remove this Node']],
    ['a manifest file not loaded', withLine(34, '    type: LoadBalancer\nmanifestFiles: [extra.yaml]'), ['s.yaml:35: manifestFiles[0]: cannot read manifest file extra.yaml: not loaded (parse with loadScenario)']],
    ['an unreadable manifest file', withLine(34, '    type: LoadBalancer\nmanifestFiles: [extra.yaml]'), ['s.yaml:35: manifestFiles[0]: cannot read manifest file extra.yaml: no such file or directory']],
    // Nemesis
    ['unknown action', withLine(38, '    action: reboot'), ['s.yaml:38: nemesis[0].action: expected one of kill-node, restart-node, kill-agent, restart-agent, freeze, thaw, partition-api, heal-api, api-outage, api-restore, restart-operator, heal-nodes, link-down, link-up, segment-down, segment-up, netem, netem-clear, partition-nodes, patch-lease, edit, apply, delete, got "reboot"']],
    ['field of another action', withLine(39, '    node: n1\n    segment: lan'), ["s.yaml:40: nemesis[0].segment: unknown field 'segment'"]],
    ['unknown node', withLine(39, '    node: n9'), ['s.yaml:39: nemesis[0].node: unknown node n9: expected one of n1, n2']],
    ['holder-of an unknown service', withLine(39, '    node: { holder-of: default/api }'), ['s.yaml:39: nemesis[0].node.holder-of: unknown service default/api: expected one of default/web']],
    ['holder-of without a namespace', withLine(39, '    node: { holder-of: web }'), ['s.yaml:39: nemesis[0].node.holder-of: expected a service as <namespace>/<name>, like default/web, got "web"']],
    ['a node target of the wrong shape', withLine(39, '    node: { leader: default/web }'), ['s.yaml:39: nemesis[0].node: expected a node name, {holder-of: <namespace>/<service>} or {target-of: <step id>}']],
    ['target-of an unknown step', step('  - at: 12s\n    action: thaw\n    node: { target-of: freeze }'), ['s.yaml:42: nemesis[1].node.target-of: no earlier step with id freeze']],
    ['target-of a step without a node', step('  - at: 12s\n    id: outage\n    action: api-outage\n  - at: 13s\n    action: thaw\n    node: { target-of: outage }'), ['s.yaml:45: nemesis[2].node.target-of: step outage (api-outage) has no node target']],
    ['step id used twice', step('  - at: 12s\n    id: kill\n    action: api-outage'), ['s.yaml:41: nemesis[1].id: step id kill is used by an earlier step']],
    ['step after the duration', withLine(36, '  - at: 31s'), ["s.yaml:36: nemesis[0].at: step at 31s is after the scenario's duration 30s"]],
    ['inverse after the duration', step('    for: 25s'), ["s.yaml:40: nemesis[0].for: the inverse restart-node at 35s is after the scenario's duration 30s"]],
    ['for on an action without inverse', step('  - at: 12s\n    action: restart-operator\n    for: 1s'), ["s.yaml:42: nemesis[1].for: restart-operator has no inverse action; 'for' is for kill-node, kill-agent, freeze, partition-api, api-outage, link-down, segment-down, netem, partition-nodes"]],
    ['repetitions past the duration', step('    repeat: { every: 10s, times: 4 }'), ["s.yaml:40: nemesis[0].repeat: the last repetition at 40s is after the scenario's duration 30s"]],
    ['for as long as the repeat interval', step('    for: 5s\n    repeat: { every: 5s, times: 2 }'), ['s.yaml:40: nemesis[0].for: expected less than repeat.every (5s): occurrences would overlap']],
    ['link-down on an unknown interface', step('  - at: 12s\n    action: link-down\n    node: n2\n    iface: eth7'), ['s.yaml:43: nemesis[1].iface: unknown interface eth7 on node n2: expected one of eth0']],
    ['segment-down of an unknown segment', step('  - at: 12s\n    action: segment-down\n    segment: wan'), ['s.yaml:42: nemesis[1].segment: unknown segment wan: expected one of lan']],
    ['netem on both a node and a client', step('  - at: 12s\n    action: netem\n    node: n1\n    client: c1\n    loss: 10'), ['s.yaml:40: nemesis[1]: expected exactly one of node or client']],
    ['netem with jitter only', step('  - at: 12s\n    action: netem\n    node: n1\n    iface: mgmt\n    jitter: 5ms'), ['s.yaml:40: nemesis[1]: expected delay and/or loss', 's.yaml:44: nemesis[1].jitter: jitter needs a delay']],
    ['netem loss above 100 %', step('  - at: 12s\n    action: netem\n    client: c1\n    loss: 120'), ['s.yaml:43: nemesis[1].loss: expected a percentage from 0 to 100, got 120']],
    ['partition with one group', step('  - at: 12s\n    action: partition-nodes\n    groups: [[n1, n2]]'), ['s.yaml:42: nemesis[1].groups: expected at least two groups']],
    ['a node in two partition groups', step('  - at: 12s\n    action: partition-nodes\n    groups: [[n1], [n2, n1]]'), ['s.yaml:42: nemesis[1].groups[1][1]: node is in more than one group']],
    ['patch-lease of an unknown service', step('  - at: 12s\n    action: patch-lease\n    service: default/api\n    holder: ghost'), ['s.yaml:42: nemesis[1].service: unknown service default/api: expected one of default/web']],
    ['edit of an unknown object', step('  - at: 12s\n    action: edit\n    kind: Service\n    name: api\n    patch: { spec: { type: LoadBalancer } }'), ['s.yaml:43: nemesis[1].name: no Service default/api in the manifests']],
    ['edit of a cluster-scoped kind with a namespace', step('  - at: 12s\n    action: edit\n    kind: Node\n    namespace: default\n    name: n1\n    patch: { metadata: { labels: { a: b } } }'), ['s.yaml:43: nemesis[1].namespace: Node is cluster-scoped; leave namespace out']],
    ['edit that makes the object invalid', step('  - at: 12s\n    action: edit\n    kind: CiliumLoadBalancerIPPool\n    name: lan\n    patch:\n      spec:\n        blocks: [{ cidr: 300.0.0.0/8 }]'), ['s.yaml:46: nemesis[1].patch.spec.blocks[0].cidr: the patched CiliumLoadBalancerIPPool would be invalid: spec.blocks[0].cidr: expected a CIDR, like 192.168.1.0/24 or 2001:db8::/64, got "300.0.0.0/8"']],
    ['edit that is not a merge patch', step('  - at: 12s\n    action: edit\n    kind: Service\n    name: web\n    patch: [1]'), ['s.yaml:44: nemesis[1].patch: expected a JSON merge patch (a mapping), got a list']],
    ['apply of an invalid object', step('  - at: 12s\n    action: apply\n    object:\n      apiVersion: v1\n      kind: Service\n      metadata: { name: api, namespace: default }\n      spec: { type: LoadBalancer, ports: [{ port: 0 }] }'), ['s.yaml:46: Service/api: spec.ports[0].port: Too small: expected number to be >=1, got 0']],
    ['mayMoveIpsOf an unknown service', step('  - at: 12s\n    action: delete\n    kind: Service\n    name: web\n    mayMoveIpsOf: [default/api]'), ['s.yaml:44: nemesis[1].mayMoveIpsOf[0]: unknown service default/api: expected one of default/web']],
    // Workload, expectations
    ['probes from an unknown client to an unknown service', withLine(41, '  hold: [one-responder]\nworkload:\n  probes:\n    - clients: [c9]\n      services: [default/api]'), ['s.yaml:44: workload.probes[0].clients[0]: unknown client c9: expected one of c1', 's.yaml:45: workload.probes[0].services[0]: unknown service default/api: expected one of default/web']],
    ['unknown invariant', withLine(41, '  hold: [one-responder, no-split-brain]'), ['s.yaml:41: expectations.hold[1]: unknown invariant "no-split-brain": expected one of lease-scope, one-responder, holder-eligible, holder-answers, ip-stability, pool-bounds, shared-ip-one-node, iface-scope, failover-bound, reacquire, new-ip-announced, lease-load']],
    ['invariant in two lists', withLine(41, '  hold: [one-responder]\n  ignore: [one-responder]'), ['s.yaml:42: expectations.ignore[0]: one-responder is already listed in expectations.hold']],
    ['unknown bound', withLine(41, '  hold: [one-responder]\n  bounds: { splitBrain: 1s }'), ["s.yaml:42: expectations.bounds.splitBrain: unknown field 'splitBrain'"]],
    ['unknown failover component', withLine(41, '  hold: [one-responder]\n  failover: { takeover: 5s }'), ["s.yaml:42: expectations.failover.takeover: unknown field 'takeover'"]],
    // Bugs
    ['bug without the invariant that catches it', withLine(4, '  name: base\n  bug: { id: C02, affected: [cilium-1.14], fixed: [cilium-1.15] }'), ['s.yaml:41: expectations: a bug scenario names the invariant that catches the bug in expectations.fail']],
    ['bug id not from the catalog', withLine(4, '  name: base\n  bug: { id: bug-2, affected: [cilium-1.14] }'), ['s.yaml:5: metadata.bug.id: expected a bug-catalog id like C02, M03 or K01, got "bug-2"']],
    ['bug without an affected profile', withLine(4, '  name: base\n  bug: { id: C02, affected: [] }'), ['s.yaml:5: metadata.bug.affected: expected at least one affected profile']],
    ['profile both affected and fixed', withLine(4, '  name: base\n  bug: { id: C02, affected: [cilium-1.14], fixed: [cilium-1.14] }').replace('  hold: [one-responder]', '  fail: [reacquire]'), ['s.yaml:5: metadata.bug.fixed[0]: cilium-1.14 is also listed as affected']],
    ['unknown affected profile', withLine(4, '  name: base\n  bug: { id: C02, affected: [cilium-1.13] }'), [`s.yaml:5: metadata.bug.affected[0]: unknown profile "cilium-1.13": expected one of ${PROFILE_NAMES}`]],
    ['bug repo neither owner/name nor l2lab', withLine(4, '  name: base\n  bug: { id: L01, repo: my-lab, affected: [cilium-1.14] }').replace('  hold: [one-responder]', '  fail: [reacquire]'), ['s.yaml:5: metadata.bug.repo: expected <owner>/<repository>, like cilium/cilium, or l2lab (l2lab\'s own finding), got "my-lab"']],
  ];

  it.each(cases)('%s', (name, text, expected) => {
    const options = name === 'an unreadable manifest file' ? { manifestFiles: new Map([['extra.yaml', { error: 'no such file or directory' }]]) } : {};
    expect(issuesOf(text, options)).toEqual(expected);
  });

  it('never throws and returns no scenario when there are issues', () => {
    for (const text of ['', '42', '- a\n- b', 'apiVersion: [', BASE_SCENARIO.replace('topology:', 'topology: 3\nx:')]) {
      const result = parseScenarioText(text, 's.yaml');
      expect(result.scenario).toBeUndefined();
      expect(result.issues.length).toBeGreaterThan(0);
    }
  });
});
