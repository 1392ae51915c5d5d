/**
 * Golden outputs of `l2lab check` on the seed manifests (real homelab setups), per profile. The
 * files under fixtures/golden/ were reviewed by hand against the spec; a change in output must be
 * a deliberate one: regenerate with `UPDATE_GOLDEN=1 vitest run harness/check/golden.test.ts` and
 * review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCheck } from './run-check.ts';

const SEED = 'fixtures/seed-manifests';
const CASES: { name: string; files: string[]; values?: string; profile: string }[] = [
  { name: 'homelab-gateway.cilium-1.16', files: [`${SEED}/homelab-gateway.yaml`], profile: 'cilium-1.16' },
  { name: 'homelab-cluster.cilium-1.16', files: [`${SEED}/homelab-gateway.yaml`, 'fixtures/examples/homelab-cluster.yaml'], profile: 'cilium-1.16' },
  { name: 'homelab-cluster.cilium-1.20.2', files: [`${SEED}/homelab-gateway.yaml`, 'fixtures/examples/homelab-cluster.yaml'], profile: 'cilium-1.20.2' },
  { name: 'talos-default.cilium-1.18', files: [`${SEED}/talos-default.yaml`], profile: 'cilium-1.18' },
  { name: 'talos-default.cilium-1.16', files: [`${SEED}/talos-default.yaml`], profile: 'cilium-1.16' },
  { name: 'talos-webpool.cilium-1.16', files: [`${SEED}/talos-webpool.yaml`], profile: 'cilium-1.16' },
  { name: 'talos-webpool-values.cilium-1.16', files: [`${SEED}/talos-webpool.yaml`], values: `${SEED}/talos-webpool-values.yaml`, profile: 'cilium-1.16' },
  { name: 'talos-webpool-values.cilium-1.15', files: [`${SEED}/talos-webpool.yaml`], values: `${SEED}/talos-webpool-values.yaml`, profile: 'cilium-1.15' },
];

async function render(c: (typeof CASES)[number], format: 'text' | 'json'): Promise<string> {
  let out = '';
  await runCheck({ file: c.files, profile: c.profile, format, seed: 1, ...(c.values === undefined ? {} : { values: c.values }) }, (t) => void (out += t));
  return out;
}

describe('check golden outputs (seed manifests)', () => {
  for (const c of CASES) {
    for (const format of ['text', 'json'] as const) {
      it(`${c.name} (${format})`, async () => {
        const path = `fixtures/golden/${c.name}.${format === 'text' ? 'txt' : 'json'}`;
        const actual = await render(c, format);
        if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
        expect(actual).toBe(readFileSync(path, 'utf8'));
      });
    }
  }
});
