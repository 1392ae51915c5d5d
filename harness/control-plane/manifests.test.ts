import { describe, expect, it } from 'vitest';
import { loadManifests, parseManifests } from './manifests.ts';

describe('loadManifests', () => {
  it('reads the CRDs and RBAC the harness installs', async () => {
    const objects = await loadManifests();
    const names = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(names).toEqual(expect.arrayContaining([
      'CustomResourceDefinition/ciliuml2announcementpolicies.cilium.io',
      'CustomResourceDefinition/ciliumloadbalancerippools.cilium.io',
      'ClusterRole/l2lab:agent',
      'ClusterRole/l2lab:lbipam-operator',
    ]));
    const pool = objects.find((o) => o.metadata?.name === 'ciliumloadbalancerippools.cilium.io') as unknown as {
      spec: { versions: { name: string; storage: boolean; schema: { openAPIV3Schema: unknown } }[] };
    };
    expect(pool.spec.versions.map((v) => [v.name, v.storage])).toEqual([['v2alpha1', false], ['v2', true]]);
    // one schema for both versions (no conversion webhook)
    expect(pool.spec.versions[0]?.schema).toEqual(pool.spec.versions[1]?.schema);
  });

  it('names the file of a YAML error', () => {
    expect(() => parseManifests('a: [', 'x.yaml')).toThrow(/^reading x.yaml: /);
  });
});
