import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../core/object-store.ts';
import { planLab } from '../../lab/topology/plan-lab.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { nemesisTimeline } from '../../scenario/timeline.ts';
import { DOCTOR_TOOLS, type DoctorTool } from '../doctor/doctor-facts.ts';
import { parseRoleList } from '../in-cluster/in-cluster-plan.ts';
import { agentRunEnv, daemonSetForRun, RUN_AGENT_ROLES } from './agent-run-settings.ts';
import { fakeExec } from '../../lab/net/fake-exec.test-helpers.ts';
import { nodeFactsOf, readClusterFacts } from './cluster-facts.ts';
import { defaultContextOf } from './kube-command.ts';
import { planKubeClients } from './kube-clients.ts';
import { decideKubePreflight } from './kube-preflight.ts';
import { planNodeDatapath } from './node-datapath.ts';
import { leaseWatchOp } from './lease-watch-ops.ts';
import { ciliumTimingOf, withoutAgentEvidence } from './cilium-timing.ts';
import { splitUnsupported } from './run-kube-scenario.ts';

const { scenario } = await loadScenario('scenarios/leader-kill.yaml');
if (scenario === undefined) throw new Error('leader-kill.yaml does not load');

const nodeObject = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, namespace: '', labels }, spec });

describe('nodeFactsOf', () => {
  it('tells control planes, cordoned and tainted nodes apart, ignoring condition taints (a kind node without CNI is NotReady)', () => {
    expect(nodeFactsOf(nodeObject('cp', { 'node-role.kubernetes.io/control-plane': '' }))).toMatchObject({ controlPlane: true, schedulable: true });
    expect(nodeFactsOf(nodeObject('w1', {}, { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }))).toMatchObject({ controlPlane: false, schedulable: true });
    expect(nodeFactsOf(nodeObject('w2', {}, { unschedulable: true })).schedulable).toBe(false);
    expect(nodeFactsOf(nodeObject('w3', {}, { taints: [{ key: 'dedicated', effect: 'NoExecute' }] })).schedulable).toBe(false);
    expect(nodeFactsOf(nodeObject('w4', {}, { taints: [{ key: 'dedicated', effect: 'PreferNoSchedule' }] })).schedulable).toBe(true);
  });
});

describe('planKubeClients', () => {
  it('plugs each client into its segment’s bridge with the scenario’s MAC, address, sysctls and pool routes', () => {
    const lab = planLab(scenario, 'k1a2b');
    const plan = planKubeClients(lab, 'k1a2b', 'l2k-k1a2b-host', (segment) => (segment === 'lan' ? 'br-0123456789ab' : undefined));
    const client = plan.clients[0];
    expect(client).toMatchObject({ name: 'c1', netns: 'l2k-k1a2b-c1', bridge: 'br-0123456789ab', iface: lab.clients[0]?.iface, mac: lab.clients[0]?.mac, ip: lab.clients[0]?.ip });
    expect(client?.peer.length).toBeLessThanOrEqual(15);
    const lines = plan.up.map((argv) => argv.join(' '));
    expect(lines).toContain(`ip -n l2k-k1a2b-host link add ${client?.peer} type veth peer name ${client?.iface} netns l2k-k1a2b-c1`);
    expect(lines).toContain(`ip -n l2k-k1a2b-host link set ${client?.peer} master br-0123456789ab up`);
    expect(lines).toContain(`ip -n l2k-k1a2b-c1 addr add ${lab.clients[0]?.ip}/${lab.clients[0]?.prefixLength} dev ${client?.iface}`);
    for (const cidr of lab.localRoutes) expect(lines).toContain(`ip -n l2k-k1a2b-c1 route replace ${cidr} dev ${client?.iface}`);
    expect(lines.some((l) => l.startsWith('ip netns exec l2k-k1a2b-c1 sysctl -q -w '))).toBe(true);
    expect(plan.down.map((a) => a.join(' '))).toEqual([`ip -n l2k-k1a2b-host link del ${client?.peer}`, 'ip netns del l2k-k1a2b-c1']);
  });

  it('refuses a client whose segment has no bridge', () => {
    expect(() => planKubeClients(planLab(scenario, 'k1'), 'k1', 'h', () => undefined)).toThrow('placing client c1: no cluster network bridge for its segment lan (no node interface on it)');
  });
});

describe('daemonSetForRun', () => {
  const ds: KubeObject = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'l2lab-agent', namespace: 'l2lab-k1', resourceVersion: '42' },
    spec: { selector: {}, template: { metadata: {}, spec: { hostNetwork: true, containers: [{ name: 'agent', image: 'l2lab-responder:k1', args: ['cluster-proc', 'node'], env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, { name: 'L2LAB_PROFILE', value: 'cilium-1.16' }] }] } } },
  };
  const settings = { epochMonoNs: '123456789', profile: 'cilium-1.15', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500, echoPorts: [7, 80], seed: 5, stateDir: '/var/run/l2lab/k1' };

  it('sets the run’s epoch, profile, timings and echo role on the agent container, keeping the rest', () => {
    const out = daemonSetForRun(ds, settings) as unknown as { metadata: { resourceVersion: string }; spec: { template: { spec: { hostNetwork: boolean; containers: { args: string[]; env: { name: string; value?: string; valueFrom?: unknown }[]; image: string }[] } } } };
    const container = out.spec.template.spec.containers[0];
    expect(out.metadata.resourceVersion).toBe('42');
    expect(out.spec.template.spec.hostNetwork).toBe(true);
    expect(container?.image).toBe('l2lab-responder:k1');
    expect(container?.args).toEqual(['cluster-proc', 'datapath,agent,echo']);
    expect(container?.env.find((e) => e.name === 'NODE_NAME')?.valueFrom).toBeDefined();
    expect(container?.env.filter((e) => e.name === 'L2LAB_PROFILE')).toEqual([{ name: 'L2LAB_PROFILE', value: 'cilium-1.15' }]);
    expect(agentRunEnv(settings)).toMatchObject({ L2LAB_EPOCH_MONO_NS: '123456789', L2LAB_LEASE_DURATION: '3000ms', L2LAB_LEASE_RENEW_DEADLINE: '2000ms', L2LAB_LEASE_RETRY_PERIOD: '500ms', L2LAB_ECHO_PORTS: '7,80', L2LAB_SEED: '5', L2LAB_STATE_DIR: '/var/run/l2lab/k1' });
  });

  it('names roles the image’s entrypoint knows', () => {
    expect(parseRoleList(RUN_AGENT_ROLES)).toEqual(['datapath', 'agent', 'echo']);
  });

  it('refuses a DaemonSet without a container', () => {
    expect(() => daemonSetForRun({ ...ds, spec: { template: { spec: { containers: [] } } } }, settings)).toThrow('setting the run on DaemonSet l2lab-k1/l2lab-agent: it has no container');
  });
});

describe('decideKubePreflight', () => {
  const tools = (missing: readonly DoctorTool[] = []): Record<DoctorTool, boolean> => Object.fromEntries(DOCTOR_TOOLS.map((t) => [t, !missing.includes(t)])) as Record<DoctorTool, boolean>;
  const daemon = { reachable: true, endpoint: 'unix:///var/run/docker.sock' };

  it('asks kind and Talos runs for root, the netns tools and a Docker daemon, each with its install command', () => {
    expect(decideKubePreflight({ uid: 0, tools: tools(), defaultDaemon: daemon }, 'kind', '/k')).toEqual([]);
    const missing = decideKubePreflight({ uid: 1000, tools: tools(['tcpdump']), defaultDaemon: { reachable: false, endpoint: 'unix:///var/run/docker.sock', error: 'no socket' } }, 'talos', undefined);
    expect(missing.map((m) => `${m.what} → ${m.fix}`)).toEqual([
      'a kubeconfig → pass --kubeconfig (l2lab cluster up --provider talos writes .cache/cluster/<run>/kubeconfig)',
      'root → run as root: the clients are network namespaces on the cluster bridge, and tcpdump captures there',
      'tcpdump → apt-get install -y tcpdump',
      'a Docker daemon at unix:///var/run/docker.sock (no socket) → dockerd & (or: systemctl start docker)',
    ]);
  });

  it('asks a kubeconfig run for the kubeconfig only', () => {
    expect(decideKubePreflight({ uid: 1000, tools: tools(['docker', 'tcpdump']), defaultDaemon: daemon }, 'kubeconfig', '/k')).toEqual([]);
  });
});

describe('run parts', () => {
  it('records what the world cannot do as skipped and unsupported, at its time, and performs the rest', () => {
    const timeline = nemesisTimeline(scenario);
    const { performed, skipped } = splitUnsupported(timeline, { unsupported: { 'restart-agent': 'not here' } });
    expect(performed.map((t) => t.action.action)).toEqual(['kill-agent']);
    expect(skipped).toEqual([{ atMs: 25_000, occurrence: expect.any(String), action: 'restart-agent', outcome: 'skipped', reason: 'not here', unsupported: true, inverseOf: expect.any(String) }]);
  });

  it('picks the context each provider’s tool writes', () => {
    expect(defaultContextOf('kind', 'l2lab-k1')).toBe('kind-l2lab-k1');
    expect(defaultContextOf('talos', 'l2lab-k1')).toBe('admin@l2lab-k1');
    expect(defaultContextOf('kubeconfig', 'x')).toBeUndefined();
  });
});

describe('planNodeDatapath', () => {
  it('routes the pools local, silences the kernel’s ARP on data interfaces and routes each client on-link on its segment, and undoes it', () => {
    const plan = planNodeDatapath([{ netns: 'l2k-r-kw1', interfaces: [{ name: 'eth0', segment: 'lan' }, { name: 'eth1', segment: 'data2' }] }], ['198.18.0.240/28'], [{ ip: '198.18.0.200', segment: 'lan' }, { ip: '198.19.0.9', segment: 'other' }]);
    expect(plan.up.map((a) => a.join(' '))).toEqual([
      'ip netns exec l2k-r-kw1 sysctl -q -w net/ipv4/conf/eth0/arp_ignore=1',
      'ip netns exec l2k-r-kw1 sysctl -q -w net/ipv4/conf/eth1/arp_ignore=1',
      'ip -n l2k-r-kw1 route replace local 198.18.0.240/28 dev lo',
      'ip -n l2k-r-kw1 route replace 198.18.0.200/32 dev eth0',
    ]);
    expect(plan.down.map((a) => a.join(' '))).toEqual([
      'ip netns exec l2k-r-kw1 sysctl -q -w net/ipv4/conf/eth0/arp_ignore=0',
      'ip netns exec l2k-r-kw1 sysctl -q -w net/ipv4/conf/eth1/arp_ignore=0',
      'ip -n l2k-r-kw1 route del local 198.18.0.240/28 dev lo',
      'ip -n l2k-r-kw1 route del 198.18.0.200/32 dev eth0',
    ]);
  });
});

describe('ciliumTimingOf', () => {
  it('reads the cluster Cilium’s Lease timing from cilium-config, defaults for absent keys, corrected as the agent does', () => {
    expect(ciliumTimingOf({})).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 });
    expect(ciliumTimingOf({ 'l2-announcements-lease-duration': '3s', 'l2-announcements-renew-deadline': '2s', 'l2-announcements-retry-period': '500ms' })).toEqual({ leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 });
    expect(ciliumTimingOf({ 'l2-announcements-lease-duration': '2s', 'l2-announcements-renew-deadline': '5s' }).renewDeadlineMs).toBe(1_000);
    expect(() => ciliumTimingOf({ 'l2-announcements-retry-period': 'soon' })).toThrow(/cilium-config l2-announcements-retry-period: expected a duration/);
  });
});

describe('withoutAgentEvidence', () => {
  it('reports the invariants that need the agents’ own ops only, keeping the wire and API ones expected', () => {
    const { expected, moved } = withoutAgentEvidence({ mustHold: ['one-responder', 'failover-bound', 'lease-scope'], mustFail: ['reacquire'], ignored: ['ip-stability'], affected: true });
    expect(expected.mustHold).toEqual(['one-responder']);
    expect(expected.mustFail).toEqual([]);
    expect(expected.ignored).toEqual(expect.arrayContaining(['ip-stability', 'failover-bound', 'lease-scope', 'reacquire', 'holder-answers']));
    expect(moved).toEqual(['failover-bound', 'lease-scope', 'reacquire']);
  });
});

describe('leaseWatchOp', () => {
  const lease = (holder: string): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'cilium-l2announce-default-web', namespace: 'kube-system' }, spec: { holderIdentity: holder } });
  it('records a became-leader when a run node takes a Lease, nothing for a renewal, a release or another holder', () => {
    const holders = new Map<string, string>();
    const nodes = new Set(['kw1', 'kw2']);
    expect(leaseWatchOp({ type: 'ADDED', object: lease('kw1') }, holders, nodes)).toEqual({ process: 'kw1', type: 'info', f: 'became-leader', value: { lease: 'cilium-l2announce-default-web', source: 'lease-watch' } });
    expect(leaseWatchOp({ type: 'MODIFIED', object: lease('kw1') }, holders, nodes)).toBeUndefined();
    expect(leaseWatchOp({ type: 'MODIFIED', object: lease('') }, holders, nodes)).toBeUndefined();
    expect(leaseWatchOp({ type: 'MODIFIED', object: lease('kw2') }, holders, nodes)?.process).toBe('kw2');
    expect(leaseWatchOp({ type: 'MODIFIED', object: lease('kind-control-plane_1234') }, holders, nodes)).toBeUndefined();
    expect(leaseWatchOp({ type: 'DELETED', object: lease('kind-control-plane_1234') }, holders, nodes)).toBeUndefined();
    expect(leaseWatchOp({ type: 'ADDED', object: lease('kw2') }, holders, nodes)?.process).toBe('kw2');
  });
});

describe('readClusterFacts (kind, fakes)', () => {
  it('attaches each node container’s netns, reads its Ethernet MACs and the control planes’ addresses', async () => {
    const nodes = [nodeObject('k-control-plane', { 'node-role.kubernetes.io/control-plane': '' }), nodeObject('k-worker', { 'l2lab.io/announce': 'true' })];
    const links = JSON.stringify([{ ifindex: 1, ifname: 'lo', address: '00:00:00:00:00:00', link_type: 'loopback' }, { ifindex: 9, ifname: 'eth0', address: '02:42:ac:12:00:03', link_type: 'ether' }, { ifindex: 11, ifname: 'eth1', address: '02:42:c6:13:a5:03', link_type: 'ether' }]);
    const { exec, calls } = fakeExec((call) => {
      if (call.file === 'docker' && call.args.includes('{{.State.Pid}}')) return call.args.at(-1) === 'k-worker' ? '4242\n' : '4141\n';
      if (call.file === 'docker') return '172.18.0.2 198.19.165.2 \n';
      if (call.file === 'ip' && call.args[0] === '-j') return links;
      return undefined;
    });
    const attached: string[] = [];
    const facts = await readClusterFacts({ provider: 'kind', target: 'l2lab', clusterName: 'k', runId: 'r1', serverUrl: 'https://127.0.0.1:39211', store: { list: () => Promise.resolve(nodes) }, exec, attached });
    expect(attached).toEqual(['l2k-r1-k-control-plane', 'l2k-r1-k-worker']);
    expect(facts.nodes.find((n) => n.name === 'k-worker')).toEqual({ name: 'k-worker', labels: { 'l2lab.io/announce': 'true' }, controlPlane: false, schedulable: true, container: 'k-worker', macs: { eth0: '02:42:ac:12:00:03', eth1: '02:42:c6:13:a5:03' } });
    expect(facts.apiServer).toEqual({ addresses: ['172.18.0.2', '198.19.165.2'], port: 6443 });
    expect(calls.map((c) => `${c.file} ${c.args.join(' ')}`)).toContain('ip netns attach l2k-r1-k-worker 4242');
  });

  it('takes a kubeconfig cluster’s API address from the server URL and looks inside nothing', async () => {
    const { exec, calls } = fakeExec();
    const facts = await readClusterFacts({ provider: 'kubeconfig', target: 'cilium', clusterName: '', runId: 'r1', serverUrl: 'https://198.18.0.2:6443', store: { list: () => Promise.resolve([nodeObject('a', {})]) }, exec, attached: [] });
    expect(facts.apiServer).toEqual({ addresses: ['198.18.0.2'], port: 6443 });
    expect(facts.nodes[0]?.macs).toEqual({});
    expect(calls).toEqual([]);
  });
});
