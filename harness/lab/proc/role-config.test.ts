import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRoleConfig, readRoleConfig, RoleConfigError } from './role-config.ts';

const agent = {
  node: 'n1', profile: 'cilium-1.16', timing: { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 }, leaseNamespace: 'kube-system',
  devices: ['eth0'], interfaceMacs: { eth0: '02:00:00:00:01:01' }, api: { serverUrl: 'https://198.19.248.1:6443', caPath: '/run/ca.crt', token: 'x' },
  mapPath: '/run/n1/responder-map.json', seed: 1, epochMonoNs: '123456789', historyPath: '/run/n1-agent.history.jsonl',
};

describe('role configs', () => {
  it('accepts what the orchestrator writes', () => {
    expect(parseRoleConfig('agent', agent, 'a.json').interfaceMacs).toEqual({ eth0: '02:00:00:00:01:01' });
    expect(parseRoleConfig('datapath', { node: 'n1', interfaces: [{ name: 'eth0', mac: '02:00:00:00:01:01' }], mapPath: '/m', leaseDurationMs: 3000, epochMonoNs: '1', historyPath: '/h' }, 'd.json').leaseDurationMs).toBe(3000);
    expect(parseRoleConfig('prober', { client: 'c1', services: [{ service: 'default/web', port: 7 }], ratePerSecond: 5, timeoutMs: 1000, vipsPath: '/v', epochMonoNs: '1', historyPath: '/h' }, 'p.json').services).toHaveLength(1);
  });

  it('lists every problem with its path, and unknown fields', () => {
    const error = (() => {
      try {
        parseRoleConfig('agent', { ...agent, interfaceMacs: { eth0: 'zz' }, timing: { leaseDurationMs: -1, renewDeadlineMs: 1, retryPeriodMs: 1 }, colour: 'red' }, 'a.json');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RoleConfigError);
    expect((error as RoleConfigError).message).toBe('lab-proc agent: a.json is not a valid agent config (3 problems)');
    expect((error as RoleConfigError).details.join('\n')).toMatch(/timing\.leaseDurationMs: .*\n.*interfaceMacs\.eth0: expected a MAC.*\n\(root\): .*colour/);
  });

  it('names an unreadable or non-JSON file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2lab-role-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{');
      expect(() => readRoleConfig('echo', join(dir, 'bad.json'))).toThrow(/bad\.json is not JSON/);
      expect(() => readRoleConfig('echo', join(dir, 'none.json'))).toThrow(/cannot read the config .*none\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
