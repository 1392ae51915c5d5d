import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run, scratchDir } from './test-io.ts';

const scratch = scratchDir('l2lab-cli-test-');
const dir = scratch.path;
const file = scratch.file;
afterAll(scratch.remove);

const SEED = 'fixtures/seed-manifests';

describe('l2lab CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toContain('check');
  });

  it('check on a seed manifest exits 0 and reports the pool', async () => {
    const { code, out } = await run('check', '-f', `${SEED}/talos-default.yaml`, '--profile', 'cilium-1.18');
    expect(code).toBe(0);
    expect(out).toMatch(/default\s+5\s+0\s+5\s+no/);
  });

  it('check accepts directories and --values', async () => {
    const manifests = join(dir, 'manifests');
    const { cp, mkdir } = await import('node:fs/promises');
    await mkdir(join(manifests, 'nested'), { recursive: true });
    await cp(`${SEED}/talos-default.yaml`, join(manifests, 'talos-default.yaml'));
    await cp(`${SEED}/talos-webpool.yaml`, join(manifests, 'talos-webpool.yaml'));
    await cp(`${SEED}/homelab-gateway.yaml`, join(manifests, 'nested', 'homelab-gateway.yml'));
    const { code, out } = await run('check', '-f', manifests, '--values', `${SEED}/talos-webpool-values.yaml`, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { pools: { name: string }[]; skipped: unknown[] };
    expect(report.pools.map((p) => p.name).sort()).toEqual(['address-pool', 'default', 'web-pool']);
  });

  it('malformed input: exit 2, every problem with file:line and field path, no stack trace', async () => {
    const bad = file('bad.yaml', 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: { name: p }\nspec:\n  blocks:\n    - cidr: 10.0.0.0/33\n  colour: red\n');
    const { code, err, out } = await run('check', '-f', bad);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('l2lab: checking manifests: 2 problems in the input');
    expect(err).toContain(`${bad}:6: CiliumLoadBalancerIPPool/p: spec.blocks[0].cidr: expected a CIDR`);
    expect(err).toContain(`${bad}:7: CiliumLoadBalancerIPPool/p: spec.colour: unknown field 'colour'`);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('malformed YAML: exit 2 with line and column', async () => {
    const bad = file('broken.yaml', 'apiVersion: v1\nkind: Service\nmetadata: { name: [unclosed\n');
    const { code, err } = await run('check', '-f', bad);
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`${bad}:\\d+:\\d+: invalid YAML`));
  });

  it('a Helm values file among manifests is named as not a Kubernetes object', async () => {
    const { code, err } = await run('check', '-f', `${SEED}/talos-webpool-values.yaml`);
    expect(code).toBe(2);
    expect(err).toContain('talos-webpool-values.yaml:2: expected a Kubernetes object with string fields apiVersion and kind');
  });

  it('a missing file or an empty directory: exit 2 naming it', async () => {
    expect((await run('check', '-f', join(dir, 'nope.yaml'))).err).toContain('nope.yaml:0: no such file or directory');
    const empty = join(dir, 'empty');
    await import('node:fs/promises').then((fs) => fs.mkdir(empty, { recursive: true }));
    const { code, err } = await run('check', '-f', empty);
    expect(code).toBe(2);
    expect(err).toContain('no .yaml, .yml or .json files in it');
  });

  it('bad Helm values: exit 2 with the field path', async () => {
    const values = file('values.yaml', 'l2announcements:\n  enabled: true\n  leaseDuration: 15\n');
    const { code, err } = await run('check', '-f', `${SEED}/talos-default.yaml`, '--values', values);
    expect(code).toBe(2);
    expect(err).toContain(`${values}:3: l2announcements.leaseDuration: expected a Go duration string`);
  });

  it('unknown options and profiles: exit 2 with usage help', async () => {
    expect((await run('check', '-f', `${SEED}/talos-default.yaml`, '--profile', 'cilium-9.9')).code).toBe(2);
    const { code, err } = await run('check', '-f', `${SEED}/talos-default.yaml`, '--frobnicate');
    expect(code).toBe(2);
    expect(err).toContain("unknown option '--frobnicate'");
  });

  it('--fail-on warning exits 1 when warnings exist, 0 without the flag', async () => {
    const args = ['check', '-f', `${SEED}/talos-webpool.yaml`];
    expect((await run(...args)).code).toBe(0);
    expect((await run(...args, '--fail-on', 'warning')).code).toBe(1);
    expect((await run(...args, '--fail-on', 'error')).code).toBe(0);
  });
});
