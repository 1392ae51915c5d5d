import { describe, expect, it } from 'vitest';
import { parseRoleConfig } from '../../lab/proc/role-config.ts';
import { apiServerUrl, InClusterConfigError, planNodeRoles, planOperatorRole, selectDevices } from './in-cluster-plan.ts';

const interfaces = new Map([
  ['eth0', '02:42:c6:12:00:02'],
  ['eth1', '02:42:c6:13:00:02'],
  ['cilium_host', '0a:00:00:00:00:01'],
]);
const facts = (env: Record<string, string>) => ({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', ...env }, interfaces, token: 'tok\n', caPath: '/sa/ca.crt', nowEpochMonoNs: '123456789' });

describe('planNodeRoles', () => {
  it('plans lab role configs that the lab role schemas accept', () => {
    const plan = planNodeRoles(facts({ NODE_NAME: 'kind-worker', L2LAB_DEVICES: 'eth0 eth1', L2LAB_STATE_DIR: '/state/' }));
    expect(parseRoleConfig('agent', plan.agent, 'agent')).toEqual(plan.agent);
    expect(parseRoleConfig('datapath', plan.datapath, 'datapath')).toEqual(plan.datapath);
    expect(plan.agent.devices).toEqual(['eth0', 'eth1']);
    expect(plan.agent.api).toEqual({ serverUrl: 'https://10.96.0.1:443', caPath: '/sa/ca.crt', token: 'tok' });
    expect(plan.agent.mapPath).toBe('/state/responder-map.json');
    expect(plan.datapath.mapPath).toBe(plan.agent.mapPath);
    expect(plan.agent.timing).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 });
    expect(plan.agent.epochMonoNs).toBe('123456789');
  });

  it('takes timings, epoch, seed, API server and rate limit from the environment', () => {
    const plan = planNodeRoles(facts({ NODE_NAME: 'n1', L2LAB_LEASE_DURATION: '3s', L2LAB_LEASE_RENEW_DEADLINE: '2s', L2LAB_LEASE_RETRY_PERIOD: '500ms', L2LAB_EPOCH_MONO_NS: '42', L2LAB_SEED: '7', L2LAB_API_SERVER: 'https://198.18.4.1:6443', L2LAB_QPS: '5', L2LAB_BURST: '10' }));
    expect(plan.agent.timing).toEqual({ leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 });
    expect(plan.datapath.leaseDurationMs).toBe(3_000);
    expect(plan.agent.epochMonoNs).toBe('42');
    expect(plan.agent.seed).toBe(7);
    expect(plan.agent.api.serverUrl).toBe('https://198.18.4.1:6443');
    expect(plan.agent.rateLimit).toEqual({ qps: 5, burst: 10 });
  });

  it('refuses a missing node name, unmatched devices and bad durations with the variable named', () => {
    expect(() => planNodeRoles(facts({}))).toThrow(/NODE_NAME/);
    expect(() => planNodeRoles(facts({ NODE_NAME: 'n1', L2LAB_DEVICES: 'ens20' }))).toThrow(/ens20.*eth0, eth1/);
    expect(() => planNodeRoles(facts({ NODE_NAME: 'n1', L2LAB_LEASE_DURATION: '15' }))).toThrow(InClusterConfigError);
    expect(() => planNodeRoles({ ...facts({ NODE_NAME: 'n1' }), token: ' ' })).toThrow(/token is empty/);
  });
});

describe('selectDevices', () => {
  it('matches exact names and + prefixes in the node order', () => {
    expect(selectDevices('eth+', interfaces)).toEqual(['eth0', 'eth1']);
    expect(selectDevices('eth1,cilium_host', interfaces)).toEqual(['eth1', 'cilium_host']);
    expect(selectDevices('', interfaces)).toEqual([]);
  });
});

describe('apiServerUrl / planOperatorRole', () => {
  it('brackets an IPv6 service host and refuses when not in a pod', () => {
    expect(apiServerUrl({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' })).toBe('https://[fd00::1]:443');
    expect(() => apiServerUrl({})).toThrow(/not in a pod/);
  });

  it('plans an operator config the schema accepts', () => {
    const config = planOperatorRole(facts({ L2LAB_PROFILE: 'reference' }));
    expect(parseRoleConfig('operator', config, 'op')).toEqual(config);
    expect(config.profile).toBe('reference');
  });
});

describe('role lists, echo and prober', () => {
  it('node is datapath then agent; a comma list keeps its order; unknown roles are refused', async () => {
    const { parseRoleList } = await import('./in-cluster-plan.ts');
    expect(parseRoleList('node')).toEqual(['datapath', 'agent']);
    expect(parseRoleList('datapath,echo')).toEqual(['datapath', 'echo']);
    expect(() => parseRoleList('agent,kubelet')).toThrow(/kubelet|unknown role list/);
  });

  it('plans echo and prober configs the lab schemas accept, without an API token', async () => {
    const { planEchoRole, planProberRole } = await import('./in-cluster-plan.ts');
    const noToken = { ...facts({ NODE_NAME: 'n1', L2LAB_ECHO_PORTS: '7,8080', L2LAB_CLIENT: 'c1', L2LAB_PROBE_SERVICES: 'default/web:7', L2LAB_PROBE_RATE: '10', L2LAB_VIPS_FILE: '/run/vips.json' }), token: undefined };
    const echo = planEchoRole(noToken);
    expect(parseRoleConfig('echo', echo, 'echo')).toEqual(echo);
    expect(echo.ports).toEqual([7, 8080]);
    const prober = planProberRole(noToken);
    expect(parseRoleConfig('prober', prober, 'prober')).toEqual(prober);
    expect(prober.services).toEqual([{ service: 'default/web', port: 7 }]);
    expect(() => planProberRole({ ...noToken, env: { ...noToken.env, L2LAB_PROBE_SERVICES: 'web' } })).toThrow(/namespace\/name:port/);
  });
});
